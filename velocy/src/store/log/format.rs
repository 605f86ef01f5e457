//! The byte layout of the store's files (format version 1): file headers, checksummed frames and the
//! operations inside them. `docs/store.md` ("File format") describes it for readers of the files.
//!
//! Every integer is little-endian. A file is a 16-byte header followed by frames:
//!
//! ```text
//! header  magic (8 bytes: "VELOCYLG" for logs, "VELOCYSN" for snapshots) | version u32 | flags u32 (0)
//! frame   marker u32 (0x4D52_4356, "VCRM") | payload length u32 | CRC-32 (IEEE) of the payload u32 | payload
//! ```

use crate::store::error::{ErrorKind, StoreError};

/// The first bytes of a log file.
pub(crate) const LOG_MAGIC: [u8; 8] = *b"VELOCYLG";
/// The first bytes of a snapshot file.
pub(crate) const SNAPSHOT_MAGIC: [u8; 8] = *b"VELOCYSN";
/// The version of the format written by this code, and the only one it reads.
pub(crate) const FORMAT_VERSION: u32 = 1;
/// Bytes before the first frame.
pub(crate) const HEADER_LEN: usize = 16;
/// Starts every frame; lets recovery tell a torn tail from a damaged record followed by good ones.
pub(crate) const FRAME_MARKER: u32 = 0x4D52_4356;
/// Bytes of a frame before its payload.
pub(crate) const FRAME_HEADER_LEN: usize = 12;
/// The largest payload a frame may carry (1 GiB).
pub(crate) const MAX_PAYLOAD: usize = 1 << 30;

/// Payload kind: one committed transaction (`seq u64`, `count u32`, then `count` operations).
pub(crate) const KIND_COMMIT: u8 = 1;
/// Payload kind: a batch of snapshot operations (`count u32`, then `count` operations).
pub(crate) const KIND_SNAPSHOT_BATCH: u8 = 2;
/// Payload kind: the end of a snapshot (`seq u64`, the last commit it contains; `ops u64`, how many
/// operations it holds).
pub(crate) const KIND_SNAPSHOT_END: u8 = 3;
/// Bytes of a commit payload before its operations: kind, sequence number, operation count.
pub(crate) const COMMIT_HEADER_LEN: usize = 1 + 8 + 4;

const OP_PUT: u8 = 1;
const OP_DELETE: u8 = 2;
const OP_KV_SET: u8 = 3;
const OP_KV_DELETE: u8 = 4;
const OP_TABLE: u8 = 5;

/// The 16-byte header of a file starting with `magic`.
pub(crate) fn file_header(magic: [u8; 8]) -> [u8; HEADER_LEN] {
    let mut header = [0u8; HEADER_LEN];
    header[..8].copy_from_slice(&magic);
    header[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    header
}

/// Checks the header of `bytes`, a whole file that should start with `magic`.
pub(crate) fn check_header(bytes: &[u8], magic: [u8; 8], path: &std::path::Path) -> Result<(), StoreError> {
    let Some(header) = bytes.get(..HEADER_LEN) else {
        return Err(StoreError::corrupted(path.to_owned(), 0, "the file is shorter than its header"));
    };
    if header[..8] != magic {
        return Err(StoreError::corrupted(path.to_owned(), 0, "not a velocy store file"));
    }
    let version = u32::from_le_bytes([header[8], header[9], header[10], header[11]]);
    if version != FORMAT_VERSION {
        return Err(StoreError::new(
            ErrorKind::UnsupportedFormat,
            format!(
                "{} uses store format version {version}; this velocy reads version {FORMAT_VERSION}",
                path.display()
            ),
        )
        .at_path(path.to_owned()));
    }
    Ok(())
}

/// Appends a frame holding `payload` to `out`.
pub(crate) fn push_frame(out: &mut Vec<u8>, payload: &[u8]) {
    out.reserve(FRAME_HEADER_LEN + payload.len());
    out.extend_from_slice(&FRAME_MARKER.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(payload);
}

/// What [`read_frame`] found at an offset.
#[derive(Debug)]
pub(crate) enum Frame<'a> {
    /// A valid frame: its payload and the offset of the next frame.
    Valid { payload: &'a [u8], next: usize },
    /// The file ends exactly here.
    End,
    /// Something that is not a valid frame, and why.
    Invalid(&'static str),
}

fn u32_at(bytes: &[u8], offset: usize) -> Option<u32> {
    let slice = bytes.get(offset..offset + 4)?;
    Some(u32::from_le_bytes([slice[0], slice[1], slice[2], slice[3]]))
}

/// Reads the frame starting at `offset` of `bytes`.
pub(crate) fn read_frame(bytes: &[u8], offset: usize) -> Frame<'_> {
    if offset == bytes.len() {
        return Frame::End;
    }
    let (Some(marker), Some(length), Some(crc)) =
        (u32_at(bytes, offset), u32_at(bytes, offset + 4), u32_at(bytes, offset + 8))
    else {
        return Frame::Invalid("a frame header is cut short");
    };
    if marker != FRAME_MARKER {
        return Frame::Invalid("no frame marker");
    }
    let length = length as usize;
    if length == 0 || length > MAX_PAYLOAD {
        return Frame::Invalid("impossible frame length");
    }
    let start = offset + FRAME_HEADER_LEN;
    let Some(payload) = bytes.get(start..start + length) else {
        return Frame::Invalid("a frame is cut short");
    };
    if crc32fast::hash(payload) != crc {
        return Frame::Invalid("checksum mismatch");
    }
    Frame::Valid { payload, next: start + length }
}

/// Whether a valid frame starts anywhere after `offset`: tells a damaged record in the middle of a log
/// (valid frames follow it) from a torn tail (nothing valid follows).
pub(crate) fn valid_frame_after(bytes: &[u8], offset: usize) -> bool {
    let marker = FRAME_MARKER.to_le_bytes();
    let mut position = offset + 1;
    while position + FRAME_HEADER_LEN <= bytes.len() {
        match bytes[position..].windows(4).position(|window| window == marker) {
            Some(found) => {
                let candidate = position + found;
                if matches!(read_frame(bytes, candidate), Frame::Valid { .. }) {
                    return true;
                }
                position = candidate + 1;
            }
            None => return false,
        }
    }
    false
}

/// Operations being encoded into a payload, with their count.
#[derive(Debug, Default)]
pub(crate) struct OpsWriter {
    bytes: Vec<u8>,
    count: u32,
}

impl OpsWriter {
    /// An empty commit payload: room for the header, then operations.
    pub(crate) fn commit() -> Self {
        Self { bytes: vec![0; COMMIT_HEADER_LEN], count: 0 }
    }

    /// An empty snapshot batch payload.
    pub(crate) fn snapshot_batch() -> Self {
        let mut bytes = Vec::with_capacity(64 * 1024);
        bytes.push(KIND_SNAPSHOT_BATCH);
        bytes.extend_from_slice(&0u32.to_le_bytes());
        Self { bytes, count: 0 }
    }

    /// How many operations were written.
    pub(crate) fn count(&self) -> u32 {
        self.count
    }

    /// Appends the operations of `other` (a writer made with `default()`, which has no header).
    pub(crate) fn append(&mut self, other: &OpsWriter) {
        self.bytes.extend_from_slice(&other.bytes);
        self.count += other.count;
    }

    /// Bytes written so far.
    pub(crate) fn len(&self) -> usize {
        self.bytes.len()
    }

    fn string16(&mut self, value: &str) {
        let length = value.len().min(u16::MAX as usize);
        self.bytes.extend_from_slice(&(length as u16).to_le_bytes());
        self.bytes.extend_from_slice(&value.as_bytes()[..length]);
    }

    fn bytes32(&mut self, value: &[u8]) {
        self.bytes.extend_from_slice(&(value.len() as u32).to_le_bytes());
        self.bytes.extend_from_slice(value);
    }

    /// `put`: table (u16 length + UTF-8), key (u32 length + bytes), record (u32 length + JSON), the
    /// table's auto-increment high-water mark (u64).
    pub(crate) fn put(&mut self, table: &str, key: &[u8], value: &[u8], sequence: u64) {
        self.bytes.push(OP_PUT);
        self.string16(table);
        self.bytes32(key);
        self.bytes32(value);
        self.bytes.extend_from_slice(&sequence.to_le_bytes());
        self.count += 1;
    }

    /// `delete`: table, key.
    pub(crate) fn delete(&mut self, table: &str, key: &[u8]) {
        self.bytes.push(OP_DELETE);
        self.string16(table);
        self.bytes32(key);
        self.count += 1;
    }

    /// `kv set`: key (u32 length + UTF-8), value (u32 length + bytes), expiry in milliseconds since the
    /// Unix epoch (u64, 0 for none).
    pub(crate) fn kv_set(&mut self, key: &str, value: &[u8], expires_at: Option<u64>) {
        self.bytes.push(OP_KV_SET);
        self.bytes32(key.as_bytes());
        self.bytes32(value);
        self.bytes.extend_from_slice(&expires_at.unwrap_or(0).to_le_bytes());
        self.count += 1;
    }

    /// `kv delete`: key.
    pub(crate) fn kv_delete(&mut self, key: &str) {
        self.bytes.push(OP_KV_DELETE);
        self.bytes32(key.as_bytes());
        self.count += 1;
    }

    /// `table` (snapshots only): a table's name and auto-increment high-water mark, so that empty tables
    /// and sequences survive compaction.
    pub(crate) fn table(&mut self, table: &str, sequence: u64) {
        self.bytes.push(OP_TABLE);
        self.string16(table);
        self.bytes.extend_from_slice(&sequence.to_le_bytes());
        self.count += 1;
    }

    /// The finished commit payload with sequence number `seq`.
    pub(crate) fn finish_commit(mut self, seq: u64) -> Vec<u8> {
        self.bytes[0] = KIND_COMMIT;
        self.bytes[1..9].copy_from_slice(&seq.to_le_bytes());
        self.bytes[9..13].copy_from_slice(&self.count.to_le_bytes());
        self.bytes
    }

    /// The finished snapshot batch payload.
    pub(crate) fn finish_batch(mut self) -> Vec<u8> {
        self.bytes[1..5].copy_from_slice(&self.count.to_le_bytes());
        self.bytes
    }
}

/// The payload ending a snapshot whose state includes every commit up to `seq` and holds `ops` operations.
pub(crate) fn snapshot_end(seq: u64, ops: u64) -> Vec<u8> {
    let mut payload = Vec::with_capacity(17);
    payload.push(KIND_SNAPSHOT_END);
    payload.extend_from_slice(&seq.to_le_bytes());
    payload.extend_from_slice(&ops.to_le_bytes());
    payload
}

/// One decoded operation, borrowing from its payload.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Op<'a> {
    /// A record written: table, encoded key, JSON record, auto-increment high-water mark.
    Put { table: &'a str, key: &'a [u8], value: &'a [u8], sequence: u64 },
    /// A record deleted.
    Delete { table: &'a str, key: &'a [u8] },
    /// A key-value entry written.
    KvSet { key: &'a str, value: &'a [u8], expires_at: Option<u64> },
    /// A key-value entry deleted.
    KvDelete { key: &'a str },
    /// A table and its high-water mark (snapshots).
    Table { table: &'a str, sequence: u64 },
}

/// Reads values from the front of a payload.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn take(&mut self, count: usize) -> Result<&'a [u8], &'static str> {
        if self.bytes.len() < count {
            return Err("an operation is cut short");
        }
        let (head, rest) = self.bytes.split_at(count);
        self.bytes = rest;
        Ok(head)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, &'static str> {
        Ok(self.take(1)?[0])
    }

    pub(crate) fn u32(&mut self) -> Result<u32, &'static str> {
        let bytes = self.take(4)?;
        Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    pub(crate) fn u64(&mut self) -> Result<u64, &'static str> {
        let bytes = self.take(8)?;
        let mut array = [0u8; 8];
        array.copy_from_slice(bytes);
        Ok(u64::from_le_bytes(array))
    }

    fn string16(&mut self) -> Result<&'a str, &'static str> {
        let bytes = self.take(2)?;
        let length = u16::from_le_bytes([bytes[0], bytes[1]]) as usize;
        std::str::from_utf8(self.take(length)?).map_err(|_| "a table name is not UTF-8")
    }

    fn bytes32(&mut self) -> Result<&'a [u8], &'static str> {
        let length = self.u32()? as usize;
        self.take(length)
    }

    fn string32(&mut self) -> Result<&'a str, &'static str> {
        std::str::from_utf8(self.bytes32()?).map_err(|_| "a key is not UTF-8")
    }

    /// The next operation.
    pub(crate) fn op(&mut self) -> Result<Op<'a>, &'static str> {
        match self.u8()? {
            OP_PUT => Ok(Op::Put {
                table: self.string16()?,
                key: self.bytes32()?,
                value: self.bytes32()?,
                sequence: self.u64()?,
            }),
            OP_DELETE => Ok(Op::Delete { table: self.string16()?, key: self.bytes32()? }),
            OP_KV_SET => Ok(Op::KvSet {
                key: self.string32()?,
                value: self.bytes32()?,
                expires_at: Some(self.u64()?).filter(|&at| at != 0),
            }),
            OP_KV_DELETE => Ok(Op::KvDelete { key: self.string32()? }),
            OP_TABLE => Ok(Op::Table { table: self.string16()?, sequence: self.u64()? }),
            _ => Err("unknown operation"),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn operations_round_trip() {
        let mut ops = OpsWriter::commit();
        ops.put("User", b"\x01", b"{}", 7);
        ops.delete("User", b"\x02");
        ops.kv_set("k", b"v", Some(99));
        ops.kv_set("k2", b"", None);
        ops.kv_delete("k");
        let payload = ops.finish_commit(42);
        let mut reader = Reader::new(&payload);
        assert_eq!(reader.u8().unwrap(), KIND_COMMIT);
        assert_eq!(reader.u64().unwrap(), 42);
        assert_eq!(reader.u32().unwrap(), 5);
        assert_eq!(reader.op().unwrap(), Op::Put { table: "User", key: b"\x01", value: b"{}", sequence: 7 });
        assert!(matches!(reader.op().unwrap(), Op::Delete { .. }));
        assert_eq!(reader.op().unwrap(), Op::KvSet { key: "k", value: b"v", expires_at: Some(99) });
        assert!(matches!(reader.op().unwrap(), Op::KvSet { expires_at: None, .. }));
        assert_eq!(reader.op().unwrap(), Op::KvDelete { key: "k" });
        assert!(reader.is_empty());
    }

    #[test]
    fn frames_detect_damage() {
        let mut file = Vec::new();
        push_frame(&mut file, b"hello");
        push_frame(&mut file, b"world");
        let Frame::Valid { payload, next } = read_frame(&file, 0) else { panic!("first frame") };
        assert_eq!(payload, b"hello");
        assert!(matches!(read_frame(&file, next), Frame::Valid { .. }));
        file[FRAME_HEADER_LEN] ^= 1;
        assert!(matches!(read_frame(&file, 0), Frame::Invalid("checksum mismatch")));
        assert!(valid_frame_after(&file, 0));
        let second = next;
        file.truncate(second + 5);
        assert!(matches!(read_frame(&file, second), Frame::Invalid(_)));
        assert!(!valid_frame_after(&file, second));
    }
}
