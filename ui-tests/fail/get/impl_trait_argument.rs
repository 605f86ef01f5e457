// `impl Trait` arguments would make the handler generic.
#![allow(unused)]
use velocy::get;

#[get("/")]
async fn index(value: impl Send) {}

fn main() {}
