//! Built-in middleware, a tower layer, and many idle connections, over real sockets.

use std::time::Duration;

use bytes::Bytes;
use http::{Method, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower_http::cors::CorsLayer;
use velocy::middleware::{SecurityHeaders, Timeout};
use velocy::prelude::*;
use velocy::request_id::RequestIdConfig;
use velocy::test::TestServer;

use crate::client::{get, send};

#[get("/b/quick")]
async fn quick() -> &'static str {
    "quick"
}

#[get("/b/sleepy")]
async fn sleepy() -> &'static str {
    tokio::time::sleep(Duration::from_secs(5)).await;
    "too late"
}

fn app() -> App {
    App::new()
        .routes(routes![quick])
        .route(
            Route::from_spec(<sleepy as velocy::__private::RouteDef>::SPEC)
                .middleware(Timeout::new(Duration::from_millis(100))),
        )
        .request_id(RequestIdConfig::new())
        .middleware(SecurityHeaders::new())
        .layer(CorsLayer::permissive())
}

#[tokio::test]
async fn built_in_middleware_and_a_tower_layer_answer_over_a_socket() {
    let server = TestServer::start(app()).await.unwrap();
    let reply =
        send(Method::GET, &server.url("/b/quick"), &[("origin", "https://example.org")], Bytes::new()).await;
    assert_eq!(reply.text(), "quick");
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert_eq!(reply.header("x-request-id").map(str::len), Some(32));
    let timed_out = get(&server.url("/b/sleepy")).await;
    assert_eq!(timed_out.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(timed_out.header("content-type"), Some("application/problem+json"));
}

#[tokio::test]
async fn thousands_of_idle_connections_do_not_stop_the_server() {
    // Up to 4,000 idle connections (two descriptors each in this process, so fewer where the open-file limit
    // is low); the server keeps answering new clients, and closing them all leaves it healthy.
    let connections = open_file_limit().map_or(4_000, |limit| limit.saturating_sub(256) / 2).min(4_000);
    assert!(connections >= 100, "the open-file limit is too low for this test");
    let server = TestServer::start(App::new().routes(routes![quick])).await.unwrap();
    let mut idle = Vec::with_capacity(connections);
    for _ in 0..connections {
        idle.push(TcpStream::connect(server.address()).await.unwrap());
    }
    let mut stream = TcpStream::connect(server.address()).await.unwrap();
    stream.write_all(b"GET /b/quick HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut response = String::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_string(&mut response))
        .await
        .unwrap()
        .unwrap();
    assert!(response.ends_with("quick"), "{response}");
    drop(idle);
    assert_eq!(get(&server.url("/b/quick")).await.text(), "quick");
}

/// The soft open-file limit of this process, from `/proc/self/limits` (Linux).
fn open_file_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|line| line.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}
