// A method is an RFC 9110 token.
#![allow(unused)]
use velocy::route;

#[route("/search", method = "GET POST")]
async fn search() {}

fn main() {}
