//! [`MemoryStore`]: sessions in the process's memory, bounded in number.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use super::store::{SessionChanges, SessionRecord, SessionStore, StoreResult};

/// The number of sessions a [`MemoryStore::new`] holds at most: 100 000.
pub const DEFAULT_MAX_SESSIONS: usize = 100_000;

/// How many expired entries one write removes at most, so no request pays for a large sweep.
const EVICT_PER_WRITE: usize = 64;

/// The longest time to live the store keeps (about 100 years); a longer expiry is cut to it, so a
/// deadline always fits an `Instant`.
const MAX_TTL: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// The deadline of an entry written at `now` with the time to live `expiry`, never overflowing.
fn deadline(now: Instant, expiry: Duration) -> Instant {
    now.checked_add(expiry.min(MAX_TTL))
        .or_else(|| now.checked_add(Duration::from_secs(400 * 24 * 60 * 60)))
        .unwrap_or(now)
}

/// Sessions kept in memory: fast, lost on restart, not shared between processes. For development, tests
/// and single-process apps that accept logging everyone out on a restart.
///
/// Bounded: it holds at most [`DEFAULT_MAX_SESSIONS`] (or [`with_capacity`](Self::with_capacity))
/// sessions. Expired entries are removed lazily (on load, and up to 64 per write); when the store is
/// full, saving a new session evicts the session that would expire soonest. Every operation takes one
/// `std::sync::Mutex` for a few microseconds, never across an `.await`. Expiries longer than about
/// 100 years are cut to that.
///
/// **Eviction can log users out.** Anyone can create sessions (one request that writes a value each),
/// so a client that creates `max_sessions` of them pushes out real users' sessions, the ones closest to
/// expiry first. Size the capacity well above your active users, create sessions only once there is
/// something worth keeping (after login), and for large or exposed deployments use a store bounded by
/// disk rather than memory (`StoreSessionStore` on a durable `Store`, or Redis).
///
/// ```
/// use velocy::session::{MemoryStore, Sessions};
///
/// let sessions = Sessions::new(MemoryStore::with_capacity(10_000));
/// # let _ = sessions;
/// ```
#[derive(Debug)]
pub struct MemoryStore {
    capacity: usize,
    inner: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    by_id: HashMap<String, Entry>,
    /// Every entry by deadline, soonest first: for eviction.
    by_deadline: BTreeSet<(Instant, String)>,
}

#[derive(Debug)]
struct Entry {
    record: SessionRecord,
    deadline: Instant,
}

impl Entries {
    fn remove(&mut self, id: &str) -> Option<Entry> {
        let entry = self.by_id.remove(id)?;
        self.by_deadline.remove(&(entry.deadline, id.to_owned()));
        Some(entry)
    }

    fn put(&mut self, id: String, entry: Entry) {
        self.remove(&id);
        self.by_deadline.insert((entry.deadline, id.clone()));
        self.by_id.insert(id, entry);
    }

    /// The live entry `id`; an expired one is removed.
    fn live(&mut self, id: &str, now: Instant) -> Option<&mut Entry> {
        if self.by_id.get(id).is_some_and(|entry| entry.deadline <= now) {
            self.remove(id);
        }
        self.by_id.get_mut(id)
    }

    /// Removes up to `limit` expired entries.
    fn evict_expired(&mut self, now: Instant, limit: usize) {
        for _ in 0..limit {
            match self.by_deadline.first() {
                Some((deadline, id)) if *deadline <= now => {
                    let id = id.clone();
                    self.remove(&id);
                }
                _ => break,
            }
        }
    }

    /// Makes room for one more entry when `capacity` is reached: the entry expiring soonest goes.
    fn make_room(&mut self, capacity: usize) {
        while self.by_id.len() >= capacity {
            let Some((_, id)) = self.by_deadline.pop_first() else { break };
            self.by_id.remove(&id);
        }
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    /// A store holding at most [`DEFAULT_MAX_SESSIONS`] sessions.
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_MAX_SESSIONS)
    }

    /// A store holding at most `max_sessions` sessions (at least 1).
    pub fn with_capacity(max_sessions: usize) -> Self {
        Self { capacity: max_sessions.max(1), inner: Mutex::new(Entries::default()) }
    }

    /// The number of sessions held, expired ones not yet removed included.
    pub fn len(&self) -> usize {
        self.lock().by_id.len()
    }

    /// Whether no session is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, Entries> {
        // A panic while holding the lock leaves the maps consistent (each step is one map operation).
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn save_now(&self, id: &str, changes: &SessionChanges, expiry: Duration) -> bool {
        let now = Instant::now();
        let wall = SystemTime::now();
        let mut entries = self.lock();
        entries.evict_expired(now, EVICT_PER_WRITE);
        let mut record = match entries.live(id, now) {
            Some(_) => {
                entries.remove(id).map(|entry| entry.record).unwrap_or_else(|| SessionRecord::new(wall))
            }
            None if changes.creates() => {
                entries.make_room(self.capacity);
                SessionRecord::new(wall)
            }
            None => return false,
        };
        changes.apply(&mut record.values);
        record.updated_at = wall;
        entries.put(id.to_owned(), Entry { record, deadline: deadline(now, expiry) });
        true
    }

    fn touch_now(&self, id: &str, expiry: Duration) -> bool {
        let now = Instant::now();
        let mut entries = self.lock();
        if entries.live(id, now).is_none() {
            return false;
        }
        match entries.remove(id) {
            Some(mut entry) => {
                entry.record.updated_at = SystemTime::now();
                entry.deadline = deadline(now, expiry);
                entries.put(id.to_owned(), entry);
                true
            }
            None => false,
        }
    }

    fn cycle_now(&self, old: &str, new: &str, expiry: Duration) -> bool {
        let now = Instant::now();
        let mut entries = self.lock();
        if entries.live(old, now).is_none() {
            return false;
        }
        match entries.remove(old) {
            Some(mut entry) => {
                entry.record.updated_at = SystemTime::now();
                entry.deadline = deadline(now, expiry);
                entries.put(new.to_owned(), entry);
                true
            }
            None => false,
        }
    }
}

impl SessionStore for MemoryStore {
    fn load<'a>(&'a self, id: &'a str) -> StoreResult<'a, Option<SessionRecord>> {
        let record = self.lock().live(id, Instant::now()).map(|entry| entry.record.clone());
        Box::pin(std::future::ready(Ok(record)))
    }

    fn save<'a>(
        &'a self,
        id: &'a str,
        changes: &'a SessionChanges,
        expiry: Duration,
    ) -> StoreResult<'a, bool> {
        Box::pin(std::future::ready(Ok(self.save_now(id, changes, expiry))))
    }

    fn touch<'a>(&'a self, id: &'a str, expiry: Duration) -> StoreResult<'a, bool> {
        Box::pin(std::future::ready(Ok(self.touch_now(id, expiry))))
    }

    fn delete<'a>(&'a self, id: &'a str) -> StoreResult<'a, ()> {
        self.lock().remove(id);
        Box::pin(std::future::ready(Ok(())))
    }

    fn cycle<'a>(&'a self, old: &'a str, new: &'a str, expiry: Duration) -> StoreResult<'a, bool> {
        Box::pin(std::future::ready(Ok(self.cycle_now(old, new, expiry))))
    }
}
