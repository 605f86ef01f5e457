// A middleware function becomes one concrete type: it cannot be generic.
#![allow(unused)]
use velocy::middleware::Next;
use velocy::{middleware, Request, Response};

#[middleware]
async fn log<T>(request: Request, next: Next) -> Response {
    next.run(request).await
}

fn main() {}
