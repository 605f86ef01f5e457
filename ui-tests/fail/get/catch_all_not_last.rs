// A catch-all matches the rest of the path, so it must be the last segment.
#![allow(unused)]
use velocy::get;

#[get("/files/*path/edit")]
async fn edit(path: String) {}

fn main() {}
