//! Snapshots: the whole state in one file, written by compaction and read first on open.
//!
//! A snapshot is a file header (`VELOCYSN`) followed by frames: batches of operations (`table` entries
//! for each table's name and auto-increment mark, `put` for each record, `kv set` for each live entry)
//! and a final `end` frame with the sequence number of the last commit it includes and the number of
//! operations. It is written to a temporary file and renamed into place, so it is complete or absent;
//! any damage in it is an error.

use std::path::Path;

use super::error::StoreError;
use super::kv_data::now_millis;
use super::log::format::{
    check_header, file_header, push_frame, read_frame, snapshot_end, Frame, OpsWriter, Reader,
    KIND_SNAPSHOT_BATCH, KIND_SNAPSHOT_END, SNAPSHOT_MAGIC,
};
use super::log::replay::Replay;
use super::state::State;

/// A batch is framed once it holds this many bytes.
const BATCH_BYTES: usize = 256 * 1024;

/// Frames operations into batches.
struct Writer {
    out: Vec<u8>,
    batch: OpsWriter,
    total: u64,
}

impl Writer {
    fn flush(&mut self) {
        if self.batch.count() > 0 {
            let batch = std::mem::replace(&mut self.batch, OpsWriter::snapshot_batch());
            push_frame(&mut self.out, &batch.finish_batch());
        }
    }
}

/// The snapshot of `state`, which includes every commit up to `seq`, as file bytes.
pub(crate) fn encode(state: &State, seq: u64) -> Result<Vec<u8>, StoreError> {
    let mut writer =
        Writer { out: file_header(SNAPSHOT_MAGIC).to_vec(), batch: OpsWriter::snapshot_batch(), total: 0 };
    for (name, &slot) in &state.by_name {
        state.tables[slot].snapshot(name, &mut |ops: &mut OpsWriter| {
            writer.total += u64::from(ops.count());
            writer.batch.append(ops);
            if writer.batch.len() >= BATCH_BYTES {
                writer.flush();
            }
            Ok(())
        })?;
    }
    for (name, raw) in &state.raw {
        writer.batch.table(name, raw.sequence);
        writer.total += 1;
        for (key, value) in &raw.rows {
            writer.batch.put(name, key, value, 0);
            writer.total += 1;
            if writer.batch.len() >= BATCH_BYTES {
                writer.flush();
            }
        }
    }
    let now = now_millis();
    for (key, entry) in state.kv.iter() {
        if entry.expires_at.is_some_and(|at| at <= now) {
            continue;
        }
        writer.batch.kv_set(key, &entry.value, entry.expires_at);
        writer.total += 1;
        if writer.batch.len() >= BATCH_BYTES {
            writer.flush();
        }
    }
    writer.flush();
    push_frame(&mut writer.out, &snapshot_end(seq, writer.total));
    Ok(writer.out)
}

/// Applies the snapshot in `bytes` (read from `path`) to `replay`; returns the sequence number of the last
/// commit it includes.
///
/// # Errors
/// [`ErrorKind::Corrupted`](super::ErrorKind::Corrupted) for any invalid frame or a missing end.
pub(crate) fn read(bytes: &[u8], path: &Path, replay: &mut Replay) -> Result<u64, StoreError> {
    check_header(bytes, SNAPSHOT_MAGIC, path)?;
    let mut offset = super::log::format::HEADER_LEN;
    let mut total = 0u64;
    loop {
        let corrupted = |what| StoreError::corrupted(path.to_owned(), offset as u64, what);
        let (payload, next) = match read_frame(bytes, offset) {
            Frame::Valid { payload, next } => (payload, next),
            Frame::End => return Err(corrupted("the snapshot has no end")),
            Frame::Invalid(what) => return Err(corrupted(what)),
        };
        let mut reader = Reader::new(payload);
        match reader.u8().map_err(corrupted)? {
            KIND_SNAPSHOT_BATCH => {
                let count = reader.u32().map_err(corrupted)?;
                for _ in 0..count {
                    replay.apply(reader.op().map_err(corrupted)?);
                }
                total += u64::from(count);
            }
            KIND_SNAPSHOT_END => {
                let seq = reader.u64().map_err(corrupted)?;
                let expected = reader.u64().map_err(corrupted)?;
                if expected != total || next != bytes.len() {
                    return Err(corrupted("the snapshot's end does not match its contents"));
                }
                return Ok(seq);
            }
            _ => return Err(corrupted("unknown snapshot frame")),
        }
        offset = next;
    }
}
