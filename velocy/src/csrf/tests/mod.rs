use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use http::{Method, StatusCode};
use serde::Deserialize;

use super::token::{constant_time_eq, mask, unmask};
use super::{Csrf, CsrfToken};
use crate::cookies::SecretKey;
use crate::extract::Form;
use crate::test::{TestClient, TestRequest, TestResponse};
use crate::{App, Route, Router};

/// The review's hardening: the signing purpose, the session binding, `Referer`, cookie prefixes.
mod hardening;

const SECRET: &str = "a test secret for the CSRF battery, 32+ bytes long";

#[derive(Deserialize)]
struct Note {
    text: String,
    csrf_token: Option<String>,
}

fn routes() -> Router {
    Router::new()
        .get("/token", |token: CsrfToken| async move { token.to_string() })
        .get("/form", |token: CsrfToken| async move { token.hidden_input() })
        .get("/plain", || async { "plain" })
        .get("/no-store", |token: CsrfToken| async move {
            ([(http::header::CACHE_CONTROL, "no-store")], token.to_string())
        })
        .get("/public", |token: CsrfToken| async move {
            ([(http::header::CACHE_CONTROL, "public, max-age=60")], token.to_string())
        })
        .post("/notes", |Form(note): Form<Note>| async move {
            format!("{}|{}", note.text, note.csrf_token.is_some())
        })
        .post("/raw", |body: String| async move { format!("raw:{body}") })
        .route(Route::new(Method::PUT, "/raw", || async { "put" }))
        .route(Route::new(Method::DELETE, "/raw", || async { "deleted" }))
}

fn client_with(csrf: Csrf) -> TestClient {
    TestClient::new(App::new().secret_key(SecretKey::new(SECRET)).middleware(csrf).merge(routes()))
}

fn client() -> TestClient {
    client_with(Csrf::new())
}

/// The `name=value` of the response's `Set-Cookie`, if any.
fn cookie_of(response: &TestResponse) -> Option<String> {
    let value = response.header("set-cookie")?;
    Some(value.split(';').next().unwrap_or("").to_owned())
}

/// A cookie and a token, from a first `GET`.
async fn session(client: &TestClient) -> (String, String) {
    let response = client.get("/token").send().await.assert_status(200);
    let cookie = cookie_of(&response).expect("the first GET sets the CSRF cookie");
    (cookie, response.text())
}

/// A `POST /raw` carrying the CSRF cookie, and the token in the header.
fn post_with_token(client: &TestClient, cookie: &str, token: &str) -> TestRequest {
    client.post("/raw").header("cookie", cookie).header("x-csrf-token", token)
}

fn detail(response: &TestResponse) -> String {
    let body: serde_json::Value = response.json();
    body["detail"].as_str().unwrap_or("").to_owned()
}

#[tokio::test]
async fn the_first_get_sets_a_signed_http_only_cookie_and_the_next_one_does_not() {
    let client = client();
    let response = client.get("/token").send().await.assert_status(200);
    let set_cookie = response.header("set-cookie").expect("a cookie").to_owned();
    assert!(set_cookie.starts_with("csrf="), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(set_cookie.contains("Path=/"), "{set_cookie}");
    let cookie = cookie_of(&response).unwrap_or_default();

    let again = client.get("/token").header("cookie", &cookie).send().await.assert_status(200);
    assert!(again.header("set-cookie").is_none(), "{:?}", again.headers());
}

#[tokio::test]
async fn the_token_differs_per_request_and_every_one_verifies() {
    let client = client();
    let (cookie, first) = session(&client).await;
    let second = client.get("/token").header("cookie", &cookie).send().await.text();
    assert_ne!(first, second, "the token is masked afresh for every request");
    assert_eq!(first.len(), 86);
    for token in [&first, &second] {
        post_with_token(&client, &cookie, token).send().await.assert_status(200).assert_text("raw:");
    }
}

#[tokio::test]
async fn https_uses_the_host_prefix_and_secure() {
    let client = client();
    let response = client.get("/token").https().send().await.assert_status(200);
    let set_cookie = response.header("set-cookie").unwrap_or_default().to_owned();
    assert!(set_cookie.starts_with("__Host-csrf="), "{set_cookie}");
    assert!(set_cookie.contains("Secure"), "{set_cookie}");
    let cookie = cookie_of(&response).unwrap_or_default();
    let token = response.text();
    client
        .post("/raw")
        .https()
        .header("cookie", &cookie)
        .header("x-csrf-token", token.as_str())
        .header("origin", "https://localhost")
        .send()
        .await
        .assert_status(200);
}

#[tokio::test]
async fn a_post_without_a_token_is_refused_naming_the_missing_token() {
    let client = client();
    let (cookie, _) = session(&client).await;
    let response = client.post("/raw").header("cookie", &cookie).body("x").send().await.assert_status(403);
    assert!(detail(&response).contains("missing token"), "{}", response.text());
    assert!(detail(&response).contains("x-csrf-token"), "{}", response.text());
    assert_eq!(response.header("content-type"), Some("application/problem+json"));
}

#[tokio::test]
async fn a_post_without_the_cookie_is_refused_and_gets_a_cookie() {
    let client = client();
    let (_, token) = session(&client).await;
    let response = client.post("/raw").header("x-csrf-token", token.as_str()).send().await.assert_status(403);
    assert!(detail(&response).contains("missing cookie"), "{}", response.text());
    assert!(cookie_of(&response).is_some(), "the refusal issues a cookie for the next try");
}

#[tokio::test]
async fn a_header_token_lets_every_unsafe_method_through() {
    let client = client();
    let (cookie, token) = session(&client).await;
    for (method, expected) in [(Method::POST, "raw:hi"), (Method::PUT, "put"), (Method::DELETE, "deleted")] {
        let request = client.request(method.clone(), "/raw").header("cookie", &cookie);
        request
            .header("x-csrf-token", token.as_str())
            .body("hi")
            .send()
            .await
            .assert_status(200)
            .assert_text(expected);
        let refused = client.request(method, "/raw").header("cookie", &cookie).send().await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn a_form_field_token_works_and_the_handler_still_reads_the_whole_form() {
    let client = client();
    let (cookie, token) = session(&client).await;
    client
        .post("/notes")
        .header("cookie", &cookie)
        .form(&[("text", "hello world & more"), ("csrf_token", token.as_str())])
        .send()
        .await
        .assert_status(200)
        .assert_text("hello world & more|true");
}

#[tokio::test]
async fn the_form_field_is_read_even_when_it_comes_first_and_the_raw_body_is_kept() {
    let client = client();
    let (cookie, token) = session(&client).await;
    let body = format!("csrf_token={token}&text=a%2Bb");
    client
        .post("/raw")
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
        .body(body.clone())
        .send()
        .await
        .assert_status(200)
        .assert_text(&format!("raw:{body}"));
}

#[tokio::test]
async fn a_wrong_token_is_a_mismatch() {
    let client = client();
    let (cookie, _) = session(&client).await;
    let (_, other_token) = session(&client).await;
    for token in [other_token.as_str(), "garbage", ""] {
        let response = client
            .post("/raw")
            .header("cookie", &cookie)
            .header("x-csrf-token", token)
            .send()
            .await
            .assert_status(403);
        assert!(detail(&response).contains("token mismatch"), "{token}: {}", response.text());
    }
    let response = client
        .post("/notes")
        .header("cookie", &cookie)
        .form(&[("text", "x"), ("csrf_token", other_token.as_str())])
        .send()
        .await
        .assert_status(403);
    assert!(detail(&response).contains("token mismatch"), "{}", response.text());
}

#[tokio::test]
async fn a_forged_unsigned_cookie_is_refused() {
    let client = client();
    // An attacker who plants a cookie of their own making and puts a matching masked token in the form.
    let secret = [7u8; 32];
    let token = mask(&secret).unwrap_or_default();
    let forged = format!("csrf={}", super::token::encode_secret(&secret));
    let response = client
        .post("/raw")
        .header("cookie", &forged)
        .header("x-csrf-token", token.as_str())
        .send()
        .await
        .assert_status(403);
    assert!(detail(&response).contains("missing cookie"), "{}", response.text());
}

#[tokio::test]
async fn a_cookie_signed_with_another_key_is_refused_and_reported() {
    let rejected = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&rejected);
    let other = client_with(Csrf::new());
    let (cookie, token) = session(&other).await;
    let key = SecretKey::new("another secret, also long enough for the key").on_rejected(move |_, _| {
        seen.fetch_add(1, Ordering::SeqCst);
    });
    let client = TestClient::new(App::new().secret_key(key).middleware(Csrf::new()).merge(routes()));
    post_with_token(&client, &cookie, &token).send().await.assert_status(403);
    assert_eq!(rejected.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn sec_fetch_site_cross_site_is_refused_even_with_a_token() {
    let client = client();
    let (cookie, token) = session(&client).await;
    let response = post_with_token(&client, &cookie, &token)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .assert_status(403);
    assert!(detail(&response).contains("cross-site"), "{}", response.text());
}

#[tokio::test]
async fn sec_fetch_site_same_origin_with_a_token_passes() {
    let client = client();
    let (cookie, token) = session(&client).await;
    post_with_token(&client, &cookie, &token)
        .header("sec-fetch-site", "same-origin")
        .header("origin", "http://localhost")
        .send()
        .await
        .assert_status(200);
}

#[tokio::test]
async fn a_foreign_or_null_origin_is_refused() {
    let client = client();
    let (cookie, token) = session(&client).await;
    for origin in ["https://evil.example", "null", "http://localhost:8080", "https://localhost", "junk"] {
        let response = post_with_token(&client, &cookie, &token)
            .header("origin", origin)
            .send()
            .await
            .assert_status(403);
        assert!(detail(&response).contains("origin not allowed"), "{origin}: {}", response.text());
    }
    // The own origin, with the default port spelled out and another case, passes.
    post_with_token(&client, &cookie, &token)
        .header("origin", "HTTP://LocalHost:80")
        .send()
        .await
        .assert_status(200);
}

#[tokio::test]
async fn a_trusted_origin_passes_even_cross_site() {
    let client = client_with(Csrf::new().trusted_origins(["http://localhost:5173/"]));
    let (cookie, token) = session(&client).await;
    post_with_token(&client, &cookie, &token)
        .header("origin", "http://localhost:5173")
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .assert_status(200);
    // Trusted origins still need the token.
    client
        .post("/raw")
        .header("cookie", &cookie)
        .header("origin", "http://localhost:5173")
        .send()
        .await
        .assert_status(403);
}

#[tokio::test]
async fn an_exempt_predicate_and_bearer_auth_skip_the_checks() {
    let client =
        client_with(Csrf::new().exempt(|parts| parts.path().starts_with("/notes")).exempt_bearer_auth());
    client.post("/notes").form(&[("text", "webhook")]).send().await.assert_status(200);
    client
        .post("/raw")
        .header("authorization", "Bearer abc.def")
        .header("origin", "https://evil.example")
        .send()
        .await
        .assert_status(200);
    // Neither a Basic credential nor an empty bearer is exempt.
    for value in ["Basic dXNlcjpwdw==", "Bearer ", "Bearerabc"] {
        client.post("/raw").header("authorization", value).send().await.assert_status(403);
    }
}

#[tokio::test]
async fn safe_methods_are_never_refused() {
    let client = client();
    for method in [Method::GET, Method::HEAD, Method::OPTIONS, Method::TRACE] {
        let response = client
            .request(method.clone(), "/token")
            .header("origin", "null")
            .header("sec-fetch-site", "cross-site")
            .header("cookie", "csrf=forged")
            .send()
            .await;
        assert_ne!(response.status(), StatusCode::FORBIDDEN, "{method}");
    }
}

#[tokio::test]
async fn a_huge_urlencoded_body_is_413() {
    let client = client_with(Csrf::new().body_limit(1024));
    let (cookie, _) = session(&client).await;
    let body = format!("text={}&csrf_token=x", "a".repeat(1024 * 1024));
    client
        .post("/raw")
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .assert_status(413);
}

#[tokio::test]
async fn the_default_limit_is_the_apps_body_limit() {
    let app =
        App::new().secret_key(SecretKey::new(SECRET)).body_limit(64).middleware(Csrf::new()).merge(routes());
    let client = TestClient::new(app);
    let (cookie, _) = session(&client).await;
    client
        .post("/raw")
        .header("cookie", &cookie)
        .form(&[("text", "b".repeat(200))])
        .send()
        .await
        .assert_status(413);
}

#[tokio::test]
async fn multipart_reads_only_the_header() {
    let client = client();
    let (cookie, token) = session(&client).await;
    let body =
        format!("--b\r\ncontent-disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n--b--\r\n");
    let response = client
        .post("/raw")
        .header("cookie", &cookie)
        .header("content-type", "multipart/form-data; boundary=b")
        .body(body)
        .send()
        .await
        .assert_status(403);
    assert!(detail(&response).contains("missing token"), "{}", response.text());
}

#[tokio::test]
async fn a_readable_cookie_may_be_echoed_in_the_header() {
    let client = client_with(Csrf::new().http_only(false));
    let response = client.get("/token").send().await;
    let set_cookie = response.header("set-cookie").unwrap_or_default().to_owned();
    assert!(!set_cookie.contains("HttpOnly"), "{set_cookie}");
    let cookie = cookie_of(&response).unwrap_or_default();
    let value = cookie.trim_start_matches("csrf=").to_owned();
    client
        .post("/raw")
        .header("cookie", &cookie)
        .header("x-csrf-token", value.as_str())
        .send()
        .await
        .assert_status(200);
    // With the default HttpOnly cookie, echoing the cookie is not accepted.
    let strict = client_with(Csrf::new());
    let (cookie, _) = session(&strict).await;
    let value = cookie.trim_start_matches("csrf=").to_owned();
    strict
        .post("/raw")
        .header("cookie", &cookie)
        .header("x-csrf-token", value.as_str())
        .send()
        .await
        .assert_status(403);
}

#[tokio::test]
async fn the_hidden_input_carries_the_configured_field_name_escaped() {
    let client = client_with(Csrf::new().field_name("a\"b"));
    let html = client.get("/form").send().await.assert_status(200).text();
    assert!(html.starts_with(r#"<input type="hidden" name="a&quot;b" value=""#), "{html}");
    let default = client_with(Csrf::new()).get("/form").send().await.text();
    assert!(default.starts_with(r#"<input type="hidden" name="csrf_token" value=""#), "{default}");
}

#[tokio::test]
async fn the_extractor_without_the_middleware_is_a_named_500() {
    let client = TestClient::new(App::new().secret_key(SecretKey::new(SECRET)).merge(routes()));
    let response = client.get("/token").send().await.assert_status(500);
    assert!(response.text().contains(".middleware(Csrf::new())"), "{}", response.text());
}

#[tokio::test]
async fn route_middleware_protects_only_its_route() {
    let app = App::new().secret_key(SecretKey::new(SECRET)).merge(
        Router::new()
            .post("/open", || async { "open" })
            .route(Route::new(Method::POST, "/guarded", || async { "guarded" }).middleware(Csrf::new())),
    );
    let client = TestClient::new(app);
    client.post("/open").send().await.assert_status(200);
    client.post("/guarded").send().await.assert_status(403);
}

#[test]
fn bad_configuration_fails_the_build() {
    let csrf =
        Csrf::new().trusted_origins(["not an origin", "https://ok.example/path"]).header_name("bad header");
    let error = App::new().secret_key(SecretKey::new(SECRET)).middleware(csrf).build().err();
    let message = error.map(|error| error.to_string()).unwrap_or_default();
    assert!(message.contains("not an origin"), "{message}");
    assert!(message.contains("https://ok.example/path"), "{message}");
    assert!(message.contains("bad header"), "{message}");
}

#[test]
fn masking_round_trips_and_hostile_tokens_do_not_unmask() {
    let secret = [42u8; 32];
    let token = mask(&secret).unwrap_or_default();
    assert_eq!(unmask(&token), Some(secret));
    for hostile in ["", "%%%", "a", &"A".repeat(10_000), &token[1..], "éé"] {
        assert_eq!(unmask(hostile), None, "{hostile:.20}");
    }
    assert!(constant_time_eq(b"abc", b"abc"));
    assert!(!constant_time_eq(b"abc", b"abd"));
    assert!(!constant_time_eq(b"abc", b"ab"));
}

#[tokio::test]
async fn app_and_route_middleware_together_issue_one_cookie_that_matches_the_token() {
    let app = App::new().secret_key(SecretKey::new(SECRET)).middleware(Csrf::new()).merge(
        Router::new()
            .route(
                Route::new(Method::GET, "/token", |token: CsrfToken| async move { token.to_string() })
                    .middleware(Csrf::new()),
            )
            .post("/raw", || async { "ok" }),
    );
    let client = TestClient::new(app);
    let response = client.get("/token").send().await.assert_status(200);
    assert_eq!(response.headers().get_all("set-cookie").iter().count(), 1, "{:?}", response.headers());
    let cookie = cookie_of(&response).unwrap_or_default();
    client
        .post("/raw")
        .header("cookie", &cookie)
        .header("x-csrf-token", response.text().as_str())
        .send()
        .await
        .assert_status(200);
}
