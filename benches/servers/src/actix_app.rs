//! The actix-web 4 app, written as the actix-web documentation shows.

use actix_web::{web, HttpResponse, Responder};

use crate::{Message, UserId, PLAINTEXT, TEXT_PLAIN};

async fn plaintext() -> impl Responder {
    HttpResponse::Ok().content_type(TEXT_PLAIN).body(PLAINTEXT)
}

async fn json() -> impl Responder {
    web::Json(Message::HELLO)
}

async fn user(id: web::Path<String>) -> impl Responder {
    web::Json(UserId { id: id.into_inner() })
}

async fn echo(body: web::Json<serde_json::Value>) -> impl Responder {
    web::Json(body.into_inner())
}

/// Registers the benchmark routes; unknown paths answer actix-web's default 404.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/plaintext", web::get().to(plaintext))
        .route("/json", web::get().to(json))
        .route("/users/{id}", web::get().to(user))
        .route("/echo", web::post().to(echo));
}
