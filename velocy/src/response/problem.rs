//! [`Problem`]: error responses as RFC 9457 problem details.

use std::borrow::Cow;

use http::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use http::StatusCode;
use serde::Serialize;

use super::into_response::{with_content_type, TEXT_PLAIN};
use super::{IntoResponse, Response};
use crate::body::Body;
use crate::negotiation::{accept_ranges, quality_of};

const PROBLEM_JSON: HeaderValue = HeaderValue::from_static("application/problem+json");

/// An error response body following RFC 9457 ("Problem Details for HTTP APIs").
///
/// Rendered as `application/problem+json`:
/// `{"type":"about:blank","title":"Not Found","status":404,"detail":"no user with id 7"}`. When the request's
/// `Accept` prefers `text/plain` over JSON, Velocy re-renders it as plain text (the `detail` and a newline).
/// Every framework rejection and every [`HttpError`](crate::HttpError) renders through this type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    status: StatusCode,
    detail: Cow<'static, str>,
}

#[derive(Serialize)]
struct ProblemDocument<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'static str,
    status: u16,
    detail: &'a str,
}

impl Problem {
    /// A problem with `status` and a human-readable `detail` saying what was wrong.
    pub fn new(status: StatusCode, detail: impl Into<Cow<'static, str>>) -> Self {
        Self { status, detail: detail.into() }
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The explanation of what was wrong.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    fn json_body(&self) -> Body {
        let document = ProblemDocument {
            kind: "about:blank",
            title: self.status.canonical_reason().unwrap_or("Error"),
            status: self.status.as_u16(),
            detail: &self.detail,
        };
        match serde_json::to_vec(&document) {
            Ok(bytes) => Body::from(bytes),
            Err(_) => Body::from(self.detail.to_string()),
        }
    }

    fn text_body(&self) -> Body {
        let mut text = String::with_capacity(self.detail.len() + 1);
        text.push_str(&self.detail);
        text.push('\n');
        Body::from(text)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut response = with_content_type(self.json_body(), PROBLEM_JSON);
        *response.status_mut() = self.status;
        response.extensions_mut().insert(self);
        response
    }
}

/// Re-renders a problem response as plain text when the request's `Accept` (`accept`, all its field lines
/// in one value) prefers `text/plain` to JSON. Responses that are not problems pass through untouched (one
/// lookup in an empty extension map). The pipeline calls it once per response, while finishing.
pub(crate) fn render_for(accept: Option<&HeaderValue>, mut response: Response) -> Response {
    let Some(accept) = accept else {
        return response;
    };
    let Some(problem) = response.extensions().get::<Problem>() else {
        return response;
    };
    let mut request_headers = HeaderMap::with_capacity(1);
    request_headers.insert(http::header::ACCEPT, accept.clone());
    let request_headers = &request_headers;
    let ranges = accept_ranges(request_headers);
    let json = quality_of(&ranges, "application/problem+json").max(quality_of(&ranges, "application/json"));
    let text = quality_of(&ranges, "text/plain");
    if text > json {
        let body = problem.text_body();
        response.headers_mut().insert(CONTENT_TYPE, TEXT_PLAIN);
        response.headers_mut().remove(http::header::CONTENT_LENGTH);
        *response.body_mut() = body;
    }
    response
}

/// `None` answers `404 Not Found` with a problem body.
impl<T: IntoResponse> IntoResponse for Option<T> {
    fn into_response(self) -> Response {
        match self {
            Some(value) => value.into_response(),
            None => {
                Problem::new(StatusCode::NOT_FOUND, "the requested resource does not exist").into_response()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use http_body_util::BodyExt;

    async fn body_text(response: Response) -> String {
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn renders_rfc9457_json_by_default() {
        let response = Problem::new(StatusCode::NOT_FOUND, "no user 7").into_response();
        assert_eq!(response.headers()[CONTENT_TYPE], "application/problem+json");
        let text = body_text(response).await;
        assert_eq!(text, r#"{"type":"about:blank","title":"Not Found","status":404,"detail":"no user 7"}"#);
    }

    #[tokio::test]
    async fn renders_text_when_the_client_prefers_it() {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::ACCEPT, HeaderValue::from_static("text/plain, application/json;q=0.5"));
        let response = render_for(
            headers.get(http::header::ACCEPT),
            Problem::new(StatusCode::BAD_REQUEST, "bad id").into_response(),
        );
        assert_eq!(response.headers()[CONTENT_TYPE], "text/plain; charset=utf-8");
        assert_eq!(body_text(response).await, "bad id\n");
    }
}
