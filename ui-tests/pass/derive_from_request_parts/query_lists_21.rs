// Issue 21: a `#[query]` field may be a list of a repeated key (`?tag=a&tag=b`).
#![allow(unused)]
use velocy::FromRequestParts;

#[derive(FromRequestParts)]
struct Filter {
    #[query]
    tag: Vec<String>,
    #[query("id")]
    ids: Option<Vec<u64>>,
    #[query]
    page: Option<u32>,
}

fn main() {}
