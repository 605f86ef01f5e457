//! Lazy issuing with `Cache-Control: private`, the signing purpose (`csrf`), the binding to the session cookie, the `Referer` check and the
//! refusal of prefixed cookie names.

use super::{client, client_with, cookie_of, detail, post_with_token, session, SECRET};
use crate::cookies::{Cookie, SecretKey};
use crate::csrf::token::{encode_secret, mask};
use crate::csrf::Csrf;
use crate::test::{TestClient, TestResponse};
use crate::App;
use http::Method;

#[tokio::test]
async fn safe_requests_that_never_ask_for_a_token_get_no_cookie() {
    let client = client();
    for method in [Method::GET, Method::HEAD] {
        let response = client.request(method.clone(), "/plain").send().await.assert_status(200);
        assert!(response.header("set-cookie").is_none(), "{method}: {:?}", response.headers());
        assert!(response.header("cache-control").is_none(), "{method}: {:?}", response.headers());
    }
    // An exempt unsafe request that extracts nothing gets none either.
    let exempt = client_with(Csrf::new().exempt(|_| true));
    let response = exempt.post("/raw").send().await.assert_status(200);
    assert!(response.header("set-cookie").is_none(), "{:?}", response.headers());
    // Asking for a token issues the cookie, private to the browser.
    let response = client.get("/token").send().await.assert_status(200);
    assert!(response.header("set-cookie").is_some());
    assert_eq!(response.header("cache-control"), Some("private"));
}

#[tokio::test]
async fn issuing_keeps_no_store_and_turns_public_into_private() {
    let client = client();
    let response = client.get("/no-store").send().await.assert_status(200);
    assert!(response.header("set-cookie").is_some());
    assert_eq!(response.header("cache-control"), Some("no-store"));
    let response = client.get("/public").send().await.assert_status(200);
    assert!(response.header("set-cookie").is_some());
    assert_eq!(response.header("cache-control"), Some("private, max-age=60"));
    // With a valid cookie nothing is issued and the handler's caching is left alone.
    let cookie = cookie_of(&response).unwrap_or_default();
    let again = client.get("/public").header("cookie", &cookie).send().await.assert_status(200);
    assert!(again.header("set-cookie").is_none());
    assert_eq!(again.header("cache-control"), Some("public, max-age=60"));
}

#[tokio::test]
async fn only_a_cookie_signed_for_the_csrf_purpose_verifies() {
    let keys = SecretKey::new(SECRET).into_keys().unwrap_or_else(|_| unreachable!("a valid test secret"));
    let secret = [9u8; 32];
    let token = mask(&secret).unwrap_or_default();
    let plain = keys.sign(Cookie::new("csrf", encode_secret(&secret)));
    let session = keys.sign_for("session", Cookie::new("csrf", encode_secret(&secret)));
    let csrf = keys.sign_for("csrf", Cookie::new("csrf", encode_secret(&secret)));
    let client = client();
    for (what, cookie, status) in [("plain", &plain, 403), ("session", &session, 403), ("csrf", &csrf, 200)] {
        let response = client
            .post("/raw")
            .header("cookie", format!("csrf={}", cookie.value()))
            .header("x-csrf-token", token.as_str())
            .send()
            .await;
        assert_eq!(response.status().as_u16(), status, "{what}: {}", response.text());
    }
}

/// A cookie and a token from a `GET` carrying `cookies`.
async fn session_with(client: &TestClient, cookies: &str) -> (String, String) {
    let mut request = client.get("/token");
    if !cookies.is_empty() {
        request = request.header("cookie", cookies);
    }
    let response = request.send().await.assert_status(200);
    (cookie_of(&response).expect("a CSRF cookie"), response.text())
}

async fn post_with(client: &TestClient, cookies: &str, token: &str) -> TestResponse {
    client.post("/raw").header("cookie", cookies).header("x-csrf-token", token).send().await
}

#[tokio::test]
async fn a_bound_pair_verifies_only_under_its_own_session() {
    let bound = client_with(Csrf::new().bind_to_cookie("session"));
    let (cookie_a, token_a) = session_with(&bound, "session=alice").await;
    post_with(&bound, &format!("session=alice; {cookie_a}"), &token_a).await.assert_status(200);
    for other in [format!("session=mallory; {cookie_a}"), cookie_a.clone()] {
        let response = post_with(&bound, &other, &token_a).await.assert_status(403);
        assert!(detail(&response).contains("missing cookie"), "{other}: {}", response.text());
    }
    // A pair obtained with no session, planted in a browser that has one, is refused too.
    let (cookie_none, token_none) = session_with(&bound, "").await;
    post_with(&bound, &cookie_none, &token_none).await.assert_status(200);
    post_with(&bound, &format!("session=alice; {cookie_none}"), &token_none).await.assert_status(403);
    // Without the binding the same pair works under any session (what the binding changes).
    let unbound = client();
    let (cookie, token) = session_with(&unbound, "session=alice").await;
    post_with(&unbound, &format!("session=mallory; {cookie}"), &token).await.assert_status(200);
}

#[tokio::test]
async fn a_new_session_id_gets_a_new_secret() {
    let client = client_with(Csrf::new().bind_to_cookie("session"));
    let (cookie_a, token_a) = session_with(&client, "session=before-login").await;
    // Log-in cycled the id: the old CSRF cookie no longer verifies, the next token page issues another.
    let (cookie_b, token_b) = session_with(&client, &format!("session=after-login; {cookie_a}")).await;
    assert_ne!(cookie_a, cookie_b);
    let jar = format!("session=after-login; {cookie_b}");
    post_with(&client, &jar, &token_b).await.assert_status(200);
    let response = post_with(&client, &jar, &token_a).await.assert_status(403);
    assert!(detail(&response).contains("token mismatch"), "{}", response.text());
}

#[tokio::test]
async fn over_https_the_binding_reads_the_host_prefixed_session_cookie() {
    let client = client_with(Csrf::new().bind_to_cookie("session"));
    let response = client.get("/token").https().header("cookie", "__Host-session=a").send().await;
    let cookie = cookie_of(&response).unwrap_or_default();
    let token = response.text();
    assert!(cookie.starts_with("__Host-csrf="), "{cookie}");
    // The prefixed cookie wins; the bare name counts only without it (`Sessions::host_prefix(false)`).
    let cases = [("__Host-session=a", 200), ("__Host-session=b", 403), ("session=a; __Host-session=b", 403)];
    for (session, status) in cases.into_iter().chain([("session=a", 200)]) {
        let response = client
            .post("/raw")
            .https()
            .header("cookie", format!("{session}; {cookie}"))
            .header("x-csrf-token", token.as_str())
            .send()
            .await;
        assert_eq!(response.status().as_u16(), status, "{session}: {}", response.text());
    }
}

#[tokio::test]
async fn without_origin_a_foreign_referer_is_refused() {
    let client = client_with(Csrf::new().trusted_origins(["http://localhost:5173"]));
    let (cookie, token) = session(&client).await;
    for referer in ["https://evil.example/page", "http://localhost:8080/", "junk", "https://user@localhost/"]
    {
        let response = post_with_token(&client, &cookie, &token)
            .header("referer", referer)
            .send()
            .await
            .assert_status(403);
        assert!(detail(&response).contains("referer not allowed"), "{referer}: {}", response.text());
    }
    for referer in ["http://localhost/form?x=1", "HTTP://LOCALHOST:80#top", "http://localhost:5173/app"] {
        post_with_referer(&client, &cookie, &token, referer).await.assert_status(200);
    }
    // An `Origin` decides alone: the referer is not looked at then.
    post_with_token(&client, &cookie, &token)
        .header("origin", "http://localhost")
        .header("referer", "https://evil.example/")
        .send()
        .await
        .assert_status(200);
}

async fn post_with_referer(client: &TestClient, cookie: &str, token: &str, referer: &str) -> TestResponse {
    client
        .post("/raw")
        .header("cookie", cookie)
        .header("x-csrf-token", token)
        .header("referer", referer)
        .send()
        .await
}

#[test]
fn a_prefixed_cookie_name_fails_the_build_pointing_to_host_prefix() {
    for name in ["__Host-csrf", "__Secure-csrf", "__host-csrf"] {
        let error = App::new()
            .secret_key(SecretKey::new(SECRET))
            .middleware(Csrf::new().cookie_name(name))
            .build()
            .err();
        let message = error.map(|error| error.to_string()).unwrap_or_default();
        assert!(message.contains(name) && message.contains("host_prefix"), "{name}: {message}");
    }
    let error = App::new()
        .secret_key(SecretKey::new(SECRET))
        .middleware(Csrf::new().bind_to_cookie("bad name"))
        .build()
        .err();
    assert!(error.is_some_and(|error| error.to_string().contains("bad name")));
}
