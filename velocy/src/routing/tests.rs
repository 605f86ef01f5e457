//! Virtual hosts and routing options through the in-process client.

#![allow(clippy::unwrap_used)]

use http::Method;

use crate::routing::TrailingSlash;
use crate::test::TestClient;
use crate::{App, Route, Router};

fn hosts() -> TestClient {
    TestClient::new(
        App::new()
            .host("api.example.com", Router::new().get("/", || async { "api" }))
            .host("*.example.com", Router::new().get("/", || async { "wildcard" }))
            .host("example.com:*", Router::new().get("/", || async { "any port" }))
            .host("example.com", Router::new().get("/", || async { "default port" }))
            .route(Route::new(Method::GET, "/", || async { "no host matched" })),
    )
}

#[tokio::test]
async fn exact_hosts_beat_wildcards_and_ports_matter() {
    let client = hosts();
    client.get("/").header("host", "api.example.com").send().await.assert_text("api");
    client.get("/").header("host", "API.Example.com:80").send().await.assert_text("api");
    client.get("/").header("host", "shop.example.com").send().await.assert_text("wildcard");
    client.get("/").header("host", "example.com").send().await.assert_text("default port");
    client.get("/").header("host", "example.com:8080").send().await.assert_text("any port");
    client.get("/").header("host", "elsewhere.org").send().await.assert_text("no host matched");
    client.get("http://api.example.com/").send().await.assert_text("api");
}

#[tokio::test]
async fn malformed_hosts_are_400() {
    let client = hosts();
    let response = client.get("/").header("host", "exa mple.com").send().await.assert_status(400);
    assert!(response.text().contains("Host"), "{}", response.text());
    client.get("/").header("host", "example.com:99999").send().await.assert_status(400);
}

#[tokio::test]
async fn a_no_host_handler_answers_unknown_hosts() {
    let client = TestClient::new(
        App::new()
            .host("api.example.com", Router::new().get("/", || async { "api" }))
            .no_host(|| async { (http::StatusCode::MISDIRECTED_REQUEST, "unknown host") }),
    );
    client.get("/anything").header("host", "other.org").send().await.assert_status(421);
    client.get("/").header("host", "api.example.com").send().await.assert_text("api");
}

#[tokio::test]
async fn the_default_port_is_configurable() {
    let client = TestClient::new(
        App::new().default_port(443).host("secure.example.com", Router::new().get("/", || async { "tls" })),
    );
    client.get("/").header("host", "secure.example.com").send().await.assert_text("tls");
    client.get("/").header("host", "secure.example.com:443").send().await.assert_text("tls");
    client.get("/").header("host", "secure.example.com:80").send().await.assert_status(404);
}

#[test]
fn invalid_host_patterns_fail_the_build() {
    let error = App::new().host("bad host", Router::new().get("/", || async {})).build().unwrap_err();
    assert!(error.to_string().contains("bad host"), "{error}");
}

fn slashes(mode: TrailingSlash) -> TestClient {
    TestClient::new(
        App::new().trailing_slash(mode).route(Route::new(Method::GET, "/users", || async { "users" })),
    )
}

#[tokio::test]
async fn trailing_slashes_strict_ignore_and_redirect() {
    let strict = slashes(TrailingSlash::Strict);
    strict.get("/users/").send().await.assert_status(404);
    let ignore = slashes(TrailingSlash::Ignore);
    ignore.get("/users/").send().await.assert_text("users");
    let redirect = slashes(TrailingSlash::Redirect);
    redirect.get("/users/?page=2").send().await.assert_status(308).assert_header("location", "/users?page=2");
    redirect.get("/users").send().await.assert_text("users");
}

#[tokio::test]
async fn case_insensitive_matching_keeps_parameter_case() {
    let client = TestClient::new(App::new().case_insensitive(true).route(Route::new(
        Method::GET,
        "/users/:name",
        |crate::Path(name): crate::Path<String>| async move { name },
    )));
    client.get("/USERS/AdaLovelace").send().await.assert_text("AdaLovelace");
    let strict = TestClient::new(App::new().route(Route::new(Method::GET, "/users", || async {})));
    strict.get("/USERS").send().await.assert_status(404);
}

#[test]
fn case_insensitive_apps_refuse_uppercase_static_segments() {
    let error = App::new()
        .case_insensitive(true)
        .route(Route::new(Method::GET, "/Users/:Name", || async {}))
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("lowercase"), "{error}");
}

#[tokio::test]
async fn unicode_paths_match_in_nfc_and_handlers_see_the_real_path() {
    let route = Route::new(
        Method::GET,
        "/caf%C3%A9/:dish",
        |uri: http::Uri, crate::Path(dish): crate::Path<String>| async move { format!("{} {dish}", uri.path()) },
    );
    let client = TestClient::new(App::new().route(route.clone()));
    // `e` + U+0301 COMBINING ACUTE ACCENT, then a decomposed `ü` (u + U+0308) in the parameter.
    client.get("/cafe%CC%81/mu%CC%88sli").send().await.assert_text("/cafe%CC%81/mu%CC%88sli müsli");
    client.get("/caf%C3%A9/tea").send().await.assert_text("/caf%C3%A9/tea tea");
    let strict = TestClient::new(App::new().unicode_normalization(false).route(route));
    strict.get("/cafe%CC%81/tea").send().await.assert_status(404);
}
