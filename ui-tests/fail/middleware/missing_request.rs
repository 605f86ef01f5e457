// A middleware takes the `Request`.
#![allow(unused)]
use velocy::middleware::Next;
use velocy::{middleware, Response};

#[middleware]
async fn log(next: Next) -> Response {
    Response::new(velocy::Body::empty())
}

fn main() {}
