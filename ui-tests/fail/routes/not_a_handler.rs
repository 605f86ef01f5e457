// Only functions with a route attribute can be listed.
#![allow(unused)]
use velocy::routes;

async fn index() {}

fn main() {
    let _ = routes![index];
}
