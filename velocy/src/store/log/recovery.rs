//! Recovery: rebuilding the state from the newest snapshot and the logs after it.
//!
//! A frame that fails to decode is either a *torn tail*, the last write cut short by a crash, or
//! *damage*. It is a torn tail when it is in the newest log and no valid frame follows it: the log is
//! truncated there and opening goes on (nothing acknowledged is lost, because a write is acknowledged
//! only once its whole frame is written). Anywhere else it is damage, and opening fails with
//! [`ErrorKind::Corrupted`](crate::store::ErrorKind::Corrupted) naming the file and offset: records are
//! never dropped silently. Zeros after the last frame are space the writer allocated ahead, not damage.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use super::files::{create_log, log_path, open_for_append, snapshot_path};
use super::format::{
    check_header, read_frame, valid_frame_after, Frame, Reader, HEADER_LEN, KIND_COMMIT, LOG_MAGIC,
};
use super::replay::Replay;
use crate::store::error::StoreError;
use crate::store::snapshot;
use crate::store::state::State;

/// What opening a durable store found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The snapshot generation loaded, if any.
    pub snapshot: Option<u64>,
    /// How many commits were replayed from logs.
    pub commits: u64,
    /// Where a torn tail was cut off: the log file, the offset of the torn frame, and how many bytes were
    /// dropped.
    pub truncated: Option<(PathBuf, u64, u64)>,
}

/// The recovered state, and the log to continue.
pub(crate) struct Recovered {
    pub(crate) state: State,
    pub(crate) last_seq: u64,
    pub(crate) generation: u64,
    pub(crate) file: File,
    pub(crate) log_length: u64,
    pub(crate) snapshot_size: u64,
    pub(crate) report: Report,
}

/// The generations present in `dir`: logs and snapshots. Removes leftover temporary files.
fn generations(dir: &Path) -> Result<(Vec<u64>, Vec<u64>), StoreError> {
    let entries = fs::read_dir(dir).map_err(|error| {
        StoreError::io(format!("cannot list {}", dir.display()), error).at_path(dir.to_owned())
    })?;
    let (mut logs, mut snapshots) = (Vec::new(), Vec::new());
    for entry in entries.flatten() {
        let path = entry.path();
        let (Some(stem), Some(extension)) = (
            path.file_stem().and_then(|stem| stem.to_str()),
            path.extension().and_then(|extension| extension.to_str()),
        ) else {
            continue;
        };
        let Ok(generation) = stem.parse::<u64>() else {
            continue;
        };
        match extension {
            "log" => logs.push(generation),
            "snapshot" => snapshots.push(generation),
            "tmp" => {
                let _ = fs::remove_file(&path);
            }
            _ => {}
        }
    }
    logs.sort_unstable();
    snapshots.sort_unstable();
    Ok((logs, snapshots))
}

/// Removes logs and snapshots older than generation `keep` (best effort: leftovers are ignored and
/// removed by the next compaction or open).
pub(crate) fn remove_older(dir: &Path, keep: u64) {
    if let Ok((logs, snapshots)) = generations(dir) {
        for generation in logs.into_iter().filter(|&generation| generation < keep) {
            let _ = fs::remove_file(log_path(dir, generation));
        }
        for generation in snapshots.into_iter().filter(|&generation| generation < keep) {
            let _ = fs::remove_file(snapshot_path(dir, generation));
        }
    }
}

/// Recovers the store in `dir`.
pub(crate) fn recover(dir: &Path) -> Result<Recovered, StoreError> {
    let (logs, snapshots) = generations(dir)?;
    let mut replay = Replay::default();
    let mut report = Report::default();
    let mut last_seq = 0;
    let mut snapshot_size = 0;
    let start = match snapshots.last() {
        Some(&generation) => {
            let path = snapshot_path(dir, generation);
            let bytes = fs::read(&path).map_err(|error| {
                StoreError::io(format!("cannot read {}", path.display()), error).at_path(path.clone())
            })?;
            snapshot_size = bytes.len() as u64;
            last_seq = snapshot::read(&bytes, &path, &mut replay)?;
            report.snapshot = Some(generation);
            generation
        }
        None => 0,
    };
    let logs: Vec<u64> = logs.into_iter().filter(|&generation| generation >= start).collect();
    let Some(&newest) = logs.last() else {
        let generation = start.max(1);
        let file = create_log(dir, generation)?;
        remove_older(dir, start);
        return Ok(Recovered {
            state: replay.into_state(),
            last_seq,
            generation,
            file,
            log_length: HEADER_LEN as u64,
            snapshot_size,
            report,
        });
    };
    let mut log_length = HEADER_LEN as u64;
    for &generation in &logs {
        let path = log_path(dir, generation);
        let bytes = fs::read(&path).map_err(|error| {
            StoreError::io(format!("cannot read {}", path.display()), error).at_path(path.clone())
        })?;
        check_header(&bytes, LOG_MAGIC, &path)?;
        let mut offset = HEADER_LEN;
        loop {
            match read_frame(&bytes, offset) {
                Frame::End => break,
                Frame::Valid { payload, next } => {
                    last_seq = replay_commit(payload, last_seq, &mut replay)
                        .map_err(|what| StoreError::corrupted(path.clone(), offset as u64, what))?;
                    report.commits += 1;
                    offset = next;
                }
                Frame::Invalid(_) if bytes[offset..].iter().all(|&byte| byte == 0) => {
                    // Space the writer allocated ahead of its writes.
                    break;
                }
                Frame::Invalid(what) => {
                    if generation != newest || valid_frame_after(&bytes, offset) {
                        return Err(StoreError::corrupted(path, offset as u64, what));
                    }
                    truncate(&path, offset as u64)?;
                    report.truncated = Some((path.clone(), offset as u64, (bytes.len() - offset) as u64));
                    break;
                }
            }
        }
        log_length = offset as u64;
    }
    remove_older(dir, start);
    let file = open_for_append(&log_path(dir, newest))?;
    Ok(Recovered {
        state: replay.into_state(),
        last_seq,
        generation: newest,
        file,
        log_length,
        snapshot_size,
        report,
    })
}

/// Applies one commit payload; returns its sequence number.
fn replay_commit(payload: &[u8], last_seq: u64, replay: &mut Replay) -> Result<u64, &'static str> {
    let mut reader = Reader::new(payload);
    if reader.u8()? != KIND_COMMIT {
        return Err("a log frame is not a commit");
    }
    let seq = reader.u64()?;
    if seq <= last_seq {
        return Err("commit sequence numbers go backwards");
    }
    let count = reader.u32()?;
    // Decode every operation before applying any, so a bad frame changes nothing.
    let mut ops = Vec::with_capacity(count.min(1 << 16) as usize);
    for _ in 0..count {
        ops.push(reader.op()?);
    }
    if !reader.is_empty() {
        return Err("trailing bytes after a commit's operations");
    }
    for op in ops {
        replay.apply(op);
    }
    Ok(seq)
}

/// Cuts `path` at `length` bytes, durably.
fn truncate(path: &Path, length: u64) -> Result<(), StoreError> {
    fs::OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|file| {
            file.set_len(length)?;
            file.sync_all()
        })
        .map_err(|error| {
            StoreError::io(format!("cannot truncate {}", path.display()), error).at_path(path.to_owned())
        })
}
