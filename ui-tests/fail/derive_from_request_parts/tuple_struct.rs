// The derive needs named fields.
#![allow(unused)]
use velocy::FromRequestParts;

#[derive(FromRequestParts)]
struct Pagination(u32, u32);

fn main() {}
