//! The files of a store directory: the paths of each generation's log and snapshot, and writing them
//! safely (atomically replaced, directory synced).

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::format::{file_header, LOG_MAGIC};
use crate::store::error::StoreError;

/// The path of log generation `generation`.
pub(crate) fn log_path(dir: &Path, generation: u64) -> PathBuf {
    dir.join(format!("{generation:08}.log"))
}

/// The path of snapshot generation `generation`.
pub(crate) fn snapshot_path(dir: &Path, generation: u64) -> PathBuf {
    dir.join(format!("{generation:08}.snapshot"))
}

/// Makes the directory's entries (created, renamed, removed files) durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|directory| directory.sync_all())
        .map_err(|error| StoreError::io("cannot sync the store directory", error))
}

/// Writes `bytes` to `path` through a temporary file renamed into place, synced, so `path` is either
/// absent or complete.
pub(crate) fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let temporary = path.with_extension("tmp");
    let result = File::create(&temporary)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| fs::rename(&temporary, path));
    result.map_err(|error| {
        StoreError::io(format!("cannot write {}", path.display()), error).at_path(path.to_owned())
    })?;
    sync_dir(dir)
}

/// Creates log generation `generation` (its header only) and opens it for appending.
pub(crate) fn create_log(dir: &Path, generation: u64) -> Result<File, StoreError> {
    let path = log_path(dir, generation);
    write_atomically(dir, &path, &file_header(LOG_MAGIC))?;
    open_for_append(&path)
}

/// Opens an existing log for writing (the writer positions every write).
pub(crate) fn open_for_append(path: &Path) -> Result<File, StoreError> {
    OpenOptions::new().write(true).open(path).map_err(|error| {
        StoreError::io(format!("cannot open {}", path.display()), error).at_path(path.to_owned())
    })
}
