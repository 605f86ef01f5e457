// A route must start with `/`.
#![allow(unused)]
use velocy::get;

#[get("users")]
async fn users() {}

fn main() {}
