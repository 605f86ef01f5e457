//! The streamed body of a file response: byte ranges of an open file read in bounded chunks, interleaved
//! with fixed parts (the headers of a `multipart/byteranges` body), with an exact size hint so the length
//! is sent as `Content-Length`.

use std::collections::VecDeque;
use std::fs::File;
use std::future::Future;
use std::io::{Read, Seek, SeekFrom};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use tokio::sync::OwnedSemaphorePermit;
use tokio::task::JoinHandle;

/// One piece of the body.
#[derive(Debug)]
pub(crate) enum Piece {
    /// Fixed bytes.
    Fixed(Bytes),
    /// `length` bytes of the file from `start`.
    File { start: u64, length: u64 },
}

/// What a blocking read hands back: the file, where its cursor now is, and the bytes read.
type ReadResult = (File, u64, std::io::Result<Bytes>);

/// Where the body is in its current piece.
#[derive(Debug)]
enum State {
    /// About to start the next piece.
    Next,
    /// Reading a file piece: `remaining` bytes from `offset`, none in flight.
    Reading { offset: u64, remaining: u64 },
    /// A chunk being read on the blocking pool (which holds the file meanwhile).
    InFlight { handle: JoinHandle<ReadResult>, offset: u64, remaining: u64 },
    /// A read failed or the file was lost: the body is over.
    Failed,
}

/// The body of a file response. Holds the open file and, while it lives, one of the open-file permits.
///
/// Each chunk is one blocking read of at most `chunk_size` bytes into a fresh buffer, which becomes the
/// frame as is (no intermediate buffer, no copy).
#[derive(Debug)]
pub(crate) struct FileBody {
    /// The file, when no read is in flight.
    file: Option<File>,
    pieces: VecDeque<Piece>,
    state: State,
    /// Where the file's cursor is, to skip a seek that would not move it.
    position: u64,
    remaining_total: u64,
    chunk_size: usize,
    _permit: OwnedSemaphorePermit,
}

/// Reads up to `want` bytes at `offset`: the file back, its cursor, and the bytes (empty at the end of
/// the file).
fn read_chunk(mut file: File, position: u64, offset: u64, want: usize) -> ReadResult {
    let mut read = || -> std::io::Result<Bytes> {
        if position != offset {
            file.seek(SeekFrom::Start(offset))?;
        }
        // Zero-filled then read with as few `read` calls as the kernel allows (usually one):
        // `read_to_end` would split the chunk into 8, 16 and 32 KiB reads.
        let mut buffer = vec![0; want];
        let read = fill(&mut file, &mut buffer)?;
        buffer.truncate(read);
        Ok(Bytes::from(buffer))
    };
    let result = read();
    let position = match &result {
        Ok(bytes) => offset + bytes.len() as u64,
        // Unknown: force a seek next time.
        Err(_) => u64::MAX,
    };
    (file, position, result)
}

/// Reads into `buffer` until it is full or the file ends; the number of bytes read.
pub(crate) fn fill(file: &mut File, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

impl FileBody {
    /// The body sending `pieces`, reading `file` (whose cursor is at `position`) in reads of at most
    /// `chunk_size` bytes.
    pub(crate) fn new(
        file: File,
        position: u64,
        pieces: Vec<Piece>,
        chunk_size: usize,
        permit: OwnedSemaphorePermit,
    ) -> Self {
        let remaining_total = pieces
            .iter()
            .map(|piece| match piece {
                Piece::Fixed(bytes) => bytes.len() as u64,
                Piece::File { length, .. } => *length,
            })
            .fold(0u64, u64::saturating_add);
        Self {
            file: Some(file),
            pieces: pieces.into(),
            state: State::Next,
            position,
            remaining_total,
            chunk_size: chunk_size.max(1),
            _permit: permit,
        }
    }
}

impl http_body::Body for FileBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        loop {
            match std::mem::replace(&mut this.state, State::Failed) {
                State::Failed => return Poll::Ready(None),
                State::Next => match this.pieces.pop_front() {
                    None => {
                        this.state = State::Next;
                        return Poll::Ready(None);
                    }
                    Some(Piece::Fixed(bytes)) => {
                        this.state = State::Next;
                        this.remaining_total = this.remaining_total.saturating_sub(bytes.len() as u64);
                        if !bytes.is_empty() {
                            return Poll::Ready(Some(Ok(Frame::data(bytes))));
                        }
                    }
                    Some(Piece::File { length: 0, .. }) => this.state = State::Next,
                    Some(Piece::File { start, length }) => {
                        this.state = State::Reading { offset: start, remaining: length };
                    }
                },
                State::Reading { offset, remaining } => {
                    let Some(file) = this.file.take() else {
                        return Poll::Ready(Some(Err(std::io::Error::other("the file was lost"))));
                    };
                    let want = usize::try_from(remaining).unwrap_or(usize::MAX).min(this.chunk_size);
                    let position = this.position;
                    let handle =
                        tokio::task::spawn_blocking(move || read_chunk(file, position, offset, want));
                    this.state = State::InFlight { handle, offset, remaining };
                }
                State::InFlight { mut handle, offset, remaining } => {
                    let (file, position, result) = match Pin::new(&mut handle).poll(cx) {
                        Poll::Pending => {
                            this.state = State::InFlight { handle, offset, remaining };
                            return Poll::Pending;
                        }
                        Poll::Ready(Ok(done)) => done,
                        Poll::Ready(Err(error)) => {
                            return Poll::Ready(Some(Err(std::io::Error::other(error))));
                        }
                    };
                    this.file = Some(file);
                    this.position = position;
                    let chunk = match result {
                        Ok(chunk) => chunk,
                        Err(error) => return Poll::Ready(Some(Err(error))),
                    };
                    if chunk.is_empty() {
                        // The file shrank while being sent: fail the body rather than send a short one
                        // under a `Content-Length` that promised more.
                        return Poll::Ready(Some(Err(std::io::Error::new(
                            std::io::ErrorKind::UnexpectedEof,
                            "the file shrank while it was being sent",
                        ))));
                    }
                    let read = (chunk.len() as u64).min(remaining);
                    this.remaining_total = this.remaining_total.saturating_sub(read);
                    let left = remaining - read;
                    this.state = if left == 0 {
                        State::Next
                    } else {
                        State::Reading { offset: offset + read, remaining: left }
                    };
                    return Poll::Ready(Some(Ok(Frame::data(chunk))));
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.remaining_total == 0 && matches!(self.state, State::Next) && self.pieces.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining_total)
    }
}
