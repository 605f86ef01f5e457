// A middleware takes the `Next` to continue the chain.
#![allow(unused)]
use velocy::{middleware, Request, Response};

#[middleware]
async fn log(request: Request) -> Response {
    Response::new(velocy::Body::empty())
}

fn main() {}
