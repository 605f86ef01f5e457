use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{Method, StatusCode};

use super::{AllowHeaders, AllowMethods, AllowOrigin, Cors, ExposeHeaders};
use crate::middleware::{from_fn, Next};
use crate::test::{TestClient, TestResponse};
use crate::{App, IntoResponse, Request, Route, Router};

const APP: &str = "https://app.example";
const EVIL: &str = "https://evil.example";

fn cors() -> Cors {
    Cors::new().allow_origin(APP)
}

fn client_with(cors: Cors) -> TestClient {
    TestClient::new(App::new().middleware(cors).merge(Router::new().get("/notes", || async { "notes" })))
}

fn has_cors_headers(response: &TestResponse) -> bool {
    response.headers().keys().any(|name| name.as_str().starts_with("access-control-"))
}

fn vary(response: &TestResponse) -> Vec<String> {
    response
        .headers()
        .get_all("vary")
        .iter()
        .flat_map(|value| value.to_str().unwrap_or("").split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .collect()
}

async fn preflight(client: &TestClient, path: &str, origin: &str, method: &str) -> TestResponse {
    client.options(path).header("origin", origin).header("access-control-request-method", method).send().await
}

/// A middleware that refuses every request: stands for an authentication check.
fn deny_all() -> impl crate::middleware::Middleware {
    from_fn(|_request: Request, _next: Next| async { StatusCode::UNAUTHORIZED.into_response() })
}

#[tokio::test]
async fn a_request_without_origin_gets_no_cors_headers() {
    let response = client_with(cors()).get("/notes").send().await.assert_status(200).assert_text("notes");
    assert!(!has_cors_headers(&response), "{:?}", response.headers());
    assert_eq!(vary(&response), ["origin"], "caches must keep CORS and other answers apart");
}

#[tokio::test]
async fn an_allowed_origin_is_echoed_and_a_disallowed_one_gets_nothing() {
    let client = client_with(cors());
    let allowed = client.get("/notes").header("origin", APP).send().await.assert_status(200);
    assert_eq!(allowed.header("access-control-allow-origin"), Some(APP));
    assert_eq!(allowed.header("access-control-allow-credentials"), None);
    assert_eq!(vary(&allowed), ["origin"]);

    let refused = client.get("/notes").header("origin", EVIL).send().await.assert_status(200);
    assert_eq!(refused.text(), "notes", "the request still runs; the browser blocks the response");
    assert!(!has_cors_headers(&refused), "{:?}", refused.headers());
    assert_eq!(vary(&refused), ["origin"]);

    let case = client.get("/notes").header("origin", "HTTPS://APP.example").send().await;
    assert!(case.header("access-control-allow-origin").is_some(), "origins compare case-insensitively");
}

#[tokio::test]
async fn lists_predicates_and_any_origin() {
    let list = client_with(Cors::new().allow_origin([APP, "http://localhost:5173"]));
    let response = list.get("/notes").header("origin", "http://localhost:5173").send().await;
    assert_eq!(response.header("access-control-allow-origin"), Some("http://localhost:5173"));
    assert!(!has_cors_headers(&list.get("/notes").header("origin", EVIL).send().await));

    let predicate = client_with(Cors::new().allow_origin(AllowOrigin::predicate(|origin, parts| {
        origin.as_bytes().ends_with(b".app.example") && parts.path() == "/notes"
    })));
    let response = predicate.get("/notes").header("origin", "https://eu.app.example").send().await;
    assert_eq!(response.header("access-control-allow-origin"), Some("https://eu.app.example"));
    assert!(!has_cors_headers(&predicate.get("/notes").header("origin", EVIL).send().await));

    let any = client_with(Cors::new().allow_origin(AllowOrigin::any()));
    let response = any.get("/notes").header("origin", EVIL).send().await;
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn credentials_echo_the_origin_and_expose_headers_are_listed() {
    let client = client_with(cors().allow_credentials(true).expose_headers(["x-request-id", "etag"]));
    let response = client.get("/notes").header("origin", APP).send().await;
    assert_eq!(response.header("access-control-allow-origin"), Some(APP), "never `*` with credentials");
    assert_eq!(response.header("access-control-allow-credentials"), Some("true"));
    assert_eq!(response.header("access-control-expose-headers"), Some("x-request-id, etag"));

    let any = client_with(Cors::new().allow_origin(AllowOrigin::any()).expose_headers(ExposeHeaders::any()));
    let response = any.get("/notes").header("origin", APP).send().await;
    assert_eq!(response.header("access-control-expose-headers"), Some("*"));
}

#[tokio::test]
async fn vary_is_appended_to_the_handlers() {
    let app = App::new().middleware(cors()).merge(
        Router::new()
            .get("/v", || async { ([("vary", "accept-encoding")], "v") })
            .get("/o", || async { ([("vary", "Origin")], "o") }),
    );
    let client = TestClient::new(app);
    let response = client.get("/v").header("origin", APP).send().await;
    assert_eq!(vary(&response), ["accept-encoding", "origin"]);
    let response = client.get("/o").header("origin", APP).send().await;
    assert_eq!(vary(&response), ["origin"], "not named twice");
}

#[tokio::test]
async fn a_preflight_gets_every_header_and_max_age_in_seconds() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let app = App::new()
        .middleware(
            cors()
                .allow_headers([CONTENT_TYPE, AUTHORIZATION])
                .allow_credentials(true)
                .max_age(Duration::from_millis(600_900)),
        )
        .merge(Router::new().put("/notes", move || {
            counter.fetch_add(1, Ordering::SeqCst);
            async { "saved" }
        }));
    let client = TestClient::new(app);
    let response = client
        .options("/notes")
        .header("origin", APP)
        .header("access-control-request-method", "PUT")
        .header("access-control-request-headers", "content-type,authorization")
        .send()
        .await
        .assert_status(204);
    assert_eq!(response.header("access-control-allow-origin"), Some(APP));
    assert_eq!(response.header("access-control-allow-methods"), Some("PUT"));
    assert_eq!(response.header("access-control-allow-headers"), Some("content-type, authorization"));
    assert_eq!(response.header("access-control-allow-credentials"), Some("true"));
    assert_eq!(response.header("access-control-max-age"), Some("600"));
    assert_eq!(
        vary(&response),
        ["origin", "access-control-request-method", "access-control-request-headers"]
    );
    assert!(response.text().is_empty());
    assert_eq!(calls.load(Ordering::SeqCst), 0, "the handler never runs for a preflight");

    client.put("/notes").header("origin", APP).send().await.assert_text("saved");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_preflight_asking_for_something_not_allowed_gets_the_plain_answer() {
    let client = TestClient::new(
        App::new()
            .middleware(cors().allow_methods([Method::GET, Method::PUT]).allow_headers([CONTENT_TYPE]))
            .merge(Router::new().put("/notes", || async { "saved" }).delete("/notes", || async { "gone" })),
    );
    let allowed = preflight(&client, "/notes", APP, "PUT").await.assert_status(204);
    assert_eq!(allowed.header("access-control-allow-methods"), Some("GET, PUT"));

    for response in [
        preflight(&client, "/notes", EVIL, "PUT").await,
        preflight(&client, "/notes", APP, "DELETE").await,
        client
            .options("/notes")
            .header("origin", APP)
            .header("access-control-request-method", "PUT")
            .header("access-control-request-headers", "x-secret")
            .send()
            .await,
        client
            .options("/notes")
            .header("origin", APP)
            .header("access-control-request-method", "PUT")
            .header("access-control-request-private-network", "true")
            .send()
            .await,
    ] {
        let response = response.assert_status(204);
        assert!(!has_cors_headers(&response), "{:?}", response.headers());
        assert_eq!(response.header("allow"), Some("PUT, DELETE, OPTIONS"));
        assert_eq!(vary(&response).len(), 3);
    }
}

#[tokio::test]
async fn the_default_methods_are_those_the_path_has() {
    let client = TestClient::new(
        App::new().middleware(cors()).merge(Router::new().post("/notes", || async { "saved" })),
    );
    let response = preflight(&client, "/notes", APP, "POST").await.assert_status(204);
    assert_eq!(response.header("access-control-allow-methods"), Some("POST"));
    let response = preflight(&client, "/notes", APP, "DELETE").await.assert_status(204);
    assert!(!has_cors_headers(&response), "no DELETE route: {:?}", response.headers());
    assert_eq!(response.header("allow"), Some("POST, OPTIONS"));

    let mirror = TestClient::new(
        App::new()
            .middleware(cors().allow_methods(AllowMethods::mirror()).allow_headers(AllowHeaders::mirror()))
            .merge(Router::new().post("/notes", || async { "saved" })),
    );
    let response = mirror
        .options("/notes")
        .header("origin", APP)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "x-one, x-two")
        .send()
        .await;
    assert_eq!(response.header("access-control-allow-methods"), Some("POST"));
    assert_eq!(response.header("access-control-allow-headers"), Some("x-one, x-two"));
}

#[tokio::test]
async fn private_network_access_is_opt_in() {
    let client = TestClient::new(
        App::new()
            .middleware(cors().allow_private_network(true))
            .merge(Router::new().get("/notes", || async { "notes" })),
    );
    let response = client
        .options("/notes")
        .header("origin", APP)
        .header("access-control-request-method", "GET")
        .header("access-control-request-private-network", "true")
        .send()
        .await
        .assert_status(204);
    assert_eq!(response.header("access-control-allow-private-network"), Some("true"));
}

#[tokio::test]
async fn a_preflight_to_a_missing_path_is_404() {
    let response = preflight(&client_with(cors()), "/missing", APP, "GET").await.assert_status(404);
    assert!(!has_cors_headers(&response));
}

#[tokio::test]
async fn an_explicit_options_route_answers_plain_options_but_never_a_preflight() {
    let app = App::new()
        .middleware(cors())
        .merge(Router::new().get("/notes", || async { "notes" }))
        .route(Route::new(Method::OPTIONS, "/notes", || async { "options handler" }));
    let client = TestClient::new(app);
    let response = preflight(&client, "/notes", APP, "GET").await.assert_status(204);
    assert_eq!(response.header("access-control-allow-origin"), Some(APP));
    assert!(response.text().is_empty());
    // A preflight for a method the path lacks gets routing's answer, not the handler either.
    let response = preflight(&client, "/notes", APP, "PUT").await.assert_status(204);
    assert!(!has_cors_headers(&response));
    client.options("/notes").send().await.assert_text("options handler");
}

#[tokio::test]
async fn route_and_group_cors_answer_preflights_for_their_routes_only() {
    let guarded =
        Route::new(Method::PUT, "/notes", || async { "saved" }).middleware(deny_all()).middleware(cors());
    let group = Router::new().delete("/items", || async { "gone" }).middleware(deny_all()).middleware(cors());
    let app =
        App::new().route(guarded).merge(group).merge(Router::new().post("/plain", || async { "plain" }));
    let client = TestClient::new(app);

    let response = preflight(&client, "/notes", APP, "PUT").await.assert_status(204);
    assert_eq!(response.header("access-control-allow-origin"), Some(APP), "the auth middleware did not run");
    let response = preflight(&client, "/items", APP, "DELETE").await.assert_status(204);
    assert_eq!(response.header("access-control-allow-methods"), Some("DELETE"));
    let response = preflight(&client, "/notes", EVIL, "PUT").await.assert_status(204);
    assert!(!has_cors_headers(&response));
    assert_eq!(response.header("allow"), Some("PUT, OPTIONS"), "routing's answer ends the chain");

    let plain = preflight(&client, "/plain", APP, "POST").await.assert_status(204);
    assert!(!has_cors_headers(&plain), "{:?}", plain.headers());
    assert_eq!(plain.header("allow"), Some("POST, OPTIONS"));

    // The actual request runs the whole chain: the auth middleware refuses it, and Cors marks the 401.
    let actual = client.put("/notes").header("origin", APP).send().await.assert_status(401);
    assert_eq!(actual.header("access-control-allow-origin"), None, "Cors runs inside the auth check");
    let outer = Route::new(Method::PUT, "/x", || async { "x" }).middleware(cors()).middleware(deny_all());
    let response = TestClient::new(App::new().route(outer)).put("/x").header("origin", APP).send().await;
    assert_eq!(response.assert_status(401).header("access-control-allow-origin"), Some(APP));
}

#[tokio::test]
async fn the_outermost_cors_decides() {
    let inner = Router::new()
        .get("/public", || async { "public" })
        .middleware(Cors::new().allow_origin(AllowOrigin::any()));
    let client = TestClient::new(App::new().middleware(cors()).merge(inner));
    let response = client.get("/public").header("origin", EVIL).send().await;
    assert!(!has_cors_headers(&response), "{:?}", response.headers());
    let response = client.get("/public").header("origin", APP).send().await;
    assert_eq!(response.header("access-control-allow-origin"), Some(APP));
}

fn build_error(cors: Cors) -> String {
    let app = App::new().middleware(cors).merge(Router::new().get("/", || async { "" }));
    match app.build() {
        Ok(_) => panic!("the app built"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn credentials_with_a_wildcard_is_a_build_error() {
    let message = build_error(Cors::new().allow_origin(AllowOrigin::any()).allow_credentials(true));
    assert!(message.contains("allows credentials for any origin"), "{message}");
    assert!(message.contains("AllowOrigin::predicate"), "{message}");

    let message = build_error(
        cors()
            .allow_credentials(true)
            .allow_headers(AllowHeaders::any())
            .allow_methods(AllowMethods::any())
            .expose_headers(ExposeHeaders::any()),
    );
    assert!(
        message.contains("`AllowHeaders::any()`") && message.contains("AllowHeaders::mirror()"),
        "{message}"
    );
    assert!(message.contains("`AllowMethods::any()`"), "{message}");
    assert!(message.contains("`ExposeHeaders::any()`"), "{message}");
    assert!(message.contains("velocy::cors::Cors"), "{message}");

    let route = Route::new(Method::GET, "/r", || async { "" })
        .middleware(Cors::new().allow_origin(AllowOrigin::any()).allow_credentials(true));
    let message = App::new().route(route).build().err().map(|error| error.to_string()).unwrap_or_default();
    assert!(message.contains("GET /r") && message.contains("credentials"), "{message}");
}

#[test]
fn bad_origins_and_names_are_build_errors() {
    let message = build_error(Cors::new().allow_origin("https://app.example/"));
    assert!(message.contains("not an origin `scheme://host[:port]`"), "{message}");
    assert!(message.contains("write \"https://app.example\""), "{message}");
    let message = build_error(Cors::new());
    assert!(message.contains("allows no origin"), "{message}");
    let message = build_error(cors().allow_headers(["bad name"]).allow_methods(["GET", "BAD METHOD"]));
    assert!(message.contains("\"bad name\", which is not a header name"), "{message}");
    assert!(message.contains("\"BAD METHOD\", which is not a method token"), "{message}");
    App::new().middleware(cors().allow_credentials(true)).build().expect("a valid configuration builds");
}

#[tokio::test]
async fn preflights_ignore_content_negotiation() {
    let json = Route::new(Method::PUT, "/notes", || async { "json" })
        .consumes(["application/json"])
        .middleware(cors().allow_headers([CONTENT_TYPE]));
    let form = Route::new(Method::PUT, "/notes", || async { "form" })
        .consumes(["application/x-www-form-urlencoded"]);
    let client = TestClient::new(App::new().route(form).route(json));
    // The preflight carries neither the request's `Content-Type` nor its `Accept`: the route with the Cors
    // answers, not a 415.
    let response = client
        .options("/notes")
        .header("origin", APP)
        .header("access-control-request-method", "PUT")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .assert_status(204);
    assert_eq!(response.header("access-control-allow-methods"), Some("PUT"));
    assert_eq!(response.header("access-control-allow-headers"), Some("content-type"));

    // `HEAD` is answered by the `GET` route.
    let client = client_with(cors());
    let response = preflight(&client, "/notes", APP, "HEAD").await.assert_status(204);
    assert_eq!(response.header("access-control-allow-methods"), Some("HEAD"));
}

/// An `OPTIONS /notes` route whose handler counts its calls, with `middleware`, next to a `DELETE /notes`
/// route without any.
fn options_route_with(middleware: impl crate::middleware::Middleware) -> (TestClient, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let options = Route::new(Method::OPTIONS, "/notes", move || {
        counter.fetch_add(1, Ordering::SeqCst);
        async { "options handler" }
    })
    .middleware(middleware);
    let app = App::new().route(options).merge(Router::new().delete("/notes", || async { "gone" }));
    (TestClient::new(app), calls)
}

#[tokio::test]
async fn a_cors_on_the_options_route_grants_no_preflight_for_the_other_routes() {
    let (client, calls) = options_route_with(cors());
    for origin in [APP, EVIL] {
        let response = preflight(&client, "/notes", origin, "DELETE").await.assert_status(204);
        assert!(!has_cors_headers(&response), "{origin}: {:?}", response.headers());
        assert_eq!(response.header("allow"), Some("DELETE, OPTIONS"), "routing's plain answer");
        assert!(response.text().is_empty());
    }
    // A method the path lacks: routing's answer too, never the handler.
    preflight(&client, "/notes", APP, "PUT").await.assert_status(204);
    // The OPTIONS route's own method is its Cors's to grant, still without its handler.
    let own = preflight(&client, "/notes", APP, "OPTIONS").await.assert_status(204);
    assert_eq!(own.header("access-control-allow-methods"), Some("OPTIONS"));
    assert_eq!(calls.load(Ordering::SeqCst), 0, "no preflight ran the OPTIONS handler");
    client.options("/notes").send().await.assert_text("options handler");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

/// A `Cors` inside another middleware that does not forward `answers_preflight`: routing does not know
/// it is there.
struct Hidden(Cors);

impl crate::middleware::Middleware for Hidden {
    fn call(&self, request: Request, next: Next) -> crate::future::BoxFuture<'static, crate::Response> {
        crate::middleware::Middleware::call(&self.0, request, next)
    }
}

#[tokio::test]
async fn a_cors_routing_did_not_route_the_preflight_to_grants_nothing_and_runs_no_handler() {
    let (client, calls) = options_route_with(Hidden(cors()));
    for method in ["DELETE", "OPTIONS"] {
        let response = preflight(&client, "/notes", APP, method).await.assert_status(204);
        assert!(!has_cors_headers(&response), "{method}: {:?}", response.headers());
        assert!(response.text().is_empty());
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0, "a refused preflight never runs the OPTIONS handler");
}

/// A global middleware that answers no preflight and counts how often it is asked.
struct Asked(Arc<AtomicUsize>);

impl crate::middleware::Middleware for Asked {
    fn call(&self, request: Request, next: Next) -> crate::future::BoxFuture<'static, crate::Response> {
        next.run(request)
    }

    fn answers_preflight(&self) -> bool {
        self.0.fetch_add(1, Ordering::SeqCst);
        false
    }
}

#[tokio::test]
async fn an_app_without_cors_asks_its_middleware_once_and_routes_preflights_as_options() {
    let asked = Arc::new(AtomicUsize::new(0));
    let app = App::new()
        .middleware(Asked(Arc::clone(&asked)))
        .merge(Router::new().get("/notes", || async { "notes" }))
        .route(Route::new(Method::OPTIONS, "/hand", || async { "hand-made" }));
    let client = TestClient::new(app);
    for _ in 0..3 {
        let response = preflight(&client, "/notes", APP, "GET").await.assert_status(204);
        assert_eq!(response.header("allow"), Some("GET, HEAD, OPTIONS"));
        assert!(!has_cors_headers(&response));
        // Without any Cors, an OPTIONS route answers preflights itself.
        preflight(&client, "/hand", APP, "PUT").await.assert_text("hand-made");
    }
    assert_eq!(asked.load(Ordering::SeqCst), 1, "who answers preflights is found once, not per request");
}
