// `//` makes an empty segment.
#![allow(unused)]
use velocy::get;

#[get("/users//posts")]
async fn posts() {}

fn main() {}
