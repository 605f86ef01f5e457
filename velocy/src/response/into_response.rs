//! The [`IntoResponse`] trait and its implementations for standard types.

use std::borrow::Cow;
use std::convert::Infallible;

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::StatusCode;

use super::Response;
use crate::body::Body;

/// Converts a value into a [`Response`]. Handlers return anything that implements it.
///
/// Implement it for your own types to return them from handlers:
///
/// ```
/// use velocy::{IntoResponse, Response, StatusCode};
///
/// struct Teapot;
///
/// impl IntoResponse for Teapot {
///     fn into_response(self) -> Response {
///         (StatusCode::IM_A_TEAPOT, "short and stout").into_response()
///     }
/// }
/// assert_eq!(Teapot.into_response().status(), 418);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a handler",
    label = "does not implement `IntoResponse`",
    note = "handlers return a type implementing `velocy::IntoResponse`: (), &str, String, Bytes, StatusCode, \
            Json<T>, Html<T>, Redirect, Body, (StatusCode, R), Result<T, E>, Option<T>, velocy::HttpError …"
)]
pub trait IntoResponse {
    /// Builds the response.
    fn into_response(self) -> Response;
}

pub(crate) const TEXT_PLAIN: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");
pub(crate) const OCTET_STREAM: HeaderValue = HeaderValue::from_static("application/octet-stream");

/// A 200 response with `body` and the given `Content-Type`.
pub(crate) fn with_content_type(body: Body, content_type: HeaderValue) -> Response {
    let mut response = Response::new(body);
    response.headers_mut().insert(CONTENT_TYPE, content_type);
    response
}

impl IntoResponse for Response {
    fn into_response(self) -> Response {
        self
    }
}

impl IntoResponse for Body {
    fn into_response(self) -> Response {
        Response::new(self)
    }
}

impl IntoResponse for () {
    fn into_response(self) -> Response {
        Response::new(Body::empty())
    }
}

impl IntoResponse for Infallible {
    fn into_response(self) -> Response {
        match self {}
    }
}

impl IntoResponse for StatusCode {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = self;
        response
    }
}

impl IntoResponse for &'static str {
    fn into_response(self) -> Response {
        with_content_type(Body::from(self), TEXT_PLAIN)
    }
}

impl IntoResponse for String {
    fn into_response(self) -> Response {
        with_content_type(Body::from(self), TEXT_PLAIN)
    }
}

impl IntoResponse for Cow<'static, str> {
    fn into_response(self) -> Response {
        match self {
            Cow::Borrowed(text) => text.into_response(),
            Cow::Owned(text) => text.into_response(),
        }
    }
}

impl IntoResponse for Bytes {
    fn into_response(self) -> Response {
        with_content_type(Body::from(self), OCTET_STREAM)
    }
}

impl IntoResponse for Vec<u8> {
    fn into_response(self) -> Response {
        Bytes::from(self).into_response()
    }
}

impl IntoResponse for &'static [u8] {
    fn into_response(self) -> Response {
        Bytes::from_static(self).into_response()
    }
}

impl<T: IntoResponse, E: IntoResponse> IntoResponse for Result<T, E> {
    fn into_response(self) -> Response {
        match self {
            Ok(value) => value.into_response(),
            Err(error) => error.into_response(),
        }
    }
}

impl<R: IntoResponse> IntoResponse for (StatusCode, R) {
    fn into_response(self) -> Response {
        let (status, inner) = self;
        let mut response = inner.into_response();
        *response.status_mut() = status;
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_utf8_text() {
        let response = "hi".into_response();
        assert_eq!(response.headers()[CONTENT_TYPE], "text/plain; charset=utf-8");
        assert_eq!(response.status(), StatusCode::OK);
    }

    #[test]
    fn none_is_not_found() {
        assert_eq!(None::<String>.into_response().status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn a_status_tuple_overrides_the_status() {
        let response = (StatusCode::CREATED, "made").into_response();
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()[CONTENT_TYPE], "text/plain; charset=utf-8");
    }
}
