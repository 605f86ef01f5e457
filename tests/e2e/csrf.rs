//! End-to-end tests of the `csrf` battery (issue 13): an HTML form page and its submission over real
//! sockets, with the cookie carried back as a browser would.

use bytes::Bytes;
use http::Method;
use serde::Deserialize;
use velocy::cookies::SecretKey;
use velocy::csrf::{Csrf, CsrfToken};
use velocy::prelude::*;
use velocy::test::TestServer;

use crate::client::{get, send, Reply};

#[derive(Deserialize)]
struct Note {
    text: String,
}

async fn server() -> TestServer {
    server_with(Csrf::new()).await
}

async fn server_with(csrf: Csrf) -> TestServer {
    let pages = Router::new()
        .get("/notes/new", |token: CsrfToken| async move {
            Html(format!(
                r#"<form method="post" action="/notes">{}<input name="text"><button>Add</button></form>"#,
                token.hidden_input()
            ))
        })
        .post("/notes", |Form(note): Form<Note>| async move { format!("saved: {}", note.text) });
    let app = App::new()
        .secret_key(SecretKey::new("an end-to-end test secret that is long enough"))
        .middleware(csrf)
        .merge(pages);
    TestServer::start(app).await.unwrap()
}

/// The form page's cookie (`name=value`) and the token of its hidden input.
async fn load_form(server: &TestServer) -> (String, String) {
    let page = get(&server.url("/notes/new")).await;
    assert_eq!(page.status, 200, "{}", page.text());
    let cookie = page.header("set-cookie").expect("the form page sets the CSRF cookie");
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let html = page.text();
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker).expect("a hidden csrf_token input") + marker.len();
    let token = html[start..].split('"').next().unwrap().to_owned();
    (cookie, token)
}

async fn submit(server: &TestServer, headers: &[(&str, &str)], token: &str) -> Reply {
    let mut all = vec![("content-type", "application/x-www-form-urlencoded")];
    all.extend_from_slice(headers);
    let body = format!("text=hello+there&csrf_token={token}");
    send(Method::POST, &server.url("/notes"), &all, Bytes::from(body)).await
}

#[tokio::test]
async fn the_form_posted_back_with_its_cookie_is_accepted() {
    let server = server().await;
    let (cookie, token) = load_form(&server).await;
    let origin = format!("http://{}", server.address());
    let reply = submit(&server, &[("cookie", &cookie), ("origin", &origin)], &token).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.text(), "saved: hello there");
    assert!(reply.header("set-cookie").is_none(), "the valid cookie is kept");
}

#[tokio::test]
async fn the_form_posted_without_the_cookie_is_403() {
    let server = server().await;
    let (_, token) = load_form(&server).await;
    let reply = submit(&server, &[], &token).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.header("content-type"), Some("application/problem+json"));
    assert!(reply.json()["detail"].as_str().unwrap().contains("missing cookie"), "{}", reply.text());
}

#[tokio::test]
async fn the_form_posted_from_a_foreign_origin_is_403() {
    let server = server().await;
    let (cookie, token) = load_form(&server).await;
    let reply = submit(
        &server,
        &[("cookie", &cookie), ("origin", "https://evil.example"), ("sec-fetch-site", "cross-site")],
        &token,
    )
    .await;
    assert_eq!(reply.status, 403);
    assert!(reply.json()["detail"].as_str().unwrap().contains("cross-site"), "{}", reply.text());

    let reply = submit(&server, &[("cookie", &cookie), ("origin", "https://evil.example")], &token).await;
    assert_eq!(reply.status, 403);
    assert!(reply.json()["detail"].as_str().unwrap().contains("origin not allowed"), "{}", reply.text());
}

#[tokio::test]
async fn only_the_form_page_sets_the_cookie_and_it_is_private() {
    let server = server().await;
    let missing = get(&server.url("/nowhere")).await;
    assert_eq!(missing.status, 404);
    assert!(missing.header("set-cookie").is_none(), "a response without a token sets no cookie");
    let page = get(&server.url("/notes/new")).await;
    assert!(page.header("set-cookie").is_some());
    assert_eq!(page.header("cache-control"), Some("private"));
}

#[tokio::test]
async fn a_bound_form_does_not_verify_under_another_session() {
    let server = server_with(Csrf::new().bind_to_cookie("session")).await;
    let page =
        send(Method::GET, &server.url("/notes/new"), &[("cookie", "session=victim")], Bytes::new()).await;
    let cookie = page.header("set-cookie").unwrap().split(';').next().unwrap().to_owned();
    let html = page.text();
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker).unwrap() + marker.len();
    let token = html[start..].split('"').next().unwrap().to_owned();
    let own = format!("session=victim; {cookie}");
    assert_eq!(submit(&server, &[("cookie", &own)], &token).await.status, 200);
    let other = format!("session=attacker; {cookie}");
    let reply = submit(&server, &[("cookie", &other)], &token).await;
    assert_eq!(reply.status, 403);
    assert!(reply.json()["detail"].as_str().unwrap().contains("missing cookie"), "{}", reply.text());
}
