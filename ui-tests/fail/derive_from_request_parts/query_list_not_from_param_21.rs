// Issue 21: the items of a `#[query]` list are parsed with `FromParam`, like a single value.
#![allow(unused)]
use velocy::FromRequestParts;

struct Page(u32);

#[derive(FromRequestParts)]
struct Pages {
    #[query]
    page: Vec<Page>,
}

fn main() {}
