//! [`HttpError`]: what a handler answers with when it fails, and how any error becomes one with `?`.

use std::borrow::Cow;
use std::fmt;

use http::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::StatusCode;

use super::BoxError;
use crate::response::{IntoResponse, Problem, Response};

/// An error a handler answers with.
///
/// As a response it renders as an RFC 9457 problem document (`application/problem+json`, or plain text when
/// the client's `Accept` prefers it) with [`HttpError::status`] and the public message. A 5xx error built from a
/// cause ([`HttpError::internal`] or `?` on any `std::error::Error`) shows only a generic message: the cause stays
/// on the server.
///
/// ```
/// use velocy::{HttpError, StatusCode};
///
/// let error = HttpError::not_found("no user with id 7");
/// assert_eq!(error.status(), StatusCode::NOT_FOUND);
/// assert_eq!(error.message(), "no user with id 7");
/// ```
pub struct HttpError {
    inner: Box<Inner>,
}

struct Inner {
    status: StatusCode,
    message: Cow<'static, str>,
    source: Option<BoxError>,
    /// Headers the response carries besides the problem's own (`WWW-Authenticate` for a 401).
    headers: HeaderMap,
}

impl HttpError {
    /// An HTTP error with `status` and a message the client may read.
    pub fn new(status: StatusCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self::with_source_of(status, message.into(), None)
    }

    fn with_source_of(status: StatusCode, message: Cow<'static, str>, source: Option<BoxError>) -> Self {
        Self { inner: Box::new(Inner { status, message, source, headers: HeaderMap::new() }) }
    }

    /// 400 Bad Request with `message`.
    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 401 Unauthorized with `message` and `WWW-Authenticate: Bearer`: RFC 9110 §11.6.1 requires a 401 to
    /// carry at least one challenge. For another scheme use [`HttpError::unauthorized_with`].
    ///
    /// ```
    /// use velocy::{HttpError, IntoResponse};
    ///
    /// let response = HttpError::unauthorized("missing token").into_response();
    /// assert_eq!(response.status(), 401);
    /// assert_eq!(response.headers()["www-authenticate"], "Bearer");
    /// ```
    pub fn unauthorized(message: impl Into<Cow<'static, str>>) -> Self {
        Self::unauthorized_with(HeaderValue::from_static("Bearer"), message)
    }

    /// 401 Unauthorized with `message` and the challenge `challenge` in `WWW-Authenticate` (RFC 9110
    /// §11.6.1), such as `Basic realm="admin"` or `Bearer realm="api", error="invalid_token"` (RFC 6750 §3).
    pub fn unauthorized_with(challenge: HeaderValue, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message).with_header(WWW_AUTHENTICATE, challenge)
    }

    /// Adds a header to the response this error answers with, replacing one of the same name it set
    /// (the problem's `Content-Type` cannot be replaced).
    #[must_use]
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.inner.headers.insert(name, value);
        self
    }

    /// 403 Forbidden with `message`.
    pub fn forbidden(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// 404 Not Found with `message`.
    pub fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 409 Conflict with `message`.
    pub fn conflict(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    /// 422 Unprocessable Content with `message`.
    pub fn unprocessable(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    /// 500 Internal Server Error caused by `source`. The client sees a generic message; the cause is kept
    /// for logging ([`std::fmt::Debug`] and [`HttpError::source`]).
    pub fn internal(source: impl Into<BoxError>) -> Self {
        Self::with_source_of(
            StatusCode::INTERNAL_SERVER_ERROR,
            Cow::Borrowed("internal server error"),
            Some(source.into()),
        )
    }

    /// Attaches the underlying cause, kept for logs and never sent to the client.
    #[must_use]
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        self.inner.status
    }

    /// The message shown to the client.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The underlying cause, if one was attached.
    pub fn source(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.inner.source.as_deref()
    }
}

impl fmt::Debug for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("HttpError");
        debug.field("status", &self.inner.status);
        debug.field("message", &self.inner.message);
        if let Some(source) = &self.inner.source {
            debug.field("source", source);
        }
        debug.finish()
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)?;
        if let Some(source) = &self.inner.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

/// Any standard error converts into a 500 whose cause is kept but not shown, so handlers can use `?`.
/// An error whose module registered a mapping (such as the store's: 404 for a
/// missing record, 409 for a duplicate key) keeps the status that mapping gives it.
impl<E> From<E> for HttpError
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn from(source: E) -> Self {
        let mut source: BoxError = Box::new(source);
        for mapping in inventory::iter::<HttpErrorMapping>() {
            source = match (mapping.0)(source) {
                Ok(error) => return error,
                Err(source) => source,
            };
        }
        Self::internal(source)
    }
}

/// How the errors of one module become [`HttpError`]s with their own status through `?`: a function that
/// takes the boxed error and gives back the `HttpError` when the error is of its module's type, or the
/// error unchanged. Registered at link time with `inventory::submit!`, so the module that owns the error
/// type owns its mapping, and this module knows none of them.
pub(crate) struct HttpErrorMapping(pub(crate) fn(BoxError) -> Result<HttpError, BoxError>);

inventory::collect!(HttpErrorMapping);

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let Inner { status, message, source, headers } = *self.inner;
        let mut response = Problem::new(status, message).into_response();
        for (name, value) in headers {
            if let Some(name) = name.filter(|name| *name != CONTENT_TYPE) {
                response.headers_mut().insert(name, value);
            }
        }
        if let Some(source) = source {
            response.extensions_mut().insert(ErrorSource(std::sync::Arc::from(source)));
        }
        response
    }
}

/// The cause of an [`HttpError`] that became a response, kept in the response's extensions for hooks and logs.
#[derive(Debug, Clone)]
pub struct ErrorSource(pub std::sync::Arc<dyn std::error::Error + Send + Sync + 'static>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_cause_from_the_client() {
        let cause = std::io::Error::other("disk on fire");
        let error = HttpError::from(cause);
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(error.message(), "internal server error");
        assert!(error.to_string().contains("disk on fire"));
        let response = error.into_response();
        assert!(response.extensions().get::<ErrorSource>().is_some());
    }

    #[test]
    fn constructors_set_the_status() {
        assert_eq!(HttpError::bad_request("x").status(), StatusCode::BAD_REQUEST);
        assert_eq!(HttpError::conflict("x").status(), StatusCode::CONFLICT);
    }
}
