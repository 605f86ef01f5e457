// `#[query]` values are parsed with `FromParam`.
#![allow(unused)]
use velocy::FromRequestParts;

struct Page(u32);

#[derive(FromRequestParts)]
struct Pagination {
    #[query]
    page: Page,
}

fn main() {}
