// `#[body]` needs `#[derive(FromRequest)]`.
#![allow(unused)]
use velocy::{FromRequestParts, Json};

#[derive(FromRequestParts)]
struct Input {
    #[body]
    json: Json<u32>,
}

fn main() {}
