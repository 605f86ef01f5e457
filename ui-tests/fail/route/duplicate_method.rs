// A method can be listed once.
#![allow(unused)]
use velocy::route;

#[route("/search", method = ["GET", "HEAD", "GET"])]
async fn search() {}

fn main() {}
