// Arguments own their values.
#![allow(unused)]
use velocy::get;

#[get("/hello/:name")]
async fn hello(name: &str) {}

fn main() {}
