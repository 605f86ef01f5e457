// Unknown options of `#[record]` and `#[key]`, and arguments to `#[index]`.
#![allow(unused)]
use serde::{Deserialize, Serialize};
use velocy::store::Record;

#[derive(Clone, Serialize, Deserialize, Record)]
#[record(name = "users")]
struct User {
    #[key(increment)]
    id: u64,
    #[index(unique)]
    email: String,
}

fn main() {}
