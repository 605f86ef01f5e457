//! Why a session could not be used: the named rejections, and [`SessionError`], what the
//! [`Session`](super::Session) methods return.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use http::StatusCode;

use super::store::SessionStoreError;
use crate::error::ErrorSource;
use crate::extract::rejection::define_rejection;
use crate::response::{IntoResponse, Problem, Response};

define_rejection!(
    /// A handler takes a [`Session`](super::Session) but no [`Sessions`](super::Sessions) middleware
    /// runs for its route: a wiring mistake (500). Add `.middleware(Sessions::new(..))` to the app or
    /// to the route's router.
    MissingSessionMiddleware => INTERNAL_SERVER_ERROR
);
define_rejection!(
    /// The session store failed to load, save, touch, rename or delete a session (500). The store's
    /// error is kept in the response's [`ErrorSource`] extension, never shown to the client.
    SessionStoreFailed => INTERNAL_SERVER_ERROR
);
define_rejection!(
    /// A session value did not serialize to JSON, or the stored JSON is not of the type asked for; the
    /// message names the key (500).
    SessionValueInvalid => INTERNAL_SERVER_ERROR
);
define_rejection!(
    /// No session id could be made: the operating system's random number generator failed, or the app
    /// has no secret key to sign it with (500).
    SessionIdUnavailable => INTERNAL_SERVER_ERROR
);

/// The 500 answer for a store failure, with the error kept for logs.
pub(crate) fn store_failed(error: SessionStoreError) -> Response {
    let mut response = SessionStoreFailed::new("the session store is unavailable").into_response();
    response.extensions_mut().insert(ErrorSource(Arc::new(error)));
    response
}

/// Why a [`Session`](super::Session) method failed. As a response (so handlers can use `?`): 500 with
/// an RFC 9457 problem body, [`SessionStoreFailed`] or [`SessionValueInvalid`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SessionError {
    /// The store failed to load the session.
    Store(SessionStoreError),
    /// The value under `key` did not serialize, or is not of the type asked for.
    Value {
        /// The session key.
        key: String,
        /// What `serde_json` said.
        message: Cow<'static, str>,
    },
}

impl SessionError {
    /// The status the error answers with: always 500 (the client did nothing wrong).
    pub fn status(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    pub(crate) fn value(key: &str, error: &serde_json::Error) -> Self {
        Self::Value { key: key.to_owned(), message: Cow::Owned(error.to_string()) }
    }
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Store(error) => write!(f, "the session store failed: {error}"),
            Self::Value { key, message } => write!(f, "the session value `{key}` is invalid: {message}"),
        }
    }
}

impl std::error::Error for SessionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Store(error) => Some(error),
            Self::Value { .. } => None,
        }
    }
}

impl From<SessionStoreError> for SessionError {
    fn from(error: SessionStoreError) -> Self {
        Self::Store(error)
    }
}

impl IntoResponse for SessionError {
    fn into_response(self) -> Response {
        match self {
            Self::Store(error) => store_failed(error),
            Self::Value { key, message } => {
                let mut response =
                    SessionValueInvalid::new(format!("the session value `{key}` is invalid")).into_response();
                let source: crate::BoxError = format!("session value `{key}`: {message}").into();
                response.extensions_mut().insert(ErrorSource(Arc::from(source)));
                response
            }
        }
    }
}
