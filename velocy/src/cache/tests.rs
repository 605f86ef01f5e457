#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use http::header::HeaderMap;

use super::policy::{request_ask, Directives, RequestAsk};
use super::*;
use crate::test::{TestClient, TestResponse};
use crate::{App, Body, HeaderValue, Method, Response, Router, StatusCode};

/// A response with `headers` and `body`.
fn respond(status: u16, headers: &[(&'static str, &str)], body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    for (name, value) in headers {
        response.headers_mut().append(*name, HeaderValue::from_str(value).unwrap());
    }
    response
}

/// An app with one route `/r` (and `/r/...`) answering `headers` and a body numbering the handler runs.
fn counted(
    cache: Cache,
    status: u16,
    headers: &'static [(&'static str, &'static str)],
) -> (TestClient, Arc<AtomicUsize>) {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&runs);
    let handler = move |uri: http::Uri| {
        let counter = Arc::clone(&counter);
        async move {
            let run = counter.fetch_add(1, Ordering::SeqCst) + 1;
            respond(status, headers, format!("run {run} of {uri}"))
        }
    };
    let router = Router::new().get("/r", handler.clone()).get("/r/:id", handler).middleware(cache.clone());
    (TestClient::new(App::new().state(cache).merge(router)), runs)
}

fn x_cache(response: &TestResponse) -> &str {
    response.header("x-cache").unwrap_or("none")
}

#[tokio::test(start_paused = true)]
async fn miss_then_hit_with_growing_age() {
    let (client, runs) = counted(Cache::new().ttl(Duration::from_secs(60)), 200, &[]);
    let first = client.get("/r").send().await.assert_status(200);
    assert_eq!(x_cache(&first), "miss");
    assert_eq!(first.header("cache-status"), Some("velocy; fwd=miss; stored"));
    assert!(first.header("age").is_none());
    tokio::time::advance(Duration::from_secs(5)).await;
    let second = client.get("/r").send().await.assert_text("run 1 of /r");
    assert_eq!(x_cache(&second), "hit");
    assert_eq!(second.header("age"), Some("5"));
    assert_eq!(second.header("cache-status"), Some("velocy; hit; ttl=55"));
    tokio::time::advance(Duration::from_secs(56)).await;
    client.get("/r").send().await.assert_text("run 2 of /r");
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn freshness_comes_from_s_maxage_then_max_age_then_expires() {
    let (client, _) = counted(Cache::new(), 200, &[("cache-control", "max-age=100, s-maxage=10")]);
    client.get("/r").send().await;
    let hit = client.get("/r").send().await;
    assert_eq!(hit.header("cache-status"), Some("velocy; hit; ttl=10"));

    let (client, _) = counted(Cache::new(), 200, &[("cache-control", "max-age=30")]);
    client.get("/r").send().await;
    assert_eq!(client.get("/r").send().await.header("cache-status"), Some("velocy; hit; ttl=30"));

    let (client, _) = counted(
        Cache::new(),
        200,
        &[("date", "Sun, 06 Nov 1994 08:49:37 GMT"), ("expires", "Sun, 06 Nov 1994 08:50:37 GMT")],
    );
    client.get("/r").send().await;
    assert_eq!(client.get("/r").send().await.header("cache-status"), Some("velocy; hit; ttl=60"));
}

#[tokio::test]
async fn nothing_is_stored_without_freshness_unless_a_default_is_set() {
    let (client, runs) = counted(Cache::new(), 200, &[]);
    let first = client.get("/r").send().await;
    assert_eq!(first.header("cache-status"), Some("velocy; fwd=miss; detail=no-freshness"));
    client.get("/r").send().await.assert_text("run 2 of /r");
    assert_eq!(runs.load(Ordering::SeqCst), 2);

    let (client, runs) = counted(Cache::new().default_ttl(Duration::from_secs(9)), 200, &[]);
    client.get("/r").send().await;
    client.get("/r").send().await.assert_text("run 1 of /r");
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn query_is_part_of_the_key() {
    let (client, runs) = counted(Cache::new().ttl(Duration::from_secs(60)), 200, &[]);
    client.get("/r?a=1").send().await.assert_text("run 1 of /r?a=1");
    client.get("/r?a=2").send().await.assert_text("run 2 of /r?a=2");
    client.get("/r?a=1").send().await.assert_text("run 1 of /r?a=1");
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn vary_keeps_one_variant_per_header_value() {
    let (client, runs) =
        counted(Cache::new().ttl(Duration::from_secs(60)), 200, &[("vary", "Accept-Language")]);
    client.get("/r").header("accept-language", "en").send().await.assert_text("run 1 of /r");
    let other = client.get("/r").header("accept-language", "fr").send().await.assert_text("run 2 of /r");
    assert_eq!(other.header("cache-status"), Some("velocy; fwd=vary-miss; stored"));
    client.get("/r").header("accept-language", "en").send().await.assert_text("run 1 of /r");
    client.get("/r").header("accept-language", "fr").send().await.assert_text("run 2 of /r");
    client.get("/r").send().await.assert_text("run 3 of /r");
    assert_eq!(runs.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn vary_star_is_never_stored() {
    let (client, runs) = counted(Cache::new().ttl(Duration::from_secs(60)), 200, &[("vary", "*")]);
    client.get("/r").send().await;
    client.get("/r").send().await;
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

async fn assert_not_stored(
    headers: &'static [(&'static str, &'static str)],
    request: &[(&str, &str)],
    detail: &str,
) {
    let (client, runs) = counted(Cache::new().ttl(Duration::from_secs(60)), 200, headers);
    for _ in 0..2 {
        let mut builder = client.get("/r");
        for (name, value) in request {
            builder = builder.header(*name, *value);
        }
        let response = builder.send().await;
        assert_eq!(response.header("cache-status").unwrap(), format!("velocy; fwd=miss; detail={detail}"));
    }
    assert_eq!(runs.load(Ordering::SeqCst), 2, "{detail}");
}

#[tokio::test]
async fn private_no_store_no_cache_authorization_and_cookies_are_not_stored() {
    assert_not_stored(&[("cache-control", "no-store")], &[], "no-store").await;
    assert_not_stored(&[("cache-control", "private, max-age=60")], &[], "private").await;
    assert_not_stored(&[("cache-control", "no-cache")], &[], "no-cache").await;
    assert_not_stored(&[], &[("authorization", "Bearer x")], "authorization").await;
    assert_not_stored(&[("set-cookie", "id=1")], &[], "set-cookie").await;
}

#[tokio::test]
async fn authorization_is_stored_when_the_response_is_public_and_cookies_when_allowed() {
    let (client, runs) = counted(Cache::new(), 200, &[("cache-control", "public, max-age=60")]);
    client.get("/r").header("authorization", "Bearer x").send().await;
    client.get("/r").header("authorization", "Bearer x").send().await.assert_text("run 1 of /r");
    assert_eq!(runs.load(Ordering::SeqCst), 1);

    let cache = Cache::new().ttl(Duration::from_secs(60)).allow_set_cookie(true);
    let (client, runs) = counted(cache, 200, &[("set-cookie", "theme=dark")]);
    client.get("/r").send().await;
    client.get("/r").send().await.assert_header("set-cookie", "theme=dark");
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn only_heuristically_cacheable_statuses_are_stored() {
    let (client, runs) = counted(Cache::new().ttl(Duration::from_secs(60)), 404, &[]);
    client.get("/r").send().await.assert_status(404);
    client.get("/r").send().await.assert_status(404).assert_header("x-cache", "hit");
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    let (client, runs) = counted(Cache::new().ttl(Duration::from_secs(60)), 500, &[]);
    client.get("/r").send().await.assert_header("cache-status", "velocy; fwd=miss; detail=status");
    client.get("/r").send().await;
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_conditional_request_gets_304_from_the_entry() {
    let headers = &[
        ("etag", "\"v1\""),
        ("cache-control", "max-age=60"),
        ("last-modified", "Sun, 06 Nov 1994 08:49:37 GMT"),
    ];
    let (client, runs) = counted(Cache::new(), 200, headers);
    client.get("/r").send().await.assert_status(200);
    let not_modified = client.get("/r").header("if-none-match", "W/\"v1\"").send().await.assert_status(304);
    assert_eq!(not_modified.header("etag"), Some("\"v1\""));
    assert_eq!(not_modified.header("cache-control"), Some("max-age=60"));
    assert_eq!(not_modified.header("x-cache"), Some("hit"));
    assert!(not_modified.bytes().is_empty());
    client
        .get("/r")
        .header("if-none-match", "\"v2\"")
        .send()
        .await
        .assert_status(200)
        .assert_text("run 1 of /r");
    client
        .get("/r")
        .header("if-modified-since", "Sun, 06 Nov 1994 08:49:37 GMT")
        .send()
        .await
        .assert_status(304);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn head_is_answered_from_the_get_entry() {
    let (client, runs) = counted(Cache::new().ttl(Duration::from_secs(60)), 200, &[]);
    let head_miss = client.head("/r").send().await;
    assert_eq!(head_miss.header("cache-status"), Some("velocy; fwd=miss; detail=head"));
    client.get("/r").send().await;
    let head = client.head("/r").send().await.assert_status(200);
    assert_eq!(x_cache(&head), "hit");
    assert_eq!(head.header("content-length"), Some("11"));
    assert!(head.bytes().is_empty());
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn stale_while_revalidate_serves_stale_then_fresh() {
    let headers = &[("cache-control", "max-age=10, stale-while-revalidate=30")];
    let (client, runs) = counted(Cache::new(), 200, headers);
    client.get("/r").send().await;
    tokio::time::advance(Duration::from_secs(12)).await;
    let stale = client.get("/r").send().await.assert_text("run 1 of /r");
    assert_eq!(x_cache(&stale), "stale");
    assert_eq!(stale.header("cache-status"), Some("velocy; hit; ttl=-2"));
    assert_eq!(stale.header("age"), Some("12"));
    // Stale again while the background refresh has not run: no second refresh is started.
    client.get("/r").send().await.assert_text("run 1 of /r");
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    client.get("/r").send().await.assert_text("run 2 of /r").assert_header("x-cache", "hit");
}

#[tokio::test(start_paused = true)]
async fn stale_if_error_serves_stale_when_the_handler_fails_or_panics() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&runs);
    let handler = move || {
        let counter = Arc::clone(&counter);
        async move {
            match counter.fetch_add(1, Ordering::SeqCst) {
                0 => respond(200, &[("cache-control", "max-age=1, stale-if-error=60")], "good"),
                1 => respond(503, &[], "down"),
                2 => panic!("handler broke"),
                _ => respond(200, &[("cache-control", "max-age=1")], "recovered"),
            }
        }
    };
    let client = TestClient::new(App::new().merge(Router::new().get("/r", handler).middleware(Cache::new())));
    client.get("/r").send().await.assert_text("good");
    tokio::time::advance(Duration::from_secs(3)).await;
    let stale = client.get("/r").send().await.assert_status(200).assert_text("good");
    assert_eq!(stale.header("cache-status"), Some("velocy; fwd=stale; fwd-status=503; ttl=-2"));
    assert_eq!(x_cache(&stale), "stale");
    let stale = client.get("/r").send().await.assert_status(200).assert_text("good");
    assert_eq!(stale.header("cache-status"), Some("velocy; fwd=stale; fwd-status=500; ttl=-2"));
    let recovered = client.get("/r").send().await.assert_text("recovered");
    assert_eq!(recovered.header("cache-status"), Some("velocy; fwd=stale; stored"));
    client.get("/r").send().await.assert_text("recovered").assert_header("x-cache", "hit");
    assert_eq!(runs.load(Ordering::SeqCst), 4);
}

#[tokio::test(start_paused = true)]
async fn concurrent_misses_run_the_handler_once() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&runs);
    let handler = move || {
        let counter = Arc::clone(&counter);
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(100)).await;
            respond(200, &[("cache-control", "max-age=60")], "shared")
        }
    };
    let client = TestClient::new(App::new().merge(Router::new().get("/r", handler).middleware(Cache::new())));
    let send = || client.get("/r").send();
    let (a, b, c, d) = tokio::join!(send(), send(), send(), send());
    for response in [&a, &b, &c, &d] {
        assert_eq!(response.text(), "shared");
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    let hits = [&a, &b, &c, &d].iter().filter(|response| x_cache(response) == "hit").count();
    assert_eq!(hits, 3);
}

#[tokio::test(start_paused = true)]
async fn waiters_run_their_own_request_when_the_leaders_response_is_private() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&runs);
    let handler = move || {
        let counter = Arc::clone(&counter);
        async move {
            let run = counter.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
            respond(200, &[("cache-control", "private, max-age=60")], format!("for caller {run}"))
        }
    };
    let client = TestClient::new(App::new().merge(Router::new().get("/r", handler).middleware(Cache::new())));
    let send = || client.get("/r").send();
    let (a, b, c) = tokio::join!(send(), send(), send());
    let mut bodies = vec![a.text(), b.text(), c.text()];
    bodies.sort();
    assert_eq!(bodies, ["for caller 1", "for caller 2", "for caller 3"]);
}

#[tokio::test]
async fn invalidation_by_key_path_and_prefix() {
    let cache = Cache::new().ttl(Duration::from_secs(60));
    let (client, _) = counted(cache.clone(), 200, &[]);
    for path in ["/r", "/r?page=2", "/r/1", "/r/2"] {
        client.get(path).send().await;
        client.get(path).send().await.assert_header("x-cache", "hit");
    }
    cache.invalidate_key("/r?page=2").await;
    client.get("/r?page=2").send().await.assert_header("x-cache", "miss");
    client.get("/r").send().await.assert_header("x-cache", "hit");
    cache.invalidate("/r").await;
    client.get("/r").send().await.assert_header("x-cache", "miss");
    client.get("/r?page=2").send().await.assert_header("x-cache", "miss");
    client.get("/r/1").send().await.assert_header("x-cache", "hit");
    cache.invalidate_prefix("/r/").await;
    client.get("/r/1").send().await.assert_header("x-cache", "miss");
    client.get("/r/2").send().await.assert_header("x-cache", "miss");
    client.get("/r").send().await.assert_header("x-cache", "hit");
}

#[tokio::test]
async fn an_unsafe_request_invalidates_its_path() {
    let cache = Cache::new().ttl(Duration::from_secs(60));
    let router = Router::new()
        .get("/items", || async { "list" })
        .post("/items", || async { "created" })
        .middleware(cache);
    let client = TestClient::new(App::new().merge(router));
    client.get("/items?x=1").send().await;
    client.get("/items?x=1").send().await.assert_header("x-cache", "hit");
    client.post("/items").send().await.assert_text("created");
    client.get("/items?x=1").send().await.assert_header("x-cache", "miss");
}

#[tokio::test]
async fn the_size_bound_evicts_the_least_recently_used() {
    let store = Arc::new(MemoryStore::new(4000));
    let cache = Cache::new().ttl(Duration::from_secs(60)).store(SharedStore(Arc::clone(&store)));
    let router = Router::new().get("/:name", || async { "x".repeat(1000) }).middleware(cache);
    let client = TestClient::new(App::new().merge(router));
    for path in ["/a", "/b", "/c"] {
        client.get(path).send().await.assert_header("x-cache", "miss");
    }
    client.get("/a").send().await.assert_header("x-cache", "hit"); // /a is now the most recent
    client.get("/d").send().await.assert_header("x-cache", "miss");
    assert!(store.size() <= 4000, "{}", store.size());
    assert_eq!(store.len(), 3);
    client.get("/b").send().await.assert_header("x-cache", "miss"); // evicted
    client.get("/a").send().await.assert_header("x-cache", "hit");
}

/// A store shared with the test, to look at its size.
struct SharedStore(Arc<MemoryStore>);

impl CacheStore for SharedStore {
    fn get<'a>(&'a self, key: &'a str) -> crate::future::BoxFuture<'a, Vec<CachedResponse>> {
        self.0.get(key)
    }
    fn put<'a>(
        &'a self,
        key: &'a str,
        entry: CachedResponse,
        ttl: Duration,
    ) -> crate::future::BoxFuture<'a, ()> {
        self.0.put(key, entry, ttl)
    }
    fn remove<'a>(&'a self, key: &'a str) -> crate::future::BoxFuture<'a, ()> {
        self.0.remove(key)
    }
    fn remove_prefix<'a>(&'a self, prefix: &'a str) -> crate::future::BoxFuture<'a, ()> {
        self.0.remove_prefix(prefix)
    }
}

#[tokio::test]
async fn a_large_streamed_body_is_delivered_whole_and_not_stored() {
    let handler = || async {
        let chunks = (0..5).map(|n| Ok::<_, std::io::Error>(format!("chunk{n}|")));
        let mut response =
            Response::new(Body::from_stream(crate::body::iter_stream(chunks.collect::<Vec<_>>())));
        response.headers_mut().insert("cache-control", HeaderValue::from_static("max-age=60"));
        response
    };
    let cache = Cache::new().max_body_size(16);
    let client = TestClient::new(
        App::new().merge(
            Router::new()
                .get("/big", handler)
                .get("/small", || async { "tiny" })
                .middleware(cache.default_ttl(Duration::from_secs(60))),
        ),
    );
    for _ in 0..2 {
        let response = client.get("/big").send().await.assert_text("chunk0|chunk1|chunk2|chunk3|chunk4|");
        assert_eq!(response.header("cache-status"), Some("velocy; fwd=miss; detail=too-large"));
    }
    client.get("/small").send().await;
    client.get("/small").send().await.assert_header("x-cache", "hit").assert_text("tiny");
}

#[tokio::test]
async fn request_directives_are_honoured_or_ignored() {
    let (client, runs) = counted(Cache::new().ttl(Duration::from_secs(60)), 200, &[]);
    client.get("/r").send().await;
    let refreshed =
        client.get("/r").header("cache-control", "no-cache").send().await.assert_text("run 2 of /r");
    assert_eq!(refreshed.header("cache-status"), Some("velocy; fwd=request; stored"));
    client.get("/r").send().await.assert_text("run 2 of /r");
    let bypassed =
        client.get("/r").header("cache-control", "no-store").send().await.assert_text("run 3 of /r");
    assert_eq!(bypassed.header("cache-status"), Some("velocy; fwd=request"));
    client.get("/r").send().await.assert_text("run 2 of /r");
    assert_eq!(runs.load(Ordering::SeqCst), 3);

    let cache = Cache::new()
        .ttl(Duration::from_secs(60))
        .request_directives(RequestDirectives::Ignore)
        .x_cache(false);
    let (client, runs) = counted(cache, 200, &[]);
    client.get("/r").send().await;
    let hit = client.get("/r").header("cache-control", "no-cache").send().await.assert_text("run 1 of /r");
    assert!(hit.header("x-cache").is_none());
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[test]
fn directives_are_parsed_from_every_field() {
    let mut headers = HeaderMap::new();
    headers.append("cache-control", HeaderValue::from_static("Public, max-age=\"20\""));
    headers.append("cache-control", HeaderValue::from_static("s-maxage=5, stale-if-error=9, bogus=1"));
    let directives = Directives::parse(&headers);
    assert!(directives.public && !directives.private);
    assert_eq!(
        (directives.max_age, directives.s_maxage, directives.stale_if_error),
        (Some(20), Some(5), Some(9))
    );
    let mut request = HeaderMap::new();
    request.insert("cache-control", HeaderValue::from_static("max-age=0"));
    assert_eq!(request_ask(&request), RequestAsk::Refresh);
    request.insert("cache-control", HeaderValue::from_static("no-store"));
    assert_eq!(request_ask(&request), RequestAsk::Bypass);
    assert_eq!(request_ask(&HeaderMap::new()), RequestAsk::Normal);
}

#[tokio::test]
async fn a_cache_name_that_is_not_a_token_is_quoted() {
    let (client, _) = counted(Cache::new().ttl(Duration::from_secs(1)).name("edge cache"), 200, &[]);
    client.get("/r").send().await.assert_header("cache-status", "\"edge cache\"; fwd=miss; stored");
    let _ = Method::GET;
}

/// An app with `/r` answering `make(run)` (counting runs), under `cache` as app middleware.
fn custom(
    cache: Cache,
    make: impl Fn(usize) -> Response + Clone + Send + Sync + 'static,
) -> (TestClient, Arc<AtomicUsize>) {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&runs);
    let handler = move || {
        let counter = Arc::clone(&counter);
        let make = make.clone();
        async move { make(counter.fetch_add(1, Ordering::SeqCst) + 1) }
    };
    let app = App::new().state(cache.clone()).middleware(cache).merge(Router::new().get("/r", handler));
    (TestClient::new(app), runs)
}

#[tokio::test(start_paused = true)]
async fn head_is_never_stored_nor_refreshed_in_the_background() {
    let (client, runs) = counted(Cache::new().ttl(Duration::from_secs(60)), 200, &[]);
    let head = client.head("/r").header("cache-control", "no-cache").send().await;
    assert_eq!(head.header("cache-status"), Some("velocy; fwd=request; detail=head"));
    client.get("/r").send().await.assert_header("x-cache", "miss").assert_text("run 2 of /r");

    let headers = &[("cache-control", "max-age=1, stale-while-revalidate=60")];
    let (client, runs2) = counted(Cache::new(), 200, headers);
    client.get("/r").send().await;
    tokio::time::advance(Duration::from_secs(3)).await;
    client.head("/r").send().await.assert_header("x-cache", "stale");
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert_eq!(runs2.load(Ordering::SeqCst), 1);
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_negotiated_route_varies_on_accept() {
    let cache = Cache::new().ttl(Duration::from_secs(60));
    let router = Router::new()
        .route(crate::Route::new(Method::GET, "/doc", || async { "json" }).produces(["application/json"]))
        .route(
            crate::Route::new(Method::GET, "/doc", || async { crate::Html("html") }).produces(["text/html"]),
        );
    let client = TestClient::new(App::new().middleware(cache).merge(router));
    client.get("/doc").header("accept", "application/json").send().await.assert_text("json");
    let html = client.get("/doc").header("accept", "text/html").send().await.assert_text("html");
    assert_eq!(x_cache(&html), "miss");
    let json = client.get("/doc").header("accept", "application/json").send().await.assert_text("json");
    assert_eq!(x_cache(&json), "hit");
}

fn variant(value: &str, body: usize) -> CachedResponse {
    CachedResponse {
        status: StatusCode::OK,
        headers: HeaderMap::new(),
        body: bytes::Bytes::from(vec![b'x'; body]),
        stored_at: std::time::SystemTime::now(),
        initial_age: Duration::ZERO,
        freshness: Duration::from_secs(60),
        stale_while_revalidate: Duration::ZERO,
        stale_if_error: Duration::ZERO,
        vary: vec![(http::header::ACCEPT_LANGUAGE, Some(value.as_bytes().to_vec()))],
    }
}

#[tokio::test]
async fn one_key_keeps_a_bounded_number_and_size_of_variants() {
    let store = MemoryStore::new(1 << 20);
    for n in 0..20 {
        store.put("/r", variant(&format!("l{n}"), 10), Duration::from_secs(60)).await;
    }
    assert_eq!(store.get("/r").await.len(), MAX_VARIANTS);
    let mut request = HeaderMap::new();
    request.insert("accept-language", HeaderValue::from_static("l19"));
    let (found, had) = store.get_matching("/r", &request).await;
    assert!(had && found.is_some());
    request.insert("accept-language", HeaderValue::from_static("l0"));
    assert!(store.get_matching("/r", &request).await.0.is_none(), "the oldest was dropped");

    let store = MemoryStore::new(2500);
    for n in 0..5 {
        store.put("/r", variant(&format!("l{n}"), 1000), Duration::from_secs(60)).await;
        assert!(store.size() <= 2500, "{}", store.size());
    }
    assert_eq!(store.get("/r").await.len(), 2);
}

#[tokio::test]
async fn a_configured_ttl_does_not_share_answers_to_requests_with_cookies() {
    let (client, runs) = counted(Cache::new().ttl(Duration::from_secs(60)), 200, &[]);
    let first = client.get("/r").header("cookie", "session=a").send().await;
    assert_eq!(first.header("cache-status"), Some("velocy; fwd=miss; detail=no-freshness"));
    client.get("/r").header("cookie", "session=b").send().await.assert_text("run 2 of /r");
    let (client, runs2) = counted(Cache::new().default_ttl(Duration::from_secs(60)), 200, &[]);
    client.get("/r").header("cookie", "session=a").send().await;
    client.get("/r").header("cookie", "session=b").send().await.assert_text("run 2 of /r");
    assert_eq!(runs.load(Ordering::SeqCst) + runs2.load(Ordering::SeqCst), 4);
    // The response says it may be shared: stored.
    let (client, runs) =
        counted(Cache::new().ttl(Duration::from_secs(60)), 200, &[("cache-control", "public")]);
    client.get("/r").header("cookie", "session=a").send().await;
    client.get("/r").header("cookie", "session=b").send().await.assert_text("run 1 of /r");
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn huge_lifetimes_and_ages_do_not_overflow() {
    let (client, runs) = counted(Cache::new().ttl(Duration::MAX), 200, &[("age", "99999999999999999999")]);
    client.get("/r").send().await.assert_status(200);
    let hit = client.get("/r").send().await.assert_text("run 1 of /r");
    assert_eq!(hit.header("age"), Some("2147483648"));
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    let cache = Cache::new().ttl(Duration::MAX).stale_while_revalidate(Duration::MAX);
    let (client, _) = counted(cache, 200, &[]);
    client.get("/r").send().await;
    client.get("/r").send().await.assert_header("x-cache", "hit");
}

#[tokio::test]
async fn unreadable_header_bytes_fail_closed() {
    let with = |name: &'static str, value: &'static [u8]| {
        move |run: usize| {
            let mut response = respond(200, &[("cache-control", "max-age=60")], format!("run {run}"));
            response.headers_mut().append(name, HeaderValue::from_bytes(value).unwrap());
            response
        }
    };
    let (client, runs) = custom(Cache::new(), with("cache-control", b"max-age=60, \xff"));
    client.get("/r").send().await.assert_header("cache-status", "velocy; fwd=miss; detail=no-store");
    client.get("/r").send().await;
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    let (client, runs) = custom(Cache::new(), with("vary", b"accept, x-\xff"));
    client.get("/r").send().await.assert_header("cache-status", "velocy; fwd=miss; detail=vary-star");
    client.get("/r").send().await;
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    let (client, runs) = custom(Cache::new(), with("vary", b"accept, bad name"));
    client.get("/r").send().await.assert_header("cache-status", "velocy; fwd=miss; detail=vary-star");
    client.get("/r").send().await;
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    // Varied request values compare as raw bytes: two values a lossy decoding would make equal.
    let (client, runs) = custom(Cache::new(), with("vary", b"x-who"));
    let who = |byte: &'static [u8]| HeaderValue::from_bytes(byte).unwrap();
    client.get("/r").header("x-who", who(b"\xfe")).send().await.assert_text("run 1");
    client.get("/r").header("x-who", who(b"\xff")).send().await.assert_text("run 2");
    client.get("/r").header("x-who", who(b"\xfe")).send().await.assert_text("run 1");
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn event_streams_pass_through_unstored() {
    let headers = &[("content-type", "text/event-stream"), ("cache-control", "max-age=60")];
    let (client, runs) = counted(Cache::new(), 200, headers);
    let first = client.get("/r").send().await;
    assert_eq!(first.header("cache-status"), Some("velocy; fwd=miss; detail=event-stream"));
    client.get("/r").send().await;
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn a_waiter_stops_waiting_for_a_slow_leader() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&runs);
    let handler = move || {
        let counter = Arc::clone(&counter);
        async move {
            let run = counter.fetch_add(1, Ordering::SeqCst) + 1;
            if run == 1 {
                tokio::time::sleep(Duration::from_secs(600)).await;
            }
            respond(200, &[("cache-control", "max-age=60")], format!("run {run}"))
        }
    };
    let client = TestClient::new(App::new().merge(Router::new().get("/r", handler).middleware(Cache::new())));
    let start = tokio::time::Instant::now();
    let waiter = async {
        tokio::time::sleep(Duration::from_millis(10)).await;
        let response = client.get("/r").send().await;
        (response, start.elapsed())
    };
    let (_, (response, waited)) = tokio::join!(client.get("/r").send(), waiter);
    assert_eq!(response.text(), "run 2");
    assert!(waited < Duration::from_secs(60), "{waited:?}");
}

#[tokio::test]
async fn conditional_and_range_fields_are_not_forwarded_when_storing() {
    let (client, runs) = custom(Cache::new(), |run| {
        respond(200, &[("cache-control", "max-age=60"), ("etag", "\"v1\"")], format!("run {run}"))
    });
    let first = client.get("/r").header("if-none-match", "\"v1\"").header("range", "bytes=0-1").send().await;
    assert_eq!(first.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(first.header("cache-status"), Some("velocy; fwd=miss; stored"));
    client.get("/r").send().await.assert_status(200).assert_text("run 1").assert_header("x-cache", "hit");
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_handler_sees_no_conditional_fields_when_storing() {
    let handler = |headers: HeaderMap| async move {
        let conditional = ["if-none-match", "if-modified-since", "range", "if-range", "if-match"]
            .iter()
            .filter(|name| headers.contains_key(**name))
            .count();
        respond(200, &[("cache-control", "max-age=60")], format!("conditional {conditional}"))
    };
    let client = TestClient::new(App::new().merge(Router::new().get("/r", handler).middleware(Cache::new())));
    let first = client
        .get("/r")
        .header("if-none-match", "\"x\"")
        .header("if-modified-since", "Sun, 06 Nov 1994 08:49:37 GMT")
        .header("range", "bytes=0-1")
        .send()
        .await;
    first.assert_text("conditional 0");
    client.get("/r").send().await.assert_text("conditional 0");
}

#[tokio::test(start_paused = true)]
async fn a_fetch_across_an_invalidation_is_not_stored() {
    let cache = Cache::new().ttl(Duration::from_secs(60));
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&runs);
    let slow = move || {
        let counter = Arc::clone(&counter);
        async move {
            let run = counter.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
            format!("run {run}")
        }
    };
    let router = Router::new().get("/items", slow).post("/items", || async { "written" }).middleware(cache);
    let client = TestClient::new(App::new().merge(router));
    let write = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        client.post("/items").send().await
    };
    let (before, _) = tokio::join!(client.get("/items").send(), write);
    assert_eq!(before.header("cache-status"), Some("velocy; fwd=miss; detail=invalidated"));
    client.get("/items").send().await.assert_text("run 2").assert_header("x-cache", "miss");
}
