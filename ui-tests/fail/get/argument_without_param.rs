// Scalar arguments (integers, floats, bool, char) are bound by name to path parameters only.
#![allow(unused)]
use velocy::get;

#[get("/users")]
async fn list_users(page: u32) {}

fn main() {}
