//! Responses over real sockets: every return type, headers from tuples, redirects, problems, and streamed
//! bodies framed as chunked (HTTP/1.1) or close-delimited (HTTP/1.0).

use bytes::Bytes;
use http::StatusCode;
use velocy::prelude::*;
use velocy::test::TestServer;

use crate::client::{get, raw};

#[get("/r/unit")]
async fn unit() {}

#[get("/r/status")]
async fn teapot() -> StatusCode {
    StatusCode::IM_A_TEAPOT
}

#[get("/r/bytes")]
async fn byte_vector() -> Vec<u8> {
    vec![1, 2, 3]
}

#[get("/r/tuple")]
async fn tuple() -> (StatusCode, [(&'static str, &'static str); 1], &'static str) {
    (StatusCode::ACCEPTED, [("x-kind", "tuple")], "queued")
}

#[get("/r/html")]
async fn html() -> Html<&'static str> {
    Html("<h1>hi</h1>")
}

#[get("/r/redirect")]
async fn redirect() -> Redirect {
    Redirect::permanent("/r/html")
}

#[get("/r/maybe/:found")]
async fn maybe(found: bool) -> Option<&'static str> {
    found.then_some("here")
}

#[get("/r/fail")]
async fn fail() -> Result<String, HttpError> {
    Err(std::io::Error::other("the disk is on fire"))?
}

#[get("/r/stream")]
async fn stream() -> Body {
    let chunks = ["one ", "two ", "three"].map(Ok::<_, std::convert::Infallible>);
    Body::from_stream(velocy::body::iter_stream(chunks))
}

fn app() -> App {
    App::new().routes(routes![unit, teapot, byte_vector, tuple, html, redirect, maybe, fail, stream])
}

#[tokio::test]
async fn plain_return_types() {
    let server = TestServer::start(app()).await.unwrap();
    let unit = get(&server.url("/r/unit")).await;
    assert_eq!((unit.status, unit.body.len()), (StatusCode::OK, 0));
    assert_eq!(get(&server.url("/r/status")).await.status, StatusCode::IM_A_TEAPOT);
    let bytes = get(&server.url("/r/bytes")).await;
    assert_eq!(bytes.body, Bytes::from_static(&[1, 2, 3]));
    assert_eq!(bytes.header("content-type"), Some("application/octet-stream"));
    let html = get(&server.url("/r/html")).await;
    assert_eq!(html.header("content-type"), Some("text/html; charset=utf-8"));
}

#[tokio::test]
async fn tuples_set_status_and_headers() {
    let server = TestServer::start(app()).await.unwrap();
    let reply = get(&server.url("/r/tuple")).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    assert_eq!(reply.header("x-kind"), Some("tuple"));
    assert_eq!(reply.text(), "queued");
}

#[tokio::test]
async fn redirects_options_and_errors() {
    let server = TestServer::start(app()).await.unwrap();
    let reply = get(&server.url("/r/redirect")).await;
    assert_eq!(reply.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(reply.header("location"), Some("/r/html"));
    assert_eq!(get(&server.url("/r/maybe/true")).await.text(), "here");
    assert_eq!(get(&server.url("/r/maybe/false")).await.status, StatusCode::NOT_FOUND);
    let failure = get(&server.url("/r/fail")).await;
    assert_eq!(failure.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!failure.text().contains("fire"), "the cause must stay on the server: {}", failure.text());
}

#[tokio::test]
async fn streams_are_chunked_on_http_1_1() {
    let server = TestServer::start(app()).await.unwrap();
    let response =
        raw(server.address(), b"GET /r/stream HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await;
    let lower = response.to_ascii_lowercase();
    assert!(lower.contains("transfer-encoding: chunked"), "{response}");
    assert!(!lower.contains("content-length"), "{response}");
    assert!(response.ends_with("0\r\n\r\n"), "{response}");
    assert_eq!(get(&server.url("/r/stream")).await.text(), "one two three");
}

#[tokio::test]
async fn streams_are_close_delimited_on_http_1_0() {
    let server = TestServer::start(app()).await.unwrap();
    let response = raw(server.address(), b"GET /r/stream HTTP/1.0\r\nHost: localhost\r\n\r\n").await;
    let lower = response.to_ascii_lowercase();
    assert!(response.starts_with("HTTP/1.0 200"), "{response}");
    assert!(!lower.contains("transfer-encoding"), "{response}");
    assert!(response.ends_with("\r\n\r\none two three"), "{response}");
}
