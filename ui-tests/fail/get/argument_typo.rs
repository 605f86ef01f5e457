// A misspelt argument: both the parameter and the argument are reported, each with the fix.
#![allow(unused)]
use velocy::get;

#[get("/users/:id")]
async fn show_user(idd: u64) {}

fn main() {}
