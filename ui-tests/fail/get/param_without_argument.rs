// Every path parameter needs an argument of the same name.
#![allow(unused)]
use velocy::get;

#[get("/users/:id")]
async fn show_user() {}

fn main() {}
