//! The demo's accounts: sign-up, log-in with a session cookie, `/api/me`, log-out, the CSRF-protected HTML
//! log-in form, and CORS for the one allowed origin.

#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;

use demo::store::UserStore;
use demo::uploads::UploadDir;
use serde_json::{json, Value};
use velocy::test::{TestClient, TestRequest, TestResponse};

fn client() -> TestClient {
    TestClient::new(demo::app(UserStore::default(), UploadDir::temporary().unwrap()))
}

/// A browser's cookie jar, enough for these tests: it keeps what `Set-Cookie` sets and drops what it
/// expires.
#[derive(Default)]
struct Browser {
    cookies: BTreeMap<String, String>,
}

impl Browser {
    fn send(&self, request: TestRequest) -> TestRequest {
        if self.cookies.is_empty() {
            return request;
        }
        let header: Vec<String> =
            self.cookies.iter().map(|(name, value)| format!("{name}={value}")).collect();
        request.header("cookie", header.join("; "))
    }

    fn keep(&mut self, response: &TestResponse) {
        for line in response.headers().get_all("set-cookie") {
            let line = line.to_str().unwrap();
            let (pair, attributes) = line.split_once(';').unwrap_or((line, ""));
            let (name, value) = pair.split_once('=').unwrap();
            let expired =
                attributes.split(';').any(|attribute| attribute.trim().eq_ignore_ascii_case("max-age=0"));
            if expired {
                self.cookies.remove(name.trim());
            } else {
                self.cookies.insert(name.trim().to_owned(), value.trim().to_owned());
            }
        }
    }

    async fn go(&mut self, request: TestRequest) -> TestResponse {
        let response = self.send(request).send().await;
        self.keep(&response);
        response
    }
}

async fn sign_up(client: &TestClient, username: &str, password: &str) {
    client
        .post("/api/signup")
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .assert_status(201)
        .assert_json(&json!({ "username": username }));
}

#[tokio::test]
async fn sign_up_log_in_me_and_log_out() {
    let client = client();
    sign_up(&client, "ada", "correct horse battery").await;
    let mut browser = Browser::default();
    browser.go(client.get("/api/me")).await.assert_status(401);
    let login = json!({ "username": "ada", "password": "correct horse battery" });
    browser
        .go(client.post("/api/login").json(&login))
        .await
        .assert_status(200)
        .assert_json(&json!({ "username": "ada" }));
    assert!(!browser.cookies.is_empty(), "log-in sets the session cookie");
    browser.go(client.get("/api/me")).await.assert_status(200).assert_json(&json!({ "username": "ada" }));
    browser.go(client.post("/api/logout")).await.assert_status(204);
    browser.go(client.get("/api/me")).await.assert_status(401);
}

#[tokio::test]
async fn wrong_passwords_and_taken_names_are_refused() {
    let client = client();
    sign_up(&client, "grace", "a long enough password").await;
    let wrong = client
        .post("/api/login")
        .json(&json!({ "username": "grace", "password": "not the password" }))
        .send()
        .await;
    let wrong = wrong.assert_status(401);
    assert!(wrong.header("www-authenticate").is_some());
    assert!(wrong.headers().get("set-cookie").is_none(), "a failed log-in writes no session");
    let unknown = json!({ "username": "nobody", "password": "whatever it is" });
    client.post("/api/login").json(&unknown).send().await.assert_status(401);
    let taken = json!({ "username": "grace", "password": "another password" });
    client.post("/api/signup").json(&taken).send().await.assert_status(409);
    let short = json!({ "username": "linus", "password": "short" });
    client.post("/api/signup").json(&short).send().await.assert_status(422);
}

#[tokio::test]
async fn log_in_gives_a_new_session_id() {
    let client = client();
    sign_up(&client, "alan", "turing complete password").await;
    let mut browser = Browser::default();
    // The form page starts a CSRF cookie only; a session cookie from an earlier visit is planted by hand.
    browser.cookies.insert("session".to_owned(), "planted-by-an-attacker".to_owned());
    let login = json!({ "username": "alan", "password": "turing complete password" });
    browser.go(client.post("/api/login").json(&login)).await.assert_status(200);
    assert_ne!(browser.cookies.get("session").map(String::as_str), Some("planted-by-an-attacker"));
    browser.go(client.get("/api/me")).await.assert_status(200);
}

/// The hidden CSRF field of the log-in page.
fn csrf_field(page: &str) -> String {
    let start = page.find("name=\"csrf_token\" value=\"").unwrap() + "name=\"csrf_token\" value=\"".len();
    page[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_html_form_logs_in_with_its_csrf_token() {
    let client = client();
    sign_up(&client, "barbara", "liskov substitution").await;
    let mut browser = Browser::default();
    let page = browser.go(client.get("/login")).await.assert_status(200).text();
    let token = csrf_field(&page);
    let form = [("username", "barbara"), ("password", "liskov substitution"), ("csrf_token", token.as_str())];
    browser.go(client.post("/login").form(&form)).await.assert_status(303).assert_header("location", "/");
    browser.go(client.get("/api/me")).await.assert_status(200).assert_json(&json!({ "username": "barbara" }));
}

#[tokio::test]
async fn the_html_form_without_its_token_or_from_elsewhere_is_forbidden() {
    let client = client();
    sign_up(&client, "edsger", "goto considered harmful").await;
    let mut browser = Browser::default();
    let page = browser.go(client.get("/login")).await.text();
    let token = csrf_field(&page);
    let without = [("username", "edsger"), ("password", "goto considered harmful")];
    let refused = browser.go(client.post("/login").form(&without)).await.assert_status(403);
    assert!(refused.text().to_lowercase().contains("token"), "{}", refused.text());
    let with =
        [("username", "edsger"), ("password", "goto considered harmful"), ("csrf_token", token.as_str())];
    let cross_site = client.post("/login").form(&with).header("origin", "https://evil.example");
    browser.go(cross_site).await.assert_status(403);
    browser.go(client.get("/api/me")).await.assert_status(401);
}

#[tokio::test]
async fn cors_allows_the_front_end_origin_only() {
    let client = client();
    let origin = demo::DEFAULT_CORS_ORIGIN;
    let preflight = client
        .options("/api/login")
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .assert_status(204)
        .assert_header("access-control-allow-origin", origin)
        .assert_header("access-control-allow-credentials", "true");
    let methods = preflight.header("access-control-allow-methods").unwrap().to_owned();
    assert!(methods.contains("POST"), "{methods}");
    let other = client
        .options("/api/login")
        .header("origin", "https://elsewhere.example")
        .header("access-control-request-method", "POST")
        .send()
        .await;
    assert!(other.header("access-control-allow-origin").is_none(), "{:?}", other.headers());
    let simple = client.get("/api/users").header("origin", origin).send().await.assert_status(200);
    assert_eq!(simple.header("access-control-allow-origin"), Some(origin));
    let _: Value = simple.json();
}

#[tokio::test]
async fn a_log_in_survives_a_restart_of_a_durable_demo() {
    let data = tempfile::tempdir().unwrap();
    let key_file = data.path().join("secret-key");
    let started = |uploads: UploadDir| {
        let store = UserStore::open(data.path().join("store")).unwrap();
        let key = demo::secret::load_or_create(&key_file).unwrap();
        TestClient::new(demo::app(store, uploads).secret_key(key))
    };
    let mut browser = Browser::default();
    {
        let client = started(UploadDir::temporary().unwrap());
        sign_up(&client, "margaret", "hamilton apollo 11").await;
        let login = json!({ "username": "margaret", "password": "hamilton apollo 11" });
        browser.go(client.post("/api/login").json(&login)).await.assert_status(200);
    }
    // The store and the key file are reopened: the same cookie still logs in.
    let client = started(UploadDir::temporary().unwrap());
    browser
        .go(client.get("/api/me"))
        .await
        .assert_status(200)
        .assert_json(&json!({ "username": "margaret" }));
}
