// Two handlers answering the same method on the same route shape fail the build, naming both.
#![allow(unused)]
use velocy::{get, route, routes};

mod users {
    #[velocy::get("/users/:id")]
    pub async fn show(id: u64) {}
}

#[get("/users/:name")]
async fn show_by_name(name: String) {}

#[route("/", method = ["POST", "GET"])]
async fn home() {}

#[get("/")]
async fn index() {}

fn main() {
    let _ = routes![users::show, show_by_name, home, index];
}
