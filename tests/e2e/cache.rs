//! End-to-end tests of the `cache` feature (issue 14): the `Cache` middleware over a real socket.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Method};
use velocy::cache::Cache;
use velocy::prelude::*;
use velocy::test::TestServer;

use crate::client::{get, send};

#[get("/macro", middleware = [Cache::new().ttl(Duration::from_secs(60))])]
async fn macro_route(State(runs): State<Arc<AtomicUsize>>) -> String {
    format!("macro run {}", runs.fetch_add(1, Ordering::SeqCst) + 1)
}

/// An app whose `/articles` answers with a validator and `max-age=60`, counting handler runs; `POST
/// /articles` invalidates through the cache handle in the app state.
async fn server() -> (TestServer, Arc<AtomicUsize>) {
    let runs = Arc::new(AtomicUsize::new(0));
    let cache = Cache::new();
    let counter = Arc::clone(&runs);
    let articles = move || {
        let run = counter.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            let mut response = format!("articles v{run}").into_response();
            let headers = response.headers_mut();
            headers.insert("cache-control", HeaderValue::from_static("max-age=60"));
            headers.insert("etag", HeaderValue::from_str(&format!("\"v{run}\"")).unwrap());
            response
        }
    };
    let create = |State(cache): State<Cache>| async move {
        cache.invalidate_prefix("/articles").await;
        (StatusCode::CREATED, "created")
    };
    let api =
        Router::new().get("/articles", articles).post("/articles/new", create).middleware(cache.clone());
    let app = App::new().state(cache).state(Arc::clone(&runs)).merge(api).routes(routes![macro_route]);
    (TestServer::start(app).await.unwrap(), runs)
}

#[tokio::test]
async fn hits_misses_and_age_over_the_wire() {
    let (server, runs) = server().await;
    let first = get(&server.url("/articles")).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.header("x-cache"), Some("miss"));
    assert_eq!(first.header("cache-status"), Some("velocy; fwd=miss; stored"));
    let second = get(&server.url("/articles")).await;
    assert_eq!(second.text(), "articles v1");
    assert_eq!(second.header("x-cache"), Some("hit"));
    assert_eq!(second.header("age"), Some("0"));
    assert!(second.header("cache-status").unwrap().starts_with("velocy; hit; ttl="));
    let head = send(Method::HEAD, &server.url("/articles"), &[], Bytes::new()).await;
    assert_eq!(head.header("x-cache"), Some("hit"));
    assert_eq!(head.header("content-length"), Some("11"));
    assert!(head.body.is_empty());
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_conditional_request_is_answered_304_by_the_cache() {
    let (server, runs) = server().await;
    get(&server.url("/articles")).await;
    let reply =
        send(Method::GET, &server.url("/articles"), &[("if-none-match", "\"v1\"")], Bytes::new()).await;
    assert_eq!(reply.status, 304);
    assert_eq!(reply.header("etag"), Some("\"v1\""));
    assert_eq!(reply.header("x-cache"), Some("hit"));
    assert!(reply.body.is_empty());
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_post_invalidates_through_the_handle() {
    let (server, runs) = server().await;
    get(&server.url("/articles")).await;
    assert_eq!(get(&server.url("/articles")).await.header("x-cache"), Some("hit"));
    let created = send(Method::POST, &server.url("/articles/new"), &[], Bytes::new()).await;
    assert_eq!(created.status, 201);
    let fresh = get(&server.url("/articles")).await;
    assert_eq!(fresh.header("x-cache"), Some("miss"));
    assert_eq!(fresh.text(), "articles v2");
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn the_macro_form_caches_its_route() {
    let (server, _) = server().await;
    assert_eq!(get(&server.url("/macro")).await.text(), "macro run 1");
    let hit = get(&server.url("/macro")).await;
    assert_eq!(hit.text(), "macro run 1");
    assert_eq!(hit.header("x-cache"), Some("hit"));
}

#[tokio::test]
async fn a_head_with_no_cache_stores_nothing_and_negotiated_routes_vary_on_accept() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&runs);
    let json = move || {
        let run = counter.fetch_add(1, Ordering::SeqCst) + 1;
        async move { format!("json {run}") }
    };
    let router = Router::new()
        .route(Route::new(Method::GET, "/doc", json).produces(["application/json"]))
        .route(Route::new(Method::GET, "/doc", || async { Html("html") }).produces(["text/html"]));
    let app = App::new().middleware(Cache::new().ttl(Duration::from_secs(60))).merge(router);
    let server = TestServer::start(app).await.unwrap();
    let url = server.url("/doc");
    let json_accept = ("accept", "application/json");
    let head = send(Method::HEAD, &url, &[json_accept, ("cache-control", "no-cache")], Bytes::new()).await;
    assert_eq!(head.header("cache-status"), Some("velocy; fwd=request; detail=head"));
    let first = send(Method::GET, &url, &[json_accept], Bytes::new()).await;
    assert_eq!((first.text().as_str(), first.header("x-cache")), ("json 2", Some("miss")));
    let html = send(Method::GET, &url, &[("accept", "text/html")], Bytes::new()).await;
    assert_eq!((html.text().as_str(), html.header("x-cache")), ("html", Some("miss")));
    let again = send(Method::GET, &url, &[json_accept], Bytes::new()).await;
    assert_eq!((again.text().as_str(), again.header("x-cache")), ("json 2", Some("hit")));
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}
