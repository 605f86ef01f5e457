// A middleware takes the `Request`.
#![allow(unused)]
use velocy::middleware::Next;
use velocy::{middleware, Response};

#[middleware]
async fn log(next: Next) -> Response {
    todo!()
}

fn main() {}
