// A parameter name can appear once per route; the error is at the second one.
#![allow(unused)]
use velocy::get;

#[get("/teams/:id/members/:id")]
async fn member(id: u64) {}

fn main() {}
