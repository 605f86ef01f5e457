//! [`Kv`]: the store's key-value space, with expiry.
//!
//! Keys are strings, values bytes (or any serde type, stored as JSON). An entry may expire: reads ignore
//! expired entries at once (lazy expiry) and a background sweep removes them, at most
//! [`SWEEP_LIMIT`] per tick of the store's background thread (active expiry). Expiry times are wall-clock
//! milliseconds since the Unix epoch, so they survive a restart.
//!
//! [`SWEEP_LIMIT`]: super::kv_data::SWEEP_LIMIT

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::engine::Inner;
use super::error::{ErrorKind, StoreError};
use super::kv_data::{now_millis, KvEntry};
use super::transaction::Transaction;

fn deadline(ttl: Duration) -> u64 {
    now_millis().saturating_add(ttl.as_millis().min(u128::from(u64::MAX)) as u64)
}

/// How long a key-value entry has left, from [`Kv::ttl`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ttl {
    /// The entry does not expire.
    Never,
    /// The entry expires after this long (rounded to milliseconds).
    Remaining(Duration),
}

/// The key-value space of a [`Store`](super::Store), from [`Store::kv`](super::Store::kv). Cloning it is
/// cheap and shares the same entries.
///
/// Every write is a transaction of its own, durable like table writes when the store is. Reads never
/// block each other and never see an expired entry.
///
/// ```
/// use std::time::Duration;
/// use velocy::store::{Store, Ttl};
///
/// let kv = Store::memory().kv();
/// kv.set("greeting", "hello")?;
/// assert_eq!(kv.get("greeting").as_deref(), Some(&b"hello"[..]));
///
/// assert_eq!(kv.incr("visits", 1)?, 1);
/// assert_eq!(kv.incr("visits", 5)?, 6);
///
/// kv.set_json_with_ttl("session:42", &vec!["admin"], Duration::from_secs(60))?;
/// assert!(matches!(kv.ttl("session:42"), Some(Ttl::Remaining(_))));
/// assert_eq!(kv.keys("session:"), ["session:42"]);
/// # Ok::<(), velocy::store::StoreError>(())
/// ```
#[derive(Clone)]
pub struct Kv {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Kv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kv").finish_non_exhaustive()
    }
}

impl Kv {
    pub(crate) fn new(inner: Arc<Inner>) -> Self {
        Self { inner }
    }

    /// The value of `key`, if it exists and has not expired.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        let now = now_millis();
        self.inner.read(|state| state.kv.get(key, now).map(|entry| entry.value.clone()))
    }

    /// The value of `key` deserialized from JSON.
    ///
    /// # Errors
    /// [`ErrorKind::Serde`] when the value is not JSON of type `T`.
    pub fn get_json<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        match self.get(key) {
            Some(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|error| {
                StoreError::serde(format!("the value of `{key}` is not the JSON expected"), error)
            }),
            None => Ok(None),
        }
    }

    /// Whether `key` exists and has not expired.
    pub fn exists(&self, key: &str) -> bool {
        let now = now_millis();
        self.inner.read(|state| state.kv.get(key, now).is_some())
    }

    fn put(&self, key: String, value: Bytes, expires_at: Option<u64>) -> Result<(), StoreError> {
        Transaction::run(&self.inner, |tx| {
            tx.kv_put(key, KvEntry { value, expires_at });
            Ok(())
        })
    }

    /// Sets `key` to `value`, without expiry (an earlier TTL is dropped).
    ///
    /// # Errors
    /// Only I/O errors of a durable store.
    pub fn set(&self, key: impl Into<String>, value: impl Into<Bytes>) -> Result<(), StoreError> {
        self.put(key.into(), value.into(), None)
    }

    /// Sets `key` to `value`, expiring after `ttl`.
    ///
    /// # Errors
    /// Only I/O errors of a durable store.
    pub fn set_with_ttl(
        &self,
        key: impl Into<String>,
        value: impl Into<Bytes>,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        self.put(key.into(), value.into(), Some(deadline(ttl)))
    }

    /// Sets `key` to `value` serialized as JSON, without expiry.
    ///
    /// # Errors
    /// [`ErrorKind::Serde`] if `value` does not serialize; I/O errors of a durable store.
    pub fn set_json<T: Serialize + ?Sized>(
        &self,
        key: impl Into<String>,
        value: &T,
    ) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(value)
            .map_err(|error| StoreError::serde("a value does not serialize", error))?;
        self.put(key.into(), Bytes::from(bytes), None)
    }

    /// Sets `key` to `value` serialized as JSON, expiring after `ttl`.
    ///
    /// # Errors
    /// [`ErrorKind::Serde`] if `value` does not serialize; I/O errors of a durable store.
    pub fn set_json_with_ttl<T: Serialize + ?Sized>(
        &self,
        key: impl Into<String>,
        value: &T,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(value)
            .map_err(|error| StoreError::serde("a value does not serialize", error))?;
        self.put(key.into(), Bytes::from(bytes), Some(deadline(ttl)))
    }

    /// Deletes `key`; whether a live entry existed.
    ///
    /// # Errors
    /// Only I/O errors of a durable store.
    pub fn delete(&self, key: &str) -> Result<bool, StoreError> {
        let now = now_millis();
        Transaction::run(&self.inner, |tx| {
            if tx.kv_entry(key, now).is_none() {
                return Ok(false);
            }
            tx.kv_remove(key);
            Ok(true)
        })
    }

    /// Adds `by` to the integer stored at `key` (a missing or expired key counts as 0) and returns the
    /// result. The value is stored as decimal text; an existing TTL is kept.
    ///
    /// # Errors
    /// [`ErrorKind::NotAnInteger`] if the value is not a decimal `i64` or the sum overflows; I/O errors
    /// of a durable store.
    pub fn incr(&self, key: &str, by: i64) -> Result<i64, StoreError> {
        let now = now_millis();
        Transaction::run(&self.inner, |tx| {
            let (current, expires_at) = match tx.kv_entry(key, now) {
                Some(entry) => {
                    let number = std::str::from_utf8(&entry.value)
                        .ok()
                        .and_then(|text| text.parse::<i64>().ok())
                        .ok_or_else(|| {
                            StoreError::new(
                                ErrorKind::NotAnInteger,
                                format!("the value of `{key}` is not an integer"),
                            )
                        })?;
                    (number, entry.expires_at)
                }
                None => (0, None),
            };
            let next = current.checked_add(by).ok_or_else(|| {
                StoreError::new(ErrorKind::NotAnInteger, format!("incrementing `{key}` overflows an i64"))
            })?;
            tx.kv_put(key.to_owned(), KvEntry { value: Bytes::from(next.to_string()), expires_at });
            Ok(next)
        })
    }

    /// Makes `key` expire after `ttl`; whether a live entry existed.
    ///
    /// # Errors
    /// Only I/O errors of a durable store.
    pub fn expire(&self, key: &str, ttl: Duration) -> Result<bool, StoreError> {
        self.set_expiry(key, Some(deadline(ttl)))
    }

    /// Removes the expiry of `key`; whether a live entry existed.
    ///
    /// # Errors
    /// Only I/O errors of a durable store.
    pub fn persist(&self, key: &str) -> Result<bool, StoreError> {
        self.set_expiry(key, None)
    }

    fn set_expiry(&self, key: &str, expires_at: Option<u64>) -> Result<bool, StoreError> {
        let now = now_millis();
        Transaction::run(&self.inner, |tx| {
            let Some(entry) = tx.kv_entry(key, now) else {
                return Ok(false);
            };
            let value = entry.value.clone();
            tx.kv_put(key.to_owned(), KvEntry { value, expires_at });
            Ok(true)
        })
    }

    /// How long `key` has left; `None` if it does not exist or has expired.
    pub fn ttl(&self, key: &str) -> Option<Ttl> {
        let now = now_millis();
        self.inner.read(|state| {
            state.kv.get(key, now).map(|entry| match entry.expires_at {
                Some(at) => Ttl::Remaining(Duration::from_millis(at.saturating_sub(now))),
                None => Ttl::Never,
            })
        })
    }

    /// The live entries whose key starts with `prefix` (`""` for all), in key order.
    pub fn scan(&self, prefix: &str) -> Vec<(String, Bytes)> {
        let now = now_millis();
        self.inner.read(|state| {
            state.kv.scan(prefix, now).map(|(key, entry)| (key.clone(), entry.value.clone())).collect()
        })
    }

    /// The live keys starting with `prefix` (`""` for all), in order.
    pub fn keys(&self, prefix: &str) -> Vec<String> {
        let now = now_millis();
        self.inner.read(|state| state.kv.scan(prefix, now).map(|(key, _)| key.clone()).collect())
    }

    /// How many live entries there are (counts them: O(n)).
    pub fn len(&self) -> usize {
        let now = now_millis();
        self.inner.read(|state| state.kv.scan("", now).count())
    }

    /// Whether there is no live entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
