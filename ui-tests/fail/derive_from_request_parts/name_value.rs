// Keys are given in parentheses.
#![allow(unused)]
use velocy::FromRequestParts;

#[derive(FromRequestParts)]
struct Pagination {
    #[query = "p"]
    page: u32,
}

fn main() {}
