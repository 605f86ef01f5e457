//! The streamed body of a file response: byte ranges of an open file read in bounded chunks, interleaved
//! with fixed parts (the headers of a `multipart/byteranges` body), with an exact size hint so the length
//! is sent as `Content-Length`.

use std::collections::VecDeque;
use std::io::SeekFrom;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use http_body::{Frame, SizeHint};
use tokio::fs::File;
use tokio::io::{AsyncRead, AsyncSeek, ReadBuf};
use tokio::sync::OwnedSemaphorePermit;

/// One piece of the body.
#[derive(Debug)]
pub(crate) enum Piece {
    /// Fixed bytes.
    Fixed(Bytes),
    /// `length` bytes of the file from `start`.
    File { start: u64, length: u64 },
}

/// Where the body is in its current piece.
#[derive(Debug)]
enum State {
    /// About to start the next piece.
    Next,
    /// Seeking to a file piece's start (`start_seek` done, waiting for `poll_complete`).
    Seeking { remaining: u64 },
    /// Reading a file piece.
    Reading { remaining: u64 },
}

/// The body of a file response. Holds the open file and, while it lives, one of the open-file permits.
#[derive(Debug)]
pub(crate) struct FileBody {
    file: File,
    pieces: VecDeque<Piece>,
    state: State,
    /// Where the file's cursor is, to skip a seek that would not move it.
    position: u64,
    remaining_total: u64,
    chunk_size: usize,
    buffer: BytesMut,
    _permit: OwnedSemaphorePermit,
}

impl FileBody {
    pub(crate) fn new(
        file: File,
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
            .sum();
        Self {
            file,
            pieces: pieces.into(),
            state: State::Next,
            position: 0,
            remaining_total,
            chunk_size: chunk_size.max(1),
            buffer: BytesMut::new(),
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
            match this.state {
                State::Next => match this.pieces.pop_front() {
                    None => return Poll::Ready(None),
                    Some(Piece::Fixed(bytes)) => {
                        this.remaining_total = this.remaining_total.saturating_sub(bytes.len() as u64);
                        if !bytes.is_empty() {
                            return Poll::Ready(Some(Ok(Frame::data(bytes))));
                        }
                    }
                    Some(Piece::File { length: 0, .. }) => {}
                    Some(Piece::File { start, length }) if start == this.position => {
                        this.state = State::Reading { remaining: length };
                    }
                    Some(Piece::File { start, length }) => {
                        Pin::new(&mut this.file).start_seek(SeekFrom::Start(start))?;
                        this.position = start;
                        this.state = State::Seeking { remaining: length };
                    }
                },
                State::Seeking { remaining } => {
                    std::task::ready!(Pin::new(&mut this.file).poll_complete(cx))?;
                    this.state = State::Reading { remaining };
                }
                State::Reading { remaining } => {
                    let want = usize::try_from(remaining).unwrap_or(usize::MAX).min(this.chunk_size);
                    this.buffer.clear();
                    this.buffer.resize(want, 0);
                    let mut read_buf = ReadBuf::new(&mut this.buffer[..]);
                    std::task::ready!(Pin::new(&mut this.file).poll_read(cx, &mut read_buf))?;
                    let read = read_buf.filled().len();
                    if read == 0 {
                        // The file shrank while being sent: fail the body rather than send a short one
                        // under a `Content-Length` that promised more.
                        return Poll::Ready(Some(Err(std::io::Error::new(
                            std::io::ErrorKind::UnexpectedEof,
                            "the file shrank while it was being sent",
                        ))));
                    }
                    this.buffer.truncate(read);
                    let chunk = this.buffer.split().freeze();
                    let read = read as u64;
                    this.position += read;
                    this.remaining_total = this.remaining_total.saturating_sub(read);
                    let left = remaining - read.min(remaining);
                    this.state = if left == 0 { State::Next } else { State::Reading { remaining: left } };
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
