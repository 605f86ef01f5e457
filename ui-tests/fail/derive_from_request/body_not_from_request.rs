// The `#[body]` field's type must read the body.
#![allow(unused)]
use velocy::FromRequest;

struct Payload;

#[derive(FromRequest)]
struct Upload {
    #[body]
    payload: Payload,
}

fn main() {}
