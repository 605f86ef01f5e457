//! [`Scanner`]: counts the parts of a multipart body and measures each part's header block as the bytes
//! stream past, so that the limits on parts and headers hold before the parser buffers anything.
//!
//! The parser (`multer`) looks for the end of a header block without a bound, and keeps the preamble in
//! memory until the first boundary; this scanner sees the same bytes first and stops the stream as soon as
//! either grows past its limit. To measure what the parser buffers it follows the parser's grammar, not
//! only RFC 2046 §5.1.1:
//!
//! * the first boundary is the first `--boundary` anywhere in the body (no line break needed before it);
//!   the bytes before it are the preamble;
//! * after a boundary, `--` closes the body (the rest is the epilogue); otherwise spaces and tabs
//!   (transport padding) and a CRLF end the boundary line, and the header block starts right after that
//!   CRLF and ends with the first `CRLF CRLF` in it (so a part with no headers needs a blank line of its
//!   own after the boundary line's CRLF, as the parser reads it);
//! * the content runs to the next `CRLF--boundary`.
//!
//! A header block is measured from the end of its boundary, padding and the boundary line's CRLF
//! included: the parser never holds more of it than that. Checking the syntax is left to the parser: a
//! boundary line that is not padding and CRLF makes the parser fail, and the scanner ignores the rest.

use std::fmt;

/// A limit the scanner found exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScanError {
    /// The body has more than this many parts.
    TooManyParts(usize),
    /// A part's header block (or the preamble) is longer than this many bytes.
    HeadersTooLarge(usize),
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooManyParts(limit) => write!(f, "the multipart body has more than {limit} parts"),
            Self::HeadersTooLarge(limit) => {
                write!(f, "a part's header block is larger than the limit of {limit} bytes")
            }
        }
    }
}

/// Where the scanner is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Before the first `--boundary`.
    Preamble,
    /// Right after a boundary: `--` closes the body, anything else starts the boundary line's end.
    AfterBoundary,
    /// One `-` after a boundary: a second one closes the body.
    Dash,
    /// In the transport padding (spaces, tabs) after a boundary, before its CRLF.
    Padding,
    /// After the CR of the boundary line's CRLF.
    Cr,
    /// In a part's header block, looking for its `CRLF CRLF`.
    Headers,
    /// In a part's content, looking for the next `CRLF--boundary`.
    Content,
    /// After the closing delimiter (the epilogue), or after a boundary line the parser refuses: ignored.
    Done,
}

/// Counts parts and measures header blocks; see the module docs.
#[derive(Debug)]
pub(crate) struct Scanner {
    /// `--boundary`: the first boundary.
    first: Vec<u8>,
    /// `CRLF--boundary`: every later one.
    delimiter: Vec<u8>,
    /// The last bytes of the preamble, content or header block seen (fewer than the pattern looked for),
    /// for a pattern split across chunks.
    tail: Vec<u8>,
    /// Bytes of preamble seen, the start of a possible boundary at its end included.
    preamble: usize,
    /// Bytes of the current header block seen, from the end of its boundary.
    block: usize,
    /// Bytes fed so far.
    offset: usize,
    stage: Stage,
    parts: usize,
    max_parts: usize,
    max_header: usize,
    /// Where each header block ended (the offset just past its `CRLF CRLF`), when recording.
    ends: Option<Vec<usize>>,
}

impl Scanner {
    /// A scanner for `boundary`, allowing `max_parts` parts and `max_header` bytes per header block.
    pub(crate) fn new(boundary: &str, max_parts: usize, max_header: usize) -> Self {
        let mut first = b"--".to_vec();
        first.extend_from_slice(boundary.as_bytes());
        let mut delimiter = b"\r\n".to_vec();
        delimiter.extend_from_slice(&first);
        Self {
            first,
            delimiter,
            tail: Vec::new(),
            preamble: 0,
            block: 0,
            offset: 0,
            stage: Stage::Preamble,
            parts: 0,
            max_parts,
            max_header,
            ends: None,
        }
    }

    /// A scanner that also records where each header block ends ([`header_ends`](Self::header_ends)).
    pub(crate) fn recording(boundary: &str, max_parts: usize, max_header: usize) -> Self {
        Self { ends: Some(Vec::new()), ..Self::new(boundary, max_parts, max_header) }
    }

    /// The offsets just past the `CRLF CRLF` of every header block so far, when recording.
    pub(crate) fn header_ends(&self) -> &[usize] {
        self.ends.as_deref().unwrap_or_default()
    }

    /// Feeds the next bytes of the body.
    pub(crate) fn feed(&mut self, mut data: &[u8]) -> Result<(), ScanError> {
        while !data.is_empty() {
            let used = match self.stage {
                Stage::Preamble => self.preamble(data)?,
                Stage::AfterBoundary | Stage::Dash | Stage::Padding | Stage::Cr => {
                    self.boundary_line(data)?
                }
                Stage::Headers => self.headers(data)?,
                Stage::Content => self.content(data),
                Stage::Done => data.len(),
            };
            self.offset += used;
            data = &data[used..];
        }
        Ok(())
    }

    /// Looks for the first boundary; returns the bytes used.
    fn preamble(&mut self, data: &[u8]) -> Result<usize, ScanError> {
        let pattern_len = self.first.len();
        match find(&self.tail, data, &self.first) {
            Some(end) => {
                // The preamble is everything before the boundary.
                let start = (self.preamble + end).saturating_sub(pattern_len);
                if start > self.max_header {
                    return Err(ScanError::HeadersTooLarge(self.max_header));
                }
                self.enter(Stage::AfterBoundary);
                Ok(end)
            }
            None => {
                self.preamble = self.preamble.saturating_add(data.len());
                keep_tail(&mut self.tail, data, pattern_len - 1);
                // The bytes that may still start the boundary are not preamble yet.
                let pending = (1..=self.tail.len().min(pattern_len - 1))
                    .rev()
                    .find(|&length| self.tail.ends_with(&self.first[..length]))
                    .unwrap_or(0);
                if self.preamble - pending > self.max_header {
                    return Err(ScanError::HeadersTooLarge(self.max_header));
                }
                Ok(data.len())
            }
        }
    }

    /// The end of a boundary line: `--`, or transport padding and CRLF; returns the bytes used.
    fn boundary_line(&mut self, data: &[u8]) -> Result<usize, ScanError> {
        for (index, &byte) in data.iter().enumerate() {
            let next = match (self.stage, byte) {
                (Stage::AfterBoundary, b'-') => Stage::Dash,
                // `--boundary--`: the close (the parser stops here); `--boundary-x`: refused by the parser.
                (Stage::Dash, _) => {
                    self.stage = Stage::Done;
                    return Ok(index + 1);
                }
                (Stage::AfterBoundary | Stage::Padding, b' ' | b'\t') => Stage::Padding,
                (Stage::AfterBoundary | Stage::Padding, b'\r') => Stage::Cr,
                (Stage::Cr, b'\n') => Stage::Headers,
                // Anything else: the parser refuses the boundary line.
                _ => {
                    self.stage = Stage::Done;
                    return Ok(index + 1);
                }
            };
            if next != Stage::Dash {
                self.block += 1;
                if self.block > self.max_header {
                    return Err(ScanError::HeadersTooLarge(self.max_header));
                }
            }
            self.stage = next;
            if next == Stage::Headers {
                self.tail.clear();
                return Ok(index + 1);
            }
        }
        Ok(data.len())
    }

    /// Reads a header block up to its `CRLF CRLF`; returns the bytes used.
    fn headers(&mut self, data: &[u8]) -> Result<usize, ScanError> {
        const END: &[u8] = b"\r\n\r\n";
        match find(&self.tail, data, END) {
            Some(end) => {
                if self.block.saturating_add(end) > self.max_header {
                    return Err(ScanError::HeadersTooLarge(self.max_header));
                }
                self.parts += 1;
                if self.parts > self.max_parts {
                    return Err(ScanError::TooManyParts(self.max_parts));
                }
                if let Some(ends) = &mut self.ends {
                    ends.push(self.offset + end);
                }
                self.enter(Stage::Content);
                Ok(end)
            }
            None => {
                self.block = self.block.saturating_add(data.len());
                if self.block > self.max_header {
                    return Err(ScanError::HeadersTooLarge(self.max_header));
                }
                keep_tail(&mut self.tail, data, END.len() - 1);
                Ok(data.len())
            }
        }
    }

    /// Looks for the next delimiter in a part's content; returns the bytes used.
    fn content(&mut self, data: &[u8]) -> usize {
        match find(&self.tail, data, &self.delimiter) {
            Some(end) => {
                self.enter(Stage::AfterBoundary);
                end
            }
            None => {
                keep_tail(&mut self.tail, data, self.delimiter.len() - 1);
                data.len()
            }
        }
    }

    /// Moves to `stage` with nothing carried over.
    fn enter(&mut self, stage: Stage) {
        self.stage = stage;
        self.tail.clear();
        self.block = 0;
    }
}

/// The first `pattern` in the bytes `tail` (seen before, shorter than `pattern`) followed by `data`: the
/// offset in `data` just past it.
fn find(tail: &[u8], data: &[u8], pattern: &[u8]) -> Option<usize> {
    if !tail.is_empty() {
        let head = &data[..data.len().min(pattern.len() - 1)];
        let mut probe = Vec::with_capacity(tail.len() + head.len());
        probe.extend_from_slice(tail);
        probe.extend_from_slice(head);
        if let Some(start) = memchr::memmem::find(&probe, pattern) {
            if start < tail.len() {
                return Some(start + pattern.len() - tail.len());
            }
        }
    }
    memchr::memmem::find(data, pattern).map(|start| start + pattern.len())
}

/// Keeps the last `keep` bytes of `tail` followed by `data` in `tail`.
fn keep_tail(tail: &mut Vec<u8>, data: &[u8], keep: usize) {
    if data.len() >= keep {
        tail.clear();
        tail.extend_from_slice(&data[data.len() - keep..]);
    } else {
        tail.extend_from_slice(data);
        let excess = tail.len().saturating_sub(keep);
        tail.drain(..excess);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(parts: usize) -> Vec<u8> {
        let mut body = Vec::new();
        for index in 0..parts {
            body.extend_from_slice(
                format!("--XB\r\nContent-Disposition: form-data; name=\"f{index}\"\r\n\r\nvalue {index}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(b"--XB--\r\n");
        body
    }

    fn scan_in_chunks(
        data: &[u8],
        chunk: usize,
        max_parts: usize,
        max_header: usize,
    ) -> Result<usize, ScanError> {
        let mut scanner = Scanner::new("XB", max_parts, max_header);
        for piece in data.chunks(chunk) {
            scanner.feed(piece)?;
        }
        Ok(scanner.parts)
    }

    /// Feeds `data` in `chunk`-byte pieces until the scanner fails: the error and how many bytes had been
    /// fed then (the failing piece included), or `None` when it never failed.
    fn fed_until_error(data: &[u8], chunk: usize, max_header: usize) -> Option<(ScanError, usize)> {
        let mut scanner = Scanner::new("XB", 100, max_header);
        let mut fed = 0;
        for piece in data.chunks(chunk) {
            fed += piece.len();
            if let Err(error) = scanner.feed(piece) {
                return Some((error, fed));
            }
        }
        None
    }

    /// `head` followed by 1 MiB without a `CRLF CRLF`.
    fn attack(head: &[u8]) -> Vec<u8> {
        let mut data = head.to_vec();
        data.extend(std::iter::repeat_n(b'a', 1 << 20));
        data
    }

    /// The header limit fires within the limit's bytes (plus the piece being fed) of the block's start,
    /// whatever the chunking: the parser never buffers more than the limit.
    fn assert_rejected_early(data: &[u8], block_start: usize) {
        const LIMIT: usize = 400;
        for chunk in [1, 2, 3, 7, 64, 4096, data.len()] {
            let (error, fed) = fed_until_error(data, chunk, LIMIT)
                .unwrap_or_else(|| panic!("chunk size {chunk}: not rejected"));
            assert_eq!(error, ScanError::HeadersTooLarge(LIMIT), "chunk size {chunk}");
            if chunk < data.len() {
                assert!(
                    fed <= block_start + LIMIT + chunk,
                    "chunk size {chunk}: {fed} bytes fed before the 400"
                );
            }
        }
    }

    #[test]
    fn counts_parts_whatever_the_chunking() {
        let data = body(5);
        for chunk in 1..data.len() {
            assert_eq!(scan_in_chunks(&data, chunk, 5, 100), Ok(5), "chunk size {chunk}");
            assert_eq!(scan_in_chunks(&data, chunk, 4, 100), Err(ScanError::TooManyParts(4)));
        }
    }

    #[test]
    fn measures_header_blocks() {
        let data = body(2);
        let block = "\r\nContent-Disposition: form-data; name=\"f0\"\r\n\r\n".len();
        for chunk in [1, 3, 7, 1000] {
            assert_eq!(scan_in_chunks(&data, chunk, 10, block), Ok(2));
            assert_eq!(
                scan_in_chunks(&data, chunk, 10, block - 1),
                Err(ScanError::HeadersTooLarge(block - 1))
            );
        }
    }

    #[test]
    fn records_where_each_header_block_ends() {
        let data = b"--XB \t\r\nA: b\r\n\r\nv\r\n--XB\r\n\r\n\r\nw\r\n--XB--";
        for chunk in 1..=data.len() {
            let mut scanner = Scanner::recording("XB", 10, 100);
            for piece in data.chunks(chunk) {
                scanner.feed(piece).unwrap_or_else(|error| panic!("chunk size {chunk}: {error}"));
            }
            assert_eq!(scanner.header_ends(), &[16, 29], "chunk size {chunk}");
        }
    }

    #[test]
    fn an_empty_line_right_after_the_boundary_line_does_not_end_the_headers() {
        // The parser reads the header block from after the boundary line's CRLF: `--XB\r\n\r\n` has not
        // ended it, so everything after is buffered as headers until the next `CRLF CRLF`.
        assert_rejected_early(&attack(b"--XB\r\n\r\n"), 4);
        assert_rejected_early(&attack(b"--XB\r\nContent-Disposition: form-data; name=\"a\"\r\n"), 4);
    }

    #[test]
    fn transport_padding_counts_and_does_not_end_the_boundary_line() {
        assert_rejected_early(&attack(b"--XB \t\r\n\r\n"), 4);
        let mut padded = b"--XB".to_vec();
        padded.extend(std::iter::repeat_n(b' ', 1 << 20));
        assert_rejected_early(&padded, 4);
        let ok = b"--XB \t \r\nA: b\r\n\r\nv\r\n--XB\t\r\nA: c\r\n\r\nw\r\n--XB--";
        for chunk in 1..ok.len() {
            assert_eq!(scan_in_chunks(ok, chunk, 2, 100), Ok(2), "chunk size {chunk}");
        }
    }

    #[test]
    fn the_first_boundary_needs_no_line_break_before_it() {
        assert_rejected_early(&attack(b"x--XB\r\n\r\n"), 5);
        assert_rejected_early(&attack(b"preamble--XB \t\r\n\r\n"), 12);
        let data = b"x--XB\r\nA: b\r\n\r\nv\r\n--XB--";
        for chunk in 1..data.len() {
            assert_eq!(scan_in_chunks(data, chunk, 1, 100), Ok(1), "chunk size {chunk}");
        }
    }

    #[test]
    fn bounds_the_preamble_and_ignores_the_epilogue() {
        let mut data = vec![b'p'; 200];
        data.extend_from_slice(b"\r\n");
        data.extend_from_slice(&body(1));
        data.extend_from_slice(&[b'e'; 500]);
        assert_eq!(scan_in_chunks(&data, 13, 10, 300), Ok(1));
        assert_eq!(scan_in_chunks(&data, 13, 10, 100), Err(ScanError::HeadersTooLarge(100)));
        assert_rejected_early(&attack(b""), 0);
    }

    #[test]
    fn a_boundary_split_across_chunks_is_not_preamble() {
        // Exactly the limit of preamble, then the boundary: whatever the chunking, the boundary's own bytes
        // never count as preamble; one more byte of preamble is refused.
        for (preamble, expected) in [(100, Ok(1)), (101, Err(ScanError::HeadersTooLarge(100)))] {
            let mut data = vec![b'-'; preamble];
            data.extend_from_slice(&body(1));
            for chunk in 1..data.len() {
                assert_eq!(scan_in_chunks(&data, chunk, 10, 100), expected, "chunk size {chunk}");
            }
        }
    }

    #[test]
    fn a_refused_boundary_line_or_the_close_stops_the_scan() {
        // The parser fails on `--XB  --` and `--XB-x` and stops at `--XB--`: nothing after counts.
        for head in [&b"--XB  --\r\n"[..], b"--XB-x\r\n", b"--XB--", b"--XB\rx"] {
            let data = attack(head);
            assert_eq!(scan_in_chunks(&data, 5, 0, 10), Ok(0), "{head:?}");
        }
    }

    #[test]
    fn content_that_looks_like_a_boundary_prefix_is_not_one() {
        let data = b"--XB\r\nA: b\r\n\r\nab\r\n--X\r\n-XB\r\r\n--XB--".to_vec();
        for chunk in 1..data.len() {
            assert_eq!(scan_in_chunks(&data, chunk, 1, 100), Ok(1), "chunk size {chunk}");
        }
    }
}
