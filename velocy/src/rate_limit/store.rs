//! [`RateLimitStore`]: where rate limits keep their per-key state, one atomic decision per request;
//! [`MemoryStore`], the sharded, bounded in-memory implementation.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use hashbrown::HashTable;

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

impl StoredKey {
    /// The key's borrowed form, which is what is hashed and compared.
    fn view(&self) -> RateLimitKey<'_> {
        match self {
            StoredKey::Global => RateLimitKey::Global,
            StoredKey::Ip(ip) => RateLimitKey::Ip(*ip),
            StoredKey::Bytes(bytes) => RateLimitKey::Bytes(bytes),
        }
    }
}

impl From<RateLimitKey<'_>> for StoredKey {
    fn from(key: RateLimitKey<'_>) -> Self {
        match key {
            RateLimitKey::Global => StoredKey::Global,
            RateLimitKey::Ip(ip) => StoredKey::Ip(ip),
            RateLimitKey::Bytes(bytes) => StoredKey::Bytes(bytes.into()),
        }
    }
}

/// One shard of a [`MemoryStore`].
#[derive(Default)]
struct Shard {
    /// Each key with its state, found by the hash [`MemoryStore::decide_now`] computes once.
    states: HashTable<(StoredKey, LimitState)>,
    /// When idle keys were last dropped (`None`: never).
    swept_at: Option<Duration>,
}

/// How often a full shard may scan all its keys for idle ones.
const SWEEP_INTERVAL: Duration = Duration::from_secs(1);

/// How many keys a full shard samples for the one to drop when none is idle.
const EVICTION_SAMPLE: usize = 8;

/// The default number of keys a [`MemoryStore`] holds.
pub const DEFAULT_MAX_KEYS: usize = 100_000;

const SHARDS: usize = 32;

/// The in-memory store: 32 shards, each a `Mutex` around a hash table (SipHash with a random seed, so clients
/// cannot aim keys at one bucket; one hash per decision picks both the shard and the bucket), locked only for the decision itself and never across an await. Bounded: at most
/// `max_keys` keys (default [`DEFAULT_MAX_KEYS`], split evenly between the shards). When a new key finds
/// its shard full, the shard drops every idle key (one back to its full allowance: forgetting it changes
/// nothing) — at most once per second, so that a flood of new keys does not scan the shard on every
/// request; if that frees no room, it drops the nearest-to-idle of 8 keys sampled from the shard (as Redis's
/// approximated LRU does), which gives that client its allowance early. An existing key is found by its
/// borrowed form: no allocation per request. One `MemoryStore` serves one policy: give each limit its own
/// (the default).
pub struct MemoryStore {
    shards: Box<[Mutex<Shard>]>,
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
        let shards = (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect();
        Self { shards, per_shard, hasher: RandomState::new() }
    }

    /// The number of keys held.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|shard| shard.lock().unwrap_or_else(PoisonError::into_inner).states.len())
            .sum()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most keys held at once.
    pub fn max_keys(&self) -> usize {
        self.per_shard * SHARDS
    }

    /// Decides synchronously: the store's whole work, under one shard's lock.
    pub fn decide_now(&self, key: RateLimitKey<'_>, policy: &Policy, now: Duration) -> Decision {
        let hash = self.hasher.hash_one(key);
        // The high bits pick the shard; the table uses the low ones (and the top 7) within it.
        let shard = &self.shards[(hash >> 40) as usize % SHARDS];
        let mut shard = shard.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, state)) = shard.states.find_mut(hash, |(stored, _)| stored.view() == key) {
            let (decision, next) = policy.decide(Some(*state), now);
            *state = next;
            return decision;
        }
        let (decision, state) = policy.decide(None, now);
        if shard.states.len() >= self.per_shard {
            shard.make_room(policy, now, &self.hasher);
        }
        let hasher = &self.hasher;
        shard
            .states
            .insert_unique(hash, (StoredKey::from(key), state), |(stored, _)| hasher.hash_one(stored.view()));
        decision
    }
}

impl Shard {
    /// Frees one place at least: drops the idle keys (once per [`SWEEP_INTERVAL`]), else the nearest to
    /// idle of [`EVICTION_SAMPLE`] keys.
    fn make_room(&mut self, policy: &Policy, now: Duration, hasher: &RandomState) {
        let sweep_due = self.swept_at.is_none_or(|swept| now.saturating_sub(swept) >= SWEEP_INTERVAL);
        if sweep_due {
            let before = self.states.len();
            self.states.retain(|(_, state)| !policy.is_idle(*state, now));
            self.swept_at = Some(now);
            if self.states.len() < before {
                return;
            }
        }
        // The entry itself marks which one to remove: found again by its hash and its address.
        let nearest = self
            .states
            .iter()
            .take(EVICTION_SAMPLE)
            .min_by_key(|(_, state)| busy_until(*state))
            .map(|entry| (hasher.hash_one(entry.0.view()), std::ptr::from_ref(entry)));
        if let Some((hash, address)) = nearest {
            if let Ok(entry) = self.states.find_entry(hash, |entry| std::ptr::eq(entry, address)) {
                entry.remove();
            }
        }
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
