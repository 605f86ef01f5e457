//! [`RateLimitStore`]: where rate limits keep their per-key state, one atomic decision per request;
//! [`MemoryStore`], the sharded, bounded in-memory implementation.

use std::borrow::Borrow;
use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::key::RateLimitKey;
use super::policy::{Decision, LimitState, Policy};
use crate::future::BoxFuture;

/// A store failed to decide (a lost connection to a shared store). The request is answered with `503`
/// ([`RateLimitUnavailable`](super::RateLimitUnavailable)): a limit that cannot count does not admit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rate limit store failed: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

/// A store's answer: ready at once (the in-memory store: no future, no allocation) or after a round trip.
#[must_use = "a decision does nothing unless looked at"]
pub enum Decided {
    /// Decided synchronously: the middleware goes on without a future of its own.
    Ready(Result<Decision, StoreError>),
    /// Decided by a future (one round trip to a shared store). It owns what it needs (the key's bytes,
    /// the policy's numbers): the request is not borrowed across the round trip.
    Pending(BoxFuture<'static, Result<Decision, StoreError>>),
}

impl Decided {
    /// The decision, awaiting the future if there is one.
    pub async fn into_decision(self) -> Result<Decision, StoreError> {
        match self {
            Decided::Ready(result) => result,
            Decided::Pending(future) => future.await,
        }
    }
}

impl fmt::Debug for Decided {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decided::Ready(result) => f.debug_tuple("Ready").field(result).finish(),
            Decided::Pending(_) => f.write_str("Pending(..)"),
        }
    }
}

/// Where a rate limit keeps per-key state. One call decides one request atomically: read the key's state,
/// run [`Policy::decide`] with `now`, write the new state — so a shared store (Redis, issue 16) does it in
/// one round trip (a script), and concurrent requests on one key never exceed the limit. A store shared
/// by several limits must keep their keys apart by [`Policy::name`].
pub trait RateLimitStore: Send + Sync + 'static {
    /// Decides a request for `key` under `policy` at `now` (time since the clock's epoch). A store that
    /// answers [`Decided::Pending`] copies the key into its future.
    fn decide(&self, key: RateLimitKey<'_>, policy: &Policy, now: Duration) -> Decided;
}

/// A key as the memory store keeps it.
#[derive(Debug)]
enum StoredKey {
    Global,
    Ip(IpAddr),
    Bytes(Box<[u8]>),
}

/// A key's borrowed form, so that a lookup needs no owned key (the `Borrow<dyn ..>` idiom).
trait KeyView {
    fn view(&self) -> RateLimitKey<'_>;
}

impl KeyView for StoredKey {
    fn view(&self) -> RateLimitKey<'_> {
        match self {
            StoredKey::Global => RateLimitKey::Global,
            StoredKey::Ip(ip) => RateLimitKey::Ip(*ip),
            StoredKey::Bytes(bytes) => RateLimitKey::Bytes(bytes),
        }
    }
}

impl KeyView for RateLimitKey<'_> {
    fn view(&self) -> RateLimitKey<'_> {
        *self
    }
}

impl<'a> Borrow<dyn KeyView + 'a> for StoredKey {
    fn borrow(&self) -> &(dyn KeyView + 'a) {
        self
    }
}

impl Hash for dyn KeyView + '_ {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.view().hash(state);
    }
}

impl PartialEq for dyn KeyView + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.view() == other.view()
    }
}

impl Eq for dyn KeyView + '_ {}

impl Hash for StoredKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.view().hash(state);
    }
}

impl PartialEq for StoredKey {
    fn eq(&self, other: &Self) -> bool {
        self.view() == other.view()
    }
}

impl Eq for StoredKey {}

impl From<RateLimitKey<'_>> for StoredKey {
    fn from(key: RateLimitKey<'_>) -> Self {
        match key {
            RateLimitKey::Global => StoredKey::Global,
            RateLimitKey::Ip(ip) => StoredKey::Ip(ip),
            RateLimitKey::Bytes(bytes) => StoredKey::Bytes(bytes.into()),
        }
    }
}

/// The default number of keys a [`MemoryStore`] holds.
pub const DEFAULT_MAX_KEYS: usize = 100_000;

const SHARDS: usize = 32;

/// The in-memory store: 32 shards, each a `Mutex<HashMap>` (SipHash with a random seed, so clients cannot
/// aim keys at one bucket), locked only for the decision itself and never across an await. Bounded: at most
/// `max_keys` keys (default [`DEFAULT_MAX_KEYS`], split evenly between the shards). A shard that is full
/// drops every idle key (one back to its full allowance: forgetting it changes nothing); if none is idle it
/// drops the key nearest to idle, which gives that client its allowance early. An existing key is found by
/// its borrowed form: no allocation per request. One `MemoryStore` serves one policy: give each limit its
/// own (the default).
pub struct MemoryStore {
    shards: Box<[Mutex<HashMap<StoredKey, LimitState>>]>,
    per_shard: usize,
    hasher: RandomState,
}

impl MemoryStore {
    /// A store of at most [`DEFAULT_MAX_KEYS`] keys.
    pub fn new() -> Self {
        Self::with_max_keys(DEFAULT_MAX_KEYS)
    }

    /// A store of at most `max_keys` keys (rounded up to a multiple of the 32 shards; at least 32).
    pub fn with_max_keys(max_keys: usize) -> Self {
        let per_shard = max_keys.div_ceil(SHARDS).max(1);
        let shards = (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect();
        Self { shards, per_shard, hasher: RandomState::new() }
    }

    /// The number of keys held.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|shard| shard.lock().unwrap_or_else(PoisonError::into_inner).len()).sum()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most keys held at once.
    pub fn max_keys(&self) -> usize {
        self.per_shard * SHARDS
    }

    fn shard(&self, key: RateLimitKey<'_>) -> &Mutex<HashMap<StoredKey, LimitState>> {
        let hash = self.hasher.hash_one(key);
        // The high bits: the maps' own hashers use other seeds, so the shards' tables stay uniform.
        &self.shards[(hash >> 40) as usize % SHARDS]
    }

    /// Decides synchronously: the store's whole work, under one shard's lock.
    pub fn decide_now(&self, key: RateLimitKey<'_>, policy: &Policy, now: Duration) -> Decision {
        let mut map = self.shard(key).lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(state) = map.get_mut(&key as &dyn KeyView) {
            let (decision, next) = policy.decide(Some(*state), now);
            *state = next;
            return decision;
        }
        let (decision, state) = policy.decide(None, now);
        if map.len() >= self.per_shard {
            map.retain(|_, state| !policy.is_idle(*state, now));
            if map.len() >= self.per_shard {
                let nearest =
                    map.iter().min_by_key(|(_, state)| busy_until(**state)).map(|(key, _)| key.view());
                if let Some(nearest) = nearest.map(StoredKey::from) {
                    map.remove(&nearest);
                }
            }
        }
        map.insert(StoredKey::from(key), state);
        decision
    }
}

/// When a state becomes idle, comparable within one policy.
fn busy_until(state: LimitState) -> u128 {
    match state {
        LimitState::Gcra { tat } => tat,
        LimitState::Window { start, .. } => start,
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl RateLimitStore for MemoryStore {
    fn decide(&self, key: RateLimitKey<'_>, policy: &Policy, now: Duration) -> Decided {
        Decided::Ready(Ok(self.decide_now(key, policy, now)))
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore").field("keys", &self.len()).field("max_keys", &self.max_keys()).finish()
    }
}
