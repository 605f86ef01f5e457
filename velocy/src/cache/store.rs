//! Where cached responses live: the [`CacheStore`] trait and the default [`MemoryStore`], a size-bounded
//! least-recently-used map.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, StatusCode};
use tokio::time::Instant;

use super::vary::vary_matches;
use crate::future::BoxFuture;

/// The most variants (distinct `Vary` values) kept per key; storing one more drops the oldest.
pub const MAX_VARIANTS: usize = 16;

/// One stored response (a variant of a primary key), with what the cache needs to reuse it.
///
/// A store keeps these per primary key (`path` and `?query`); several variants of one key differ by the
/// values of the request headers named by the response's `Vary` (the secondary key, RFC 9111 §4.1).
#[derive(Debug, Clone)]
pub struct CachedResponse {
    /// The response status.
    pub status: StatusCode,
    /// The response headers as the handler sent them, without `Age`.
    pub headers: HeaderMap,
    /// The whole response body.
    pub body: Bytes,
    /// When the response was stored (the cache's clock).
    pub stored_at: SystemTime,
    /// The `Age` the handler's response already had (RFC 9111 §4.2.3), usually zero.
    pub initial_age: Duration,
    /// The freshness lifetime (RFC 9111 §4.2.1): fresh while the age is below it.
    pub freshness: Duration,
    /// How long past its freshness the entry may be served while it is refreshed in the background
    /// (`stale-while-revalidate`, RFC 5861 §3).
    pub stale_while_revalidate: Duration,
    /// How long past its freshness the entry may be served when the handler fails (`stale-if-error`,
    /// RFC 5861 §4).
    pub stale_if_error: Duration,
    /// The secondary key: each header named by `Vary` (lowercase) with the request's normalized value
    /// (`None` when the request did not send it), compared as raw bytes.
    pub vary: Vec<(HeaderName, Option<Vec<u8>>)>,
}

impl CachedResponse {
    /// How long the store should keep the entry: its freshness and the longer of its stale windows.
    pub fn retention(&self) -> Duration {
        self.freshness
            .saturating_sub(self.initial_age)
            .saturating_add(self.stale_while_revalidate.max(self.stale_if_error))
    }

    /// The memory the entry takes, in bytes (body, headers and a fixed overhead), as [`MemoryStore`]
    /// counts it.
    pub fn weight(&self) -> usize {
        let headers: usize =
            self.headers.iter().map(|(name, value)| name.as_str().len() + value.len() + 32).sum();
        let vary: usize = self
            .vary
            .iter()
            .map(|(name, value)| name.as_str().len() + value.as_ref().map_or(0, Vec::len))
            .sum();
        self.body.len() + headers + vary + 128
    }
}

/// A storage backend for [`Cache`](super::Cache): entries with a time to live, invalidation by key and by
/// key prefix. Keys are `path` or `path?query` strings; every method works on all the variants of a key.
///
/// The in-memory [`MemoryStore`] is the default; a shared backend (Redis) implements the same methods
/// (a prefix removal there keeps an index of keys instead of scanning with `KEYS`). Methods are async
/// and infallible: a backend that fails behaves as a miss (`get` returns nothing, `put` drops the entry).
pub trait CacheStore: Send + Sync + 'static {
    /// Every live variant stored under `key`, most recent first.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Vec<CachedResponse>>;

    /// The most recent live variant under `key` whose secondary key matches `request`'s headers
    /// (RFC 9111 §4.1), and whether `key` had any live variant at all. The default filters
    /// [`CacheStore::get`]; a store can override it to copy only the matching variant.
    fn get_matching<'a>(
        &'a self,
        key: &'a str,
        request: &'a HeaderMap,
    ) -> BoxFuture<'a, (Option<CachedResponse>, bool)> {
        Box::pin(async move {
            let variants = self.get(key).await;
            let had_variants = !variants.is_empty();
            (variants.into_iter().find(|entry| vary_matches(request, &entry.vary)), had_variants)
        })
    }

    /// Stores `entry` under `key` for `ttl`, replacing the variant with the same secondary key.
    fn put<'a>(&'a self, key: &'a str, entry: CachedResponse, ttl: Duration) -> BoxFuture<'a, ()>;

    /// Removes every variant of `key`.
    fn remove<'a>(&'a self, key: &'a str) -> BoxFuture<'a, ()>;

    /// Removes every variant of every key starting with `prefix`.
    fn remove_prefix<'a>(&'a self, prefix: &'a str) -> BoxFuture<'a, ()>;
}

/// The default store: entries in memory, at most `max_size` bytes in total (see
/// [`CachedResponse::weight`]), the least recently used key evicted first; expired entries are dropped
/// when met. A key keeps at most [`MAX_VARIANTS`] variants, and never more than `max_size` bytes of
/// them: the oldest are dropped first.
#[derive(Debug)]
pub struct MemoryStore {
    max_size: usize,
    inner: Mutex<Lru>,
}

#[derive(Debug, Default)]
struct Lru {
    slots: BTreeMap<String, Slot>,
    /// Last use tick → key, oldest first.
    order: BTreeMap<u64, String>,
    tick: u64,
    weight: usize,
}

#[derive(Debug)]
struct Slot {
    variants: Vec<(CachedResponse, Instant)>,
    tick: u64,
    weight: usize,
}

impl Lru {
    fn touch(&mut self, key: &str) {
        self.tick += 1;
        let tick = self.tick;
        if let Some(slot) = self.slots.get_mut(key) {
            self.order.remove(&slot.tick);
            slot.tick = tick;
            self.order.insert(tick, key.to_owned());
        }
    }

    fn remove(&mut self, key: &str) {
        if let Some(slot) = self.slots.remove(key) {
            self.order.remove(&slot.tick);
            self.weight -= slot.weight;
        }
    }

    fn evict_to(&mut self, max: usize) {
        while self.weight > max {
            let Some((_, key)) = self.order.pop_first() else { break };
            if let Some(slot) = self.slots.remove(&key) {
                self.weight -= slot.weight;
            }
        }
    }
}

impl MemoryStore {
    /// A store holding at most `max_size` bytes.
    pub fn new(max_size: usize) -> Self {
        Self { max_size, inner: Mutex::new(Lru::default()) }
    }

    /// The bytes currently held (the sum of the entries' [`CachedResponse::weight`]).
    pub fn size(&self) -> usize {
        self.lock().weight
    }

    /// The number of keys currently held (expired ones included until met).
    pub fn len(&self) -> usize {
        self.lock().slots.len()
    }

    /// Whether the store holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Lru> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn get_now(&self, key: &str) -> Vec<CachedResponse> {
        self.with_live(key, |variants| variants.iter().map(|(entry, _)| entry.clone()).collect())
            .unwrap_or_default()
    }

    fn get_matching_now(&self, key: &str, request: &HeaderMap) -> (Option<CachedResponse>, bool) {
        let found = self.with_live(key, |variants| {
            variants
                .iter()
                .find(|(entry, _)| vary_matches(request, &entry.vary))
                .map(|(entry, _)| entry.clone())
        });
        match found {
            Some(found) => (found, true),
            None => (None, false),
        }
    }

    /// Drops the expired variants of `key`, then reads the live ones under the lock (`None` when none).
    fn with_live<T>(&self, key: &str, read: impl FnOnce(&[(CachedResponse, Instant)]) -> T) -> Option<T> {
        let now = Instant::now();
        let mut lru = self.lock();
        let slot = lru.slots.get_mut(key)?;
        let before = slot.variants.len();
        slot.variants.retain(|(_, expires)| *expires > now);
        if slot.variants.len() != before {
            let weight: usize = slot.variants.iter().map(|(entry, _)| entry.weight()).sum();
            let removed = slot.weight - weight;
            slot.weight = weight;
            lru.weight -= removed;
        }
        let found = match lru.slots.get(key) {
            Some(slot) if !slot.variants.is_empty() => Some(read(&slot.variants)),
            _ => None,
        };
        if found.is_none() {
            lru.remove(key);
        } else {
            lru.touch(key);
        }
        found
    }

    fn put_now(&self, key: &str, entry: CachedResponse, ttl: Duration) {
        let weight = entry.weight() + key.len();
        if weight > self.max_size || ttl.is_zero() {
            return;
        }
        let now = Instant::now();
        // A lifetime beyond what the clock can represent is kept as long as it can (about 136 years).
        let Some(expires) =
            now.checked_add(ttl).or_else(|| now.checked_add(Duration::from_secs(u32::MAX.into())))
        else {
            return;
        };
        let mut lru = self.lock();
        let mut slot = match lru.slots.remove(key) {
            Some(slot) => {
                lru.order.remove(&slot.tick);
                lru.weight -= slot.weight;
                slot
            }
            None => Slot { variants: Vec::new(), tick: 0, weight: key.len() },
        };
        slot.variants.retain(|(old, _)| old.vary != entry.vary);
        slot.variants.insert(0, (entry, expires));
        slot.variants.truncate(MAX_VARIANTS);
        slot.weight = key.len() + slot.variants.iter().map(|(entry, _)| entry.weight()).sum::<usize>();
        while slot.weight > self.max_size && slot.variants.len() > 1 {
            if let Some((oldest, _)) = slot.variants.pop() {
                slot.weight -= oldest.weight();
            }
        }
        let slot_weight = slot.weight;
        lru.evict_to(self.max_size.saturating_sub(slot_weight));
        lru.weight += slot_weight;
        lru.slots.insert(key.to_owned(), slot);
        lru.touch(key);
    }

    fn remove_prefix_now(&self, prefix: &str) {
        let mut lru = self.lock();
        let keys: Vec<String> = lru
            .slots
            .range(prefix.to_owned()..)
            .map(|(key, _)| key)
            .take_while(|key| key.starts_with(prefix))
            .cloned()
            .collect();
        for key in keys {
            lru.remove(&key);
        }
    }
}

impl CacheStore for MemoryStore {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Vec<CachedResponse>> {
        Box::pin(std::future::ready(self.get_now(key)))
    }

    fn get_matching<'a>(
        &'a self,
        key: &'a str,
        request: &'a HeaderMap,
    ) -> BoxFuture<'a, (Option<CachedResponse>, bool)> {
        Box::pin(std::future::ready(self.get_matching_now(key, request)))
    }

    fn put<'a>(&'a self, key: &'a str, entry: CachedResponse, ttl: Duration) -> BoxFuture<'a, ()> {
        self.put_now(key, entry, ttl);
        Box::pin(std::future::ready(()))
    }

    fn remove<'a>(&'a self, key: &'a str) -> BoxFuture<'a, ()> {
        self.lock().remove(key);
        Box::pin(std::future::ready(()))
    }

    fn remove_prefix<'a>(&'a self, prefix: &'a str) -> BoxFuture<'a, ()> {
        self.remove_prefix_now(prefix);
        Box::pin(std::future::ready(()))
    }
}
