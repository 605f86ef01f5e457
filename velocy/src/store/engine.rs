//! [`Inner`]: the shared core behind every handle of one store: the state and its lock, the log, and the
//! background thread (expiry sweep, interval fsync, automatic compaction).
//!
//! Concurrency: the state sits behind one `RwLock`. Reads (gets, queries, key-value reads) take it shared,
//! so they never block each other and each sees one consistent state. A write takes it exclusively only to
//! apply its changes in memory and append its log record to a buffer (microseconds); it waits for the disk
//! after releasing the lock, so slow fsyncs block neither readers nor other writers (who share the fsync:
//! group commit). A commit is therefore visible to readers slightly before it is durable; its writer is
//! told only once it is.
//!
//! The store's files form layers, each using only those below it: plain data (`kv_data`, `rows`,
//! `criteria`, `explain`, and the `record`, `field`, `encoding` and `index` basics), then `state`, then the
//! durable side (`log`, `snapshot`), then this core, and on top the handles that hold an `Inner`:
//! [`Query`](super::Query) (planned by `plan`), [`Table`](super::Table), [`Transaction`](super::Transaction)
//! (whose `run` takes the write lock and commits every write) and [`Kv`](super::Kv).

use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock, RwLockReadGuard, Weak};
use std::time::{Duration, Instant};

use super::error::StoreError;
use super::kv_data::{now_millis, SWEEP_LIMIT};
use super::log::Log;
use super::log::SyncPolicy;
use super::state::State;

/// How often the background thread wakes up at most.
const TICK: Duration = Duration::from_millis(100);

/// Stops the background thread when the store is dropped.
#[derive(Debug, Default)]
struct Shutdown {
    stopped: Mutex<bool>,
    wake: Condvar,
}

/// The shared core of a store.
#[derive(Debug)]
pub(crate) struct Inner {
    state: RwLock<State>,
    pub(crate) log: Option<Log>,
    shutdown: Arc<Shutdown>,
}

impl Inner {
    /// A core over `state`, logging to `log` if given, with its background thread started.
    pub(crate) fn start(state: State, log: Option<Log>) -> Arc<Self> {
        let shutdown = Arc::new(Shutdown::default());
        let inner = Arc::new(Self { state: RwLock::new(state), log, shutdown: Arc::clone(&shutdown) });
        let weak = Arc::downgrade(&inner);
        let tick = match inner.log.as_ref().map(|log| log.writer.policy()) {
            Some(SyncPolicy::Interval(interval)) => interval.clamp(Duration::from_millis(1), TICK),
            _ => TICK,
        };
        // Without a thread the store still works: expiry stays lazy and interval syncs do not happen.
        let _ = std::thread::Builder::new()
            .name("velocy-store".into())
            .spawn(move || background(weak, shutdown, tick));
        inner
    }

    /// Identifies this store, to check that a table handle belongs to it.
    pub(crate) fn id(self: &Arc<Self>) -> *const () {
        Arc::as_ptr(self).cast()
    }

    /// The state, shared.
    pub(crate) fn read_lock(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The state, exclusive.
    pub(crate) fn write_lock(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `read` on the state, shared with other readers.
    pub(crate) fn read<T>(&self, read: impl FnOnce(&State) -> T) -> T {
        read(&self.read_lock())
    }

    /// One tick of the background thread.
    fn tick(&self, last_sync: &mut Instant) {
        let now = now_millis();
        let due = self.read(|state| state.kv.next_expiry().is_some_and(|at| at <= now));
        if due {
            let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
            state.kv.sweep(now, SWEEP_LIMIT);
        }
        let Some(log) = &self.log else {
            return;
        };
        if let SyncPolicy::Interval(interval) = log.writer.policy() {
            if last_sync.elapsed() >= interval {
                *last_sync = Instant::now();
                let _ = log.writer.sync();
            }
        }
        if log.wants_compaction() {
            let _ = self.compact();
        }
    }

    /// Writes a snapshot and starts a new log; see [`Store::compact`](super::Store::compact).
    pub(crate) fn compact(&self) -> Result<(), StoreError> {
        match &self.log {
            Some(log) => log.compact(&self.state),
            None => Ok(()),
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        let mut stopped = self.shutdown.stopped.lock().unwrap_or_else(PoisonError::into_inner);
        *stopped = true;
        self.shutdown.wake.notify_all();
        drop(stopped);
        if let Some(log) = &self.log {
            let _ = log.writer.sync();
        }
    }
}

/// The background thread: wakes every `tick` until the store is dropped.
fn background(inner: Weak<Inner>, shutdown: Arc<Shutdown>, tick: Duration) {
    let mut last_sync = Instant::now();
    loop {
        let stopped = shutdown.stopped.lock().unwrap_or_else(PoisonError::into_inner);
        let (stopped, _) = shutdown
            .wake
            .wait_timeout_while(stopped, tick, |stopped| !*stopped)
            .unwrap_or_else(PoisonError::into_inner);
        if *stopped {
            return;
        }
        drop(stopped);
        let Some(inner) = inner.upgrade() else {
            return;
        };
        inner.tick(&mut last_sync);
    }
}
