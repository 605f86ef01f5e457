// The body can be read once.
#![allow(unused)]
use velocy::{FromRequest, Json};

#[derive(FromRequest)]
struct Upload {
    #[body]
    first: Json<u32>,
    #[body]
    second: String,
}

fn main() {}
