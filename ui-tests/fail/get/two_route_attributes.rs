// A handler has one route attribute; `#[route]` takes several methods.
#![allow(unused)]
use velocy::{get, post};

#[get("/users")]
#[post("/users")]
async fn users() {}

fn main() {}
