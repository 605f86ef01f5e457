//! End-to-end tests of the `session` battery (issue 13): login, me, logout over real sockets, sessions
//! surviving a restart on a durable store, expiry, tampered cookies.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use velocy::cookies::SecretKey;
use velocy::prelude::*;
use velocy::session::{MemoryStore, Session, SessionError, Sessions, StoreSessionStore};
use velocy::store::Store;
use velocy::test::TestServer;

use crate::client::{send, Reply};

const SECRET: &str = "the e2e session secret, at least thirty-two bytes";

/// A directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let name =
            format!("velocy-e2e-session-{}-{}", std::process::id(), COUNT.fetch_add(1, Ordering::Relaxed));
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A tiny app: `POST /login/:name` logs in (rotating the id), `GET /me` says who, `POST /logout` ends it.
fn app(sessions: Sessions) -> App {
    let router = Router::new()
        .post("/login/:name", |session: Session, Path(name): Path<String>| async move {
            session.insert("user", &name).await?;
            session.cycle_id();
            Ok::<_, SessionError>(format!("welcome {name}"))
        })
        .get("/me", |session: Session| async move {
            match session.get::<String>("user").await? {
                Some(user) => Ok::<_, SessionError>((StatusCode::OK, user)),
                None => Ok((StatusCode::UNAUTHORIZED, "anonymous".to_owned())),
            }
        })
        .post("/logout", |session: Session| async move {
            session.flush();
            "bye"
        });
    App::new().secret_key(SecretKey::new(SECRET)).middleware(sessions).merge(router)
}

async fn request(server: &TestServer, method: Method, path: &str, cookie: Option<&str>) -> Reply {
    let headers: Vec<(&str, &str)> = cookie.map(|cookie| ("cookie", cookie)).into_iter().collect();
    send(method, &server.url(path), &headers, Bytes::new()).await
}

/// The `name=value` pair of the reply's `Set-Cookie`.
fn cookie_of(reply: &Reply) -> String {
    let header = reply.header("set-cookie").expect("a Set-Cookie header");
    header.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn login_me_logout() {
    let store = std::sync::Arc::new(MemoryStore::new());
    let server = TestServer::start(app(Sessions::new(std::sync::Arc::clone(&store)))).await.unwrap();

    let anonymous = request(&server, Method::GET, "/me", None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(anonymous.header("set-cookie").is_none());

    let login = request(&server, Method::POST, "/login/ada", None).await;
    assert_eq!(login.status, StatusCode::OK);
    let cookie = cookie_of(&login);
    assert!(login.header("set-cookie").unwrap().contains("HttpOnly"));

    let me = request(&server, Method::GET, "/me", Some(&cookie)).await;
    assert_eq!((me.status, me.text().as_str()), (StatusCode::OK, "ada"));
    assert!(me.header("set-cookie").is_none(), "a read writes no cookie");
    assert_eq!(store.len(), 1);

    let logout = request(&server, Method::POST, "/logout", Some(&cookie)).await;
    assert!(logout.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert!(store.is_empty(), "logout deleted the record");
    let after = request(&server, Method::GET, "/me", Some(&cookie)).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED, "the old cookie no longer works");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_session_survives_a_restart_on_a_durable_store() {
    let dir = TempDir::new();
    let cookie = {
        let store = Store::open(&dir.0).unwrap();
        let server = TestServer::start(app(Sessions::new(StoreSessionStore::new(&store)))).await.unwrap();
        let login = request(&server, Method::POST, "/login/grace", None).await;
        assert_eq!(login.status, StatusCode::OK);
        let cookie = cookie_of(&login);
        server.shutdown().await.unwrap();
        cookie
    };
    // The first server and its store are gone; the directory's lock is free again.
    let store = Store::open(&dir.0).unwrap();
    assert_eq!(store.kv().keys("session:").len(), 1);
    let server = TestServer::start(app(Sessions::new(StoreSessionStore::new(&store)))).await.unwrap();
    let me = request(&server, Method::GET, "/me", Some(&cookie)).await;
    assert_eq!((me.status, me.text().as_str()), (StatusCode::OK, "grace"));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_expired_session_is_anonymous() {
    let store = Store::memory();
    let sessions = StoreSessionStore::new(&store);
    let server =
        TestServer::start(app(Sessions::new(sessions.clone()).idle_timeout(Duration::from_millis(200))))
            .await
            .unwrap();
    let cookie = cookie_of(&request(&server, Method::POST, "/login/ada", None).await);
    assert_eq!(request(&server, Method::GET, "/me", Some(&cookie)).await.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(request(&server, Method::GET, "/me", Some(&cookie)).await.status, StatusCode::UNAUTHORIZED);
    assert!(store.kv().keys("session:").is_empty(), "the store's TTL removed the record");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_tampered_cookie_is_anonymous() {
    let store = std::sync::Arc::new(MemoryStore::new());
    let server = TestServer::start(app(Sessions::new(std::sync::Arc::clone(&store)))).await.unwrap();
    let cookie = cookie_of(&request(&server, Method::POST, "/login/ada", None).await);
    let (name, value) = cookie.split_once('=').unwrap();
    // Flip one character of the signature part.
    let mut bytes = value.as_bytes().to_vec();
    bytes[3] = if bytes[3] == b'A' { b'B' } else { b'A' };
    let tampered = format!("{name}={}", String::from_utf8(bytes).unwrap());
    let me = request(&server, Method::GET, "/me", Some(&tampered)).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    // Logging in again with the tampered cookie gets a new session, the first one untouched.
    let again = request(&server, Method::POST, "/login/eve", Some(&tampered)).await;
    assert_ne!(cookie_of(&again), cookie);
    assert_eq!(store.len(), 2);
    let first = request(&server, Method::GET, "/me", Some(&cookie)).await;
    assert_eq!(first.text(), "ada");
    server.shutdown().await.unwrap();
}
