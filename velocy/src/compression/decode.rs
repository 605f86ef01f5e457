//! [`RequestDecompression`]: the middleware that decodes compressed request bodies.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use async_compression::tokio::bufread::{BrotliDecoder, GzipDecoder, ZstdDecoder};
use async_compression::zstd::DParameter;
use bytes::Bytes;
use futures_core::Stream;
use futures_util::StreamExt;
use http::header::{HeaderValue, ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_LENGTH};
use http::StatusCode;
use tokio::io::{AsyncBufRead, AsyncRead, BufReader};
use tokio_util::io::{ReaderStream, StreamReader};

use super::{Coding, Enabled};
use crate::body::Body;
use crate::error::{BoxError, HttpError};
use crate::extract::rejection::{BodyReadFailed, PayloadTooLarge};
use crate::future::BoxFuture;
use crate::middleware::{Middleware, Next};
use crate::request::Request;
use crate::response::{IntoResponse, Response};

/// The most codings one request may stack (`Content-Encoding: gzip, br` is two).
const MAX_CODINGS: usize = 3;

/// The largest chunk the decoded body yields: the decoder never holds more output than this.
const CHUNK: usize = 16 * 1024;

/// The zstd window a request may use, as a power of two: 8 MiB, the limit RFC 9659 §3 sets for the `zstd`
/// content coding (a larger window would let a small request claim a large decoder buffer).
const ZSTD_WINDOW_LOG_MAX: u32 = 23;

/// Decodes request bodies sent with `Content-Encoding: gzip`, `br` or `zstd` (RFC 9110 §8.4), so handlers
/// and extractors see the identity bytes. Off unless attached; attach it to the routes that take
/// compressed uploads (or to the app).
///
/// * Stacked codings (`Content-Encoding: gzip, br`: gzip applied first) are decoded in reverse order, at
///   most three; `identity` members are ignored. Concatenated gzip members (and zstd frames) are decoded
///   as one body.
/// * A coding that is not supported or switched off is refused with `415 Unsupported Media Type` and an
///   `Accept-Encoding` response header listing the codings this middleware decodes (RFC 9110 §15.5.16,
///   §12.5.3), before the handler runs.
/// * The body limit applies to the **decoded** size, and to every stage before it: the compressed body as
///   received and, for stacked codings, each intermediate layer's output, so decoding costs work in
///   proportion to the limit even for data that decodes to nothing (millions of empty gzip members). The
///   limit is the request's [`body_limit`](crate::RequestParts::body_limit) when the middleware runs (the
///   app's, or a [`BodyLimit`](crate::middleware::BodyLimit) attached outside this middleware), or
///   [`max_decoded_size`](Self::max_decoded_size). Past it, at any stage, the body stops with a
///   [`PayloadTooLarge`] error: buffering extractors (`Json`, `Form`, `Bytes`, `String`) answer `413`, and
///   a handler reading the [`Body`] stream gets an error that downcasts to [`PayloadTooLarge`] (itself a
///   413 response). Decoding is pulled 16 KiB at a time and stops there, so a zip bomb costs no more than
///   one chunk plus the decoder's window (32 KiB for gzip, at most 8 MiB for zstd and 16 MiB for brotli),
///   whatever it would expand to.
/// * Data that does not decode (corrupt or truncated) ends the body with a [`BodyReadFailed`] error:
///   `400 Bad Request` from the buffering extractors.
/// * The request passed on has no `Content-Encoding` and no `Content-Length` (the decoded length is not
///   known in advance), so extractors and inner middleware that read those headers see the decoded body's.
///   This middleware may change them although the head is otherwise read-only after routing: routing
///   never depends on them.
///
/// ```
/// use velocy::compression::RequestDecompression;
/// use velocy::{Json, Route, Method};
///
/// let route = Route::new(Method::POST, "/ingest", |Json(value): Json<serde_json::Value>| async move {
///     value.to_string()
/// })
/// .middleware(RequestDecompression::new().max_decoded_size(8 * 1024 * 1024));
/// # let _ = route;
/// ```
#[derive(Debug, Clone, Copy)]
#[must_use]
pub struct RequestDecompression {
    enabled: Enabled,
    max_decoded_size: Option<usize>,
}

impl Default for RequestDecompression {
    fn default() -> Self {
        Self::new()
    }
}

impl RequestDecompression {
    /// Decodes gzip, br and zstd, limited to the request's body limit.
    pub fn new() -> Self {
        Self { enabled: Enabled::ALL, max_decoded_size: None }
    }

    /// Decodes gzip (on by default).
    pub fn gzip(mut self, on: bool) -> Self {
        self.enabled.set(Coding::Gzip, on);
        self
    }

    /// Decodes brotli, `br` (on by default).
    pub fn brotli(mut self, on: bool) -> Self {
        self.enabled.set(Coding::Brotli, on);
        self
    }

    /// Decodes zstd (on by default).
    pub fn zstd(mut self, on: bool) -> Self {
        self.enabled.set(Coding::Zstd, on);
        self
    }

    /// The largest decoded body, in bytes, instead of the request's body limit; it also caps the compressed
    /// body and each intermediate layer of stacked codings.
    pub fn max_decoded_size(mut self, bytes: usize) -> Self {
        self.max_decoded_size = Some(bytes);
        self
    }

    /// The `Accept-Encoding` value of a 415: the enabled codings, or `identity` when none is.
    fn accepted(&self) -> HeaderValue {
        let list: Vec<&str> = self.enabled.in_order().map(Coding::as_str).collect();
        if list.is_empty() {
            return HeaderValue::from_static("identity");
        }
        HeaderValue::from_str(&list.join(", ")).unwrap_or_else(|_| HeaderValue::from_static("identity"))
    }

    /// The request's codings in the order they were applied, or the 415 to answer.
    fn codings(&self, request: &Request) -> Result<Vec<Coding>, Response> {
        let mut codings = Vec::new();
        for value in request.headers().get_all(CONTENT_ENCODING) {
            let Ok(text) = value.to_str() else {
                return Err(self.unsupported("the request's Content-Encoding is not valid text".into()));
            };
            for token in text.split(',').map(str::trim).filter(|token| !token.is_empty()) {
                if token.eq_ignore_ascii_case("identity") {
                    continue;
                }
                match Coding::from_token(token).filter(|coding| self.enabled.contains(*coding)) {
                    Some(coding) => codings.push(coding),
                    None => {
                        return Err(self.unsupported(format!(
                            "the request body's content coding `{token}` is not supported"
                        )))
                    }
                }
            }
        }
        if codings.len() > MAX_CODINGS {
            return Err(self.unsupported(format!(
                "the request body has {} content codings; at most {MAX_CODINGS} are decoded",
                codings.len()
            )));
        }
        Ok(codings)
    }

    fn unsupported(&self, detail: String) -> Response {
        HttpError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, detail)
            .with_header(ACCEPT_ENCODING, self.accepted())
            .into_response()
    }
}

impl Middleware for RequestDecompression {
    fn call(&self, mut request: Request, next: Next) -> BoxFuture<'static, Response> {
        let codings = match self.codings(&request) {
            Ok(codings) => codings,
            Err(response) => return Box::pin(std::future::ready(response)),
        };
        if codings.is_empty() {
            return next.run(request);
        }
        let limit = self.max_decoded_size.unwrap_or_else(|| request.parts().body_limit());
        let headers = &mut request.parts_mut().head.headers;
        headers.remove(CONTENT_ENCODING);
        headers.remove(CONTENT_LENGTH);
        let body = std::mem::take(request.body_mut());
        *request.body_mut() = decoded(body, &codings, limit);
        next.run(request)
    }
}

/// `body` decoded from `codings` (in the order they were applied), limited to `limit` bytes at every
/// stage: the compressed input, each intermediate layer's output and the decoded body. Capping only the
/// decoded body would let a body decode to nothing at great cost (`Content-Encoding: gzip, gzip` whose
/// inner layer is millions of empty gzip members), so the work is bounded by the limit, whatever the
/// decoded size.
fn decoded(body: Body, codings: &[Coding], limit: usize) -> Body {
    let mut received = 0usize;
    let compressed = body.into_data_stream().map(move |chunk| match chunk {
        Ok(chunk) => {
            received = received.saturating_add(chunk.len());
            if received > limit {
                Err(io::Error::other(TooLarge(Stage::Input)))
            } else {
                Ok(chunk)
            }
        }
        Err(error) => Err(io::Error::other(Transport(error))),
    });
    let mut input: Pin<Box<dyn AsyncBufRead + Send>> = Box::pin(StreamReader::new(compressed));
    let mut layers = codings.iter().rev().peekable();
    let reader: Pin<Box<dyn AsyncRead + Send>> = loop {
        let Some(coding) = layers.next() else {
            break Box::pin(input);
        };
        let reader = decoder(*coding, input);
        if layers.peek().is_none() {
            break reader;
        }
        let layer = Limited { inner: reader, remaining: limit };
        input = Box::pin(BufReader::with_capacity(CHUNK, layer));
    };
    let stream = ReaderStream::with_capacity(reader, CHUNK);
    let codings = codings.iter().map(|coding| coding.as_str()).collect::<Vec<_>>().join(", ");
    Body::from_stream(DecodedStream { inner: stream, limit, decoded: 0, done: false, codings })
}

/// Which stage of decoding went past the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// The compressed body as received.
    Input,
    /// The output of a layer that is itself still encoded (`gzip, br`: the output of the brotli decoder).
    Layer,
}

/// A stage of decoding went past the limit; carried through the decoders as an [`io::Error`].
#[derive(Debug)]
struct TooLarge(Stage);

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Stage::Input => f.write_str("the compressed request body is larger than the limit"),
            Stage::Layer => f.write_str("a decoded layer of the request body is larger than the limit"),
        }
    }
}

impl std::error::Error for TooLarge {}

/// An intermediate layer's output, refused past `remaining` bytes.
struct Limited {
    inner: Pin<Box<dyn AsyncRead + Send>>,
    remaining: usize,
}

impl AsyncRead for Limited {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = self.inner.as_mut().poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            let read = buf.filled().len() - before;
            match self.remaining.checked_sub(read) {
                Some(remaining) => self.remaining = remaining,
                None => return Poll::Ready(Err(io::Error::other(TooLarge(Stage::Layer)))),
            }
        }
        polled
    }
}

/// A decoder of `coding` reading `input`.
fn decoder(coding: Coding, input: Pin<Box<dyn AsyncBufRead + Send>>) -> Pin<Box<dyn AsyncRead + Send>> {
    match coding {
        Coding::Gzip => {
            let mut decoder = GzipDecoder::new(input);
            decoder.multiple_members(true);
            Box::pin(decoder)
        }
        Coding::Brotli => Box::pin(BrotliDecoder::new(input)),
        Coding::Zstd => {
            let window = [DParameter::window_log_max(ZSTD_WINDOW_LOG_MAX)];
            let mut decoder = ZstdDecoder::with_params(input, &window);
            decoder.multiple_members(true);
            Box::pin(decoder)
        }
    }
}

/// An error of the compressed body itself (the connection, a timeout), carried through the decoder
/// unchanged.
#[derive(Debug)]
struct Transport(BoxError);

impl std::fmt::Display for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Transport {}

/// The decoded chunks, counted against the limit, with errors turned into rejections.
struct DecodedStream<S> {
    inner: S,
    limit: usize,
    decoded: usize,
    done: bool,
    /// The codings' tokens, for error messages.
    codings: String,
}

impl<S> Stream for DecodedStream<S>
where
    S: Stream<Item = io::Result<Bytes>> + Unpin,
{
    type Item = Result<Bytes, BoxError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        let polled = Pin::new(&mut self.inner).poll_next(cx);
        match polled {
            Poll::Ready(Some(Ok(chunk))) => {
                self.decoded = self.decoded.saturating_add(chunk.len());
                if self.decoded > self.limit {
                    self.done = true;
                    let limit = self.limit;
                    let detail =
                        format!("the decoded request body is larger than the limit of {limit} bytes");
                    return Poll::Ready(Some(Err(Box::new(PayloadTooLarge::new(detail)))));
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(error))) => {
                self.done = true;
                if let Some(TooLarge(stage)) = error.get_ref().and_then(|inner| inner.downcast_ref()) {
                    let limit = self.limit;
                    let detail = match stage {
                        Stage::Input => {
                            format!("the compressed request body is larger than the limit of {limit} bytes")
                        }
                        Stage::Layer => format!(
                            "a decoded layer of the request body ({}) is larger than the limit of {limit} bytes",
                            self.codings
                        ),
                    };
                    return Poll::Ready(Some(Err(Box::new(PayloadTooLarge::new(detail)))));
                }
                if error.get_ref().is_some_and(|inner| inner.is::<Transport>()) {
                    if let Some(Ok(transport)) = error.into_inner().map(|inner| inner.downcast::<Transport>())
                    {
                        return Poll::Ready(Some(Err(transport.0)));
                    }
                    return Poll::Ready(Some(Err(Box::new(BodyReadFailed::new(
                        "reading the request body failed",
                    )))));
                }
                let detail = format!("the request body is not valid {} data: {error}", self.codings);
                Poll::Ready(Some(Err(Box::new(BodyReadFailed::new(detail)))))
            }
            Poll::Ready(None) => {
                self.done = true;
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
