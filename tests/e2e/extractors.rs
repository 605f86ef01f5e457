//! Extractors over real sockets: JSON, forms, query strings, bodies (buffered and streamed), headers, state,
//! peer address, host, optional wrappers and derived extractor structs.

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use serde::{Deserialize, Serialize};
use velocy::extract::{Host, RemoteAddr};
use velocy::prelude::*;
use velocy::test::TestServer;

use crate::client::{get, send};

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Note {
    title: String,
    stars: u8,
}

#[post("/x/json")]
async fn json_echo(Json(note): Json<Note>) -> (StatusCode, Json<Note>) {
    (StatusCode::CREATED, Json(note))
}

#[post("/x/form")]
async fn form_echo(Form(note): Form<Note>) -> String {
    format!("{} has {} stars", note.title, note.stars)
}

#[derive(Deserialize)]
struct Search {
    q: String,
    limit: Option<u32>,
}

#[get("/x/search")]
async fn search(Query(search): Query<Search>) -> String {
    format!("{}:{}", search.q, search.limit.unwrap_or(10))
}

#[post("/x/bytes")]
async fn byte_count(body: Bytes) -> String {
    body.len().to_string()
}

#[post("/x/text")]
async fn shout(text: String) -> String {
    text.to_uppercase()
}

#[post("/x/stream")]
async fn stream_count(body: Body) -> Result<String, HttpError> {
    let mut stream = body.into_data_stream();
    let mut total = 0;
    while let Some(chunk) = stream.next_chunk().await {
        total += chunk.map_err(HttpError::internal)?.len();
    }
    Ok(format!("{total} bytes"))
}

#[get("/x/head")]
async fn head_parts(method: Method, headers: HeaderMap, Host(host): Host, uri: http::Uri) -> String {
    let agent = headers.get("x-agent").and_then(|value| value.to_str().ok()).unwrap_or("-");
    format!("{method} {host} {} {agent}", uri.path())
}

#[derive(Clone)]
pub(crate) struct AppName(pub(crate) &'static str);

#[get("/x/state")]
async fn state(State(name): State<AppName>, RemoteAddr(peer): RemoteAddr) -> String {
    format!("{} sees {}", name.0, peer.ip())
}

#[get("/x/optional")]
async fn optional(agent: Option<velocy::extract::UserAgent>) -> String {
    agent.map_or_else(|| "no agent".to_owned(), |agent| agent.0)
}

#[derive(FromRequestParts)]
struct Paging {
    #[query]
    page: Option<u32>,
    #[query("per_page")]
    size: Option<u32>,
    #[header("x-api-key")]
    key: String,
    #[param("shelf")]
    shelf: String,
    method: Method,
}

#[get("/x/shelves/:shelf")]
async fn shelves(paging: Paging, shelf: String) -> String {
    assert_eq!(paging.shelf, shelf, "the derived #[param] field and the by-name argument agree");
    format!(
        "{} {} page {} size {} key {}",
        paging.method,
        paging.shelf,
        paging.page.unwrap_or(1),
        paging.size.unwrap_or(20),
        paging.key
    )
}

fn app() -> App {
    App::new().state(AppName("velocy")).body_limit(1024).routes(routes![
        json_echo,
        form_echo,
        search,
        byte_count,
        shout,
        stream_count,
        head_parts,
        state,
        optional,
        shelves
    ])
}

const JSON: (&str, &str) = ("content-type", "application/json");

#[tokio::test]
async fn json_bodies_and_their_rejections() {
    let server = TestServer::start(app()).await.unwrap();
    let url = server.url("/x/json");
    let ok = send(Method::POST, &url, &[JSON], r#"{"title":"rust","stars":5}"#).await;
    assert_eq!(ok.status, StatusCode::CREATED);
    assert_eq!(ok.json(), serde_json::json!({"title": "rust", "stars": 5}));

    let no_type = send(Method::POST, &url, &[], r#"{"title":"rust","stars":5}"#).await;
    assert_eq!(no_type.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let syntax = send(Method::POST, &url, &[JSON], "{\"title\":\n").await;
    assert_eq!(syntax.status, StatusCode::BAD_REQUEST);
    assert!(syntax.json()["detail"].as_str().unwrap().contains("line 2"), "{}", syntax.text());

    let data = send(Method::POST, &url, &[JSON], r#"{"title":"rust","stars":500}"#).await;
    assert_eq!(data.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(data.json()["detail"].as_str().unwrap().contains("column"), "{}", data.text());

    let large = format!(r#"{{"title":"{}","stars":1}}"#, "x".repeat(2000));
    let too_large = send(Method::POST, &url, &[JSON], large).await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);

    let text = send(Method::POST, &url, &[("accept", "text/plain")], "{}").await;
    assert_eq!(text.header("content-type"), Some("text/plain; charset=utf-8"));
    assert!(text.text().contains("Content-Type: application/json"), "{}", text.text());
}

#[tokio::test]
async fn forms_and_query_strings() {
    let server = TestServer::start(app()).await.unwrap();
    let form = ("content-type", "application/x-www-form-urlencoded");
    let reply = send(Method::POST, &server.url("/x/form"), &[form], "title=a+b&stars=3").await;
    assert_eq!(reply.text(), "a b has 3 stars");
    let bad = send(Method::POST, &server.url("/x/form"), &[form], "title=a").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(get(&server.url("/x/search?q=hello%20world&limit=3")).await.text(), "hello world:3");
    assert_eq!(get(&server.url("/x/search?q=x")).await.text(), "x:10");
    assert_eq!(get(&server.url("/x/search?limit=3")).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn buffered_and_streamed_bodies() {
    let server = TestServer::start(app()).await.unwrap();
    assert_eq!(send(Method::POST, &server.url("/x/bytes"), &[], vec![7u8; 1000]).await.text(), "1000");
    assert_eq!(
        send(Method::POST, &server.url("/x/bytes"), &[], vec![7u8; 1025]).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(send(Method::POST, &server.url("/x/text"), &[], "quiet").await.text(), "QUIET");
    assert_eq!(
        send(Method::POST, &server.url("/x/text"), &[], vec![0xff, 0xfe]).await.status,
        StatusCode::BAD_REQUEST
    );
    // The streaming extractor is not subject to the buffering limit.
    let big = vec![1u8; 256 * 1024];
    assert_eq!(send(Method::POST, &server.url("/x/stream"), &[], big).await.text(), "262144 bytes");
}

#[tokio::test]
async fn head_extractors_state_and_peer() {
    let server = TestServer::start(app()).await.unwrap();
    let reply = send(Method::GET, &server.url("/x/head"), &[("x-agent", "tests")], Bytes::new()).await;
    assert_eq!(reply.text(), format!("GET {} /x/head tests", server.address()));
    assert_eq!(get(&server.url("/x/state")).await.text(), "velocy sees 127.0.0.1");
    assert_eq!(get(&server.url("/x/optional")).await.text(), "no agent");
    let agent =
        send(Method::GET, &server.url("/x/optional"), &[("user-agent", "curl/8")], Bytes::new()).await;
    assert_eq!(agent.text(), "curl/8");
}

#[tokio::test]
async fn derived_extractors_read_query_headers_and_params() {
    let server = TestServer::start(app()).await.unwrap();
    let url = server.url("/x/shelves/scifi?page=2&per_page=5");
    let reply = send(Method::GET, &url, &[("x-api-key", "k1")], Bytes::new()).await;
    assert_eq!(reply.text(), "GET scifi page 2 size 5 key k1");
    let missing = get(&url).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert!(missing.text().contains("x-api-key"), "{}", missing.text());
    let bad =
        send(Method::GET, &server.url("/x/shelves/s?page=two"), &[("x-api-key", "k")], Bytes::new()).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("`page`"), "{}", bad.text());
}

#[test]
fn missing_state_is_reported_when_building() {
    let error = App::new().routes(routes![state]).build().unwrap_err();
    assert!(error.is_build());
    assert!(error.to_string().contains("AppName"), "{error}");
}
