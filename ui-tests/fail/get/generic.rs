// A generic handler cannot be registered: a route needs one concrete function.
#![allow(unused)]
use velocy::get;

#[get("/items/:id")]
async fn item<T: velocy::extract::FromParam>(id: T) {}

fn main() {}
