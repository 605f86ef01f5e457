// One primary key per record: the second `#[key]` is the error.
#![allow(unused)]
use serde::{Deserialize, Serialize};
use velocy::store::Record;

#[derive(Clone, Serialize, Deserialize, Record)]
struct User {
    #[key]
    id: u64,
    #[key]
    email: String,
}

fn main() {}
