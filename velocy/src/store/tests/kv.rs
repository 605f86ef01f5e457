//! The key-value space: values, counters, expiry (lazy and active), prefix scans.

use std::time::Duration;

use bytes::Bytes;

use super::TestDir;
use crate::store::{ErrorKind, Store, Ttl};

#[test]
fn set_get_delete() {
    let kv = Store::memory().kv();
    assert!(kv.is_empty());
    kv.set("a", "1").unwrap();
    kv.set("b", vec![0u8, 1, 2]).unwrap();
    assert_eq!(kv.get("a"), Some(Bytes::from("1")));
    assert_eq!(kv.get("b").unwrap().as_ref(), [0, 1, 2]);
    assert!(kv.exists("a"));
    assert_eq!(kv.len(), 2);
    assert!(kv.delete("a").unwrap());
    assert!(!kv.delete("a").unwrap());
    assert_eq!(kv.get("a"), None);
}

#[test]
fn json_values() {
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Session {
        user: u64,
        roles: Vec<String>,
    }
    let kv = Store::memory().kv();
    let session = Session { user: 7, roles: vec!["admin".into()] };
    kv.set_json("session", &session).unwrap();
    assert_eq!(kv.get_json::<Session>("session").unwrap(), Some(session));
    assert_eq!(kv.get_json::<Session>("missing").unwrap(), None);
    kv.set("bad", "not json").unwrap();
    assert_eq!(kv.get_json::<Session>("bad").unwrap_err().kind(), ErrorKind::Serde);
}

#[test]
fn counters() {
    let kv = Store::memory().kv();
    assert_eq!(kv.incr("n", 1).unwrap(), 1);
    assert_eq!(kv.incr("n", -3).unwrap(), -2);
    assert_eq!(kv.get("n"), Some(Bytes::from("-2")));
    kv.set("text", "x").unwrap();
    assert_eq!(kv.incr("text", 1).unwrap_err().kind(), ErrorKind::NotAnInteger);
    kv.set("max", i64::MAX.to_string()).unwrap();
    assert_eq!(kv.incr("max", 1).unwrap_err().kind(), ErrorKind::NotAnInteger);
    kv.set_with_ttl("ttl", "5", Duration::from_secs(60)).unwrap();
    kv.incr("ttl", 1).unwrap();
    assert!(matches!(kv.ttl("ttl"), Some(Ttl::Remaining(_))), "incr keeps the TTL");
}

#[test]
fn expiry_is_lazy_and_active() {
    let store = Store::memory();
    let kv = store.kv();
    kv.set_with_ttl("short", "x", Duration::from_millis(30)).unwrap();
    kv.set("long", "y").unwrap();
    assert_eq!(kv.ttl("long"), Some(Ttl::Never));
    match kv.ttl("short") {
        Some(Ttl::Remaining(left)) => assert!(left <= Duration::from_millis(30)),
        other => panic!("unexpected {other:?}"),
    }
    std::thread::sleep(Duration::from_millis(40));
    // Lazy: invisible at once, even before the sweep.
    assert_eq!(kv.get("short"), None);
    assert_eq!(kv.ttl("short"), None);
    assert!(!kv.exists("short"));
    // Active: the background sweep removes it within a tick or two.
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    while store.inner.read(|state| state.kv.len()) > 1 {
        assert!(std::time::Instant::now() < deadline, "the sweep never ran");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn expire_and_persist() {
    let kv = Store::memory().kv();
    assert!(!kv.expire("missing", Duration::from_secs(1)).unwrap());
    kv.set("k", "v").unwrap();
    assert!(kv.expire("k", Duration::from_secs(100)).unwrap());
    assert!(matches!(kv.ttl("k"), Some(Ttl::Remaining(left)) if left > Duration::from_secs(90)));
    assert!(kv.persist("k").unwrap());
    assert_eq!(kv.ttl("k"), Some(Ttl::Never));
    assert!(kv.expire("k", Duration::ZERO).unwrap());
    assert_eq!(kv.get("k"), None);
}

#[test]
fn scans_by_prefix() {
    let kv = Store::memory().kv();
    for key in ["user:2", "user:1", "session:1", "user", "users"] {
        kv.set(key, key).unwrap();
    }
    kv.set_with_ttl("user:3", "gone", Duration::ZERO).unwrap();
    assert_eq!(kv.keys("user:"), ["user:1", "user:2"]);
    assert_eq!(kv.keys("user").len(), 4);
    assert_eq!(kv.scan("session")[0], ("session:1".to_string(), Bytes::from("session:1")));
    assert_eq!(kv.keys("").len(), 5);
}

#[test]
fn entries_and_ttls_survive_a_restart() {
    let dir = TestDir::new("kv");
    {
        let kv = Store::open(dir.path()).unwrap().kv();
        kv.set("a", "1").unwrap();
        kv.set_with_ttl("b", "2", Duration::from_secs(3600)).unwrap();
        kv.set_with_ttl("c", "3", Duration::from_millis(1)).unwrap();
        kv.incr("n", 41).unwrap();
        kv.delete("a").unwrap();
    }
    std::thread::sleep(Duration::from_millis(5));
    let kv = Store::open(dir.path()).unwrap().kv();
    assert_eq!(kv.get("a"), None);
    assert_eq!(kv.get("b"), Some(Bytes::from("2")));
    assert!(matches!(kv.ttl("b"), Some(Ttl::Remaining(_))));
    assert_eq!(kv.get("c"), None);
    assert_eq!(kv.incr("n", 1).unwrap(), 42);
}
