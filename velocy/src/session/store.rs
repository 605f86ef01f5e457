//! [`SessionStore`]: where session records live, and the types its methods exchange.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::error::BoxError;
use crate::future::BoxFuture;

/// One session as a store keeps it: its values and two timestamps.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    /// The values by key, each the JSON form (`serde_json`) of what a handler inserted.
    pub values: HashMap<String, Value>,
    /// When the session was first saved; the absolute lifetime counts from here.
    pub created_at: SystemTime,
    /// When the session was last saved or touched; the idle timeout counts from here.
    pub updated_at: SystemTime,
}

impl SessionRecord {
    /// An empty record created at `now`.
    pub fn new(now: SystemTime) -> Self {
        Self { values: HashMap::new(), created_at: now, updated_at: now }
    }
}

/// What one request changed in a session: keys set, keys removed, whether everything was cleared
/// first, and whether this is a new session to create. A store applies it with [`apply`](Self::apply)
/// onto the record it holds *now*, so that two requests of one session changing different keys both
/// keep their writes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionChanges {
    create: bool,
    cleared: bool,
    set: HashMap<String, Value>,
    removed: HashSet<String>,
}

impl SessionChanges {
    /// No change.
    pub fn new() -> Self {
        Self::default()
    }

    /// A new session with `values`: the only changes that [`create`](Self::creates) a missing record
    /// (the middleware uses them for a session it just gave a fresh id).
    pub fn replace_all(values: HashMap<String, Value>) -> Self {
        Self { create: true, cleared: true, set: values, removed: HashSet::new() }
    }

    /// Records `key` set to `value` (cancelling an earlier removal of it).
    pub fn insert(&mut self, key: impl Into<String>, value: Value) {
        let key = key.into();
        self.removed.remove(&key);
        self.set.insert(key, value);
    }

    /// Records `key` removed (cancelling an earlier insert of it).
    pub fn remove(&mut self, key: &str) {
        self.set.remove(key);
        self.removed.insert(key.to_owned());
    }

    /// Records every value removed, this request's earlier changes included. This does not make the
    /// changes [`create`](Self::creates) a record: a cleared session that ended meanwhile stays ended.
    pub fn clear(&mut self) {
        self.cleared = true;
        self.set.clear();
        self.removed.clear();
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        !self.create && !self.cleared && self.set.is_empty() && self.removed.is_empty()
    }

    /// Whether these changes are a new session, which the store creates (with `created_at` now) when
    /// the record is missing. Only [`replace_all`](Self::replace_all) makes such changes.
    pub fn creates(&self) -> bool {
        self.create
    }

    /// Whether every stored value is removed before the keys in [`set`](Self::set) are written.
    pub fn cleared(&self) -> bool {
        self.cleared
    }

    /// The keys set, with their new values.
    pub fn set(&self) -> &HashMap<String, Value> {
        &self.set
    }

    /// The keys removed.
    pub fn removed(&self) -> &HashSet<String> {
        &self.removed
    }

    /// Applies the changes to `values`: clear (if asked), then removals, then the keys set.
    pub fn apply(&self, values: &mut HashMap<String, Value>) {
        if self.cleared {
            values.clear();
        }
        for key in &self.removed {
            values.remove(key);
        }
        for (key, value) in &self.set {
            values.insert(key.clone(), value.clone());
        }
    }
}

/// A session store failed (unreachable, I/O error, corrupt record). The middleware answers 500 with a
/// [`SessionStoreFailed`](super::SessionStoreFailed) problem and keeps this error in the response's
/// [`ErrorSource`](crate::ErrorSource) extension for logs; the client never sees its text.
#[derive(Clone)]
pub struct SessionStoreError {
    message: String,
    source: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
}

impl SessionStoreError {
    /// An error saying what failed.
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), source: None }
    }

    /// An error saying what failed, caused by `source`.
    pub fn with_source(message: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self { message: message.into(), source: Some(Arc::from(source.into())) }
    }

    /// What failed.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Debug for SessionStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionStoreError")
            .field("message", &self.message)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for SessionStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SessionStoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|source| source as &(dyn std::error::Error + 'static))
    }
}

/// What a store's methods return.
pub type StoreResult<'a, T> = BoxFuture<'a, Result<T, SessionStoreError>>;

/// Where sessions live: [`MemoryStore`](super::MemoryStore), `StoreSessionStore` (cargo feature
/// `store`), or your own backend.
///
/// Each method is one atomic operation, so that a networked backend can do it in one round trip (Redis:
/// a hash per session, `HSET`/`HDEL`/`DEL` plus `PEXPIRE` in one `MULTI` or Lua script). `expiry` is the
/// time to live from now: the record disappears that long after the call unless saved or touched again.
/// A store never returns a record whose expiry has passed.
///
/// The trait is object safe; the middleware holds an `Arc<dyn SessionStore>`.
pub trait SessionStore: Send + Sync + 'static {
    /// The record `id`, or `None` when there is none (never created, deleted, expired).
    fn load<'a>(&'a self, id: &'a str) -> StoreResult<'a, Option<SessionRecord>>;

    /// Merges `changes` onto the record `id` as it is in the store at that moment, sets `updated_at` to
    /// now and the time to live to `expiry`, all atomically; keys `changes` does not mention keep their
    /// stored value. Returns whether the record was written.
    ///
    /// Only changes that [`create`](SessionChanges::creates) a session (a new one, from
    /// [`SessionChanges::replace_all`]) write a missing record, with `created_at` now. All others,
    /// [`cleared`](SessionChanges::cleared) ones included, apply only to an existing record: when it is
    /// gone (expired, or deleted by a concurrent logout) nothing is written and the result is `false`,
    /// so a late request cannot bring an ended session back.
    fn save<'a>(
        &'a self,
        id: &'a str,
        changes: &'a SessionChanges,
        expiry: Duration,
    ) -> StoreResult<'a, bool>;

    /// Sets `updated_at` to now and the time to live to `expiry` without changing the values; whether
    /// the record existed.
    fn touch<'a>(&'a self, id: &'a str, expiry: Duration) -> StoreResult<'a, bool>;

    /// Deletes the record `id` (nothing when there is none).
    fn delete<'a>(&'a self, id: &'a str) -> StoreResult<'a, ()>;

    /// Renames the record `old` to `new` atomically, with `updated_at` now and the time to live
    /// `expiry`: afterwards `old` no longer loads. Whether `old` existed (if not, nothing changes).
    fn cycle<'a>(&'a self, old: &'a str, new: &'a str, expiry: Duration) -> StoreResult<'a, bool>;
}

impl<S: SessionStore + ?Sized> SessionStore for Arc<S> {
    fn load<'a>(&'a self, id: &'a str) -> StoreResult<'a, Option<SessionRecord>> {
        (**self).load(id)
    }

    fn save<'a>(
        &'a self,
        id: &'a str,
        changes: &'a SessionChanges,
        expiry: Duration,
    ) -> StoreResult<'a, bool> {
        (**self).save(id, changes, expiry)
    }

    fn touch<'a>(&'a self, id: &'a str, expiry: Duration) -> StoreResult<'a, bool> {
        (**self).touch(id, expiry)
    }

    fn delete<'a>(&'a self, id: &'a str) -> StoreResult<'a, ()> {
        (**self).delete(id)
    }

    fn cycle<'a>(&'a self, old: &'a str, new: &'a str, expiry: Duration) -> StoreResult<'a, bool> {
        (**self).cycle(old, new, expiry)
    }
}
