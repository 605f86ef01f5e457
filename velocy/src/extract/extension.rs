//! [`Extension<T>`]: a typed value stored in the request by middleware.

use super::rejection::MissingExtension;
use super::FromRequestParts;
use crate::request::RequestParts;

/// A clone of the request extension of type `T`. Middleware inserts it
/// (`request.parts_mut().extensions_mut().insert(value)`), handlers read it by type. As a response part it
/// inserts `T` into the response's extensions.
///
/// # Rejections
/// [`MissingExtension`] (500) when nothing inserted a `T`: a wiring mistake, not a client error. Take
/// `Option<Extension<T>>` when the value is optional.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extension<T>(pub T);

impl<T: Clone + Send + Sync + 'static> FromRequestParts for Extension<T> {
    type Rejection = MissingExtension;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        parts.extensions().get::<T>().cloned().map(Extension).ok_or_else(|| {
            // Never the type's name: that is the server's business, not the client's.
            MissingExtension::new(
                "a value this request needs was not added by the middleware that provides it",
            )
        })
    }
}
