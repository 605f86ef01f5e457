// Header names are RFC 9110 tokens.
#![allow(unused)]
use velocy::FromRequestParts;

#[derive(FromRequestParts)]
struct Auth {
    #[header("x api key")]
    key: String,
}

fn main() {}
