// Middleware extractors read the head; the error is on the argument's type.
#![allow(unused)]
use velocy::middleware::Next;
use velocy::{middleware, Request, Response};

struct Session;

#[middleware]
async fn load(session: Session, request: Request, next: Next) -> Response {
    next.run(request).await
}

fn main() {}
