//! Whole-body extractors: `Bytes`, `String`, `Vec<u8>`, and the streaming [`Body`] itself.

use bytes::Bytes;

use super::rejection::{BodyRejection, InvalidUtf8};
use super::FromRequest;
use crate::body::Body;
use crate::request::RequestParts;

/// The raw body, buffered up to the app's body limit (413 past it).
impl FromRequest for Bytes {
    type Rejection = BodyRejection;

    async fn from_request(parts: &mut RequestParts, body: Body) -> Result<Self, Self::Rejection> {
        Ok(body.collect_limited(parts.body_limit()).await?)
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
            InvalidUtf8::new(format!(
                "request body is not valid UTF-8: {}",
                error.utf8_error()
            ))
            .into()
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
