// The route is required.
#![allow(unused)]
use velocy::get;

#[get]
async fn index() {}

fn main() {}
