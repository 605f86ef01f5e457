// `#[derive(FromRequest)]` needs a `#[body]` field.
#![allow(unused)]
use velocy::FromRequest;

#[derive(FromRequest)]
struct Upload {
    #[header("content-length")]
    length: u64,
}

fn main() {}
