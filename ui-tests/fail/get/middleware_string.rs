// Middleware are values, not strings.
#![allow(unused)]
use velocy::get;

#[get("/", middleware = ["auth"])]
async fn index() {}

fn main() {}
