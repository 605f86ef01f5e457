// Issue 21: on a GET route, an argument of a plain body type that is no path parameter would silently be the
// (empty) request body; it is an error at the argument, pointing at `Query<T>`.
#![allow(unused)]
use velocy::get;

#[get("/search")]
async fn search(q: String) {}

fn main() {}
