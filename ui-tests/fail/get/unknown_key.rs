// Unknown keys are rejected, with the closest known key suggested.
#![allow(unused)]
use velocy::get;

#[get("/", nmae = "home")]
async fn index() {}

fn main() {}
