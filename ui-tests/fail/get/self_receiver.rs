// Methods taking `self` cannot be handlers.
#![allow(unused)]
use velocy::get;

struct Users;

impl Users {
    #[get("/users")]
    async fn list(&self) {}
}

fn main() {}
