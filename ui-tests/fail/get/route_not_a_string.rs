// The route is a string literal.
#![allow(unused)]
use velocy::get;

const ROUTE: &str = "/";

#[get(ROUTE)]
async fn index() {}

fn main() {}
