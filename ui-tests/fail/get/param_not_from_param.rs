// An argument bound to a path parameter must implement `FromParam`.
#![allow(unused)]
use velocy::get;

struct UserId(u64);

#[get("/users/:id")]
async fn show_user(id: UserId) {}

fn main() {}
