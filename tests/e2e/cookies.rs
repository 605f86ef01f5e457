//! End-to-end tests of the `cookies` battery: signed and private jars round-tripping through a real client,
//! tampering, key rotation across servers, `Secure` over TLS, and malformed `Cookie` headers on the wire.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;
use velocy::cookies::{CookieJar, PrivateCookieJar, SecretKey, SignedCookieJar};
use velocy::prelude::*;
use velocy::server::{ShutdownHandle, TlsConfig};
use velocy::test::TestServer;

use crate::client::{raw, send, Reply};

const KEY1: &str = "e2e key one: 0123456789abcdef0123456789abcdef";
const KEY2: &str = "e2e key two: fedcba9876543210fedcba9876543210";

/// Sets the signed cookie `user` to the path parameter.
#[get("/cookies/login/:user")]
async fn login(user: String, jar: SignedCookieJar) -> (SignedCookieJar, &'static str) {
    (jar.add(("user", user)), "logged in")
}

/// Who the signed cookie `user` says the client is.
#[get("/cookies/whoami")]
async fn whoami(jar: SignedCookieJar) -> String {
    jar.get("user").map_or_else(|| "anonymous".to_owned(), |cookie| format!("user {}", cookie.value()))
}

/// Re-adds the signed cookie `user` (as a handler that refreshes a session would), signed with the
/// current key.
#[get("/cookies/refresh")]
async fn refresh(jar: SignedCookieJar) -> (SignedCookieJar, String) {
    match jar.get("user") {
        Some(cookie) => {
            let value = cookie.value().to_owned();
            (jar.add(("user", value.clone())), format!("refreshed {value}"))
        }
        None => (jar, "nothing to refresh".to_owned()),
    }
}

/// Stores the path parameter in the private cookie `secret`.
#[get("/cookies/private/set/:value")]
async fn private_set(value: String, jar: PrivateCookieJar) -> (PrivateCookieJar, &'static str) {
    (jar.add(("secret", value)), "stored")
}

#[get("/cookies/private/get")]
async fn private_get(jar: PrivateCookieJar) -> String {
    jar.get("secret").map_or_else(|| "none".to_owned(), |cookie| cookie.value().to_owned())
}

/// Sets a plain cookie, to see its attributes.
#[get("/cookies/plain/set")]
async fn plain_set(jar: CookieJar) -> (CookieJar, &'static str) {
    (jar.add(("theme", "dark")), "set")
}

/// Every plain cookie the request carried, `name=value` joined with `&`.
#[get("/cookies/plain/list")]
async fn plain_list(jar: CookieJar) -> String {
    let mut pairs: Vec<String> =
        jar.iter().map(|cookie| format!("{}={}", cookie.name(), cookie.value())).collect();
    pairs.sort();
    pairs.join("&")
}

/// An app with every route above, keyed by `key`.
fn app(key: SecretKey) -> App {
    App::new().secret_key(key).routes(routes![
        login,
        whoami,
        refresh,
        private_set,
        private_get,
        plain_set,
        plain_list
    ])
}

async fn start(key: SecretKey) -> TestServer {
    TestServer::start(app(key)).await.unwrap()
}

async fn get_with(server: &TestServer, path: &str, cookie: Option<&str>) -> Reply {
    let headers: Vec<(&str, &str)> = cookie.map(|cookie| ("cookie", cookie)).into_iter().collect();
    send(Method::GET, &server.url(path), &headers, Bytes::new()).await
}

/// The `name=value` part of the one `Set-Cookie` of `reply`: what a browser sends back.
fn returned_cookie(reply: &Reply) -> String {
    let lines: Vec<&str> =
        reply.headers.get_all("set-cookie").iter().map(|value| value.to_str().unwrap()).collect();
    assert_eq!(lines.len(), 1, "expected one Set-Cookie, got {lines:?}");
    lines[0].split(';').next().unwrap().trim().to_owned()
}

#[tokio::test]
async fn a_signed_cookie_set_by_one_request_is_read_on_the_next() {
    let server = start(SecretKey::new(KEY1)).await;
    let before = get_with(&server, "/cookies/whoami", None).await;
    assert_eq!(before.text(), "anonymous");

    let login = get_with(&server, "/cookies/login/alice", None).await;
    assert_eq!(login.status, StatusCode::OK);
    let set_cookie = login.header("set-cookie").unwrap();
    assert!(set_cookie.starts_with("user="), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    let cookie = returned_cookie(&login);
    // Signed, not encrypted: the value is readable, after the signature.
    assert!(cookie.ends_with("alice") && cookie.len() > "user=alice".len(), "{cookie}");

    let after = get_with(&server, "/cookies/whoami", Some(&cookie)).await;
    assert_eq!((after.status, after.text().as_str()), (StatusCode::OK, "user alice"));
    // An unsigned cookie of the same name is not trusted.
    let forged = get_with(&server, "/cookies/whoami", Some("user=alice")).await;
    assert_eq!(forged.text(), "anonymous");
}

#[tokio::test]
async fn a_tampered_signed_cookie_reads_as_absent_and_is_reported() {
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let hook = Arc::clone(&seen);
    let key = SecretKey::new(KEY1).on_rejected(move |_, name| hook.lock().unwrap().push(name.to_owned()));
    let server = start(key).await;
    let cookie = returned_cookie(&get_with(&server, "/cookies/login/alice", None).await);

    // One character of the value changed: `alice` becomes `alicf`, the signature left as it was.
    let tampered = format!("{}f", &cookie[..cookie.len() - 1]);
    let reply = get_with(&server, "/cookies/whoami", Some(&tampered)).await;
    assert_eq!((reply.status, reply.text().as_str()), (StatusCode::OK, "anonymous"));
    assert_eq!(*seen.lock().unwrap(), ["user"]);

    // One character of the signature changed.
    let at = "user=".len();
    let flipped = if cookie.as_bytes()[at] == b'A' { 'B' } else { 'A' };
    let tampered = format!("{}{flipped}{}", &cookie[..at], &cookie[at + 1..]);
    assert_eq!(get_with(&server, "/cookies/whoami", Some(&tampered)).await.text(), "anonymous");
    assert_eq!(*seen.lock().unwrap(), ["user", "user"]);

    // The genuine cookie still reads, and is not reported.
    assert_eq!(get_with(&server, "/cookies/whoami", Some(&cookie)).await.text(), "user alice");
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_rotated_key_still_reads_old_cookies_and_reissues_them_with_the_new_key() {
    let a = start(SecretKey::new(KEY1)).await;
    let b = start(SecretKey::new(KEY2).previous(KEY1)).await;
    let only_new = start(SecretKey::new(KEY2)).await;

    let old = returned_cookie(&get_with(&a, "/cookies/login/alice", None).await);
    assert_eq!(get_with(&b, "/cookies/whoami", Some(&old)).await.text(), "user alice");
    assert_eq!(get_with(&only_new, "/cookies/whoami", Some(&old)).await.text(), "anonymous");

    let refreshed = get_with(&b, "/cookies/refresh", Some(&old)).await;
    assert_eq!(refreshed.text(), "refreshed alice");
    let new = returned_cookie(&refreshed);
    assert_ne!(new, old, "the re-added cookie is signed with the current key");
    assert_eq!(get_with(&only_new, "/cookies/whoami", Some(&new)).await.text(), "user alice");
    assert_eq!(get_with(&b, "/cookies/whoami", Some(&new)).await.text(), "user alice");
    // The server that only has the old key does not accept the new signature.
    assert_eq!(get_with(&a, "/cookies/whoami", Some(&new)).await.text(), "anonymous");
}

#[tokio::test]
async fn a_private_cookie_hides_its_value_and_round_trips() {
    let server = start(SecretKey::new(KEY1)).await;
    let set = get_with(&server, "/cookies/private/set/hunter2-treasure", None).await;
    let set_cookie = set.header("set-cookie").unwrap().to_owned();
    assert!(set_cookie.starts_with("secret="), "{set_cookie}");
    assert!(!set_cookie.contains("hunter2") && !set_cookie.contains("treasure"), "{set_cookie}");
    let cookie = returned_cookie(&set);

    assert_eq!(get_with(&server, "/cookies/private/get", Some(&cookie)).await.text(), "hunter2-treasure");
    // Another key cannot decrypt it, and a signed jar does not take it for a signed cookie.
    let other = start(SecretKey::new(KEY2)).await;
    assert_eq!(get_with(&other, "/cookies/private/get", Some(&cookie)).await.text(), "none");
    assert_eq!(get_with(&server, "/cookies/private/get", Some("secret=hunter2")).await.text(), "none");
}

/// A throwaway certificate authority and a `localhost` certificate it signed: (CA, chain PEM, key PEM).
fn certificates() -> (CertificateDer<'static>, String, String) {
    let ca_key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, "velocy cookies e2e CA");
    let ca = params.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert =
        CertificateParams::new(vec!["localhost".to_owned()]).unwrap().signed_by(&key, &ca, &ca_key).unwrap();
    (ca.der().clone(), format!("{}{}", cert.pem(), ca.pem()), key.serialize_pem())
}

/// GET `path` over HTTPS (HTTP/1.1) from a server serving `app`; the `Set-Cookie` lines of the answer.
async fn set_cookies_over_tls(app: App, path: &str) -> Vec<String> {
    let (ca, chain, key) = certificates();
    let tls = TlsConfig::from_pem(chain.as_bytes(), key.as_bytes()).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let shutdown = ShutdownHandle::new();
    tokio::spawn(app.build().unwrap().serve_tls_with_shutdown(listener, tls, shutdown.signal()));

    let mut roots = RootCertStore::empty();
    roots.add(ca).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let tcp = TcpStream::connect(address).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let stream = TlsConnector::from(Arc::new(config)).connect(name, tcp).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(connection);
    let request = Request::get(path).header("host", "localhost").body(Empty::<Bytes>::new()).unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let lines =
        response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    let _ = response.into_body().collect().await.unwrap();
    shutdown.shutdown();
    lines
}

#[tokio::test]
async fn cookies_are_secure_over_tls_and_not_over_plain_http() {
    for path in ["/cookies/plain/set", "/cookies/login/alice", "/cookies/private/set/x"] {
        let over_tls = set_cookies_over_tls(app(SecretKey::new(KEY1)), path).await;
        assert_eq!(over_tls.len(), 1, "{path}: {over_tls:?}");
        assert!(over_tls[0].split("; ").any(|attribute| attribute == "Secure"), "{path}: {over_tls:?}");

        let server = start(SecretKey::new(KEY1)).await;
        let plain = get_with(&server, path, None).await;
        let line = plain.header("set-cookie").unwrap();
        assert!(!line.contains("Secure"), "{path} over plain HTTP: {line}");
        assert!(line.contains("HttpOnly"), "{path}: {line}");
    }
}

#[tokio::test]
async fn malformed_cookie_headers_never_fail_the_request() {
    let server = start(SecretKey::new(KEY1)).await;
    // Over hyper's client: pairs with no `=`, an empty name, an empty piece are skipped.
    let reply = get_with(&server, "/cookies/plain/list", Some("a=1; ;=; b; =x; d=4; e=\"q\"")).await;
    assert_eq!((reply.status, reply.text().as_str()), (StatusCode::OK, "a=1&d=4&e=q"));
    assert_eq!(get_with(&server, "/cookies/whoami", Some(";=; b; ;;")).await.text(), "anonymous");

    // On the wire, where the client cannot tidy the bytes: a control character inside a value (HTAB, the
    // only one HTTP/1.1 lets through: hyper answers 400 to `\x01` before the app runs), and a header
    // value that is not UTF-8 next to good ones (HTTP/2 and some clients send several Cookie headers).
    let request = b"GET /cookies/plain/list HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
        Cookie: a=1; ;=; b; c=x\ty; d=4\r\nCookie: bad=\xff\xfe; name\xc3=x\r\nCookie: z=26\r\n\r\n";
    let answer = raw(server.address(), request).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with("\r\n\r\na=1&d=4&z=26"), "{answer}");

    let request = b"GET /cookies/whoami HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
        Cookie: user=\xff\x80\ty\r\n\r\n";
    let answer = raw(server.address(), request).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with("anonymous"), "{answer}");
}

#[tokio::test]
async fn a_signed_cookie_survives_the_browser_sending_other_cookies_around_it() {
    let server = start(SecretKey::new(KEY1)).await;
    let cookie = returned_cookie(&get_with(&server, "/cookies/login/bob", None).await);
    let header = format!("theme=dark; {cookie}; junk; user=forged");
    let reply = get_with(&server, "/cookies/whoami", Some(&header)).await;
    assert_eq!(reply.text(), "user bob", "the first `user` (the signed one) is read");
}

#[tokio::test]
async fn cookies_are_secure_behind_a_trusted_proxy_saying_https_only() {
    let trusting = TestServer::start(app(SecretKey::new(KEY1)).trusted_proxies(["127.0.0.1"])).await.unwrap();
    let cookie_of = |reply: &Reply| reply.header("set-cookie").unwrap().to_owned();
    let url = trusting.url("/cookies/plain/set");
    let forwarded = send(Method::GET, &url, &[("x-forwarded-proto", "https")], Bytes::new()).await;
    assert!(cookie_of(&forwarded).contains("; Secure"), "{}", cookie_of(&forwarded));
    // `Forwarded` is read only from proxies declared to set it.
    let rfc_7239_header = [("forwarded", "for=192.0.2.1;proto=https")];
    let ignored = send(Method::GET, &url, &rfc_7239_header, Bytes::new()).await;
    assert!(!cookie_of(&ignored).contains("Secure"), "{}", cookie_of(&ignored));
    let rfc_7239_app = app(SecretKey::new(KEY1))
        .trusted_proxies(["127.0.0.1"])
        .forwarding_headers(velocy::extract::ForwardingHeaders::Forwarded);
    let rfc_7239_server = TestServer::start(rfc_7239_app).await.unwrap();
    let rfc_7239 =
        send(Method::GET, &rfc_7239_server.url("/cookies/plain/set"), &rfc_7239_header, Bytes::new()).await;
    assert!(cookie_of(&rfc_7239).contains("; Secure"), "{}", cookie_of(&rfc_7239));
    let plain = send(Method::GET, &url, &[("x-forwarded-proto", "http")], Bytes::new()).await;
    assert!(!cookie_of(&plain).contains("Secure"), "{}", cookie_of(&plain));
    // A peer that is not a trusted proxy cannot claim https.
    let untrusted = start(SecretKey::new(KEY1)).await;
    let claimed = send(
        Method::GET,
        &untrusted.url("/cookies/plain/set"),
        &[("x-forwarded-proto", "https")],
        Bytes::new(),
    )
    .await;
    assert!(!cookie_of(&claimed).contains("Secure"), "{}", cookie_of(&claimed));
}
