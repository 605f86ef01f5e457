// Parameter names start with a letter or `_`.
#![allow(unused)]
use velocy::get;

#[get("/users/:1d")]
async fn user() {}

fn main() {}
