//! The framework's error type: [`Error`] and [`Result`].
//!
//! One opaque type serves two audiences:
//!
//! * **handlers** return it (usually through `Result<T, Error>`) to answer with an HTTP error: it carries a
//!   status code, a message that is safe to show the client, and optionally the underlying cause, which is
//!   kept for logs but never sent;
//! * **the framework** returns it when an application cannot start: a route table with conflicts, a missing
//!   `State<T>`, an address that cannot be bound.
//!
//! Ask what happened with the `is_*` predicates and [`Error::status`]; the representation stays private so it
//! can evolve.

use std::borrow::Cow;
use std::fmt;

use http::StatusCode;

use crate::response::{IntoResponse, Problem, Response};

/// A boxed error that can cross threads; the error type of bodies and causes.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// `Result<T, velocy::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error a handler answers with, or that stops an application from starting.
///
/// As a response it renders as an RFC 9457 problem document (`application/problem+json`, or plain text when
/// the client's `Accept` prefers it) with [`Error::status`] and the public message. A 5xx error built from a
/// cause ([`Error::internal`] or `?` on any `std::error::Error`) shows only a generic message: the cause stays
/// on the server.
///
/// ```
/// use velocy::{Error, StatusCode};
///
/// let error = Error::not_found("no user with id 7");
/// assert_eq!(error.status(), StatusCode::NOT_FOUND);
/// assert_eq!(error.message(), "no user with id 7");
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: Kind,
    status: StatusCode,
    message: Cow<'static, str>,
    source: Option<BoxError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An HTTP error answered to a client.
    Http,
    /// The application's configuration is invalid (route conflicts, missing state, bad pattern).
    Build,
    /// An I/O failure while binding or serving.
    Io,
}

impl Error {
    /// An HTTP error with `status` and a message the client may read.
    pub fn new(status: StatusCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self::with_kind(Kind::Http, status, message.into(), None)
    }

    fn with_kind(
        kind: Kind,
        status: StatusCode,
        message: Cow<'static, str>,
        source: Option<BoxError>,
    ) -> Self {
        Self { inner: Box::new(Inner { kind, status, message, source }) }
    }

    /// 400 Bad Request with `message`.
    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 401 Unauthorized with `message`.
    pub fn unauthorized(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
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
    /// for logging ([`std::fmt::Debug`] and [`Error::source`]).
    pub fn internal(source: impl Into<BoxError>) -> Self {
        Self::with_kind(
            Kind::Http,
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

    /// An application that cannot start; `message` lists every problem found.
    pub(crate) fn build(message: String) -> Self {
        Self::with_kind(Kind::Build, StatusCode::INTERNAL_SERVER_ERROR, message.into(), None)
    }

    /// An I/O failure while binding or serving.
    pub(crate) fn io(context: &'static str, source: std::io::Error) -> Self {
        Self::with_kind(
            Kind::Io,
            StatusCode::INTERNAL_SERVER_ERROR,
            Cow::Borrowed(context),
            Some(Box::new(source)),
        )
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        self.inner.status
    }

    /// The message shown to the client (for build and I/O errors, the description of the failure).
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The underlying cause, if one was attached.
    pub fn source(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.inner.source.as_deref()
    }

    /// Whether this is an HTTP error meant for a client.
    pub fn is_http(&self) -> bool {
        self.inner.kind == Kind::Http
    }

    /// Whether the application's configuration is invalid (found when it was built, before serving).
    pub fn is_build(&self) -> bool {
        self.inner.kind == Kind::Build
    }

    /// Whether an I/O operation (binding, accepting) failed.
    pub fn is_io(&self) -> bool {
        self.inner.kind == Kind::Io
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Error");
        debug.field("kind", &self.inner.kind).field("status", &self.inner.status);
        debug.field("message", &self.inner.message);
        if let Some(source) = &self.inner.source {
            debug.field("source", source);
        }
        debug.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)?;
        if let Some(source) = &self.inner.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

/// Any standard error converts into a 500 whose cause is kept but not shown, so handlers can use `?`.
impl<E> From<E> for Error
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn from(source: E) -> Self {
        // Store errors know their status (404 not found, 409 conflict): keep it through `?`.
        #[cfg(feature = "store")]
        let source = match crate::store::into_http_error(source) {
            Ok(error) => return error,
            Err(source) => source,
        };
        Self::internal(source)
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let Inner { status, message, source, .. } = *self.inner;
        let mut response = Problem::new(status, message).into_response();
        if let Some(source) = source {
            response.extensions_mut().insert(ErrorSource(std::sync::Arc::from(source)));
        }
        response
    }
}

/// The cause of an [`Error`] that became a response, kept in the response's extensions for hooks and logs.
#[derive(Debug, Clone)]
pub struct ErrorSource(pub std::sync::Arc<dyn std::error::Error + Send + Sync + 'static>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_cause_from_the_client() {
        let cause = std::io::Error::other("disk on fire");
        let error = Error::from(cause);
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(error.message(), "internal server error");
        assert!(error.to_string().contains("disk on fire"));
        let response = error.into_response();
        assert!(response.extensions().get::<ErrorSource>().is_some());
    }

    #[test]
    fn predicates_tell_the_kind() {
        assert!(Error::bad_request("x").is_http());
        assert!(Error::build("conflict".into()).is_build());
        assert!(Error::io("bind", std::io::Error::other("x")).is_io());
    }
}
