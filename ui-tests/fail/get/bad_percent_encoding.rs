// Static segments follow RFC 3986: a space must be percent-encoded.
#![allow(unused)]
use velocy::get;

#[get("/hello world")]
async fn hello() {}

fn main() {}
