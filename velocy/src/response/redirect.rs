//! [`Redirect`]: responses that send the client elsewhere (RFC 9110 §15.4).

use http::header::{HeaderValue, LOCATION};
use http::StatusCode;

use super::{IntoResponse, Problem, Response};
use crate::body::Body;

/// A redirect to another URI.
///
/// ```
/// use velocy::{IntoResponse, Redirect};
///
/// let response = Redirect::to("/login").into_response();
/// assert_eq!(response.status(), 303);
/// assert_eq!(response.headers()["location"], "/login");
/// ```
#[derive(Debug, Clone)]
#[must_use = "a redirect does nothing until it is returned as a response"]
pub struct Redirect {
    status: StatusCode,
    location: Result<HeaderValue, String>,
}

impl Redirect {
    fn with_status(status: StatusCode, uri: &str) -> Self {
        let location = HeaderValue::try_from(uri).map_err(|_| uri.to_owned());
        Self { status, location }
    }

    /// `303 See Other`: the client follows with a `GET` (the usual answer to a form `POST`).
    pub fn to(uri: &str) -> Self {
        Self::with_status(StatusCode::SEE_OTHER, uri)
    }

    /// `307 Temporary Redirect`: the client repeats the same method and body at `uri`.
    pub fn temporary(uri: &str) -> Self {
        Self::with_status(StatusCode::TEMPORARY_REDIRECT, uri)
    }

    /// `308 Permanent Redirect`: like 307, and clients may remember it.
    pub fn permanent(uri: &str) -> Self {
        Self::with_status(StatusCode::PERMANENT_REDIRECT, uri)
    }

    /// The status this redirect answers with.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for Redirect {
    fn into_response(self) -> Response {
        match self.location {
            Ok(location) => {
                let mut response = Response::new(Body::empty());
                *response.status_mut() = self.status;
                response.headers_mut().insert(LOCATION, location);
                response
            }
            Err(uri) => Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("redirect target {uri:?} is not a valid header value"),
            )
            .into_response(),
        }
    }
}
