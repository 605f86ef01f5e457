// A user's own `FromRequest` type next to another body extractor fails a compile-time check.
#![allow(unused)]
use velocy::{post, Body, FromRequest, Json, RequestParts, Response};

#[derive(serde::Deserialize)]
struct NewUser {}

struct Signed;

impl FromRequest for Signed {
    type Rejection = Response;

    async fn from_request(_: &mut RequestParts, _: Body) -> Result<Self, Self::Rejection> {
        Ok(Signed)
    }
}

#[post("/users")]
async fn create_user(Json(user): Json<NewUser>, signature: Signed) {}

fn main() {}
