//! [`Scanner`]: counts the parts of a multipart body and measures each part's header block as the bytes
//! stream past, so that the limits on parts and headers hold before the parser buffers anything.
//!
//! The parser (`multer`) looks for the end of a header block without a bound, and keeps the preamble in
//! memory until the first boundary; this scanner sees the same bytes first and stops the stream as soon as
//! either grows past its limit. It only finds delimiters (`CRLF--boundary`, RFC 2046 §5.1.1): checking the
//! syntax is left to the parser.

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
    /// Before the first boundary.
    Preamble,
    /// In a part's content, looking for the next delimiter.
    Content,
    /// Right after a delimiter, in the header block of a part (or at the `--` closing the body).
    Headers,
    /// After the closing delimiter: the epilogue, ignored.
    Epilogue,
}

/// Counts parts and measures header blocks; see the module docs.
#[derive(Debug)]
pub(crate) struct Scanner {
    /// `CRLF--boundary`.
    delimiter: Vec<u8>,
    /// The last bytes of content seen, fewer than `delimiter.len()`, for delimiters split across chunks.
    tail: Vec<u8>,
    /// The header block read so far (at most `max_header` bytes).
    header: Vec<u8>,
    /// Bytes of preamble seen.
    preamble: usize,
    stage: Stage,
    parts: usize,
    max_parts: usize,
    max_header: usize,
}

impl Scanner {
    /// A scanner for `boundary`, allowing `max_parts` parts and `max_header` bytes per header block.
    pub(crate) fn new(boundary: &str, max_parts: usize, max_header: usize) -> Self {
        let mut delimiter = b"\r\n--".to_vec();
        delimiter.extend_from_slice(boundary.as_bytes());
        // The first boundary may open the body without a CRLF before it.
        let tail = b"\r\n".to_vec();
        Self {
            delimiter,
            tail,
            header: Vec::new(),
            preamble: 0,
            stage: Stage::Preamble,
            parts: 0,
            max_parts,
            max_header,
        }
    }

    /// Feeds the next bytes of the body.
    pub(crate) fn feed(&mut self, mut data: &[u8]) -> Result<(), ScanError> {
        while !data.is_empty() {
            data = match self.stage {
                Stage::Preamble | Stage::Content => self.content(data)?,
                Stage::Headers => self.headers(data)?,
                Stage::Epilogue => return Ok(()),
            };
        }
        Ok(())
    }

    /// Looks for the next delimiter; returns the bytes after it (empty when none was found).
    fn content<'d>(&mut self, data: &'d [u8]) -> Result<&'d [u8], ScanError> {
        let pattern_len = self.delimiter.len();
        let found = self
            .find_across(data)
            .or_else(|| memchr::memmem::find(data, &self.delimiter).map(|start| start + pattern_len));
        match found {
            Some(end) => {
                if self.stage == Stage::Preamble {
                    self.count_preamble(end.saturating_sub(pattern_len))?;
                }
                self.tail.clear();
                self.header.clear();
                self.stage = Stage::Headers;
                Ok(&data[end..])
            }
            None => {
                if self.stage == Stage::Preamble {
                    self.count_preamble(data.len())?;
                }
                let keep = pattern_len - 1;
                if data.len() >= keep {
                    self.tail.clear();
                    self.tail.extend_from_slice(&data[data.len() - keep..]);
                } else {
                    self.tail.extend_from_slice(data);
                    let excess = self.tail.len().saturating_sub(keep);
                    self.tail.drain(..excess);
                }
                Ok(&[])
            }
        }
    }

    /// A delimiter that starts in `tail` and ends in `data`: the offset in `data` just past it.
    fn find_across(&self, data: &[u8]) -> Option<usize> {
        if self.tail.is_empty() {
            return None;
        }
        let head = &data[..data.len().min(self.delimiter.len() - 1)];
        let mut probe = Vec::with_capacity(self.tail.len() + head.len());
        probe.extend_from_slice(&self.tail);
        probe.extend_from_slice(head);
        let start = memchr::memmem::find(&probe, &self.delimiter)?;
        (start < self.tail.len()).then(|| start + self.delimiter.len() - self.tail.len())
    }

    fn count_preamble(&mut self, bytes: usize) -> Result<(), ScanError> {
        self.preamble = self.preamble.saturating_add(bytes);
        if self.preamble > self.max_header {
            return Err(ScanError::HeadersTooLarge(self.max_header));
        }
        Ok(())
    }

    /// Reads a header block up to its blank line; returns the bytes after it.
    fn headers<'d>(&mut self, data: &'d [u8]) -> Result<&'d [u8], ScanError> {
        let before = self.header.len();
        let room = (self.max_header + 1).saturating_sub(before);
        let taken = &data[..data.len().min(room)];
        self.header.extend_from_slice(taken);
        if self.header.starts_with(b"--") {
            self.stage = Stage::Epilogue;
            return Ok(&[]);
        }
        if let Some(index) = memchr::memmem::find(&self.header, b"\r\n\r\n") {
            let end = index + 4;
            if end > self.max_header {
                return Err(ScanError::HeadersTooLarge(self.max_header));
            }
            self.parts += 1;
            if self.parts > self.max_parts {
                return Err(ScanError::TooManyParts(self.max_parts));
            }
            self.header.clear();
            self.stage = Stage::Content;
            return Ok(&data[end - before..]);
        }
        if self.header.len() > self.max_header {
            return Err(ScanError::HeadersTooLarge(self.max_header));
        }
        Ok(&data[taken.len()..])
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
    fn bounds_the_preamble_and_ignores_the_epilogue() {
        let mut data = vec![b'p'; 200];
        data.extend_from_slice(b"\r\n");
        data.extend_from_slice(&body(1));
        data.extend_from_slice(&[b'e'; 500]);
        assert_eq!(scan_in_chunks(&data, 13, 10, 300), Ok(1));
        assert_eq!(scan_in_chunks(&data, 13, 10, 100), Err(ScanError::HeadersTooLarge(100)));
    }

    #[test]
    fn content_that_looks_like_a_boundary_prefix_is_not_one() {
        let data = b"--XB\r\n\r\nab\r\n--X\r\n-XB\r\r\n--XB--".to_vec();
        for chunk in 1..data.len() {
            assert_eq!(scan_in_chunks(&data, chunk, 1, 100), Ok(1), "chunk size {chunk}");
        }
    }
}
