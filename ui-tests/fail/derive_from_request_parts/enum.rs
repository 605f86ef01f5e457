// The derive needs a struct.
#![allow(unused)]
use velocy::FromRequestParts;

#[derive(FromRequestParts)]
enum Auth {
    Anonymous,
}

fn main() {}
