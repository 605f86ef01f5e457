//! End-to-end tests of the `cors` battery (issue 13): preflights and actual requests over real sockets.

use std::time::Duration;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::Method;
use velocy::cors::Cors;
use velocy::prelude::*;
use velocy::test::TestServer;

use crate::client::{raw, send};

const APP: &str = "https://app.example";

async fn server() -> TestServer {
    let api = Router::new()
        .put("/api/notes", || async { "saved" })
        .get("/api/notes", || async { "[]" })
        .middleware(
            Cors::new().allow_origin(APP).allow_headers([CONTENT_TYPE]).max_age(Duration::from_secs(60)),
        );
    let app = App::new().merge(api).merge(Router::new().get("/other", || async { "other" }));
    TestServer::start(app).await.unwrap()
}

#[tokio::test]
async fn an_allowed_origin_gets_its_preflight_and_actual_request_answered() {
    let server = server().await;
    let preflight = send(
        Method::OPTIONS,
        &server.url("/api/notes"),
        &[
            ("origin", APP),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "content-type"),
        ],
        Bytes::new(),
    )
    .await;
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-allow-origin"), Some(APP));
    assert_eq!(preflight.header("access-control-allow-methods"), Some("PUT"));
    assert_eq!(preflight.header("access-control-allow-headers"), Some("content-type"));
    assert_eq!(preflight.header("access-control-max-age"), Some("60"));
    assert!(preflight.body.is_empty());

    let actual = send(
        Method::PUT,
        &server.url("/api/notes"),
        &[("origin", APP), ("content-type", "application/json")],
        Bytes::from_static(b"{}"),
    )
    .await;
    assert_eq!(actual.status, 200);
    assert_eq!(actual.text(), "saved");
    assert_eq!(actual.header("access-control-allow-origin"), Some(APP));
    assert_eq!(actual.header("vary"), Some("origin"));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_disallowed_origin_gets_no_cors_headers() {
    let server = server().await;
    let request = b"OPTIONS /api/notes HTTP/1.1\r\nHost: localhost\r\nOrigin: https://evil.example\r\n\
                    Access-Control-Request-Method: PUT\r\nConnection: close\r\n\r\n";
    let answer = raw(server.address(), request).await.to_ascii_lowercase();
    assert!(answer.starts_with("http/1.1 204"), "{answer}");
    assert!(answer.contains("allow: get, put, head, options"), "{answer}");
    assert!(!answer.lines().any(|line| line.starts_with("access-control-")), "{answer}");
    assert!(answer.contains("vary: origin, access-control-request-method"), "{answer}");

    let actual =
        send(Method::GET, &server.url("/api/notes"), &[("origin", "https://evil.example")], Bytes::new())
            .await;
    assert_eq!(actual.status, 200, "the request runs; the browser blocks the response");
    assert_eq!(actual.header("access-control-allow-origin"), None);

    // A route without Cors answers a preflight as any OPTIONS request.
    let other = send(
        Method::OPTIONS,
        &server.url("/other"),
        &[("origin", APP), ("access-control-request-method", "GET")],
        Bytes::new(),
    )
    .await;
    assert_eq!(other.status, 204);
    assert_eq!(other.header("access-control-allow-origin"), None);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_cors_on_an_options_route_grants_no_preflight_for_another_route() {
    let options = Route::new(Method::OPTIONS, "/items", || async { "options handler" })
        .middleware(Cors::new().allow_origin(APP));
    let app = App::new().route(options).merge(Router::new().delete("/items", || async { "gone" }));
    let server = TestServer::start(app).await.unwrap();
    for origin in [APP, "https://evil.example"] {
        let preflight = send(
            Method::OPTIONS,
            &server.url("/items"),
            &[("origin", origin), ("access-control-request-method", "DELETE")],
            Bytes::new(),
        )
        .await;
        assert_eq!(preflight.status, 204, "{origin}");
        assert_eq!(preflight.header("access-control-allow-origin"), None, "{origin}");
        assert_eq!(preflight.header("access-control-allow-methods"), None, "{origin}");
        assert_eq!(preflight.header("allow"), Some("DELETE, OPTIONS"), "{origin}");
        assert!(preflight.body.is_empty(), "{origin}: the OPTIONS handler never runs for a preflight");
    }
    let plain = send(Method::OPTIONS, &server.url("/items"), &[], Bytes::new()).await;
    assert_eq!(plain.text(), "options handler");
    server.shutdown().await.unwrap();
}
