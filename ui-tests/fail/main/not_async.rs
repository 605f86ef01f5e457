// `#[velocy::main]` runs an `async fn`.
#![allow(unused)]
#[velocy::main]
fn main() {}
