//! [`LogWriter`]: appends commits to the log with group commit and the configured fsync policy.
//!
//! A commit is appended to an in-memory buffer while the store's write lock is held, so the log's order is
//! the order in which commits were applied. The committing thread then releases the lock and waits for its
//! commit to reach the file: the first waiter becomes the *leader*, writes everything buffered so far (its
//! own commit and any that arrived meanwhile) with one `write`, and, under [`SyncPolicy::EveryCommit`],
//! one `fdatasync`; the others wait for it. Commits arriving while a leader is busy are written together by
//! the next leader, so concurrent writers share fsyncs.

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::format::push_frame;
use crate::store::error::StoreError;

/// When the log is flushed to stable storage with `fdatasync`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SyncPolicy {
    /// Every write returns only once its commit is on stable storage: nothing acknowledged is lost, even
    /// when the machine loses power. Concurrent writers share one `fdatasync` (group commit).
    #[default]
    EveryCommit,
    /// Every write returns once its commit is handed to the operating system (it survives the process
    /// being killed); a background thread calls `fdatasync` at this interval, so a power loss loses at
    /// most about this much.
    Interval(Duration),
    /// Commits are handed to the operating system but never explicitly synced (except when the log is
    /// compacted or the store closed): survives the process being killed, not a power loss.
    Never,
}

/// How far ahead of the writes the log file is grown, in bytes.
pub(crate) const PREALLOCATE: u64 = 512 * 1024;

/// Where a commit waits: its sequence number.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ticket(u64);

#[derive(Debug)]
struct WriterState {
    /// Frames appended but not yet written to the file.
    pending: Vec<u8>,
    /// A spare buffer, swapped with `pending` by the leader to keep its capacity.
    spare: Vec<u8>,
    /// The last sequence number appended.
    appended: u64,
    /// The last sequence number written to the file.
    written: u64,
    /// The last sequence number synced to stable storage.
    synced: u64,
    /// Whether a leader is writing or syncing right now.
    busy: bool,
    /// The first I/O failure; once set, every write fails.
    failed: Option<(std::io::ErrorKind, String)>,
    /// The file being appended to.
    file: Arc<File>,
    /// The log's length: the end of the last frame, including pending ones.
    length: u64,
    /// Where the next write goes: the end of the last frame written.
    position: u64,
    /// The file's size on disk, zeros past `position` included.
    allocated: u64,
}

/// Appends commits to the current log file.
#[derive(Debug)]
pub(crate) struct LogWriter {
    state: Mutex<WriterState>,
    changed: Condvar,
    policy: SyncPolicy,
}

impl LogWriter {
    /// A writer appending to `file`, whose frames end at `length` (zeros may follow) and whose last commit
    /// is `last_seq`.
    pub(crate) fn new(file: File, length: u64, last_seq: u64, policy: SyncPolicy) -> Self {
        let allocated = file.metadata().map_or(length, |metadata| metadata.len().max(length));
        Self {
            state: Mutex::new(WriterState {
                pending: Vec::with_capacity(64 * 1024),
                spare: Vec::with_capacity(64 * 1024),
                appended: last_seq,
                written: last_seq,
                synced: last_seq,
                busy: false,
                failed: None,
                file: Arc::new(file),
                length,
                position: length,
                allocated,
            }),
            changed: Condvar::new(),
            policy,
        }
    }

    fn lock(&self) -> MutexGuard<'_, WriterState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn failure(failed: &Option<(std::io::ErrorKind, String)>) -> Option<StoreError> {
        failed.as_ref().map(|(kind, message)| {
            StoreError::io(
                "the store's log failed earlier; reopen the store",
                std::io::Error::new(*kind, message.clone()),
            )
        })
    }

    /// Appends the commit whose payload `build` writes once given its sequence number. Called with the
    /// store's write lock held; fails without appending if the log failed earlier.
    pub(crate) fn append(&self, build: impl FnOnce(u64) -> Vec<u8>) -> Result<Ticket, StoreError> {
        let mut state = self.lock();
        if let Some(error) = Self::failure(&state.failed) {
            return Err(error);
        }
        let seq = state.appended + 1;
        let payload = build(seq);
        let before = state.pending.len();
        push_frame(&mut state.pending, &payload);
        state.length += (state.pending.len() - before) as u64;
        state.appended = seq;
        Ok(Ticket(seq))
    }

    /// Waits until the commit of `ticket` is written (and synced, under [`SyncPolicy::EveryCommit`]),
    /// leading the write when no one else is.
    pub(crate) fn wait(&self, ticket: Ticket) -> Result<(), StoreError> {
        let sync = self.policy == SyncPolicy::EveryCommit;
        let mut state = self.lock();
        loop {
            if let Some(error) = Self::failure(&state.failed) {
                return Err(error);
            }
            let done = if sync { state.synced >= ticket.0 } else { state.written >= ticket.0 };
            if done {
                return Ok(());
            }
            if state.busy {
                state = self.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
                continue;
            }
            state = self.lead(state, sync);
        }
    }

    /// Writes everything pending, syncs if asked, and wakes the waiters. Returns the re-acquired lock.
    fn lead<'a>(&'a self, mut state: MutexGuard<'a, WriterState>, sync: bool) -> MutexGuard<'a, WriterState> {
        state.busy = true;
        let target = state.appended;
        let spare = std::mem::take(&mut state.spare);
        let mut buffer = std::mem::replace(&mut state.pending, spare);
        let file = Arc::clone(&state.file);
        let position = state.position;
        let end = position + buffer.len() as u64;
        let allocated = state.allocated;
        let grow_to = (end > allocated).then(|| end.div_ceil(PREALLOCATE) * PREALLOCATE + PREALLOCATE);
        drop(state);

        // Only the leader does I/O, so positioning and writing cannot interleave with another writer.
        let mut result = Ok(());
        if let Some(grow_to) = grow_to {
            result = zero_fill(&file, allocated, grow_to);
        }
        if result.is_ok() {
            result = (&*file).seek(SeekFrom::Start(position)).and_then(|_| (&*file).write_all(&buffer));
        }
        if result.is_ok() && (sync || grow_to.is_some()) {
            result = file.sync_data();
        }
        buffer.clear();

        let mut state = self.lock();
        state.spare = buffer;
        state.busy = false;
        match result {
            Ok(()) => {
                state.written = target;
                state.position = end;
                if let Some(grow_to) = grow_to {
                    state.allocated = grow_to;
                }
                if sync {
                    state.synced = target;
                }
            }
            Err(error) => state.failed = Some((error.kind(), error.to_string())),
        }
        self.changed.notify_all();
        state
    }

    /// Writes everything pending and syncs it: used by the interval policy's background thread, by
    /// [`Store::sync`](crate::store::Store::sync), before compaction and on close.
    pub(crate) fn sync(&self) -> Result<(), StoreError> {
        let mut state = self.lock();
        loop {
            if let Some(error) = Self::failure(&state.failed) {
                return Err(error);
            }
            if state.synced >= state.appended {
                return Ok(());
            }
            if state.busy {
                state = self.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
                continue;
            }
            state = self.lead(state, true);
        }
    }

    /// Syncs, then continues in `file` (a new, empty log with its header written and synced, `length`
    /// bytes long). Called with the store's state locked, so no commit is appended meanwhile.
    pub(crate) fn rotate(&self, file: File, length: u64) -> Result<(), StoreError> {
        self.sync()?;
        let mut state = self.lock();
        state.file = Arc::new(file);
        state.length = length;
        state.position = length;
        state.allocated = length;
        Ok(())
    }

    /// The current log file's length in bytes, including commits not yet written.
    pub(crate) fn length(&self) -> u64 {
        self.lock().length
    }

    /// The fsync policy.
    pub(crate) fn policy(&self) -> SyncPolicy {
        self.policy
    }

    /// The last sequence number appended.
    pub(crate) fn last_seq(&self) -> u64 {
        self.lock().appended
    }
}

/// Writes zeros to `file` from byte `from` to byte `to`.
fn zero_fill(file: &File, from: u64, to: u64) -> std::io::Result<()> {
    static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];
    let mut file = file;
    file.seek(SeekFrom::Start(from))?;
    let mut left = to.saturating_sub(from);
    while left > 0 {
        let chunk = left.min(ZEROS.len() as u64) as usize;
        file.write_all(&ZEROS[..chunk])?;
        left -= chunk as u64;
    }
    Ok(())
}
