//! [`CompressedBody`]: a response body encoded chunk by chunk as it streams.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use async_compression::tokio::write::{BrotliEncoder, GzipEncoder, ZstdEncoder};
use async_compression::zstd::CParameter;
use async_compression::Level;
use bytes::Bytes;
use http::HeaderMap;
use http_body::{Frame, SizeHint};
use tokio::io::AsyncWrite;

use super::Coding;
use crate::body::Body;
use crate::error::BoxError;

/// Encoded output past this size is sent at once, without waiting for the producer to pause.
const HIGH_WATER: usize = 64 * 1024;

/// Input read in one poll without any output to send; past it the body yields to the runtime, so a body
/// that compresses extremely well (and is always ready) does not hold the worker thread.
const INPUT_BUDGET: usize = 1024 * 1024;

/// The largest zstd window a response may use, as a power of two: 8 MiB, the limit RFC 9659 §3 sets for
/// the `zstd` content coding (browsers refuse frames asking for more).
const ZSTD_WINDOW_LOG: u32 = 23;

/// The highest zstd level whose own window is at most 8 MiB. Levels 20 to 22 (the "ultra" levels) use
/// 32 to 128 MiB, so their window is capped at [`ZSTD_WINDOW_LOG`]; lower levels keep their own, smaller
/// window (2 MiB at the default level 3), which also keeps the encoder's memory down.
const ZSTD_LEVEL_WITHIN_WINDOW: i32 = 19;

/// The levels the encoders use; see [`Compression`](super::Compression).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Levels {
    pub(super) gzip: u32,
    pub(super) brotli: u32,
    pub(super) zstd: i32,
}

/// One encoder writing into a buffer that the body drains.
#[derive(Debug)]
enum Encoder {
    Gzip(GzipEncoder<Vec<u8>>),
    Brotli(Box<BrotliEncoder<Vec<u8>>>),
    Zstd(ZstdEncoder<Vec<u8>>),
}

impl Encoder {
    fn new(coding: Coding, levels: Levels) -> Self {
        match coding {
            Coding::Gzip => Self::Gzip(GzipEncoder::with_quality(Vec::new(), precise(levels.gzip))),
            Coding::Brotli => {
                Self::Brotli(Box::new(BrotliEncoder::with_quality(Vec::new(), precise(levels.brotli))))
            }
            Coding::Zstd => {
                let level = Level::Precise(levels.zstd);
                let encoder = if levels.zstd > ZSTD_LEVEL_WITHIN_WINDOW {
                    let params = [CParameter::window_log(ZSTD_WINDOW_LOG)];
                    ZstdEncoder::with_quality_and_params(Vec::new(), level, &params)
                } else {
                    ZstdEncoder::with_quality(Vec::new(), level)
                };
                Self::Zstd(encoder)
            }
        }
    }

    fn writer(&mut self) -> Pin<&mut (dyn AsyncWrite + Send + Unpin)> {
        let writer: &mut (dyn AsyncWrite + Send + Unpin) = match self {
            Self::Gzip(encoder) => encoder,
            Self::Brotli(encoder) => &mut **encoder,
            Self::Zstd(encoder) => encoder,
        };
        Pin::new(writer)
    }

    fn output(&mut self) -> &mut Vec<u8> {
        match self {
            Self::Gzip(encoder) => encoder.get_mut(),
            Self::Brotli(encoder) => encoder.get_mut(),
            Self::Zstd(encoder) => encoder.get_mut(),
        }
    }

    /// Encodes all of `data`. The encoder writes into a `Vec`, which is always ready, so polling with a
    /// no-op waker completes at once.
    fn write(&mut self, mut data: &[u8]) -> io::Result<()> {
        let mut cx = Context::from_waker(Waker::noop());
        while !data.is_empty() {
            match self.writer().poll_write(&mut cx, data) {
                Poll::Ready(Ok(0)) => return Err(io::ErrorKind::WriteZero.into()),
                Poll::Ready(Ok(written)) => data = &data[written..],
                Poll::Ready(Err(error)) => return Err(error),
                Poll::Pending => return Err(not_ready()),
            }
        }
        Ok(())
    }

    /// Ends the current block so everything written so far can be decoded (a sync flush).
    fn flush(&mut self) -> io::Result<()> {
        let mut cx = Context::from_waker(Waker::noop());
        match self.writer().poll_flush(&mut cx) {
            Poll::Ready(result) => result,
            Poll::Pending => Err(not_ready()),
        }
    }

    /// Writes the end of the stream (the gzip trailer, the last brotli meta-block, the zstd epilogue).
    fn finish(&mut self) -> io::Result<()> {
        let mut cx = Context::from_waker(Waker::noop());
        match self.writer().poll_shutdown(&mut cx) {
            Poll::Ready(result) => result,
            Poll::Pending => Err(not_ready()),
        }
    }

    fn take(&mut self) -> Bytes {
        Bytes::from(std::mem::take(self.output()))
    }
}

fn precise(level: u32) -> Level {
    Level::Precise(i32::try_from(level).unwrap_or(i32::MAX))
}

fn not_ready() -> io::Error {
    io::Error::other("the compression encoder unexpectedly waited on its in-memory buffer")
}

/// A response body compressed as it streams: each chunk of the inner body is fed to the encoder, and the
/// encoded bytes are sent when the inner body pauses (returns `Pending`, so nothing waits in the encoder
/// while the producer is idle: right for long-polling and server-sent events), when 64 KiB of output
/// accumulated, or at the end. Trailers pass through after the end of the compressed stream. Memory is
/// bounded by one inner chunk plus the encoder's window.
pub(super) struct CompressedBody {
    inner: Body,
    encoder: Encoder,
    /// Input written since the last flush.
    dirty: bool,
    /// The inner body ended; whatever is left is `trailers`.
    finished: bool,
    trailers: Option<HeaderMap>,
}

impl std::fmt::Debug for CompressedBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompressedBody").field("inner", &self.inner).finish_non_exhaustive()
    }
}

impl CompressedBody {
    pub(super) fn new(inner: Body, coding: Coding, levels: Levels) -> Self {
        Self { inner, encoder: Encoder::new(coding, levels), dirty: false, finished: false, trailers: None }
    }

    /// Ends the compressed stream and returns what is left to send.
    fn finish(&mut self) -> Result<Option<Frame<Bytes>>, BoxError> {
        self.finished = true;
        self.encoder.finish()?;
        let rest = self.encoder.take();
        if rest.is_empty() {
            Ok(self.trailers.take().map(Frame::trailers))
        } else {
            Ok(Some(Frame::data(rest)))
        }
    }
}

impl http_body::Body for CompressedBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        if this.finished {
            return Poll::Ready(this.trailers.take().map(|trailers| Ok(Frame::trailers(trailers))));
        }
        let mut read = 0;
        loop {
            match Pin::new(&mut this.inner).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) => {
                        read += data.len();
                        if let Err(error) = this.encoder.write(&data) {
                            this.finished = true;
                            return Poll::Ready(Some(Err(error.into())));
                        }
                        this.dirty |= !data.is_empty();
                        if this.encoder.output().len() >= HIGH_WATER {
                            return Poll::Ready(Some(Ok(Frame::data(this.encoder.take()))));
                        }
                        if read >= INPUT_BUDGET {
                            if this.encoder.output().is_empty() {
                                cx.waker().wake_by_ref();
                                return Poll::Pending;
                            }
                            return Poll::Ready(Some(Ok(Frame::data(this.encoder.take()))));
                        }
                    }
                    Err(frame) => {
                        this.trailers = frame.into_trailers().ok();
                        return Poll::Ready(this.finish().transpose());
                    }
                },
                Poll::Ready(Some(Err(error))) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(error)));
                }
                Poll::Ready(None) => return Poll::Ready(this.finish().transpose()),
                Poll::Pending => {
                    if this.dirty {
                        this.dirty = false;
                        if let Err(error) = this.encoder.flush() {
                            this.finished = true;
                            return Poll::Ready(Some(Err(error.into())));
                        }
                    }
                    let output = this.encoder.take();
                    if output.is_empty() {
                        return Poll::Pending;
                    }
                    return Poll::Ready(Some(Ok(Frame::data(output))));
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.finished && self.trailers.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}
