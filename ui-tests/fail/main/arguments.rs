// `main` takes no arguments.
#![allow(unused)]
#[velocy::main]
async fn main(port: u16) {}
