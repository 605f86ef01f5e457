//! The router over real sockets: every segment kind, precedence with backtracking, 404/405, HEAD, OPTIONS,
//! nesting, percent-decoding, and discovery of macro routes.

use bytes::Bytes;
use http::{Method, StatusCode};
use velocy::prelude::*;
use velocy::test::TestServer;

use crate::client::{get, send};

#[get("/static/about")]
async fn about() -> &'static str {
    "about"
}

#[get("/users/:id")]
async fn user(id: u64) -> String {
    format!("user {id}")
}

#[get("/users/me")]
async fn me() -> &'static str {
    "me"
}

#[get("/orders/:id(\\d+)")]
async fn order_by_number(id: u32) -> String {
    format!("order #{id}")
}

#[get("/orders/:slug")]
async fn order_by_slug(slug: String) -> String {
    format!("order '{slug}'")
}

#[get("/files/*path")]
async fn file(path: String) -> String {
    format!("file {path}")
}

#[get("/a/:x/c")]
async fn a_x_c(x: String) -> String {
    format!("a/{x}/c")
}

#[get("/a/b/d")]
async fn a_b_d() -> &'static str {
    "a/b/d"
}

#[route(method = ["PUT", "PATCH"], path = "/items/:item")]
async fn replace_item(item: String, method: Method) -> String {
    format!("{method} {item}")
}

#[get("/status")]
async fn v2_status() -> &'static str {
    "v2 ok"
}

fn app() -> App {
    App::new()
        .routes(routes![about, user, me, order_by_number, order_by_slug, file, a_x_c, a_b_d, replace_item])
        .nest("/api/v2", Router::new().routes(routes![v2_status]))
}

#[tokio::test]
async fn static_param_constrained_and_catch_all_segments() {
    let server = TestServer::start(app()).await.unwrap();
    assert_eq!(get(&server.url("/static/about")).await.text(), "about");
    assert_eq!(get(&server.url("/users/42")).await.text(), "user 42");
    assert_eq!(get(&server.url("/users/me")).await.text(), "me");
    assert_eq!(get(&server.url("/orders/17")).await.text(), "order #17");
    assert_eq!(get(&server.url("/orders/blue-shoes")).await.text(), "order 'blue-shoes'");
    assert_eq!(get(&server.url("/files/docs/guide/intro.md")).await.text(), "file docs/guide/intro.md");
}

#[tokio::test]
async fn precedence_backtracks() {
    let server = TestServer::start(app()).await.unwrap();
    assert_eq!(get(&server.url("/a/b/c")).await.text(), "a/b/c");
    assert_eq!(get(&server.url("/a/b/d")).await.text(), "a/b/d");
    assert_eq!(get(&server.url("/a/z/c")).await.text(), "a/z/c");
}

#[tokio::test]
async fn by_name_parameters_that_do_not_parse_are_400() {
    let server = TestServer::start(app()).await.unwrap();
    let reply = get(&server.url("/users/abc")).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.header("content-type"), Some("application/problem+json"));
    let detail = reply.json()["detail"].as_str().unwrap().to_owned();
    assert!(detail.contains("`id`") && detail.contains("abc"), "{detail}");
}

#[tokio::test]
async fn not_found_and_method_not_allowed() {
    let server = TestServer::start(app()).await.unwrap();
    let missing = get(&server.url("/nothing/here")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["status"], 404);
    let wrong = send(Method::POST, &server.url("/users/1"), &[], Bytes::new()).await;
    assert_eq!(wrong.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong.header("allow"), Some("GET, HEAD, OPTIONS"));
    let multi = send(Method::DELETE, &server.url("/items/x"), &[], Bytes::new()).await;
    assert_eq!(multi.header("allow"), Some("PUT, PATCH, OPTIONS"));
}

#[tokio::test]
async fn head_and_options_are_automatic() {
    let server = TestServer::start(app()).await.unwrap();
    let head = send(Method::HEAD, &server.url("/users/7"), &[], Bytes::new()).await;
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(head.header("content-length"), Some("6"));
    assert!(head.body.is_empty());
    let options = send(Method::OPTIONS, &server.url("/items/x"), &[], Bytes::new()).await;
    assert_eq!(options.status, StatusCode::NO_CONTENT);
    assert_eq!(options.header("allow"), Some("PUT, PATCH, OPTIONS"));
}

#[tokio::test]
async fn one_route_for_several_methods() {
    let server = TestServer::start(app()).await.unwrap();
    assert_eq!(send(Method::PUT, &server.url("/items/x"), &[], Bytes::new()).await.text(), "PUT x");
    assert_eq!(send(Method::PATCH, &server.url("/items/y"), &[], Bytes::new()).await.text(), "PATCH y");
}

#[tokio::test]
async fn nested_routers_answer_under_their_prefix() {
    let server = TestServer::start(app()).await.unwrap();
    assert_eq!(get(&server.url("/api/v2/status")).await.text(), "v2 ok");
    assert_eq!(get(&server.url("/status")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn parameters_are_percent_decoded_once() {
    let server = TestServer::start(app()).await.unwrap();
    assert_eq!(get(&server.url("/orders/caf%C3%A9")).await.text(), "order 'café'");
    assert_eq!(get(&server.url("/orders/a%2Fb")).await.text(), "order 'a/b'");
    assert_eq!(get(&server.url("/orders/100%2525")).await.text(), "order '100%25'");
    let invalid = get(&server.url("/orders/%FF")).await;
    assert_eq!(invalid.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn discover_collects_every_macro_route_in_the_binary() {
    // Discovery collects the routes of every module of this binary, so provide the state they need.
    let runs = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0)); // the cache tests' macro route
    let service =
        App::new().state(crate::extractors::AppName("discovered")).state(runs).discover().build().unwrap();
    let names: Vec<&str> = service.routes().map(|route| route.name.as_str()).collect();
    for expected in ["about", "user", "order_by_number", "file", "replace_item"] {
        assert!(names.contains(&expected), "{expected} missing from {names:?}");
    }
    let table = service.route_table().to_string();
    assert!(table.contains("e2e/routing.rs"), "{table}");
}

#[test]
fn conflicting_routes_are_reported_with_both_locations() {
    // Every macro route in this binary must stay conflict-free for the discovery test, so the shadowing
    // route is registered by hand (its location comes from `#[track_caller]`).
    let shadow = Router::new().get("/users/:other", || async { "shadow" });
    let error = App::new().routes(routes![user]).merge(shadow).build().unwrap_err();
    let message = error.to_string();
    assert!(message.contains("route conflict"), "{message}");
    assert_eq!(message.matches("e2e/routing.rs").count(), 2, "{message}");
}
