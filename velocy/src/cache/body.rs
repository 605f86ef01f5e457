//! Reading a response body for storage without holding more than the size limit: a body that turns out
//! larger is passed through, the part already read first.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;

use crate::body::{Body, DataStream};
use crate::error::BoxError;

/// A body read for the cache.
pub(crate) enum Captured {
    /// The whole body, within the limit.
    Whole(Bytes),
    /// Larger than the limit (or failed while read): the same bytes, streamed on.
    Passed(Body),
}

/// Reads `body` up to `limit` bytes: [`Captured::Whole`] when it ends within the limit, otherwise a
/// body yielding what was read and then the rest, unbuffered. A size hint already above the limit
/// passes the body through untouched.
pub(crate) async fn capture(body: Body, limit: usize) -> Captured {
    if http_body::Body::size_hint(&body).lower() > limit as u64 {
        return Captured::Passed(body);
    }
    let mut stream = body.into_data_stream();
    let mut chunks = VecDeque::new();
    let mut total = 0usize;
    loop {
        match stream.next_chunk().await {
            None => break,
            Some(Ok(chunk)) => {
                total += chunk.len();
                chunks.push_back(chunk);
                if total > limit {
                    return Captured::Passed(Body::from_stream(Prefixed {
                        chunks,
                        error: None,
                        rest: Some(stream),
                    }));
                }
            }
            Some(Err(error)) => {
                let rest = Prefixed { chunks, error: Some(error), rest: None };
                return Captured::Passed(Body::from_stream(rest));
            }
        }
    }
    if chunks.len() == 1 {
        return Captured::Whole(chunks.pop_front().unwrap_or_default());
    }
    let mut whole = BytesMut::with_capacity(total);
    for chunk in chunks {
        whole.extend_from_slice(&chunk);
    }
    Captured::Whole(whole.freeze())
}

/// The chunks already read, then the read error or the rest of the body.
struct Prefixed {
    chunks: VecDeque<Bytes>,
    error: Option<BoxError>,
    rest: Option<DataStream>,
}

impl Stream for Prefixed {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Some(chunk) = self.chunks.pop_front() {
            return Poll::Ready(Some(Ok(chunk)));
        }
        if let Some(error) = self.error.take() {
            return Poll::Ready(Some(Err(error)));
        }
        match self.rest.as_mut() {
            Some(rest) => Pin::new(rest).poll_next(cx),
            None => Poll::Ready(None),
        }
    }
}
