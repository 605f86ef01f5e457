// A field has one source.
#![allow(unused)]
use velocy::FromRequestParts;

#[derive(FromRequestParts)]
struct Pagination {
    #[query]
    #[header("x-page")]
    page: u32,
}

fn main() {}
