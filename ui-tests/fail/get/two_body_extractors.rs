// Two arguments of well-known body types are rejected before type checking.
#![allow(unused)]
use velocy::{post, Json};

#[derive(serde::Deserialize)]
struct NewUser {}

#[post("/users")]
async fn create_user(Json(user): Json<NewUser>, raw: String) {}

fn main() {}
