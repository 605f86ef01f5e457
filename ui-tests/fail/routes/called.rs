// Handlers are listed by name, not called.
#![allow(unused)]
use velocy::{get, routes};

#[get("/")]
async fn index() {}

fn main() {
    let _ = routes![index()];
}
