// A trailing `/` is an empty last segment.
#![allow(unused)]
use velocy::get;

#[get("/users/")]
async fn users() {}

fn main() {}
