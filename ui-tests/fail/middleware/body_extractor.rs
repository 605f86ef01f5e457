// Middleware runs before the handler and cannot read the body.
#![allow(unused)]
use velocy::middleware::Next;
use velocy::{middleware, Json, Request, Response};

#[middleware]
async fn inspect(body: Json<u32>, request: Request, next: Next) -> Response {
    next.run(request).await
}

fn main() {}
