// Issue 21: the route says `:id`, the argument `bookmark_id`: one error, saying both ways to fix it.
#![allow(unused)]
use velocy::get;

#[get("/bookmarks/:id")]
async fn show_bookmark(bookmark_id: u64) {}

fn main() {}
