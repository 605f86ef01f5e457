#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use super::*;
use crate::extract::Path;
use crate::test::{TestClient, TestResponse};
use crate::{App, Router};

const SECRET: &str = "the cookie tests' secret key, long enough for sure";
const OLD_SECRET: &str = "the key the cookie tests used before rotating it";

/// An app reading the cookie `name` from each jar and setting it from `/set/:value`.
fn app(key: SecretKey) -> App {
    let router = Router::new()
        .get("/plain", |jar: CookieJar| async move { show(jar.get("name")) })
        .get("/signed", |jar: SignedCookieJar| async move { show(jar.get("name")) })
        .get("/private", |jar: PrivateCookieJar| async move { show(jar.get("name")) })
        .get("/plain/set/:value", |Path(value): Path<String>, jar: CookieJar| async move {
            jar.add(("name", value))
        })
        .get("/signed/set/:value", |Path(value): Path<String>, jar: SignedCookieJar| async move {
            jar.add(("name", value))
        })
        .get("/private/set/:value", |Path(value): Path<String>, jar: PrivateCookieJar| async move {
            jar.add(("name", value))
        })
        .get("/signed/again", |jar: SignedCookieJar| async move {
            let cookie = jar.get("name").unwrap();
            jar.add(cookie)
        });
    App::new().secret_key(key).merge(router)
}

fn show(cookie: Option<Cookie<'static>>) -> String {
    cookie.map_or_else(|| "absent".to_owned(), |cookie| cookie.value().to_owned())
}

fn set_cookies(response: &TestResponse) -> Vec<String> {
    response.headers().get_all("set-cookie").iter().map(|value| value.to_str().unwrap().to_owned()).collect()
}

/// The `name=value` pair of the only `Set-Cookie` line.
fn pair(response: &TestResponse) -> String {
    let lines = set_cookies(response);
    assert_eq!(lines.len(), 1, "{lines:?}");
    lines[0].split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn plain_cookies_are_read_and_the_first_of_a_name_wins() {
    let client = TestClient::new(app(SecretKey::new(SECRET)));
    client.get("/plain").send().await.assert_text("absent");
    client.get("/plain").header("cookie", "other=1; name=ada; name=grace").send().await.assert_text("ada");
    client
        .get("/plain")
        .header("cookie", "name=%22quoted%20text%22")
        .send()
        .await
        .assert_text("\"quoted text\"");
}

#[tokio::test]
async fn malformed_cookie_headers_never_fail_the_request() {
    let client = TestClient::new(app(SecretKey::new(SECRET)));
    client.get("/plain").header("cookie", "bad; =x; na me=1; ;; name=ok").send().await.assert_text("ok");
    let not_utf8 = http::HeaderValue::from_bytes(b"name=\xff\xfe").unwrap();
    client.get("/plain").header("cookie", not_utf8).send().await.assert_status(200).assert_text("absent");
    // Several `Cookie` headers (as HTTP/2 sends them) are read in order.
    let response = client.get("/plain").header("cookie", "junk").header("cookie", "name=second").send().await;
    response.assert_text("second");
}

#[test]
fn the_parser_skips_bad_pairs() {
    let pairs: Vec<(&str, String)> =
        parse_cookie_header(" a = 1 ;b=\"two\";c;=d;e\u{1}=x;f=bad\u{7f};g=%zz;h=%C3%A9")
            .map(|(name, value)| (name, value.into_owned()))
            .collect();
    assert_eq!(
        pairs,
        [("a", "1".to_owned()), ("b", "two".to_owned()), ("g", "%zz".to_owned()), ("h", "é".to_owned())]
    );
}

#[tokio::test]
async fn added_cookies_get_the_safe_defaults() {
    let client = TestClient::new(app(SecretKey::new(SECRET)));
    let response = client.get("/plain/set/dark").send().await.assert_status(200);
    assert_eq!(set_cookies(&response), ["name=dark; HttpOnly; SameSite=Lax; Path=/"]);
    let over_tls = client.get("/plain/set/dark").https().send().await;
    assert_eq!(set_cookies(&over_tls), ["name=dark; HttpOnly; SameSite=Lax; Secure; Path=/"]);
    let spaced = client.get("/plain/set/a%20b").send().await;
    assert_eq!(pair(&spaced), "name=a%20b", "values are sent percent-encoded");
}

#[tokio::test]
async fn explicit_attributes_are_kept_and_same_site_none_is_always_secure() {
    let router = Router::new()
        .get("/readable", |jar: CookieJar| async move {
            jar.add(
                Cookie::build(("theme", "dark")).http_only(false).path("/app").same_site(SameSite::Strict),
            )
        })
        .get("/embedded", |jar: CookieJar| async move {
            jar.add(Cookie::build(("widget", "1")).same_site(SameSite::None))
        })
        .get("/remove", |jar: CookieJar| async move {
            jar.remove("theme").remove(Cookie::build("widget").path("/app").domain("example.com"))
        });
    let client = TestClient::new(App::new().merge(router));
    let readable = client.get("/readable").send().await;
    assert_eq!(set_cookies(&readable), ["theme=dark; SameSite=Strict; Path=/app"]);
    let embedded = client.get("/embedded").send().await;
    assert_eq!(set_cookies(&embedded), ["widget=1; HttpOnly; SameSite=None; Secure; Path=/"]);
    let mut removed = set_cookies(&client.get("/remove").send().await);
    removed.sort();
    assert_eq!(removed.len(), 2, "{removed:?}");
    assert!(removed[0].starts_with("theme=; Path=/; Max-Age=0; Expires="), "{removed:?}");
    assert!(removed[1].starts_with("widget=; Path=/app; Domain=example.com; Max-Age=0"), "{removed:?}");
    let over_tls = set_cookies(&client.get("/remove").https().send().await);
    assert!(over_tls.iter().all(|line| line.contains("; Secure")), "{over_tls:?}");
}

#[tokio::test]
async fn a_jar_alone_is_a_response() {
    let client = TestClient::new(app(SecretKey::new(SECRET)));
    let response = client.get("/plain/set/x").send().await.assert_status(200);
    assert!(response.bytes().is_empty());
}

#[tokio::test]
async fn signed_cookies_round_trip_and_tampering_reads_as_absent() {
    let rejected = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&rejected);
    let key = SecretKey::new(SECRET).on_rejected(move |_, name| sink.lock().unwrap().push(name.to_owned()));
    let client = TestClient::new(app(key));
    let signed = pair(&client.get("/signed/set/admin").send().await);
    assert!(signed.starts_with("name=") && signed.ends_with("admin") && signed.len() > "name=admin".len());
    client.get("/signed").header("cookie", signed.as_str()).send().await.assert_text("admin");
    // The plain jar sees the signature too: signed cookies are readable, not secret.
    assert!(client.get("/plain").header("cookie", signed.as_str()).send().await.text().ends_with("admin"));
    let tampered = signed.replace("admin", "root!");
    client.get("/signed").header("cookie", tampered.as_str()).send().await.assert_text("absent");
    client.get("/signed").header("cookie", "name=admin").send().await.assert_text("absent");
    assert_eq!(*rejected.lock().unwrap(), ["name", "name"]);
}

#[tokio::test]
async fn private_cookies_are_unreadable_and_round_trip() {
    let client = TestClient::new(app(SecretKey::new(SECRET)));
    let sealed = pair(&client.get("/private/set/secret-value").send().await);
    assert!(!sealed.contains("secret-value"), "{sealed}");
    client.get("/private").header("cookie", sealed.as_str()).send().await.assert_text("secret-value");
    // Neither a signed jar nor another key opens it.
    client.get("/signed").header("cookie", sealed.as_str()).send().await.assert_text("absent");
    let other = TestClient::new(app(SecretKey::new(OLD_SECRET)));
    other.get("/private").header("cookie", sealed.as_str()).send().await.assert_text("absent");
}

#[tokio::test]
async fn rotated_keys_still_read_and_re_adding_signs_with_the_current_key() {
    let old = TestClient::new(app(SecretKey::new(OLD_SECRET)));
    let from_old = pair(&old.get("/signed/set/kept").send().await);
    let sealed_old = pair(&old.get("/private/set/hidden").send().await);
    let rotated = TestClient::new(app(SecretKey::new(SECRET).previous(OLD_SECRET)));
    rotated.get("/signed").header("cookie", from_old.as_str()).send().await.assert_text("kept");
    rotated.get("/private").header("cookie", sealed_old.as_str()).send().await.assert_text("hidden");
    let re_signed = pair(&rotated.get("/signed/again").header("cookie", from_old.as_str()).send().await);
    assert_ne!(re_signed, from_old);
    let current_only = TestClient::new(app(SecretKey::new(SECRET)));
    current_only.get("/signed").header("cookie", re_signed.as_str()).send().await.assert_text("kept");
    current_only.get("/signed").header("cookie", from_old.as_str()).send().await.assert_text("absent");
}

#[test]
fn short_and_repetitive_secrets_fail_the_build() {
    let short = App::new().secret_key(SecretKey::new("too short")).build().unwrap_err().to_string();
    assert!(short.contains("9 bytes long") && short.contains("at least 32 bytes"), "{short}");
    let repeated = App::new().secret_key(SecretKey::new([7u8; 40])).build().unwrap_err().to_string();
    assert!(repeated.contains("repeats one byte"), "{repeated}");
    let old = App::new().secret_key(SecretKey::new(SECRET).previous("old")).build().unwrap_err().to_string();
    assert!(old.contains("previous secret key is 3 bytes long"), "{old}");
    assert!(App::new().secret_key(SecretKey::new(SECRET)).build().is_ok());
}

#[test]
fn a_route_needing_a_key_fails_the_build_without_one() {
    // What a release build without `App::secret_key` sees: the requirement is unmet.
    let mut requirements = crate::extract::Requirements::default();
    <SignedCookieJar as crate::extract::FromRequestParts>::requirements(&mut requirements);
    let state = crate::request::StateMap::default();
    let provided = crate::extract::Provided { state: &state, request_id: false, secret_key: false };
    let unmet = requirements.unmet(provided);
    assert_eq!(unmet.len(), 1);
    assert!(unmet[0].contains("has no secret key") && unmet[0].contains(".secret_key("), "{unmet:?}");
    let mut plain = crate::extract::Requirements::default();
    <CookieJar as crate::extract::FromRequestParts>::requirements(&mut plain);
    assert!(plain.unmet(provided).is_empty(), "the plain jar needs no key");
}

#[test]
fn debug_builds_without_a_secret_get_a_random_key() {
    // Tests build with debug assertions: the app builds, and signing works with a key of its own.
    let service =
        App::new().route(crate::Route::new(http::Method::GET, "/", |jar: SignedCookieJar| async move {
            jar.add(("a", "1"))
        }));
    assert!(service.build().is_ok());
}

#[test]
fn secrets_never_show_in_debug_output() {
    let debug = format!("{:?}", SecretKey::new(SECRET).previous(OLD_SECRET));
    assert!(!debug.contains("secret key") && debug.contains("redacted"), "{debug}");
}

#[test]
fn random_tokens_are_url_safe_and_distinct() {
    let first = random_token(32).unwrap();
    let second = random_token(32).unwrap();
    assert_eq!(first.len(), 43);
    assert_ne!(first, second);
    assert!(first.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'));
}

#[test]
fn purpose_signatures_do_not_cross_purposes() {
    let keys = SecretKey::new(SECRET).into_keys().unwrap();
    let session = keys.sign_for("session", Cookie::new("id", "abc"));
    assert!(session.value().ends_with("abc") && !session.value().contains("session:"), "{}", session.value());
    assert_eq!(keys.verify_for("session", &session).as_deref(), Some("abc"));
    assert_eq!(keys.verify_for("csrf", &session), None);
    // A plainly signed cookie is not a purpose-signed one, and the other way round.
    let plain = keys.sign(Cookie::new("id", "abc"));
    assert_eq!(keys.verify_for("session", &plain), None);
    assert_eq!(keys.verify(&session), None);
    let mut tampered = session.clone();
    tampered.set_value(session.value().replace("abc", "abd"));
    assert_eq!(keys.verify_for("session", &tampered), None);
    assert_eq!(keys.verify_for("session", &Cookie::new("id", "short")), None);
}
