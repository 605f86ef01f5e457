//! [`TestResponse`]: a fully read response with fluent assertions.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

/// A response read to the end. Assertions panic with a message showing the status and body, and return
/// `self` so they chain.
#[derive(Debug)]
pub struct TestResponse {
    parts: http::response::Parts,
    body: Bytes,
}

impl TestResponse {
    pub(crate) fn new(parts: http::response::Parts, body: Bytes) -> Self {
        Self { parts, body }
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.parts.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.parts.headers
    }

    /// The header `name` as text, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.parts.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The body bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.body
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    ///
    /// # Panics
    /// When the body is not JSON of type `T`.
    pub fn json<T: DeserializeOwned>(&self) -> T {
        match serde_json::from_slice(&self.body) {
            Ok(value) => value,
            Err(error) => panic!("the response body is not the expected JSON ({error}): {}", self.text()),
        }
    }

    /// Asserts the status.
    ///
    /// # Panics
    /// When the status differs.
    #[track_caller]
    pub fn assert_status(self, expected: impl TryInto<StatusCode>) -> Self {
        let expected = expected.try_into().ok().expect("assert_status needs a valid status code");
        assert_eq!(self.status(), expected, "unexpected status; body: {}", self.text());
        self
    }

    /// Asserts a header's value.
    ///
    /// # Panics
    /// When the header is absent or differs.
    #[track_caller]
    pub fn assert_header(self, name: &str, expected: &str) -> Self {
        assert_eq!(self.header(name), Some(expected), "unexpected `{name}` header");
        self
    }

    /// Asserts the body text.
    ///
    /// # Panics
    /// When the body differs.
    #[track_caller]
    pub fn assert_text(self, expected: &str) -> Self {
        assert_eq!(self.text(), expected, "unexpected body");
        self
    }

    /// Asserts the body is JSON equal to `expected`.
    ///
    /// # Panics
    /// When the body is not JSON or differs.
    #[track_caller]
    pub fn assert_json(self, expected: &serde_json::Value) -> Self {
        let actual: serde_json::Value = self.json();
        assert_eq!(&actual, expected, "unexpected JSON body");
        self
    }
}
