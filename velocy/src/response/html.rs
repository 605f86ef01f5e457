//! [`Html`]: an HTML response.

use http::header::HeaderValue;

use super::into_response::with_content_type;
use super::{IntoResponse, Response};
use crate::body::Body;

/// An HTML response body, sent as `text/html; charset=utf-8`.
///
/// ```
/// use velocy::{Html, IntoResponse};
///
/// let response = Html("<h1>Hello</h1>").into_response();
/// assert_eq!(response.headers()["content-type"], "text/html; charset=utf-8");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Html<T>(pub T);

impl<T: Into<Body>> IntoResponse for Html<T> {
    fn into_response(self) -> Response {
        with_content_type(self.0.into(), HeaderValue::from_static("text/html; charset=utf-8"))
    }
}
