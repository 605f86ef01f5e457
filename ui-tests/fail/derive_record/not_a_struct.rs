// Records are structs with named fields, and not generic.
#![allow(unused)]
use serde::{Deserialize, Serialize};
use velocy::store::Record;

#[derive(Clone, Serialize, Deserialize, Record)]
enum Shape {
    Circle,
}

#[derive(Clone, Serialize, Deserialize, Record)]
struct Pair(u64, String);

#[derive(Clone, Serialize, Deserialize, Record)]
struct Boxed<T> {
    #[key]
    id: u64,
    value: T,
}

fn main() {}
