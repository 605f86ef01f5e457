// `#[velocy::main]` takes no arguments.
#![allow(unused)]
#[velocy::main(worker_threads = 2)]
async fn main() {}
