// A constraint's regex must be closed with `)`.
#![allow(unused)]
use velocy::get;

#[get(r"/posts/:id(\d+")]
async fn post(id: u64) {}

fn main() {}
