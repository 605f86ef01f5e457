//! [`StoreSessionStore`]: sessions in the embedded store's key-value space, durable when the store is.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::store::{SessionChanges, SessionRecord, SessionStore, SessionStoreError, StoreResult};
use crate::store::{Kv, Store};

/// The key prefix [`StoreSessionStore::new`] uses: `"session:"`.
pub const DEFAULT_KEY_PREFIX: &str = "session:";

/// How many locks serialize the read-merge-write of a session; sessions whose ids hash alike share one.
const STRIPES: usize = 64;

/// Sessions in a [`Store`]'s key-value space ([`Store::kv`]): one entry per session, `prefix + id`, a
/// JSON document with the values and timestamps, whose TTL is the session's expiry (the store's
/// background sweep removes expired entries). With a durable store ([`Store::open`]) sessions survive
/// restarts.
///
/// A save reads the entry, merges the changes and writes it back under one of 64 striped locks chosen by
/// the id's hash, so concurrent saves of one session never lose each other's keys; touches, renames and
/// deletes take the same lock, so a delete (logout) is never undone by a write that read the entry
/// before it. The store directory is locked to one process, so this is atomic for every writer. Writes
/// run on tokio's blocking pool (a durable store waits for the disk). A rename ([`SessionStore::cycle`])
/// writes the new entry before deleting the old one: a crash between the two leaves the old id valid
/// until it expires, never neither.
///
/// ```
/// use velocy::session::{Sessions, StoreSessionStore};
/// use velocy::store::Store;
///
/// let store = Store::memory(); // `Store::open("./data")?` to keep sessions across restarts
/// let sessions = Sessions::new(StoreSessionStore::new(&store).key_prefix("sess:"));
/// # let _ = sessions;
/// ```
#[derive(Clone)]
pub struct StoreSessionStore {
    kv: Kv,
    prefix: Arc<str>,
    stripes: Arc<[Mutex<()>]>,
}

impl std::fmt::Debug for StoreSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreSessionStore").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

/// A session as stored: milliseconds since the Unix epoch, and the values.
#[derive(Serialize, Deserialize)]
struct Stored {
    created_ms: u64,
    updated_ms: u64,
    values: HashMap<String, Value>,
}

fn to_ms(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX))
}

fn from_ms(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

impl StoreSessionStore {
    /// Sessions in `store`'s key-value space under the prefix [`DEFAULT_KEY_PREFIX`].
    #[must_use]
    pub fn new(store: &Store) -> Self {
        let stripes: Vec<Mutex<()>> = (0..STRIPES).map(|_| Mutex::new(())).collect();
        Self { kv: store.kv(), prefix: Arc::from(DEFAULT_KEY_PREFIX), stripes: Arc::from(stripes) }
    }

    /// Uses `prefix` before each session id in the key-value space (default `"session:"`).
    #[must_use]
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Arc::from(prefix.into());
        self
    }

    fn key(&self, id: &str) -> String {
        format!("{}{id}", self.prefix)
    }

    fn stripe_of(&self, id: &str) -> usize {
        let mut hasher = DefaultHasher::new();
        id.hash(&mut hasher);
        // The remainder is below STRIPES, so it fits a usize.
        usize::try_from(hasher.finish() % STRIPES as u64).unwrap_or(0)
    }

    fn lock(&self, stripe: usize) -> MutexGuard<'_, ()> {
        self.stripes[stripe].lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The lock a write of `id` holds, for tests that stand for a write in progress.
    #[cfg(test)]
    pub(super) fn hold_lock_of(&self, id: &str) -> MutexGuard<'_, ()> {
        self.lock(self.stripe_of(id))
    }

    fn read(&self, key: &str) -> Result<Option<Stored>, SessionStoreError> {
        match self.kv.get(key) {
            None => Ok(None),
            Some(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|error| {
                SessionStoreError::with_source(format!("the session `{key}` is corrupt"), error)
            }),
        }
    }

    fn write(&self, key: String, stored: &Stored, expiry: Duration) -> Result<(), SessionStoreError> {
        let bytes = serde_json::to_vec(stored)
            .map_err(|error| SessionStoreError::with_source("a session did not serialize", error))?;
        self.kv
            .set_with_ttl(key, bytes, expiry)
            .map_err(|error| SessionStoreError::with_source("the store failed to save a session", error))
    }

    fn delete_key(&self, key: &str) -> Result<(), SessionStoreError> {
        self.kv
            .delete(key)
            .map(|_| ())
            .map_err(|error| SessionStoreError::with_source("the store failed to delete a session", error))
    }

    fn save_blocking(
        &self,
        id: &str,
        changes: &SessionChanges,
        expiry: Duration,
    ) -> Result<bool, SessionStoreError> {
        let key = self.key(id);
        let _guard = self.lock(self.stripe_of(id));
        let now = to_ms(SystemTime::now());
        let mut stored = match self.read(&key)? {
            Some(stored) => stored,
            None if changes.creates() => Stored { created_ms: now, updated_ms: now, values: HashMap::new() },
            None => return Ok(false),
        };
        changes.apply(&mut stored.values);
        stored.updated_ms = now;
        self.write(key, &stored, expiry)?;
        Ok(true)
    }

    fn touch_blocking(&self, id: &str, expiry: Duration) -> Result<bool, SessionStoreError> {
        let key = self.key(id);
        let _guard = self.lock(self.stripe_of(id));
        let Some(mut stored) = self.read(&key)? else { return Ok(false) };
        stored.updated_ms = to_ms(SystemTime::now());
        self.write(key, &stored, expiry)?;
        Ok(true)
    }

    fn cycle_blocking(&self, old: &str, new: &str, expiry: Duration) -> Result<bool, SessionStoreError> {
        let (first, second) = {
            let (a, b) = (self.stripe_of(old), self.stripe_of(new));
            (a.min(b), a.max(b))
        };
        // Always the lower stripe first, so two renames never wait for each other.
        let _first = self.lock(first);
        let _second = (second != first).then(|| self.lock(second));
        let old_key = self.key(old);
        let Some(mut stored) = self.read(&old_key)? else { return Ok(false) };
        stored.updated_ms = to_ms(SystemTime::now());
        self.write(self.key(new), &stored, expiry)?;
        self.delete_key(&old_key)?;
        Ok(true)
    }

    /// Runs `work` on tokio's blocking pool with a clone of this store.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Self) -> Result<T, SessionStoreError> + Send + 'static,
    ) -> Result<T, SessionStoreError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || work(&this))
            .await
            .map_err(|error| SessionStoreError::with_source("a session store task failed", error))?
    }
}

impl SessionStore for StoreSessionStore {
    fn load<'a>(&'a self, id: &'a str) -> StoreResult<'a, Option<SessionRecord>> {
        // Reads are in memory and never wait for the disk.
        let record = self.read(&self.key(id)).map(|stored| {
            stored.map(|stored| SessionRecord {
                values: stored.values,
                created_at: from_ms(stored.created_ms),
                updated_at: from_ms(stored.updated_ms),
            })
        });
        Box::pin(std::future::ready(record))
    }

    fn save<'a>(
        &'a self,
        id: &'a str,
        changes: &'a SessionChanges,
        expiry: Duration,
    ) -> StoreResult<'a, bool> {
        let (id, changes) = (id.to_owned(), changes.clone());
        Box::pin(self.blocking(move |this| this.save_blocking(&id, &changes, expiry)))
    }

    fn touch<'a>(&'a self, id: &'a str, expiry: Duration) -> StoreResult<'a, bool> {
        let id = id.to_owned();
        Box::pin(self.blocking(move |this| this.touch_blocking(&id, expiry)))
    }

    fn delete<'a>(&'a self, id: &'a str) -> StoreResult<'a, ()> {
        let id = id.to_owned();
        Box::pin(self.blocking(move |this| {
            // Under the id's lock, so a save, touch or cycle between its read and its write cannot
            // write the record back after the delete (a logged-out session coming back).
            let _guard = this.lock(this.stripe_of(&id));
            this.delete_key(&this.key(&id))
        }))
    }

    fn cycle<'a>(&'a self, old: &'a str, new: &'a str, expiry: Duration) -> StoreResult<'a, bool> {
        let (old, new) = (old.to_owned(), new.to_owned());
        Box::pin(self.blocking(move |this| this.cycle_blocking(&old, &new, expiry)))
    }
}
