#![doc = include_str!("../docs/store.md")]

mod criteria;
mod encoding;
mod engine;
mod error;
mod explain;
mod field;
mod index;
mod kv;
mod kv_data;
pub(crate) mod log;
mod plan;
mod query;
mod record;
mod rows;
mod snapshot;
mod state;
mod table;
mod transaction;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use criteria::{Cursor, Order};
pub use error::{ErrorKind, StoreError};
pub use explain::{Access, Plan};
pub use field::{Field, FieldSource, QueryValue};
pub use kv::{Kv, Ttl};
pub use log::{Report as RecoveryReport, SyncPolicy};
pub use query::{Page, TableQuery};
pub use record::{AutoIncrement, IndexInfo, Indexable, Key, Record};
pub use table::Table;
pub use transaction::Transaction;
pub use velocy_macros::Record;

use engine::Inner;
use log::Log;
use state::State;

/// What `#[derive(Record)]` generates code against, through `velocy::__private::store`. Not public API.
#[doc(hidden)]
pub mod __derive {
    pub use super::{AutoIncrement, Field, IndexInfo, Indexable, Key, Record};

    /// A field's value as an index value; the bound reports an unindexable field type at the field.
    pub fn index_value<T: Indexable>(value: &T) -> Option<&dyn Indexable> {
        Some(value)
    }

    /// `true`; the bound reports a `#[key(auto)]` on a non-integer key at the field.
    pub const fn auto_increment<T: AutoIncrement>() -> bool {
        true
    }
}

/// The default [`StoreOptions::compact_after`]: 64 MiB.
pub const DEFAULT_COMPACT_AFTER: u64 = 64 * 1024 * 1024;

/// An embedded database: typed tables with indexes and a key-value space, in memory or durable in a
/// directory. Cloning it is cheap and shares the same data.
///
/// ```
/// use velocy::store::Store;
///
/// let store = Store::memory();
/// store.kv().set("hello", "world")?;
/// assert_eq!(store.clone().kv().get("hello").as_deref(), Some(&b"world"[..]));
/// # Ok::<(), velocy::store::StoreError>(())
/// ```
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
    report: Arc<Option<RecoveryReport>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path()).finish_non_exhaustive()
    }
}

impl Store {
    /// A store kept in memory only: nothing is written to disk and everything is gone when the last
    /// handle is dropped. For tests, caches and examples.
    pub fn memory() -> Self {
        Self { inner: Inner::start(State::default(), None), report: Arc::new(None) }
    }

    /// Opens the durable store in `dir` (created if missing) with the default options: every write is
    /// synced before it returns ([`SyncPolicy::EveryCommit`]), and the log is compacted past 64 MiB.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when the directory cannot be read or written; [`ErrorKind::Corrupted`] when a
    /// file is damaged other than by a torn final write (which is cut off); [`ErrorKind::UnsupportedFormat`]
    /// for files of another format version; [`ErrorKind::Locked`], at once (it does not wait), when the
    /// directory is already open in another process or in another `Store` of this one (clone a `Store`
    /// to share it). The directory stays locked until the last handle of the store is dropped, or the
    /// process ends however it ends.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, StoreError> {
        StoreOptions::new().open(dir)
    }

    /// Options for [`StoreOptions::open`]: the fsync policy and when to compact.
    pub fn options() -> StoreOptions {
        StoreOptions::new()
    }

    /// The table of `R` records, created empty on first use.
    ///
    /// # Errors
    /// [`ErrorKind::TableMismatch`] when another record type already uses the table's name;
    /// [`ErrorKind::Serde`] when records stored on disk do not deserialize into `R` (the table stays
    /// unopened and its data untouched).
    pub fn table<R: Record>(&self) -> Result<Table<R>, StoreError> {
        let slot = {
            let mut state = self.inner.write_lock();
            state.open::<R>()?
        };
        Ok(Table::new(Arc::clone(&self.inner), slot))
    }

    /// The key-value space.
    pub fn kv(&self) -> Kv {
        Kv::new(Arc::clone(&self.inner))
    }

    /// Runs `write` as one transaction across any tables: its changes are all applied, or, when it
    /// returns an error (or panics), none is. Readers see the state before or after it, never between.
    /// Returns once the transaction is durable, if the store is.
    ///
    /// `write` runs with the store's write lock held: keep it short and do no I/O in it.
    ///
    /// # Errors
    /// `write`'s error, or a [`StoreError`] (converted with `From`) when the transaction cannot be
    /// logged.
    pub fn transaction<T, E: From<StoreError>>(
        &self,
        write: impl FnOnce(&mut Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        Transaction::run(&self.inner, write)
    }

    /// Writes a snapshot of the whole state and starts a new, empty log; older files are removed. Runs
    /// by itself in the background when the log outgrows [`StoreOptions::compact_after`]. Does nothing
    /// for a memory store.
    ///
    /// Writers wait while the snapshot is encoded in memory; readers do not.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when a file cannot be written; the store keeps working from the old files.
    pub fn compact(&self) -> Result<(), StoreError> {
        self.inner.compact()
    }

    /// Syncs every write so far to stable storage, whatever the sync policy. Does nothing for a memory
    /// store.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when the sync fails.
    pub fn sync(&self) -> Result<(), StoreError> {
        match &self.inner.log {
            Some(log) => log.writer.sync(),
            None => Ok(()),
        }
    }

    /// The directory of a durable store; `None` for a memory store.
    pub fn path(&self) -> Option<&Path> {
        self.inner.log.as_ref().map(|log| log.dir())
    }

    /// What opening the store recovered: snapshot, commits replayed, torn tail cut off. `None` for a
    /// memory store.
    pub fn recovery(&self) -> Option<&RecoveryReport> {
        self.report.as_ref().as_ref()
    }
}

/// How to open a durable store, from [`Store::options`].
///
/// ```no_run
/// use std::time::Duration;
/// use velocy::store::{Store, SyncPolicy};
///
/// let store = Store::options()
///     .sync(SyncPolicy::Interval(Duration::from_millis(50)))
///     .compact_after(16 * 1024 * 1024)
///     .open("./data")?;
/// # Ok::<(), velocy::store::StoreError>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct StoreOptions {
    sync: SyncPolicy,
    compact_after: u64,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl StoreOptions {
    /// The defaults: [`SyncPolicy::EveryCommit`], compaction past [`DEFAULT_COMPACT_AFTER`] bytes.
    pub fn new() -> Self {
        Self { sync: SyncPolicy::EveryCommit, compact_after: DEFAULT_COMPACT_AFTER }
    }

    /// When writes are synced to stable storage.
    pub fn sync(mut self, policy: SyncPolicy) -> Self {
        self.sync = policy;
        self
    }

    /// Compacts the log in the background once it is larger than `bytes` and than the last snapshot.
    pub fn compact_after(mut self, bytes: u64) -> Self {
        self.compact_after = bytes;
        self
    }

    /// Opens (or creates) the store in `dir`, recovering its state.
    ///
    /// # Errors
    /// As [`Store::open`].
    pub fn open(self, dir: impl AsRef<Path>) -> Result<Store, StoreError> {
        let dir: PathBuf = dir.as_ref().to_owned();
        let (log, state, report) = Log::open(&dir, self.sync, self.compact_after)?;
        Ok(Store { inner: Inner::start(state, Some(log)), report: Arc::new(Some(report)) })
    }
}
