// `#[param]` names follow the route grammar, without the `:`.
#![allow(unused)]
use velocy::FromRequestParts;

#[derive(FromRequestParts)]
struct Target {
    #[param(":id")]
    id: u64,
}

fn main() {}
