// The primary key's type must be a key type; `#[key(auto)]` needs an integer.
#![allow(unused)]
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use velocy::store::Record;

#[derive(Clone, Serialize, Deserialize, Record)]
struct Settings {
    #[key]
    values: BTreeMap<String, String>,
}

#[derive(Clone, Serialize, Deserialize, Record)]
struct Tag {
    #[key(auto)]
    name: String,
}

fn main() {}
