// A field without an attribute must itself read the request head.
#![allow(unused)]
use velocy::FromRequestParts;

struct Database;

#[derive(FromRequestParts)]
struct Context {
    db: Database,
}

fn main() {}
