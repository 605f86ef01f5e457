//! End-to-end tests of the `rate-limit` battery (issue 14): limits per client address over real sockets,
//! trusted proxies, `Retry-After` and the problem body of a `429`.

use std::time::Duration;

use bytes::Bytes;
use http::{Method, StatusCode};
use velocy::prelude::*;
use velocy::rate_limit::{Key, RateLimit};
use velocy::test::TestServer;

use crate::client::{get, send};

async fn serve(app: App) -> TestServer {
    TestServer::start(app.merge(Router::new().get("/", || async { "hello" }))).await.unwrap()
}

async fn from(server: &TestServer, forwarded_for: &str) -> crate::client::Reply {
    send(Method::GET, &server.url("/"), &[("x-forwarded-for", forwarded_for)], Bytes::new()).await
}

#[tokio::test]
async fn the_request_after_the_quota_is_refused_with_retry_after_and_a_problem() {
    let server = serve(App::new().middleware(RateLimit::window(3, Duration::from_secs(60)))).await;
    for remaining in [2, 1, 0] {
        let reply = get(&server.url("/")).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.text(), "hello");
        assert_eq!(reply.header("ratelimit-policy"), Some("\"default\";q=3;w=60"));
        assert_eq!(reply.header("ratelimit"), Some(format!("\"default\";r={remaining};t=60").as_str()));
    }
    let refused = get(&server.url("/")).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.header("retry-after"), Some("60"));
    assert_eq!(refused.header("content-type"), Some("application/problem+json"));
    let problem = refused.json();
    assert_eq!(problem["status"], 429);
    assert!(problem["detail"].as_str().unwrap().contains("retry in 60 s"), "{problem}");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn gcra_retry_after_is_the_wait_for_one_request_rounded_up() {
    let server = serve(App::new().middleware(RateLimit::per_minute(2))).await;
    assert_eq!(get(&server.url("/")).await.status, StatusCode::OK);
    assert_eq!(get(&server.url("/")).await.status, StatusCode::OK);
    let refused = get(&server.url("/")).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    // One request every 30 s: the wait is just under 30 s, rounded up.
    assert_eq!(refused.header("retry-after"), Some("30"));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn forwarded_addresses_count_only_behind_trusted_proxies() {
    // No trusted proxy: `X-Forwarded-For` is ignored, every request is the loopback peer's.
    let server = serve(App::new().middleware(RateLimit::window(2, Duration::from_secs(60)))).await;
    assert_eq!(from(&server, "192.0.2.1").await.status, StatusCode::OK);
    assert_eq!(from(&server, "192.0.2.2").await.status, StatusCode::OK);
    assert_eq!(from(&server, "192.0.2.3").await.status, StatusCode::TOO_MANY_REQUESTS);
    server.shutdown().await.unwrap();

    // The loopback peer is a trusted proxy: each forwarded client has its own count.
    let limit = RateLimit::window(2, Duration::from_secs(60)).key(Key::client_ip());
    let server = serve(App::new().trusted_proxies(["127.0.0.1", "::1"]).middleware(limit)).await;
    for client in ["192.0.2.1", "192.0.2.2"] {
        assert_eq!(from(&server, client).await.status, StatusCode::OK);
        assert_eq!(from(&server, client).await.status, StatusCode::OK);
        let refused = from(&server, client).await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{client}");
        assert_eq!(refused.header("retry-after"), Some("60"));
    }
    assert_eq!(from(&server, "192.0.2.3").await.status, StatusCode::OK);
    server.shutdown().await.unwrap();
}
