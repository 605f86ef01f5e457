//! [`Guard`]: the request body as the parser reads it, with the body-wide limits applied.
//!
//! It counts bytes against the total limit, runs the [`Scanner`] (parts, header blocks), fails when the
//! body stalls longer than the idle timeout, and hands the parser one chunk per poll: `multer` pulls every
//! ready chunk into its buffer in one go, so without the pause a fast client could fill memory.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;

use super::scan::{ScanError, Scanner};
use crate::body::DataStream;
use crate::error::BoxError;

/// Why the guarded stream stopped.
#[derive(Debug)]
pub(crate) enum GuardError {
    /// The body is longer than this many bytes.
    TooLarge(u64),
    /// A part or header limit was exceeded.
    Scan(ScanError),
    /// No chunk arrived for this long.
    Timeout(Duration),
    /// Reading failed.
    Read(BoxError),
}

impl fmt::Display for GuardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge(limit) => {
                write!(f, "the multipart body is larger than the limit of {limit} bytes")
            }
            Self::Scan(error) => error.fmt(f),
            Self::Timeout(after) => {
                write!(f, "the request body stalled for more than {} seconds", after.as_secs_f64())
            }
            Self::Read(error) => write!(f, "failed to read the request body: {error}"),
        }
    }
}

impl std::error::Error for GuardError {}

/// The guarded body stream; see the module docs.
pub(crate) struct Guard {
    body: DataStream,
    scanner: Scanner,
    read: u64,
    limit: u64,
    idle: Duration,
    timer: Pin<Box<tokio::time::Sleep>>,
    /// A chunk was just handed out: the next poll pauses once.
    paused: bool,
    /// The timer runs: the body was pending since it was armed (time the parser spends elsewhere does
    /// not count as the client's).
    waiting: bool,
    /// An error was returned: the stream is over.
    done: bool,
}

impl fmt::Debug for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Guard").field("read", &self.read).field("limit", &self.limit).finish_non_exhaustive()
    }
}

impl Guard {
    pub(crate) fn new(body: DataStream, scanner: Scanner, limit: u64, idle: Duration) -> Self {
        Self {
            body,
            scanner,
            read: 0,
            limit,
            idle,
            timer: Box::pin(tokio::time::sleep(idle)),
            paused: false,
            waiting: false,
            done: false,
        }
    }

    fn fail(&mut self, error: GuardError) -> Poll<Option<Result<Bytes, GuardError>>> {
        self.done = true;
        Poll::Ready(Some(Err(error)))
    }
}

impl Stream for Guard {
    type Item = Result<Bytes, GuardError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        if this.paused {
            this.paused = false;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        match Pin::new(&mut this.body).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                this.read = this.read.saturating_add(chunk.len() as u64);
                if this.read > this.limit {
                    return this.fail(GuardError::TooLarge(this.limit));
                }
                if let Err(error) = this.scanner.feed(&chunk) {
                    return this.fail(GuardError::Scan(error));
                }
                this.waiting = false;
                this.paused = true;
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(error))) => this.fail(GuardError::Read(error)),
            Poll::Ready(None) => {
                this.done = true;
                Poll::Ready(None)
            }
            Poll::Pending => {
                if !this.waiting {
                    this.waiting = true;
                    if let Some(deadline) = tokio::time::Instant::now().checked_add(this.idle) {
                        this.timer.as_mut().reset(deadline);
                    }
                }
                match this.timer.as_mut().poll(cx) {
                    Poll::Ready(()) => this.fail(GuardError::Timeout(this.idle)),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}
