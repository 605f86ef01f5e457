// The same handler listed twice is an error at the second one.
#![allow(unused)]
use velocy::{get, routes};

#[get("/")]
async fn index() {}

#[get("/about")]
async fn about() {}

fn main() {
    let _ = routes![index, about, index];
}
