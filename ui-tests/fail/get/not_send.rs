// The handler's future must be `Send`; the error is on the function's name.
#![allow(unused)]
use std::rc::Rc;

use velocy::get;

async fn tick() {}

#[get("/")]
async fn index() -> String {
    let shared = Rc::new(1);
    tick().await;
    shared.to_string()
}

fn main() {}
