#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cookie::Cookie;
use serde_json::json;
use tokio::sync::Barrier;

use super::*;
use crate::cookies::{Keys, SecretKey};
use crate::extract::Path;
use crate::test::{TestClient, TestResponse};
use crate::{App, Router, StatusCode};

const SECRET: &str = "the session tests' secret key, long enough for sure";
const LONG: Duration = Duration::from_secs(60);

fn keys() -> Keys {
    SecretKey::new(SECRET).into_keys().unwrap()
}

/// A whole new session with these values.
fn whole(pairs: &[(&str, serde_json::Value)]) -> SessionChanges {
    SessionChanges::replace_all(pairs.iter().map(|(key, value)| ((*key).to_owned(), value.clone())).collect())
}

fn changes(pairs: &[(&str, serde_json::Value)]) -> SessionChanges {
    let mut changes = SessionChanges::new();
    for (key, value) in pairs {
        changes.insert(*key, value.clone());
    }
    changes
}

// ---------------------------------------------------------------------------------------------------
// The store suite, run against every store.

async fn store_suite(store: Arc<dyn SessionStore>) {
    assert_eq!(store.load("missing").await.unwrap(), None);

    // A save creates the record with its timestamps.
    let before = SystemTime::now() - Duration::from_millis(5);
    assert!(!store.save("s1", &changes(&[("a", json!(1))]), LONG).await.unwrap(), "a delta creates nothing");
    assert_eq!(store.load("s1").await.unwrap(), None);
    assert!(store.save("s1", &whole(&[("a", json!(1))]), LONG).await.unwrap());
    let record = store.load("s1").await.unwrap().unwrap();
    assert_eq!(record.values.get("a"), Some(&json!(1)));
    assert!(record.created_at >= before && record.updated_at >= record.created_at);

    // Saves merge: keys not mentioned keep their stored value.
    assert!(store.save("s1", &changes(&[("b", json!("two"))]), LONG).await.unwrap());
    let mut removal = SessionChanges::new();
    removal.remove("a");
    store.save("s1", &removal, LONG).await.unwrap();
    let record = store.load("s1").await.unwrap().unwrap();
    assert_eq!(record.values.len(), 1);
    assert_eq!(record.values.get("b"), Some(&json!("two")));
    let created = record.created_at;

    // Clear then set.
    let mut cleared = SessionChanges::new();
    cleared.clear();
    cleared.insert("c", json!(true));
    store.save("s1", &cleared, LONG).await.unwrap();
    let record = store.load("s1").await.unwrap().unwrap();
    assert_eq!(record.values.keys().collect::<Vec<_>>(), ["c"]);
    assert_eq!(record.created_at, created, "a save keeps the creation time");

    // Two deltas computed from the same state both survive.
    let (left, right) = (changes(&[("left", json!(1))]), changes(&[("right", json!(2))]));
    let (a, b) = tokio::join!(store.save("s1", &left, LONG), store.save("s1", &right, LONG));
    a.unwrap();
    b.unwrap();
    let record = store.load("s1").await.unwrap().unwrap();
    assert!(record.values.contains_key("left") && record.values.contains_key("right"));

    // Touch: only existing records.
    assert!(store.touch("s1", LONG).await.unwrap());
    assert!(!store.touch("missing", LONG).await.unwrap());
    assert_eq!(store.load("missing").await.unwrap(), None, "a touch creates nothing");

    // Cycle renames atomically.
    assert!(store.cycle("s1", "s2", LONG).await.unwrap());
    assert_eq!(store.load("s1").await.unwrap(), None);
    let renamed = store.load("s2").await.unwrap().unwrap();
    assert_eq!(renamed.values.get("c"), Some(&json!(true)));
    assert_eq!(renamed.created_at, created);
    assert!(!store.cycle("s1", "s3", LONG).await.unwrap());
    assert_eq!(store.load("s3").await.unwrap(), None);

    // Delete.
    store.delete("s2").await.unwrap();
    assert_eq!(store.load("s2").await.unwrap(), None);
    store.delete("s2").await.unwrap();
    assert!(!store.save("s2", &changes(&[("late", json!(1))]), LONG).await.unwrap(), "no resurrection");
    let mut reset = SessionChanges::new();
    reset.clear();
    reset.insert("late", json!(1));
    assert!(!store.save("s2", &reset, LONG).await.unwrap(), "a clear creates nothing either");
    assert_eq!(store.load("s2").await.unwrap(), None);

    // Expiry, and a touch that extends it.
    store.save("short", &whole(&[("x", json!(1))]), Duration::from_millis(100)).await.unwrap();
    store.save("kept", &whole(&[("x", json!(1))]), Duration::from_millis(200)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert_eq!(store.load("short").await.unwrap(), None, "expired after its TTL");
    assert!(store.touch("kept", Duration::from_millis(400)).await.unwrap());
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert!(store.load("kept").await.unwrap().is_some(), "the touch extended the TTL");
}

#[tokio::test]
async fn memory_store_passes_the_store_suite() {
    store_suite(Arc::new(MemoryStore::new())).await;
}

#[cfg(feature = "store")]
#[tokio::test]
async fn store_session_store_passes_the_store_suite() {
    let store = crate::store::Store::memory();
    store_suite(Arc::new(StoreSessionStore::new(&store))).await;
}

#[cfg(feature = "store")]
#[tokio::test]
async fn store_session_store_uses_its_key_prefix() {
    let store = crate::store::Store::memory();
    let sessions = StoreSessionStore::new(&store).key_prefix("web:");
    sessions.save("abc", &whole(&[("k", json!(1))]), LONG).await.unwrap();
    assert_eq!(store.kv().keys("web:"), ["web:abc"]);
    assert!(store.kv().keys(DEFAULT_KEY_PREFIX).is_empty());
}

#[tokio::test]
async fn memory_store_evicts_the_session_expiring_soonest_when_full() {
    let store = MemoryStore::with_capacity(2);
    store.save("soon", &whole(&[("k", json!(1))]), Duration::from_secs(10)).await.unwrap();
    store.save("late", &whole(&[("k", json!(1))]), Duration::from_secs(100)).await.unwrap();
    store.save("third", &whole(&[("k", json!(1))]), Duration::from_secs(50)).await.unwrap();
    assert_eq!(store.len(), 2);
    assert_eq!(store.load("soon").await.unwrap(), None);
    assert!(store.load("late").await.unwrap().is_some());
    assert!(store.load("third").await.unwrap().is_some());
    // Updating an existing session never evicts another.
    store.save("late", &changes(&[("j", json!(2))]), Duration::from_secs(100)).await.unwrap();
    assert!(store.load("third").await.unwrap().is_some());
}

// ---------------------------------------------------------------------------------------------------
// The middleware, through the in-process client.

fn router() -> Router {
    Router::new()
        .get("/get/:key", |session: Session, Path(key): Path<String>| async move {
            Ok::<_, SessionError>(session.get::<String>(&key).await?.unwrap_or_else(|| "none".to_owned()))
        })
        .post("/set/:key/:value", |session: Session, Path((key, value)): Path<(String, String)>| async move {
            session.insert(&key, &value).await?;
            Ok::<_, SessionError>("ok")
        })
        .get("/id", |session: Session| async move {
            Ok::<_, SessionError>(session.id().await?.unwrap_or_else(|| "new".to_owned()))
        })
        .post("/cycle", |session: Session| async move {
            session.cycle_id();
            "cycled"
        })
        .post("/flush", |session: Session| async move {
            session.flush();
            "bye"
        })
        .get("/untouched", |_session: Session| async { "fine" })
}

fn app(sessions: Sessions) -> App {
    App::new().secret_key(SecretKey::new(SECRET)).middleware(sessions).merge(router())
}

fn client_with(store: Arc<MemoryStore>, configure: impl FnOnce(Sessions) -> Sessions) -> TestClient {
    TestClient::new(app(configure(Sessions::new(store))))
}

/// The `name=value` pair of the response's `Set-Cookie`, to send back as `Cookie`.
fn cookie_of(response: &TestResponse) -> String {
    let header = response.header("set-cookie").expect("a Set-Cookie header");
    header.split(';').next().unwrap().to_owned()
}

/// The session id inside a signed `name=value` cookie pair.
fn id_of(pair: &str) -> String {
    let (name, value) = pair.split_once('=').unwrap();
    let value = percent_encoding::percent_decode_str(value).decode_utf8().unwrap().into_owned();
    keys().verify_for("session", &Cookie::new(name.to_owned(), value)).unwrap()
}

async fn login(client: &TestClient) -> String {
    let response = client.post("/set/user/ada").await.assert_status(200);
    cookie_of(&response)
}

#[tokio::test]
async fn a_new_session_with_values_sets_a_signed_cookie_and_reads_back() {
    let store = Arc::new(MemoryStore::new());
    let client = client_with(Arc::clone(&store), |sessions| sessions);
    let response = client.post("/set/user/ada").await.assert_status(200);
    let header = response.header("set-cookie").unwrap().to_owned();
    assert!(header.starts_with("session="), "{header}");
    assert!(header.contains("HttpOnly") && header.contains("SameSite=Lax") && header.contains("Path=/"));
    assert!(!header.contains("Max-Age"), "a browser-session cookie by default: {header}");
    let cookie = cookie_of(&response);
    let id = id_of(&cookie);
    assert_eq!(id.len(), 43, "32 random bytes in base64url");
    assert!(store.load(&id).await.unwrap().is_some());

    client.get("/get/user").header("cookie", &cookie).await.assert_text("ada");
    client.get("/id").header("cookie", &cookie).await.assert_text(&id);
}

#[tokio::test]
async fn sessions_that_nothing_was_written_to_send_no_cookie() {
    let store = Arc::new(MemoryStore::new());
    let client = client_with(Arc::clone(&store), |sessions| sessions);
    let response = client.get("/get/user").await.assert_text("none");
    assert!(response.header("set-cookie").is_none());
    assert!(store.is_empty());

    let cookie = login(&client).await;
    for path in ["/get/user", "/untouched", "/id"] {
        let response = client.get(path).header("cookie", &cookie).await.assert_status(200);
        assert!(response.header("set-cookie").is_none(), "{path} wrote a cookie");
    }
}

#[tokio::test]
async fn a_tampered_cookie_reads_as_a_new_session() {
    let store = Arc::new(MemoryStore::new());
    let client = client_with(Arc::clone(&store), |sessions| sessions);
    let cookie = login(&client).await;
    let mut tampered = cookie.clone();
    let last = if tampered.ends_with('A') { 'B' } else { 'A' };
    tampered.pop();
    tampered.push(last);
    client.get("/get/user").header("cookie", &tampered).await.assert_text("none");
    client.get("/id").header("cookie", &tampered).await.assert_text("new");
    // An unsigned id (the raw value of the real one) is refused too.
    let raw = format!("session={}", id_of(&cookie));
    client.get("/get/user").header("cookie", &raw).await.assert_text("none");
}

#[tokio::test]
async fn an_unknown_id_gets_a_new_session_with_a_fresh_id() {
    let store = Arc::new(MemoryStore::new());
    let client = client_with(Arc::clone(&store), |sessions| sessions);
    // An id the attacker chose, correctly signed (as if planted through a sibling app sharing the key).
    let planted = "A".repeat(43);
    let signed = keys().sign_for("session", Cookie::new("session", planted.clone()));
    let pair = format!("session={}", signed.value());
    client.get("/id").header("cookie", &pair).await.assert_text("new");
    let response = client.post("/set/user/ada").header("cookie", &pair).await.assert_status(200);
    let id = id_of(&cookie_of(&response));
    assert_ne!(id, planted, "never accept a client-chosen id");
    assert_eq!(store.load(&planted).await.unwrap(), None);
}

#[tokio::test]
async fn cycle_id_moves_the_session_to_a_new_id() {
    let store = Arc::new(MemoryStore::new());
    let client = client_with(Arc::clone(&store), |sessions| sessions);
    let cookie = login(&client).await;
    let old = id_of(&cookie);
    let response = client.post("/cycle").header("cookie", &cookie).await.assert_status(200);
    let new_cookie = cookie_of(&response);
    let new = id_of(&new_cookie);
    assert_ne!(old, new);
    assert_eq!(store.load(&old).await.unwrap(), None, "the old id no longer loads");
    client.get("/get/user").header("cookie", &new_cookie).await.assert_text("ada");
    client.get("/get/user").header("cookie", &cookie).await.assert_text("none");
}

#[tokio::test]
async fn flush_deletes_the_record_and_removes_the_cookie() {
    let store = Arc::new(MemoryStore::new());
    let client = client_with(Arc::clone(&store), |sessions| sessions);
    let cookie = login(&client).await;
    let id = id_of(&cookie);
    let response = client.post("/flush").header("cookie", &cookie).await.assert_status(200);
    let header = response.header("set-cookie").unwrap();
    assert!(header.starts_with("session=;") && header.contains("Max-Age=0"), "{header}");
    assert_eq!(store.load(&id).await.unwrap(), None);
    client.get("/get/user").header("cookie", &cookie).await.assert_text("none");
}

#[tokio::test]
async fn idle_sessions_expire_and_reads_touch_them() {
    let store = Arc::new(MemoryStore::new());
    let client =
        client_with(Arc::clone(&store), |sessions| sessions.idle_timeout(Duration::from_millis(400)));
    let cookie = login(&client).await;
    let id = id_of(&cookie);
    let written = store.load(&id).await.unwrap().unwrap().updated_at;
    // Within a quarter of the idle timeout a read writes nothing.
    client.get("/get/user").header("cookie", &cookie).await.assert_text("ada");
    assert_eq!(store.load(&id).await.unwrap().unwrap().updated_at, written);
    // Past it, a read refreshes the TTL (without a cookie: it is a browser-session cookie).
    tokio::time::sleep(Duration::from_millis(130)).await;
    let response = client.get("/get/user").header("cookie", &cookie).await.assert_text("ada");
    assert!(response.header("set-cookie").is_none());
    assert!(store.load(&id).await.unwrap().unwrap().updated_at > written, "touched");

    let idle = client_with(Arc::clone(&store), |sessions| sessions.idle_timeout(Duration::from_millis(100)));
    let cookie = login(&idle).await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    idle.get("/get/user").header("cookie", &cookie).await.assert_text("none");
}

#[tokio::test]
async fn the_absolute_lifetime_ends_active_sessions() {
    let store = Arc::new(MemoryStore::new());
    let client = client_with(Arc::clone(&store), |sessions| {
        sessions.idle_timeout(Duration::from_secs(10)).absolute_lifetime(Duration::from_millis(200))
    });
    let cookie = login(&client).await;
    client.get("/get/user").header("cookie", &cookie).await.assert_text("ada");
    tokio::time::sleep(Duration::from_millis(250)).await;
    client.get("/get/user").header("cookie", &cookie).await.assert_text("none");
    let response = client.post("/set/user/bob").header("cookie", &cookie).await.assert_status(200);
    assert_ne!(id_of(&cookie_of(&response)), id_of(&cookie));
}

#[tokio::test]
async fn concurrent_requests_writing_different_keys_both_persist() {
    let store = Arc::new(MemoryStore::new());
    let barrier = Arc::new(Barrier::new(2));
    let router = Router::new().post("/both/:key", move |session: Session, Path(key): Path<String>| {
        let barrier = Arc::clone(&barrier);
        async move {
            // Both requests have loaded the session before either saves.
            let _: Option<String> = session.get("user").await?;
            barrier.wait().await;
            session.insert(&key, "yes").await?;
            Ok::<_, SessionError>("ok")
        }
    });
    let client = TestClient::new(app(Sessions::new(Arc::clone(&store))).merge(router));
    let cookie = login(&client).await;
    let (a, b) = tokio::join!(
        client.post("/both/left").header("cookie", &cookie).send(),
        client.post("/both/right").header("cookie", &cookie).send(),
    );
    a.assert_status(200);
    b.assert_status(200);
    for key in ["user", "left", "right"] {
        assert!(client.get(&format!("/get/{key}")).header("cookie", &cookie).await.text() != "none", "{key}");
    }
}

#[tokio::test]
async fn https_uses_the_host_prefix_and_secure() {
    let client = client_with(Arc::new(MemoryStore::new()), |sessions| sessions);
    let response = client.post("/set/user/ada").https().await.assert_status(200);
    let header = response.header("set-cookie").unwrap().to_owned();
    assert!(header.starts_with("__Host-session=") && header.contains("Secure"), "{header}");
    let cookie = cookie_of(&response);
    client.get("/get/user").https().header("cookie", &cookie).await.assert_text("ada");
    // The prefix is not used when a Domain is set (the browser would refuse the cookie).
    let client = client_with(Arc::new(MemoryStore::new()), |sessions| sessions.domain("example.com"));
    let response = client.post("/set/user/ada").https().await;
    assert!(response.header("set-cookie").unwrap().starts_with("session="));
}

#[tokio::test]
async fn private_and_persistent_cookies() {
    let store = Arc::new(MemoryStore::new());
    let client = client_with(Arc::clone(&store), |sessions| {
        sessions
            .private_cookie(true)
            .persistent(true)
            .cookie_name("sid")
            .idle_timeout(Duration::from_secs(600))
    });
    let response = client.post("/set/user/ada").await.assert_status(200);
    let header = response.header("set-cookie").unwrap().to_owned();
    assert!(header.starts_with("sid=") && header.contains("Max-Age=600"), "{header}");
    let cookie = cookie_of(&response);
    let (_, value) = cookie.split_once('=').unwrap();
    let value = percent_encoding::percent_decode_str(value).decode_utf8().unwrap().into_owned();
    let plaintext = keys().decrypt(&Cookie::new("sid", value.clone())).unwrap().value().to_owned();
    let id = plaintext.strip_prefix("session:").expect("the plaintext names its purpose");
    assert_eq!(id.len(), 43);
    assert!(!value.contains(id), "the id is not readable in an encrypted cookie");
    client.get("/get/user").header("cookie", &cookie).await.assert_text("ada");
}

#[tokio::test]
async fn a_session_without_the_middleware_is_a_named_500() {
    let client = TestClient::new(App::new().secret_key(SecretKey::new(SECRET)).merge(router()));
    let response = client.get("/get/user").await.assert_status(500);
    assert!(response.text().contains("Sessions::new"), "{}", response.text());
}

/// A store whose writes fail.
struct BrokenStore;

impl SessionStore for BrokenStore {
    fn load<'a>(&'a self, _: &'a str) -> StoreResult<'a, Option<SessionRecord>> {
        Box::pin(async { Ok(None) })
    }
    fn save<'a>(&'a self, _: &'a str, _: &'a SessionChanges, _: Duration) -> StoreResult<'a, bool> {
        Box::pin(async { Err(SessionStoreError::new("disk on fire")) })
    }
    fn touch<'a>(&'a self, _: &'a str, _: Duration) -> StoreResult<'a, bool> {
        Box::pin(async { Ok(false) })
    }
    fn delete<'a>(&'a self, _: &'a str) -> StoreResult<'a, ()> {
        Box::pin(async { Ok(()) })
    }
    fn cycle<'a>(&'a self, _: &'a str, _: &'a str, _: Duration) -> StoreResult<'a, bool> {
        Box::pin(async { Ok(false) })
    }
}

#[tokio::test]
async fn a_failing_store_answers_a_500_problem_without_its_message() {
    let client = TestClient::new(app(Sessions::new(BrokenStore)));
    let response = client.post("/set/user/ada").await.assert_status(StatusCode::INTERNAL_SERVER_ERROR);
    assert!(response.header("set-cookie").is_none());
    assert!(response.header("content-type").unwrap().contains("problem"));
    assert!(!response.text().contains("disk on fire"));
}

#[test]
fn a_bad_cookie_name_fails_the_build() {
    let error = app(Sessions::new(MemoryStore::new()).cookie_name("bad name;")).build().unwrap_err();
    assert!(error.to_string().contains("cookie name"), "{error}");
}

#[tokio::test]
async fn a_late_write_does_not_bring_back_a_session_ended_meanwhile() {
    let store = Arc::new(MemoryStore::new());
    let shared = Arc::clone(&store);
    let router = Router::new().post("/late", move |session: Session| {
        let store = Arc::clone(&shared);
        async move {
            let id = session.id().await?.unwrap();
            // A concurrent logout deletes the record while this request still works on it.
            store.delete(&id).await.unwrap();
            session.insert("cart", "full").await?;
            Ok::<_, SessionError>("ok")
        }
    });
    let client = TestClient::new(app(Sessions::new(Arc::clone(&store))).merge(router));
    let cookie = login(&client).await;
    let response = client.post("/late").header("cookie", &cookie).await.assert_status(200);
    assert!(response.header("set-cookie").is_none());
    assert!(store.is_empty(), "the ended session stays ended");
    client.get("/get/user").header("cookie", &cookie).await.assert_text("none");
}

#[tokio::test]
async fn a_cookie_failing_verification_is_reported_to_the_hook() {
    let seen = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&seen);
    let key = SecretKey::new(SECRET).on_rejected(move |_, name| sink.lock().unwrap().push(name.to_owned()));
    let app = App::new().secret_key(key).middleware(Sessions::new(MemoryStore::new())).merge(router());
    let client = TestClient::new(app);
    client.get("/get/user").header("cookie", "session=forged-value").await.assert_text("none");
    assert_eq!(*seen.lock().unwrap(), ["session"]);
    // No cookie at all is not a failed verification.
    client.get("/get/user").await.assert_text("none");
    assert_eq!(seen.lock().unwrap().len(), 1);
}

// ---------------------------------------------------------------------------------------------------
// Review findings.

#[tokio::test]
async fn clear_then_insert_after_a_concurrent_logout_does_not_bring_the_session_back() {
    let store = Arc::new(MemoryStore::new());
    let shared = Arc::clone(&store);
    let router = Router::new().post("/reset", move |session: Session| {
        let store = Arc::clone(&shared);
        async move {
            let id = session.id().await?.unwrap();
            // "Reset, then log in again", while a concurrent logout deletes the record.
            store.delete(&id).await.unwrap();
            session.clear().await?;
            session.insert("user", "eve").await?;
            Ok::<_, SessionError>("ok")
        }
    });
    let client = TestClient::new(app(Sessions::new(Arc::clone(&store))).merge(router));
    let cookie = login(&client).await;
    let response = client.post("/reset").header("cookie", &cookie).await.assert_status(200);
    assert!(response.header("set-cookie").is_none(), "no cookie for an ended session");
    assert!(store.is_empty(), "the logged-out session stays ended");
    client.get("/get/user").header("cookie", &cookie).await.assert_text("none");
}

#[cfg(feature = "store")]
#[tokio::test]
// The guard stands for a save, touch or cycle between its read and its write.
#[allow(clippy::await_holding_lock)]
async fn store_session_store_delete_waits_for_a_write_in_progress() {
    let store = crate::store::Store::memory();
    let sessions = StoreSessionStore::new(&store);
    sessions.save("s", &whole(&[("k", json!(1))]), LONG).await.unwrap();
    let guard = sessions.hold_lock_of("s");
    let deleting = tokio::spawn({
        let sessions = sessions.clone();
        async move { sessions.delete("s").await }
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert!(sessions.load("s").await.unwrap().is_some(), "the delete waits for the write in progress");
    drop(guard);
    deleting.await.unwrap().unwrap();
    assert_eq!(sessions.load("s").await.unwrap(), None);
}

#[tokio::test]
async fn a_signed_cookie_made_for_another_purpose_is_not_a_session_id() {
    let client = client_with(Arc::new(MemoryStore::new()), |sessions| sessions);
    let cookie = login(&client).await;
    let id = client.get("/id").header("cookie", &cookie).await.assert_status(200).text();
    assert_eq!(id.len(), 43);
    // The live id under the session cookie's name, signed with the app's key but not for sessions: as
    // the signed jar or the CSRF battery would sign a value of the same shape.
    let plain = keys().sign(Cookie::new("session", id.clone()));
    let csrf = keys().sign_for("csrf", Cookie::new("session", id.clone()));
    for forged in [plain, csrf] {
        let pair = format!("session={}", forged.value());
        client.get("/get/user").header("cookie", &pair).await.assert_text("none");
        client.get("/id").header("cookie", &pair).await.assert_text("new");
    }
}

#[tokio::test]
async fn a_private_cookie_made_for_another_purpose_is_not_a_session_id() {
    let client = client_with(Arc::new(MemoryStore::new()), |sessions| sessions.private_cookie(true));
    let cookie = login(&client).await;
    let id = client.get("/id").header("cookie", &cookie).await.assert_status(200).text();
    assert_eq!(id.len(), 43);
    // The live id encrypted with the app's key under the cookie's name, as the private jar would.
    let forged = keys().encrypt(Cookie::new("session", id));
    let pair = format!("session={}", forged.value());
    client.get("/get/user").header("cookie", &pair).await.assert_text("none");
    client.get("/id").header("cookie", &pair).await.assert_text("new");
}

#[tokio::test]
async fn the_memory_store_takes_very_long_expiries_without_panicking() {
    let store = MemoryStore::new();
    assert!(store.save("s", &whole(&[("k", json!(1))]), Duration::MAX).await.unwrap());
    assert!(store.touch("s", Duration::MAX).await.unwrap());
    assert!(store.cycle("s", "t", Duration::MAX).await.unwrap());
    assert!(store.load("t").await.unwrap().is_some(), "a very long expiry keeps the record");
}

#[test]
fn timeouts_longer_than_400_days_fail_the_build() {
    let long = Duration::from_secs(401 * 24 * 60 * 60);
    for sessions in [
        Sessions::new(MemoryStore::new()).idle_timeout(Duration::MAX),
        Sessions::new(MemoryStore::new()).idle_timeout(long),
        Sessions::new(MemoryStore::new()).absolute_lifetime(long),
    ] {
        let error = app(sessions).build().unwrap_err();
        assert!(error.to_string().contains("400 days"), "{error}");
    }
    let year = Duration::from_secs(365 * 24 * 60 * 60);
    assert!(app(Sessions::new(MemoryStore::new()).idle_timeout(year).absolute_lifetime(year))
        .build()
        .is_ok());
}

#[test]
fn a_cookie_name_with_a_prefix_fails_the_build() {
    for name in ["__Host-sid", "__Secure-sid", "__host-sid"] {
        let error = app(Sessions::new(MemoryStore::new()).cookie_name(name)).build().unwrap_err();
        assert!(error.to_string().contains("host_prefix"), "{name}: {error}");
    }
}
