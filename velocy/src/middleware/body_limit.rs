//! [`BodyLimit`]: a route's or group's own limit on buffered request bodies.

use http::header::CONTENT_LENGTH;

use super::{Middleware, Next};
use crate::extract::rejection::PayloadTooLarge;
use crate::future::BoxFuture;
use crate::request::Request;
use crate::response::{IntoResponse, Response};

/// Overrides the app's [`App::body_limit`](crate::App::body_limit) for the routes it is attached to: the
/// buffering extractors (`Json`, `Form`, `Bytes`, `String`, `Vec<u8>`) then accept at most `bytes` bytes,
/// more or fewer than the app's default (2 MiB), and answer `413 Content Too Large` (RFC 9110 §15.5.14)
/// past it.
///
/// A request whose `Content-Length` already exceeds the limit is answered 413 at once, before any later
/// middleware or the handler runs and without reading the body; bodies without a length (chunked) are
/// counted as the extractor reads them. A handler that takes the raw [`Body`](crate::Body) stream is not
/// limited. The innermost `BodyLimit` wins: a route's limit overrides its router's.
///
/// ```
/// use velocy::middleware::BodyLimit;
/// use velocy::Router;
/// use bytes::Bytes;
///
/// // Uploads may be up to 50 MiB; every other route keeps the app's limit.
/// let uploads = Router::new()
///     .post("/upload", |body: Bytes| async move { format!("{} bytes", body.len()) })
///     .middleware(BodyLimit::new(50 * 1024 * 1024));
/// # let _ = uploads;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit {
    limit: usize,
}

impl BodyLimit {
    /// Limits buffered bodies to `bytes` bytes.
    pub fn new(bytes: usize) -> Self {
        Self { limit: bytes }
    }

    /// The limit in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }
}

impl Middleware for BodyLimit {
    fn call(&self, mut request: Request, next: Next) -> BoxFuture<'static, Response> {
        let limit = self.limit;
        let declared = request
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|text| text.trim().parse::<u64>().ok());
        if declared.is_some_and(|length| length > limit as u64) {
            let rejection =
                PayloadTooLarge::new(format!("request body is larger than the limit of {limit} bytes"));
            let response = rejection.into_response();
            return Box::pin(std::future::ready(response));
        }
        request.parts_mut().body_limit = Some(limit);
        next.run(request)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use bytes::Bytes;

    use super::*;
    use crate::test::TestClient;
    use crate::{App, Body, Method, Route, Router};

    async fn echo_len(body: Bytes) -> String {
        body.len().to_string()
    }

    fn stream(chunks: usize) -> Body {
        Body::from_stream(crate::body::iter_stream(
            (0..chunks).map(|_| Ok::<_, std::io::Error>("0123456789")),
        ))
    }

    #[tokio::test]
    async fn a_route_limit_overrides_the_app_limit_both_ways() {
        let raised = Route::new(Method::POST, "/big", echo_len).middleware(BodyLimit::new(100));
        let lowered = Router::new().post("/small", echo_len).middleware(BodyLimit::new(10));
        let app = App::new().body_limit(50).route(raised).merge(lowered).route(Route::new(
            Method::POST,
            "/default",
            echo_len,
        ));
        let client = TestClient::new(app);
        client.post("/big").body(vec![b'x'; 80]).await.assert_status(200).assert_text("80");
        client.post("/big").body(stream(8)).await.assert_status(200).assert_text("80");
        client.post("/big").body(stream(11)).await.assert_status(413);
        client.post("/small").body(vec![b'x'; 10]).await.assert_status(200);
        client.post("/small").body(stream(2)).await.assert_status(413);
        client.post("/default").body(vec![b'x'; 50]).await.assert_status(200);
        client.post("/default").body(vec![b'x'; 80]).await.assert_status(413);
    }

    #[tokio::test]
    async fn a_too_large_content_length_is_refused_before_the_handler() {
        let reached = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&reached);
        let route = Route::new(Method::POST, "/upload", move |_body: Body| {
            flag.store(true, Ordering::SeqCst);
            async { "read" }
        })
        .middleware(BodyLimit::new(16));
        let client = TestClient::new(App::new().route(route));
        let response = client
            .post("/upload")
            .header("content-length", "17")
            .body(Bytes::from_static(b"0123456789abcdefg"))
            .await
            .assert_status(413);
        let problem: serde_json::Value = response.json();
        assert_eq!(problem["detail"], "request body is larger than the limit of 16 bytes");
        assert!(!reached.load(Ordering::SeqCst), "the handler must not run");
        client
            .post("/upload")
            .header("content-length", "16")
            .header("accept", "text/plain")
            .body(Bytes::from_static(b"0123456789abcdef"))
            .await
            .assert_status(200);
        assert!(reached.load(Ordering::SeqCst));
    }

    #[tokio::test]
    async fn the_innermost_limit_wins_and_rendering_follows_accept() {
        let inner = Router::new().post("/in", echo_len).middleware(BodyLimit::new(4));
        let outer = Router::new().merge(inner).middleware(BodyLimit::new(1000));
        let client = TestClient::new(App::new().merge(outer));
        client
            .post("/in")
            .header("content-length", "5")
            .header("accept", "text/plain")
            .body("12345")
            .await
            .assert_status(413)
            .assert_text("request body is larger than the limit of 4 bytes\n");
    }
}
