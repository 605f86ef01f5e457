// The route is given either first or as `path`, not both.
#![allow(unused)]
use velocy::route;

#[route("/search", method = "GET", path = "/find")]
async fn search() {}

fn main() {}
