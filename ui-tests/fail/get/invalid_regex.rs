// Constraint regexes are compiled at compile time; the error points inside the regex.
#![allow(unused)]
use velocy::get;

#[get(r"/posts/:id(\d{4,2})")]
async fn post(id: u64) {}

fn main() {}
