//! Adapters that box into [`Body`](super::Body): any byte body, and any stream of byte chunks.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use http_body::{Frame, SizeHint};

use crate::error::BoxError;

pin_project_lite::pin_project! {
    /// Adapts an [`http_body::Body`] whose chunks and errors convert into [`Bytes`] and [`BoxError`],
    /// keeping its size hint and end-of-stream signal (`http_body_util`'s `map_frame` drops the size hint,
    /// which would turn a body of known length into a chunked one).
    pub(super) struct BytesBody<B> {
        #[pin]
        inner: B,
    }
}

impl<B> BytesBody<B> {
    pub(super) fn new(inner: B) -> Self {
        Self { inner }
    }
}

impl<B> http_body::Body for BytesBody<B>
where
    B: http_body::Body,
    B::Data: Into<Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let polled = self.project().inner.poll_frame(cx);
        polled
            .map(|frame| frame.map(|frame| frame.map(|frame| frame.map_data(Into::into)).map_err(Into::into)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

pin_project_lite::pin_project! {
    /// Adapts a `Stream` of byte chunks into an `http_body::Body`.
    pub(super) struct StreamBody<S> {
        #[pin]
        stream: S,
    }
}

impl<S> StreamBody<S> {
    pub(super) fn new(stream: S) -> Self {
        Self { stream }
    }
}

impl<S, T, E> http_body::Body for StreamBody<S>
where
    S: Stream<Item = Result<T, E>>,
    T: Into<Bytes>,
    E: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let polled = self.project().stream.poll_next(cx);
        polled
            .map(|chunk| chunk.map(|chunk| chunk.map(|chunk| Frame::data(chunk.into())).map_err(Into::into)))
    }
}
