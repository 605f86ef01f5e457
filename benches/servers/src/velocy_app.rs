//! The Velocy app, written as a Velocy user would: route macros and `routes![]`.

use velocy::{get, post, routes, App, Json};

use crate::{Message, UserId, PLAINTEXT};

#[get("/plaintext")]
async fn plaintext() -> &'static str {
    PLAINTEXT
}

#[get("/json")]
async fn json() -> Json<Message> {
    Json(Message::HELLO)
}

#[get("/users/:id")]
async fn user(id: String) -> Json<UserId<String>> {
    Json(UserId { id })
}

#[post("/echo")]
async fn echo(Json(body): Json<serde_json::Value>) -> Json<serde_json::Value> {
    Json(body)
}

/// The benchmark app, not yet built.
pub fn app() -> App {
    App::new().routes(routes![plaintext, json, user, echo])
}
