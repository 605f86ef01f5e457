//! The demo's rate limits (log-ins, user creations) and its users-list cache.

#![allow(clippy::unwrap_used, missing_docs)]

use demo::store::UserStore;
use demo::uploads::UploadDir;
use serde_json::{json, Value};
use velocy::test::TestClient;

fn client() -> TestClient {
    TestClient::new(demo::app(UserStore::default(), UploadDir::temporary().unwrap()))
}

#[tokio::test]
async fn the_eleventh_log_in_attempt_in_a_minute_is_refused() {
    let client = client();
    let attempt = json!({ "username": "nobody", "password": "guessing wrongly" });
    for _ in 0..10 {
        let response = client.post("/api/login").json(&attempt).send().await.assert_status(401);
        assert!(response.header("ratelimit").is_some(), "{:?}", response.headers());
    }
    let refused = client.post("/api/login").json(&attempt).send().await.assert_status(429);
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(refused.header("content-type"), Some("application/problem+json"));
    // The HTML form shares the count: a valid submission (CSRF cookie and token) is refused too, before the
    // password is checked.
    let page = client.get("/login").send().await;
    let cookie = page.header("set-cookie").unwrap().split(';').next().unwrap().to_owned();
    let text = page.text();
    let marker = "name=\"csrf_token\" value=\"";
    let token = text[text.find(marker).unwrap() + marker.len()..].split('"').next().unwrap().to_owned();
    let form = [("username", "nobody"), ("password", "guessing wrongly"), ("csrf_token", token.as_str())];
    client.post("/login").header("cookie", cookie).form(&form).send().await.assert_status(429);
    // Other routes are not limited.
    client.get("/api/users").send().await.assert_status(200);
}

#[tokio::test]
async fn the_users_list_is_cached_until_a_write() {
    let client = client();
    let first = client.get("/api/users").send().await.assert_status(200);
    assert_eq!(first.header("x-cache"), Some("miss"));
    let second = client.get("/api/users").send().await.assert_status(200);
    assert_eq!(second.header("x-cache"), Some("hit"));
    assert!(second.header("age").is_some());
    let created = json!({ "name": "Ada", "email": "ada@example.com" });
    client.post("/api/users").json(&created).send().await.assert_status(201);
    let after = client.get("/api/users").send().await.assert_status(200);
    assert_eq!(after.header("x-cache"), Some("miss"), "the write dropped the cached list");
    assert_eq!(after.json::<Value>()["total"], 1);
    client.delete("/api/users/1").send().await.assert_status(204);
    assert_eq!(client.get("/api/users").send().await.json::<Value>()["total"], 0);
}
