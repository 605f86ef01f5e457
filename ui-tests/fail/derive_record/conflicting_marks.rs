// A field takes one of `#[key]`, `#[index]` and `#[unique]`.
#![allow(unused)]
use serde::{Deserialize, Serialize};
use velocy::store::Record;

#[derive(Clone, Serialize, Deserialize, Record)]
struct User {
    #[key]
    #[unique]
    id: u64,
    #[index]
    #[unique]
    email: String,
}

fn main() {}
