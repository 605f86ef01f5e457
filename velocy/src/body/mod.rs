//! [`Body`]: the one body type of requests and responses.
//!
//! A body is either a complete buffer (the common case for responses: sent with `Content-Length`), the
//! streaming body of an incoming request, or any other [`http_body::Body`] / byte [`Stream`] boxed behind one
//! type. Streamed responses have no length up front: hyper sends them chunked on HTTP/1.1 and
//! close-delimited on HTTP/1.0 (RFC 9112 §6.3).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use http_body::{Frame, SizeHint};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::BodyExt;

use crate::error::BoxError;

mod adapters;

use adapters::{BytesBody, StreamBody};

/// The body of a [`Request`](crate::Request) or [`Response`](crate::Response).
///
/// ```
/// use velocy::Body;
///
/// let body = Body::from("hello");
/// assert_eq!(http_body::Body::size_hint(&body).exact(), Some(5));
/// ```
pub struct Body {
    kind: Kind,
}

enum Kind {
    /// A complete buffer; empty once it has been polled.
    Full(Bytes),
    /// The body of a request read from a connection.
    Incoming(hyper::body::Incoming),
    /// Anything else.
    Boxed(UnsyncBoxBody<Bytes, BoxError>),
    /// A boxed body that already yields [`Bytes`] and [`BoxError`], kept as is (no second box around it):
    /// the lifecycle's reporting body, for one.
    Dyn(Pin<Box<dyn http_body::Body<Data = Bytes, Error = BoxError> + Send>>),
}

impl Body {
    /// An empty body.
    pub const fn empty() -> Self {
        Self { kind: Kind::Full(Bytes::new()) }
    }

    /// Wraps any [`http_body::Body`] whose chunks convert into [`Bytes`]. Its size hint and end-of-stream
    /// signal are kept, so a body of known length is still sent with `Content-Length`.
    pub fn new<B>(body: B) -> Self
    where
        B: http_body::Body + Send + 'static,
        B::Data: Into<Bytes>,
        B::Error: Into<BoxError>,
    {
        Self { kind: Kind::Boxed(UnsyncBoxBody::new(BytesBody::new(body))) }
    }

    /// A body already boxed with the right data and error types, wrapped without another allocation.
    pub(crate) fn from_dyn(
        body: Pin<Box<dyn http_body::Body<Data = Bytes, Error = BoxError> + Send>>,
    ) -> Self {
        Self { kind: Kind::Dyn(body) }
    }

    /// A streaming body from a [`Stream`] of byte chunks. An `Err` item aborts the body: on HTTP/1.1 the
    /// connection is closed without the terminating chunk, so the client sees an incomplete response.
    ///
    /// ```
    /// use velocy::Body;
    ///
    /// let chunks = vec![Ok::<_, std::io::Error>("hello, "), Ok("world")];
    /// let body = Body::from_stream(velocy::body::iter_stream(chunks));
    /// # let _ = body;
    /// ```
    pub fn from_stream<S, T, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<T, E>> + Send + 'static,
        T: Into<Bytes>,
        E: Into<BoxError>,
    {
        Self { kind: Kind::Boxed(UnsyncBoxBody::new(StreamBody::new(stream))) }
    }

    /// Reads the whole body into memory, refusing more than `limit` bytes.
    ///
    /// # Errors
    /// [`BodyReadError::TooLarge`] past `limit` (checked against `Content-Length` style size hints before
    /// reading, then while reading), [`BodyReadError::Read`] when the connection fails.
    pub async fn collect_limited(self, limit: usize) -> Result<Bytes, BodyReadError> {
        if let Kind::Full(bytes) = self.kind {
            return if bytes.len() > limit { Err(BodyReadError::TooLarge { limit }) } else { Ok(bytes) };
        }
        let hint = http_body::Body::size_hint(&self);
        if hint.lower() > limit as u64 {
            return Err(BodyReadError::TooLarge { limit });
        }
        let limited = http_body_util::Limited::new(self, limit);
        match limited.collect().await {
            Ok(collected) => Ok(collected.to_bytes()),
            Err(error) if error.is::<http_body_util::LengthLimitError>() => {
                Err(BodyReadError::TooLarge { limit })
            }
            Err(error) => Err(BodyReadError::Read(error)),
        }
    }

    /// The body as a [`Stream`] of data chunks (trailers are skipped).
    pub fn into_data_stream(self) -> DataStream {
        DataStream { body: self }
    }
}

/// Why [`Body::collect_limited`] failed.
#[derive(Debug)]
pub enum BodyReadError {
    /// The body is longer than `limit` bytes.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// Reading failed (the client went away, or the stream returned an error).
    Read(BoxError),
}

impl fmt::Display for BodyReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { limit } => {
                write!(f, "request body is larger than the limit of {limit} bytes")
            }
            Self::Read(error) => write!(f, "failed to read the request body: {error}"),
        }
    }
}

impl std::error::Error for BodyReadError {}

impl Default for Body {
    fn default() -> Self {
        Self::empty()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Full(bytes) => f.debug_tuple("Body::Full").field(&bytes.len()).finish(),
            Kind::Incoming(_) => f.write_str("Body::Incoming"),
            Kind::Boxed(_) => f.write_str("Body::Boxed"),
            Kind::Dyn(_) => f.write_str("Body::Dyn"),
        }
    }
}

impl From<hyper::body::Incoming> for Body {
    fn from(incoming: hyper::body::Incoming) -> Self {
        Self { kind: Kind::Incoming(incoming) }
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Self { kind: Kind::Full(bytes) }
    }
}

impl From<&'static str> for Body {
    fn from(text: &'static str) -> Self {
        Bytes::from_static(text.as_bytes()).into()
    }
}

impl From<&'static [u8]> for Body {
    fn from(bytes: &'static [u8]) -> Self {
        Bytes::from_static(bytes).into()
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Bytes::from(text).into()
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes::from(bytes).into()
    }
}

impl From<()> for Body {
    fn from((): ()) -> Self {
        Self::empty()
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match &mut self.get_mut().kind {
            Kind::Full(bytes) => {
                if bytes.is_empty() {
                    Poll::Ready(None)
                } else {
                    Poll::Ready(Some(Ok(Frame::data(std::mem::take(bytes)))))
                }
            }
            Kind::Incoming(incoming) => Pin::new(incoming).poll_frame(cx).map_err(Into::into),
            Kind::Boxed(boxed) => Pin::new(boxed).poll_frame(cx),
            Kind::Dyn(body) => body.as_mut().poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Full(bytes) => bytes.is_empty(),
            Kind::Incoming(incoming) => incoming.is_end_stream(),
            Kind::Boxed(boxed) => boxed.is_end_stream(),
            Kind::Dyn(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Full(bytes) => SizeHint::with_exact(bytes.len() as u64),
            Kind::Incoming(incoming) => incoming.size_hint(),
            Kind::Boxed(boxed) => boxed.size_hint(),
            Kind::Dyn(body) => body.size_hint(),
        }
    }
}

/// A [`Body`] read as a [`Stream`] of data chunks; see [`Body::into_data_stream`].
#[derive(Debug)]
pub struct DataStream {
    body: Body,
}

impl DataStream {
    /// The next data chunk; `None` at the end of the body.
    ///
    /// # Errors
    /// The connection failed or the body's stream returned an error.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, BoxError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl Stream for DataStream {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            match http_body::Body::poll_frame(Pin::new(&mut self.body), cx) {
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) => return Poll::Ready(Some(Ok(data))),
                    Err(_trailers) => continue,
                },
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// A [`Stream`] over the items of an iterator, always ready: handy for tests and small bodies.
pub fn iter_stream<I: IntoIterator>(items: I) -> IterStream<I::IntoIter> {
    IterStream { items: items.into_iter() }
}

/// The stream returned by [`iter_stream`].
#[derive(Debug)]
pub struct IterStream<I> {
    items: I,
}

impl<I: Iterator + Unpin> Stream for IterStream<I> {
    type Item = I::Item;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<I::Item>> {
        Poll::Ready(self.items.next())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn full_bodies_respect_the_limit() {
        assert_eq!(Body::from("hello").collect_limited(5).await.unwrap(), "hello");
        assert!(matches!(
            Body::from("hello!").collect_limited(5).await,
            Err(BodyReadError::TooLarge { limit: 5 })
        ));
    }

    #[tokio::test]
    async fn streams_are_limited_while_reading() {
        let chunks = vec![Ok::<_, std::io::Error>("abc"), Ok("def")];
        let body = Body::from_stream(iter_stream(chunks));
        assert!(matches!(body.collect_limited(4).await, Err(BodyReadError::TooLarge { .. })));
        let chunks = vec![Ok::<_, std::io::Error>("abc"), Ok("def")];
        let body = Body::from_stream(iter_stream(chunks));
        assert_eq!(body.collect_limited(6).await.unwrap(), "abcdef");
    }

    #[test]
    fn wrapped_bodies_keep_their_size_hint_and_end() {
        let body = Body::new(http_body_util::Full::new(Bytes::from_static(b"hello")));
        assert_eq!(http_body::Body::size_hint(&body).exact(), Some(5));
        assert!(!http_body::Body::is_end_stream(&body));
        let empty = Body::new(http_body_util::Empty::<Bytes>::new());
        assert_eq!(http_body::Body::size_hint(&empty).exact(), Some(0));
        assert!(http_body::Body::is_end_stream(&empty));
    }

    #[tokio::test]
    async fn stream_errors_surface_as_read_errors() {
        let chunks = vec![Ok("abc"), Err(std::io::Error::other("boom"))];
        let body = Body::from_stream(iter_stream(chunks));
        assert!(matches!(body.collect_limited(100).await, Err(BodyReadError::Read(_))));
    }
}
