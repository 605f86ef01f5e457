// Middleware functions are `async`.
#![allow(unused)]
use velocy::middleware::Next;
use velocy::{middleware, Request, Response};

#[middleware]
fn log(request: Request, next: Next) -> Response {
    Response::new(velocy::Body::empty())
}

fn main() {}
