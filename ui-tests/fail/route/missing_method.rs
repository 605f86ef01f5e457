// `#[route]` needs its methods.
#![allow(unused)]
use velocy::route;

#[route(path = "/search")]
async fn search() {}

fn main() {}
