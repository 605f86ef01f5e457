// Route attributes go on functions.
#![allow(unused)]
use velocy::get;

#[get("/")]
struct Index;

fn main() {}
