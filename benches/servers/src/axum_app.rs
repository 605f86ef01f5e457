//! The axum 0.8 app, written as the axum documentation shows.

use axum::extract::Path;
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::{Message, UserId, PLAINTEXT};

async fn plaintext() -> &'static str {
    PLAINTEXT
}

async fn json() -> Json<Message> {
    Json(Message::HELLO)
}

async fn user(Path(id): Path<String>) -> Json<UserId<String>> {
    Json(UserId { id })
}

async fn echo(Json(body): Json<serde_json::Value>) -> Json<serde_json::Value> {
    Json(body)
}

/// The benchmark app (unknown paths answer axum's default 404).
pub fn app() -> Router {
    Router::new()
        .route("/plaintext", get(plaintext))
        .route("/json", get(json))
        .route("/users/{id}", get(user))
        .route("/echo", post(echo))
}
