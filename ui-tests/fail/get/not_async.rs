// Handlers are `async fn`.
#![allow(unused)]
use velocy::get;

#[get("/")]
fn index() -> &'static str {
    "hello"
}

fn main() {}
