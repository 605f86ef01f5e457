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
//! Lifetime: the handles hold an [`Inner`], the background thread only its [`Core`]. Dropping the last
//! handle stops the thread, waiting for a tick in progress (a compaction included), then syncs the log and
//! closes the store, which releases the directory's lock: when that drop returns, the directory can be
//! opened again.
//!
//! The store's files form layers, each using only those below it: plain data (`kv_data`, `rows`,
//! `criteria`, `explain`, and the `record`, `field`, `encoding` and `index` basics), then `state`, then the
//! durable side (`log`, `snapshot`), then this core, and on top the handles that hold an `Inner`:
//! [`TableQuery`](super::TableQuery) (planned by `plan`), [`Table`](super::Table), [`Transaction`](super::Transaction)
//! (whose `run` takes the write lock and commits every write) and [`Kv`](super::Kv).

use std::ops::Deref;
use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock, RwLockReadGuard};
use std::thread::JoinHandle;
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

/// What every handle of a store shares: the [`Core`] (through `Deref`) and its background thread,
/// stopped when the last handle is dropped.
#[derive(Debug)]
pub(crate) struct Inner {
    core: Arc<Core>,
    background: Option<JoinHandle<()>>,
}

/// The state, the log and what the background thread needs; shared by the handles and that thread.
#[derive(Debug)]
pub(crate) struct Core {
    state: RwLock<State>,
    pub(crate) log: Option<Log>,
    shutdown: Shutdown,
}

impl Inner {
    /// A core over `state`, logging to `log` if given, with its background thread started.
    pub(crate) fn start(state: State, log: Option<Log>) -> Arc<Self> {
        let core = Arc::new(Core { state: RwLock::new(state), log, shutdown: Shutdown::default() });
        let tick = match core.log.as_ref().map(|log| log.writer.policy()) {
            Some(SyncPolicy::Interval(interval)) => interval.clamp(Duration::from_millis(1), TICK),
            _ => TICK,
        };
        let shared = Arc::clone(&core);
        // Without a thread the store still works: expiry stays lazy and interval syncs do not happen.
        let background = std::thread::Builder::new()
            .name("velocy-store".into())
            .spawn(move || background(&shared, tick))
            .ok();
        Arc::new(Self { core, background })
    }

    /// Identifies this store, to check that a table handle belongs to it.
    pub(crate) fn id(self: &Arc<Self>) -> *const () {
        Arc::as_ptr(self).cast()
    }
}

impl Deref for Inner {
    type Target = Core;

    fn deref(&self) -> &Core {
        &self.core
    }
}

impl Core {
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
        // Waits for a tick in progress (a compaction, say). The thread holds the core until it returns;
        // then dropping `core` below closes the store, releasing the directory's lock, before this returns.
        if let Some(background) = self.background.take() {
            let _ = background.join();
        }
        if let Some(log) = &self.log {
            let _ = log.writer.sync();
        }
    }
}

/// The background thread: wakes every `tick` until the store is dropped.
fn background(core: &Core, tick: Duration) {
    let shutdown = &core.shutdown;
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
        core.tick(&mut last_sync);
    }
}
