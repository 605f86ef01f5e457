// An argument that is not a path parameter must be an extractor; the error is on its type.
#![allow(unused)]
use velocy::get;

struct Database;

#[get("/users")]
async fn list_users(db: Database) {}

fn main() {}
