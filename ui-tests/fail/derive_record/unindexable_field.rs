// Indexed fields need an order-preserving encoding: a list has none.
#![allow(unused)]
use serde::{Deserialize, Serialize};
use velocy::store::Record;

#[derive(Clone, Serialize, Deserialize, Record)]
struct Post {
    #[key(auto)]
    id: u64,
    #[index]
    tags: Vec<String>,
}

fn main() {}
