// `produces`/`consumes` take `type/subtype` media types.
#![allow(unused)]
use velocy::post;

#[post("/", consumes = "json", produces = ["text/*"])]
async fn create() {}

fn main() {}
