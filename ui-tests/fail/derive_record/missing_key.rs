// A record needs a primary key.
#![allow(unused)]
use serde::{Deserialize, Serialize};
use velocy::store::Record;

#[derive(Clone, Serialize, Deserialize, Record)]
struct User {
    id: u64,
    name: String,
}

fn main() {}
