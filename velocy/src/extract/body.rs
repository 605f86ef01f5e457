//! Whole-body extractors: `Bytes`, `String`, `Vec<u8>`, and the streaming [`Body`] itself.

use bytes::Bytes;

use super::rejection::{BodyRejection, BodyTimeout, InvalidUtf8};
use super::FromRequest;
use crate::body::Body;
use crate::request::RequestParts;

/// Reads a whole body for a buffering extractor: at most the request's body limit (413 past it, answered
/// before reading when `Content-Length` already says so, so `Expect: 100-continue` clients never send it),
/// within the body read timeout (408).
pub(crate) async fn read_body(parts: &RequestParts, body: Body) -> Result<Bytes, BodyRejection> {
    let timeout = parts.app.body_read_timeout;
    match tokio::time::timeout(timeout, body.collect_limited(parts.body_limit())).await {
        Ok(result) => Ok(result?),
        Err(_) => Err(BodyTimeout::new(format!(
            "the request body did not arrive within {} seconds",
            timeout.as_secs_f64()
        ))
        .into()),
    }
}

/// The raw body, buffered up to the app's body limit (413 past it).
impl FromRequest for Bytes {
    type Rejection = BodyRejection;

    async fn from_request(parts: &mut RequestParts, body: Body) -> Result<Self, Self::Rejection> {
        read_body(parts, body).await
    }
}

/// The raw body as a vector, buffered up to the app's body limit (413 past it).
impl FromRequest for Vec<u8> {
    type Rejection = BodyRejection;

    async fn from_request(parts: &mut RequestParts, body: Body) -> Result<Self, Self::Rejection> {
        Ok(Bytes::from_request(parts, body).await?.into())
    }
}

/// The body as UTF-8 text, buffered up to the app's body limit (413 past it, 400 when not UTF-8).
impl FromRequest for String {
    type Rejection = BodyRejection;

    async fn from_request(parts: &mut RequestParts, body: Body) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(parts, body).await?;
        String::from_utf8(bytes.into()).map_err(|error| {
            InvalidUtf8::new(format!("request body is not valid UTF-8: {}", error.utf8_error())).into()
        })
    }
}

/// The body itself, unread: stream it with [`Body::into_data_stream`] or read it with
/// [`Body::collect_limited`]. Never fails.
impl FromRequest for Body {
    type Rejection = std::convert::Infallible;

    async fn from_request(_parts: &mut RequestParts, body: Body) -> Result<Self, Self::Rejection> {
        Ok(body)
    }
}
