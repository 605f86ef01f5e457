//! [`DirLock`]: one process at a time in a store directory.
//!
//! Two processes appending to one log would each number their commits from the same sequence and
//! overwrite each other's frames: both writes are acknowledged, one is lost on the next open. So opening
//! a directory takes an exclusive advisory lock (`flock` on Unix, `LockFileEx` on Windows, through `fs4`)
//! on its [`LOCK_FILE`], held until the store is dropped. The OS releases it when the holder dies, however
//! it dies, so a crash never leaves a stale lock. A lock belongs to an open file description, so a second
//! `Store` opened on the directory in the same process is refused too.
//!
//! The file holds the holder's pid, to name it in the error; its contents are informational only.
//!
//! One wrinkle: a child process shares its parent's open files from `fork` until `exec` closes them, the
//! lock file's included, so a store just closed here can stay locked for that instant when another thread
//! is spawning a process. A refusal that names this process's pid while no `Store` of this process holds
//! the directory is that (or a process with the same pid in another PID namespace): it is retried for up
//! to [`INHERITED_GRACE`] before it is reported. Every other refusal is reported at once.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::store::error::StoreError;

/// The name of the lock file in a store directory.
pub(crate) const LOCK_FILE: &str = "LOCK";

/// How long a lock that looks held by a child of this process between `fork` and `exec` is retried.
const INHERITED_GRACE: Duration = Duration::from_millis(500);

/// The directories this process holds locked, canonical: only to tell, when a lock is refused, whether
/// the holder is this process (another `Store`) or another one (whose pid may even equal ours, in
/// another PID namespace).
static HELD: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// The exclusive lock on a store directory, released when dropped (by closing the file).
#[derive(Debug)]
pub(crate) struct DirLock {
    /// Holds the lock as long as it is open; `None` only while dropping.
    file: Option<File>,
    /// The directory as registered in [`HELD`], if it could be canonicalized.
    canonical: Option<PathBuf>,
}

impl DirLock {
    /// Locks `dir` (which exists), failing with [`ErrorKind::Locked`](crate::store::ErrorKind::Locked)
    /// when another process, or another `Store` of this one, holds it: at once, but for the lock a
    /// spawning child may hold for an instant (see the module docs).
    pub(crate) fn acquire(dir: &Path) -> Result<Self, StoreError> {
        let path = dir.join(LOCK_FILE);
        let io_error =
            |error| StoreError::io(format!("cannot lock {}", path.display()), error).at_path(path.clone());
        let canonical = canonical(dir);
        // Not truncated before the lock is ours: the contents are the holder's pid.
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io_error)?;
        let deadline = Instant::now() + INHERITED_GRACE;
        // Held from the lock to the registration, so the two are one step for this process.
        let mut held = loop {
            let held = held();
            // Qualified: `File::try_lock` (Rust 1.89) would shadow the trait method, past the MSRV.
            match fs4::FileExt::try_lock(&file) {
                Ok(()) => break held,
                Err(fs4::TryLockError::WouldBlock) => {
                    let ours = canonical.as_ref().is_some_and(|canonical| held.contains(canonical));
                    let holder = holder(&path);
                    if ours || holder != Some(std::process::id()) || Instant::now() >= deadline {
                        return Err(StoreError::locked(dir, holder, ours));
                    }
                }
                Err(fs4::TryLockError::Error(error)) => return Err(io_error(error)),
            }
            drop(held);
            std::thread::sleep(Duration::from_millis(1));
        };
        file.set_len(0)
            .and_then(|()| writeln!(file, "{}", std::process::id()))
            .and_then(|()| file.flush())
            .map_err(io_error)?;
        if let Some(canonical) = &canonical {
            held.insert(canonical.clone());
        }
        drop(held);
        Ok(Self { file: Some(file), canonical })
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // Unregistered and unlocked in one step, so a refusal never misses a holder in this process.
        let mut held = held();
        if let Some(canonical) = &self.canonical {
            held.remove(canonical);
        }
        drop(self.file.take());
    }
}

/// The registry of [`HELD`] directories.
fn held() -> MutexGuard<'static, BTreeSet<PathBuf>> {
    HELD.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `dir` with symbolic links and `.`/`..` resolved, so one directory has one name in [`HELD`].
fn canonical(dir: &Path) -> Option<PathBuf> {
    fs::canonicalize(dir).ok()
}

/// The pid the holder wrote into the lock file; `None` when it cannot be read (not written yet, or the
/// file is unreadable while locked, as on Windows).
fn holder(path: &Path) -> Option<u32> {
    fs::read_to_string(path).ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::store::tests::TestDir;

    #[test]
    fn a_lock_shared_with_a_spawning_child_is_waited_for_briefly() {
        let dir = TestDir::new("inherited");
        fs::create_dir_all(dir.path()).unwrap();
        let lock = DirLock::acquire(dir.path()).unwrap();
        // What a child holds between `fork` and `exec`: the same open file description.
        let inherited = lock.file.as_ref().unwrap().try_clone().unwrap();
        drop(lock);
        let exec = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            drop(inherited);
        });
        let lock = DirLock::acquire(dir.path()).unwrap();
        exec.join().unwrap();

        // Kept past the grace, it is reported: the holder has this pid, but is no `Store` of this process.
        let inherited = lock.file.as_ref().unwrap().try_clone().unwrap();
        drop(lock);
        let error = DirLock::acquire(dir.path()).unwrap_err();
        assert!(error.is_locked());
        let message = error.to_string();
        assert!(message.contains(&format!("in another process (pid {})", std::process::id())), "{message}");
        drop(inherited);
        drop(DirLock::acquire(dir.path()).unwrap());
    }
}
