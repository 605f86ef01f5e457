//! Dispatch behaviour through the in-process client: routing outcomes, method handling, build validation,
//! extractor rejections and their rendering.

#![allow(clippy::unwrap_used)]

use bytes::Bytes;
use http::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::extract::{Path, Query, State};
use crate::test::TestClient;
use crate::{App, Json, Route, Router, StatusCode};

fn client(router: Router) -> TestClient {
    TestClient::new(App::new().merge(router))
}

#[tokio::test]
async fn unknown_paths_are_404_problems() {
    let client = client(Router::new().get("/a", || async { "a" }));
    let response = client.get("/b").send().await.assert_status(404);
    assert_eq!(response.header("content-type"), Some("application/problem+json"));
    let problem: serde_json::Value = response.json();
    assert_eq!(problem["status"], 404);
    assert_eq!(problem["detail"], "no route for GET /b");
}

#[tokio::test]
async fn wrong_methods_are_405_with_allow() {
    let client = client(Router::new().get("/a", || async { "a" }).post("/a", || async { "posted" }));
    client.delete("/a").send().await.assert_status(405).assert_header("allow", "GET, POST, HEAD, OPTIONS");
}

#[tokio::test]
async fn head_uses_get_without_a_body_and_keeps_the_length() {
    let client = client(Router::new().get("/a", || async { "hello" }));
    let response = client.head("/a").send().await.assert_status(200);
    assert_eq!(response.header("content-length"), Some("5"));
    assert!(response.bytes().is_empty());
}

#[tokio::test]
async fn options_answers_allow() {
    let client = client(Router::new().put("/a", || async { "" }));
    client.options("/a").send().await.assert_status(204).assert_header("allow", "PUT, OPTIONS");
}

#[tokio::test]
async fn responses_carry_a_server_header_only_when_asked() {
    let quiet = client(Router::new().get("/", || async { "root" }));
    assert!(quiet.get("/").send().await.assert_text("root").header("server").is_none());
    let named =
        App::new().server_header(Some("velocy")).route(Route::new(Method::GET, "/", || async { "root" }));
    TestClient::new(named).get("/").send().await.assert_header("server", "velocy");
    let handler_set =
        App::new()
            .server_header(Some("velocy"))
            .route(Route::new(Method::GET, "/", || async { ([("server", "custom")], "root") }));
    TestClient::new(handler_set).get("/").send().await.assert_header("server", "custom");
    let invalid =
        App::new().server_header(Some("bad\nvalue")).route(Route::new(Method::GET, "/", || async { "root" }));
    assert!(TestClient::new(invalid).get("/").send().await.assert_status(200).header("server").is_none());
}

#[tokio::test]
async fn nested_routers_get_their_prefix() {
    let v2 = Router::new().get("/status", || async { "v2" }).get("/", || async { "v2 root" });
    let client = TestClient::new(App::new().nest("/api/v2", v2));
    client.get("/api/v2/status").send().await.assert_text("v2");
    client.get("/api/v2").send().await.assert_text("v2 root");
    client.get("/status").send().await.assert_status(404);
}

#[tokio::test]
async fn path_params_are_decoded_once_and_never_split() {
    let router = Router::new().get("/files/:name", |Path(name): Path<String>| async move { name });
    let client = client(router);
    client.get("/files/a%2Fb").send().await.assert_text("a/b");
    client.get("/files/100%2525").send().await.assert_text("100%25");
    client.get("/files/a/b").send().await.assert_status(404);
}

#[tokio::test]
async fn typed_path_failures_are_400_and_name_the_parameter() {
    let router = Router::new().get("/users/:id", |Path(id): Path<u64>| async move { id.to_string() });
    let response = client(router).get("/users/abc").send().await.assert_status(400);
    let problem: serde_json::Value = response.json();
    assert!(problem["detail"].as_str().unwrap().contains("`id`"), "{problem}");
}

#[tokio::test]
async fn problems_render_as_text_when_accept_prefers_it() {
    let client = client(Router::new());
    client
        .get("/missing")
        .header("accept", "text/plain")
        .send()
        .await
        .assert_status(404)
        .assert_header("content-type", "text/plain; charset=utf-8")
        .assert_text("no route for GET /missing\n");
}

#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct NewUser {
    name: String,
    age: u8,
}

fn json_client() -> TestClient {
    let router = Router::new()
        .post("/users", |Json(user): Json<NewUser>| async move { (StatusCode::CREATED, Json(user)) });
    TestClient::new(App::new().body_limit(64).merge(router))
}

#[tokio::test]
async fn json_round_trips() {
    let user = NewUser { name: "Ada".into(), age: 36 };
    let response = json_client().post("/users").json(&user).send().await.assert_status(201);
    assert_eq!(response.json::<NewUser>(), user);
    assert_eq!(response.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn json_rejections_have_their_statuses() {
    let client = json_client();
    client.post("/users").body("{}").send().await.assert_status(415);
    let syntax =
        client.post("/users").header("content-type", "application/json").body("{\"name\":").send().await;
    let problem: serde_json::Value = syntax.assert_status(400).json();
    assert!(problem["detail"].as_str().unwrap().contains("line 1 column"), "{problem}");
    client
        .post("/users")
        .header("content-type", "application/json")
        .body(r#"{"name":"Ada","age":"old"}"#)
        .send()
        .await
        .assert_status(422);
    let large = format!(r#"{{"name":"{}","age":1}}"#, "x".repeat(100));
    client
        .post("/users")
        .header("content-type", "application/json")
        .body(large)
        .send()
        .await
        .assert_status(413);
    client
        .post("/users")
        .header("content-type", "application/vnd.api+json")
        .body(r#"{"name":"Ada","age":1}"#)
        .send()
        .await
        .assert_status(201);
}

#[tokio::test]
async fn query_and_state_extractors() {
    #[derive(Deserialize)]
    struct Paging {
        page: Option<u32>,
    }
    #[derive(Clone)]
    struct Greeting(&'static str);
    let router =
        Router::new().get("/", |Query(paging): Query<Paging>, State(greeting): State<Greeting>| async move {
            format!("{} page {}", greeting.0, paging.page.unwrap_or(1))
        });
    let client = TestClient::new(App::new().state(Greeting("hi")).merge(router));
    client.get("/?page=3").send().await.assert_text("hi page 3");
    client.get("/").send().await.assert_text("hi page 1");
    client.get("/?page=x").send().await.assert_status(400);
}

#[tokio::test]
async fn body_extractors_run_after_head_extractors_whatever_the_order() {
    let router = Router::new().post(
        "/echo",
        |body: Bytes, Query(q): Query<std::collections::HashMap<String, String>>| async move {
            format!("{}:{}", q.get("tag").cloned().unwrap_or_default(), body.len())
        },
    );
    client(router).post("/echo?tag=t").body("12345").send().await.assert_text("t:5");
}

#[test]
fn building_reports_every_conflict_and_missing_state_at_once() {
    #[derive(Clone)]
    struct Db;
    let router = Router::new()
        .get("/users/:id", || async { "one" })
        .get("/users/:name", || async { "two" })
        .get("/db", |State(_db): State<Db>| async { "db" })
        .get("no-slash", || async { "bad" });
    let error = App::new().merge(router).build().unwrap_err();
    assert!(error.is_build());
    let message = error.to_string();
    assert!(message.contains("3 problem(s)"), "{message}");
    assert!(message.contains("route conflict"), "{message}");
    assert!(message.contains("src/app/tests.rs"), "{message}");
    assert!(message.contains("State<"), "{message}");
    assert!(message.contains("invalid pattern"), "{message}");
}

#[test]
fn different_methods_share_one_path() {
    let router =
        Router::new().get("/users/:id", || async { "get" }).delete("/users/:user_id", || async { "delete" });
    let service = App::new().merge(router).build().unwrap();
    assert_eq!(service.routes().count(), 2);
    let table = service.route_table().to_string();
    assert!(table.contains("GET"), "{table}");
    assert!(table.contains("/users/:user_id"), "{table}");
}

#[tokio::test]
async fn handler_errors_render_as_problems() {
    let router = Router::new()
        .get("/fail", || async { Err::<String, _>(crate::HttpError::conflict("already exists")) });
    let body = client(router).get("/fail").send().await.assert_status(409).json::<serde_json::Value>();
    assert_eq!(
        body,
        json!({"type": "about:blank", "title": "Conflict", "status": 409, "detail": "already exists"})
    );
}

#[tokio::test]
async fn query_and_form_components_that_are_not_utf8_are_refused_10() {
    use std::collections::HashMap;

    use crate::Form;

    let client = client(
        Router::new()
            .get("/q", |Query(pairs): Query<HashMap<String, String>>| async move { pairs.len().to_string() })
            .post("/f", |Form(pairs): Form<HashMap<String, String>>| async move { pairs.len().to_string() }),
    );
    let response = client.get("/q?name=%FF").send().await.assert_status(400);
    let problem: serde_json::Value = response.json();
    assert_eq!(
        problem["detail"],
        "the query string component `%FF` is not valid UTF-8 after percent-decoding"
    );
    // Valid escapes, including multi-byte UTF-8, still decode.
    client.get("/q?name=caf%C3%A9&x=a+b").send().await.assert_status(200).assert_text("2");
    let form = |body: &'static str| {
        client.post("/f").header("content-type", "application/x-www-form-urlencoded").body(body)
    };
    let response = form("a=1&b%FE=2").send().await.assert_status(422);
    let problem: serde_json::Value = response.json();
    assert_eq!(
        problem["detail"],
        "the form field component `b%FE` is not valid UTF-8 after percent-decoding"
    );
    form("a=1&b=%C3%A9").send().await.assert_status(200).assert_text("2");
}

#[derive(Clone)]
struct ApiKey(&'static str);

#[crate::middleware]
async fn require_key(
    crate::State(key): crate::State<ApiKey>,
    request: crate::Request,
    next: crate::middleware::Next,
) -> crate::Response {
    if request.headers().get("x-api-key").is_some_and(|value| value == key.0) {
        next.run(request).await
    } else {
        crate::IntoResponse::into_response(StatusCode::UNAUTHORIZED)
    }
}

#[test]
fn state_taken_by_middleware_is_checked_when_the_app_is_built_21() {
    let route = || Route::new(Method::GET, "/a", || async { "a" }).middleware(require_key);
    let error = App::new().route(route()).build().unwrap_err();
    let problems = error.build_error().unwrap().problems();
    assert_eq!(problems.len(), 1, "{error}");
    assert!(problems[0].message().contains("its middleware"), "{}", problems[0]);
    assert!(problems[0].message().contains("State<velocy::app::tests::ApiKey>"), "{}", problems[0]);
    assert!(problems[0].route().unwrap().contains("GET /a"));

    let error = App::new().middleware(require_key).merge(Router::new().get("/b", || async { "b" })).build();
    let text = error.unwrap_err().to_string();
    assert!(text.contains("the global middleware") && text.contains("ApiKey"), "{text}");

    let grouped = Router::new().get("/c", || async { "c" }).middleware(require_key);
    assert!(App::new().merge(grouped).build().is_err(), "group middleware is checked too");

    App::new().state(ApiKey("k")).route(route()).middleware(require_key).build().unwrap();
}

/// An extractor written by hand that reads state without declaring it: the build-time check cannot see it.
struct KeyByHand;

impl crate::FromRequestParts for KeyByHand {
    type Rejection = crate::extract::rejection::MissingState;

    async fn from_request_parts(parts: &mut crate::RequestParts) -> Result<Self, Self::Rejection> {
        crate::State::<ApiKey>::from_request_parts(parts).await.map(|_| KeyByHand)
    }
}

#[tokio::test]
async fn a_missing_state_never_names_a_type_to_the_client_21() {
    let client = client(Router::new().get("/raw", |_: KeyByHand| async { "found" }));
    let response = client.get("/raw").send().await.assert_status(500);
    let text = response.text();
    assert!(!text.contains("ApiKey") && !text.contains("::"), "{text}");
    assert!(text.contains("no state this request needs"), "{text}");

    let extension_client = TestClient::new(
        App::new().merge(Router::new().get("/ext", |_: crate::Extension<ApiKey>| async { "found" })),
    );
    let text = extension_client.get("/ext").send().await.assert_status(500).text();
    assert!(!text.contains("ApiKey") && !text.contains("::"), "{text}");
}

#[tokio::test]
async fn repeated_query_keys_fill_vectors_and_are_refused_for_single_values_21() {
    #[derive(Deserialize)]
    struct Search {
        #[serde(default)]
        tag: Vec<String>,
        page: Option<u32>,
        sort: Option<Vec<String>>,
    }
    let client = client(Router::new().get("/s", |Query(search): Query<Search>| async move {
        format!("{:?} {:?} {:?}", search.tag, search.page, search.sort)
    }));
    client
        .get("/s?tag=a&tag=b&page=2")
        .send()
        .await
        .assert_status(200)
        .assert_text(r#"["a", "b"] Some(2) None"#);
    client.get("/s").send().await.assert_status(200).assert_text("[] None None");
    client
        .get("/s?tag=x&sort=name")
        .send()
        .await
        .assert_status(200)
        .assert_text(r#"["x"] None Some(["name"])"#);
    let response = client.get("/s?page=1&page=2").send().await.assert_status(400);
    let problem: serde_json::Value = response.json();
    assert_eq!(
        problem["detail"],
        "invalid query string: unsupported value (`page` appears more than once: only a list field such as \
         `Vec<T>` takes a repeated key)"
    );
}
