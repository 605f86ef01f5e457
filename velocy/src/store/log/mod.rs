//! The durable side of a store: its directory, the append-only log, snapshots and compaction.
//!
//! A store directory holds numbered *generations*: `00000007.log` is log generation 7 and
//! `00000007.snapshot` the state before it. Opening loads the newest snapshot and replays every log from
//! its generation on. Compaction starts log generation `n + 1`, writes snapshot `n + 1` from the state at
//! that instant (to a temporary file renamed into place), then deletes the older files; a crash at any
//! point leaves either the old snapshot with every log after it, or the new one. The `LOCK` file keeps
//! the directory to one process at a time (see `lock`).

mod files;
pub(crate) mod format;
mod lock;
mod recovery;
pub(crate) mod replay;
mod writer;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError, RwLock};

pub(crate) use writer::LogWriter;
pub use writer::SyncPolicy;

use super::error::StoreError;
use super::snapshot;
use super::state::State;
use files::{create_log, snapshot_path, write_atomically};
use format::HEADER_LEN;
use lock::DirLock;

/// The log of a durable store.
#[derive(Debug)]
pub(crate) struct Log {
    dir: PathBuf,
    pub(crate) writer: LogWriter,
    /// The current generation; its lock also keeps compactions one at a time.
    generation: Mutex<u64>,
    /// Compact when the log grows past this many bytes...
    compact_after: u64,
    /// ...and past the size of the last snapshot.
    snapshot_size: AtomicU64,
    compacting: AtomicBool,
    /// The directory's lock, held as long as the store lives; last, so it is released after the log's
    /// file is closed.
    _lock: DirLock,
}

impl Log {
    /// Opens (or creates) the store in `dir`: recovers its state and prepares the log for appending.
    pub(crate) fn open(
        dir: &Path,
        policy: SyncPolicy,
        compact_after: u64,
    ) -> Result<(Self, State, recovery::Report), StoreError> {
        fs::create_dir_all(dir).map_err(|error| {
            StoreError::io(format!("cannot create {}", dir.display()), error).at_path(dir.to_owned())
        })?;
        // Before recovery, which truncates torn tails and removes temporary files: another process's.
        let lock = DirLock::acquire(dir)?;
        let recovered = recovery::recover(dir)?;
        let writer = LogWriter::new(recovered.file, recovered.log_length, recovered.last_seq, policy);
        let log = Self {
            dir: dir.to_owned(),
            writer,
            generation: Mutex::new(recovered.generation),
            compact_after,
            snapshot_size: AtomicU64::new(recovered.snapshot_size),
            compacting: AtomicBool::new(false),
            _lock: lock,
        };
        Ok((log, recovered.state, recovered.report))
    }

    /// The store's directory.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the log has grown enough to be worth compacting.
    pub(crate) fn wants_compaction(&self) -> bool {
        let length = self.writer.length();
        length > self.compact_after
            && length > self.snapshot_size.load(Ordering::Relaxed)
            && !self.compacting.load(Ordering::Relaxed)
    }

    /// Writes a snapshot of `state` and starts a new log generation, then removes the older files.
    pub(crate) fn compact(&self, state: &RwLock<State>) -> Result<(), StoreError> {
        let mut generation = self.generation.lock().unwrap_or_else(PoisonError::into_inner);
        self.compacting.store(true, Ordering::Relaxed);
        let result = self.compact_locked(state, &mut generation);
        self.compacting.store(false, Ordering::Relaxed);
        result
    }

    fn compact_locked(&self, state: &RwLock<State>, generation: &mut u64) -> Result<(), StoreError> {
        let next = *generation + 1;
        let bytes = {
            // Shared: readers go on, writers wait, so the snapshot is exactly the state at the rotation.
            let state = state.read().unwrap_or_else(PoisonError::into_inner);
            let file = create_log(&self.dir, next)?;
            self.writer.rotate(file, HEADER_LEN as u64)?;
            *generation = next;
            snapshot::encode(&state, self.writer.last_seq())?
        };
        write_atomically(&self.dir, &snapshot_path(&self.dir, next), &bytes)?;
        self.snapshot_size.store(bytes.len() as u64, Ordering::Relaxed);
        recovery::remove_older(&self.dir, next);
        Ok(())
    }
}

pub use recovery::Report;
