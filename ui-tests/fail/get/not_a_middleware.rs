// `middleware = [..]` elements must be middleware; the error is on the element.
#![allow(unused)]
use velocy::get;

struct Logger;

#[get("/", middleware = [Logger])]
async fn index() {}

fn main() {}
