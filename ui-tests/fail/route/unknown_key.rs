// Unknown keys are rejected, with the closest known key suggested.
#![allow(unused)]
use velocy::route;

#[route("/search", methods = ["GET"])]
async fn search() {}

fn main() {}
