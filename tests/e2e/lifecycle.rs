//! The request lifecycle over real sockets: middleware order, early answers, interceptors, panics, a body
//! that fails after the head was sent, completion observers, the request context, content negotiation,
//! virtual hosts and the trailing-slash redirect.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, StatusCode};
use velocy::lifecycle::{Completion, Intercepted, ServeError};
use velocy::middleware::{from_fn, Next};
use velocy::prelude::*;
use velocy::request_id::RequestIdConfig;
use velocy::routing::TrailingSlash;
use velocy::test::TestServer;

use crate::client::{get, raw, send};

type Log = Arc<Mutex<Vec<String>>>;

fn traced(log: &Log, name: &'static str) -> impl velocy::middleware::Middleware {
    let log = Arc::clone(log);
    from_fn(move |request: Request, next: Next| {
        let log = Arc::clone(&log);
        async move {
            log.lock().unwrap().push(format!("{name} in"));
            let response = next.run(request).await;
            log.lock().unwrap().push(format!("{name} out"));
            response
        }
    })
}

#[get("/l/hello")]
async fn hello() -> &'static str {
    "hello"
}

#[get("/l/panic")]
async fn explode() -> &'static str {
    panic!("kaboom")
}

#[get("/l/broken-stream")]
async fn broken_stream() -> Body {
    let chunks =
        vec![Ok(Bytes::from(vec![b'x'; 64 * 1024])), Err(std::io::Error::other("backend went away"))];
    Body::from_stream(velocy::body::iter_stream(chunks))
}

#[get("/l/whoami")]
async fn whoami() -> String {
    let request = velocy::context::current().expect("request context is enabled");
    format!("{} {}", request.method(), request.route().unwrap_or("-"))
}

#[tokio::test]
async fn middleware_runs_in_order_over_a_socket() {
    let log: Log = Arc::default();
    let group = Router::new().routes(routes![hello]).middleware(traced(&log, "group"));
    let app = App::new().merge(group).middleware(traced(&log, "global"));
    let server = TestServer::start(app).await.unwrap();
    assert_eq!(get(&server.url("/l/hello")).await.text(), "hello");
    assert_eq!(*log.lock().unwrap(), ["global in", "group in", "group out", "global out"]);
    log.lock().unwrap().clear();
    assert_eq!(get(&server.url("/l/nothing")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(*log.lock().unwrap(), ["global in", "global out"], "global middleware sees 404s too");
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_and_the_connection_keeps_serving() {
    let server = TestServer::start(App::new().routes(routes![explode, hello])).await.unwrap();
    let response = raw(
        server.address(),
        b"GET /l/panic HTTP/1.1\r\nHost: x\r\n\r\nGET /l/hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 500"), "{response}");
    assert!(!response.contains("kaboom"), "{response}");
    assert!(response.ends_with("hello"), "the same connection answers the next request: {response}");
}

#[tokio::test]
async fn a_body_failing_midway_aborts_the_connection_and_reaches_the_error_sink() {
    let errors: Arc<Mutex<Vec<ServeError>>> = Arc::default();
    let completions: Arc<Mutex<Vec<Completion>>> = Arc::default();
    let (error_sink, completion_sink) = (Arc::clone(&errors), Arc::clone(&completions));
    let app = App::new()
        .routes(routes![broken_stream])
        .on_error(move |error: &ServeError| error_sink.lock().unwrap().push(error.clone()))
        .on_completion(move |completion: &Completion| {
            completion_sink.lock().unwrap().push(completion.clone())
        });
    let server = TestServer::start(app).await.unwrap();
    let response =
        raw(server.address(), b"GET /l/broken-stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await;
    assert!(response.starts_with("HTTP/1.1 200"), "{}", &response[..40.min(response.len())]);
    assert!(!response.ends_with("0\r\n\r\n"), "the final chunk must be missing");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let errors = errors.lock().unwrap();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("backend went away"), "{}", errors[0]);
    let completions = completions.lock().unwrap();
    assert_eq!(completions[0].bytes_sent, 64 * 1024);
    assert!(completions[0].error.is_some());
}

#[tokio::test]
async fn interceptors_and_completion_observers_over_a_socket() {
    let completions: Arc<Mutex<Vec<Completion>>> = Arc::default();
    let sink = Arc::clone(&completions);
    let app = App::new()
        .routes(routes![hello])
        .on_status(StatusCode::NOT_FOUND, |intercepted: Intercepted| async move {
            (StatusCode::NOT_FOUND, Html(format!("<h1>{} is not here</h1>", intercepted.request.uri.path())))
        })
        .on_completion(move |completion: &Completion| sink.lock().unwrap().push(completion.clone()));
    let server = TestServer::start(app).await.unwrap();
    let missing = get(&server.url("/l/gone")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.text(), "<h1>/l/gone is not here</h1>");
    assert_eq!(get(&server.url("/l/hello")).await.text(), "hello");
    let completions = completions.lock().unwrap();
    assert_eq!(completions.len(), 2);
    assert_eq!(completions[1].route.as_deref(), Some("/l/hello"));
    assert_eq!(completions[1].bytes_sent, 5);
}

#[tokio::test]
async fn completion_observers_keep_content_length_and_see_the_request_id() {
    // Completion observers and request ids run on the fast path: the report wraps the body, which must keep
    // its length (no chunked encoding), and HEAD must still send no body.
    let completions: Arc<Mutex<Vec<Completion>>> = Arc::default();
    let sink = Arc::clone(&completions);
    let app = App::new()
        .routes(routes![hello])
        .request_id(RequestIdConfig::new())
        .on_completion(move |completion: &Completion| sink.lock().unwrap().push(completion.clone()));
    let server = TestServer::start(app).await.unwrap();
    let request = b"GET /l/hello HTTP/1.1\r\nHost: x\r\nx-request-id: trace-7\r\nConnection: close\r\n\r\n";
    let response = raw(server.address(), request).await;
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let head = head.to_ascii_lowercase();
    assert!(head.contains("content-length: 5"), "{head}");
    assert!(!head.contains("transfer-encoding"), "{head}");
    assert!(head.contains("x-request-id: trace-7"), "{head}");
    assert_eq!(body, "hello");
    let head_request = b"HEAD /l/hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let head_response = raw(server.address(), head_request).await;
    assert!(head_response.to_ascii_lowercase().contains("content-length: 5"), "{head_response}");
    assert!(head_response.ends_with("\r\n\r\n"), "{head_response}");
    let missing = raw(server.address(), b"GET /l/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await;
    assert!(missing.starts_with("HTTP/1.1 400"), "{missing}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let completions = completions.lock().unwrap();
    assert_eq!(completions.len(), 3);
    assert_eq!(completions[0].request_id.as_ref().map(|id| id.as_str()), Some("trace-7"));
    assert_eq!(completions[0].route.as_deref(), Some("/l/hello"));
    assert_eq!((completions[0].status, completions[0].bytes_sent), (StatusCode::OK, 5));
    assert_eq!((completions[1].method.clone(), completions[1].bytes_sent), (Method::HEAD, 0));
    assert_eq!((completions[2].status, completions[2].route.as_deref()), (StatusCode::BAD_REQUEST, None));
    assert_eq!(completions[2].request_id.as_ref().map(|id| id.as_str().len()), Some(32));
}

#[tokio::test]
async fn the_request_context_is_available_in_handlers() {
    let server = TestServer::start(App::new().request_context().routes(routes![whoami])).await.unwrap();
    assert_eq!(get(&server.url("/l/whoami")).await.text(), "GET /l/whoami");
}

#[tokio::test]
async fn negotiation_hosts_and_slashes_over_a_socket() {
    let app = App::new()
        .trailing_slash(TrailingSlash::Redirect)
        .route(Route::new(Method::GET, "/l/doc", || async { Json("json") }).produces(["application/json"]))
        .route(Route::new(Method::GET, "/l/doc", || async { Html("html") }).produces(["text/html"]))
        .host("admin.localhost:*", Router::new().get("/l/doc", || async { "admin" }));
    let server = TestServer::start(app).await.unwrap();
    let html = send(Method::GET, &server.url("/l/doc"), &[("accept", "text/html")], Bytes::new()).await;
    assert_eq!((html.text().as_str(), html.header("vary")), ("html", Some("accept")));
    let none = send(Method::GET, &server.url("/l/doc"), &[("accept", "image/*")], Bytes::new()).await;
    assert_eq!(none.status, StatusCode::NOT_ACCEPTABLE);
    let admin =
        send(Method::GET, &server.url("/l/doc"), &[("host", "admin.localhost:1234")], Bytes::new()).await;
    assert_eq!(admin.text(), "admin");
    let moved = get(&server.url("/l/doc/?x=1")).await;
    assert_eq!(moved.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(moved.header("location"), Some("/l/doc?x=1"));
}
