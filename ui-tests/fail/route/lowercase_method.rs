// Methods are case-sensitive.
#![allow(unused)]
use velocy::route;

#[route("/search", method = ["GET", "post"])]
async fn search() {}

fn main() {}
