//! [`RequestId`]: gives every request an id, propagated from the client or generated.

use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use http::header::{HeaderName, HeaderValue};

use super::{Middleware, Next};
use crate::request::Request;
use crate::response::Response;
use crate::routing::spec::BoxFuture;

/// The header [`RequestId`] reads and writes unless told otherwise: `x-request-id`.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest incoming id, in bytes, that [`RequestId`] propagates.
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// Gives every request an id: the client's (or a proxy's) `x-request-id` when it is valid, otherwise a new
/// random one. The id is stored in the request's extensions as a [`RequestIdValue`] — handlers take it as
/// `Extension<RequestIdValue>` — and sent back in the same response header (unless the handler set that
/// header itself).
///
/// An incoming id is valid when it is 1 to [`MAX_REQUEST_ID_LEN`] (128) bytes of visible ASCII (`!` to `~`);
/// anything else — empty, too long, spaces, control or non-ASCII bytes — is replaced by a generated id, so a
/// client cannot inject arbitrary text into logs. Generated ids are 128 bits written as 32 lowercase hex
/// digits, unique within the process and unpredictable without its random keys.
///
/// Register it globally ([`App::middleware`](crate::App::middleware)) so 404s get an id too, and first, so
/// every later middleware sees it. The snapshot behind [`context::current`](crate::context::current) is
/// taken before middleware runs, so it does not hold the id; read it from the request's extensions.
///
/// ```
/// use velocy::middleware::{RequestId, RequestIdValue};
/// use velocy::{App, Extension, Router};
///
/// let app = App::new()
///     .middleware(RequestId::new())
///     .merge(Router::new().get("/", |Extension(id): Extension<RequestIdValue>| async move {
///         format!("request {id}")
///     }));
/// # let _ = app;
/// ```
#[derive(Debug, Clone)]
pub struct RequestId {
    header: HeaderName,
    propagate: bool,
}

/// The id of the current request, stored in its extensions by [`RequestId`]. Cheap to clone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestIdValue(Arc<str>);

impl RequestIdValue {
    /// The id as text: visible ASCII, at most 128 bytes.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RequestIdValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for RequestIdValue {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Default for RequestId {
    fn default() -> Self {
        Self::new()
    }
}

impl RequestId {
    /// Reads and writes `x-request-id`, propagating valid incoming ids.
    pub fn new() -> Self {
        Self { header: X_REQUEST_ID, propagate: true }
    }

    /// Uses `header` (such as `x-correlation-id`) instead of `x-request-id`, for both the incoming id and
    /// the response.
    #[must_use]
    pub fn header(mut self, header: HeaderName) -> Self {
        self.header = header;
        self
    }

    /// Whether a valid incoming id is kept (`true`, the default) or always replaced by a generated one
    /// (`false`: for servers that face clients directly and do not trust their ids).
    #[must_use]
    pub fn propagate(mut self, propagate: bool) -> Self {
        self.propagate = propagate;
        self
    }

    /// The id to use for `request`: its valid incoming id, or a new one.
    fn id_for(&self, request: &Request) -> (RequestIdValue, HeaderValue) {
        if self.propagate {
            let incoming = request.headers().get(&self.header).filter(|value| is_valid_id(value.as_bytes()));
            if let Some(value) = incoming {
                // Valid ids are visible ASCII, so they are UTF-8.
                let text = String::from_utf8_lossy(value.as_bytes());
                return (RequestIdValue(Arc::from(text.as_ref())), value.clone());
            }
        }
        let id = generate();
        let value = HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("invalid"));
        (RequestIdValue(Arc::from(id)), value)
    }
}

impl Middleware for RequestId {
    fn call(&self, mut request: Request, next: Next) -> BoxFuture<'static, Response> {
        let (id, value) = self.id_for(&request);
        request.parts_mut().extensions_mut().insert(id);
        let header = self.header.clone();
        Box::pin(async move {
            let mut response = next.run(request).await;
            response.headers_mut().entry(header).or_insert(value);
            response
        })
    }
}

/// Whether `bytes` is an acceptable incoming id: 1 to 128 bytes of visible ASCII.
fn is_valid_id(bytes: &[u8]) -> bool {
    (1..=MAX_REQUEST_ID_LEN).contains(&bytes.len()) && bytes.iter().all(|byte| (b'!'..=b'~').contains(byte))
}

/// A new 128-bit id as 32 lowercase hex digits: SipHash of a process-wide counter under random keys drawn
/// once from the OS (std's `RandomState`), twice with different domain bytes.
fn generate() -> String {
    static KEYS: OnceLock<std::collections::hash_map::RandomState> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let keys = KEYS.get_or_init(std::collections::hash_map::RandomState::new);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let half = |domain: u8| {
        let mut hasher = keys.build_hasher();
        hasher.write_u8(domain);
        hasher.write_u64(count);
        hasher.finish()
    };
    format!("{:016x}{:016x}", half(0), half(1))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::test::TestClient;
    use crate::{App, Extension, Router};

    fn app(middleware: RequestId) -> TestClient {
        let router = Router::new()
            .get("/", |Extension(id): Extension<RequestIdValue>| async move { id.to_string() })
            .get("/own", || async { ([("x-request-id", "handler-made")], "own") });
        TestClient::new(App::new().middleware(middleware).merge(router))
    }

    fn assert_generated(id: &str) {
        assert_eq!(id.len(), 32, "{id}");
        assert!(id.bytes().all(|byte| byte.is_ascii_hexdigit() && !byte.is_ascii_uppercase()), "{id}");
    }

    #[tokio::test]
    async fn generates_an_id_for_the_handler_and_the_response() {
        let client = app(RequestId::new());
        let response = client.get("/").await.assert_status(200);
        let id = response.header("x-request-id").unwrap().to_owned();
        assert_generated(&id);
        assert_eq!(response.text(), id);
        let other = client.get("/").await;
        assert_ne!(other.header("x-request-id"), Some(id.as_str()));
    }

    #[tokio::test]
    async fn propagates_a_valid_incoming_id() {
        let response = app(RequestId::new()).get("/").header("x-request-id", "abc-123_XYZ").await;
        response.assert_header("x-request-id", "abc-123_XYZ").assert_text("abc-123_XYZ");
    }

    #[tokio::test]
    async fn replaces_invalid_incoming_ids() {
        let client = app(RequestId::new());
        let too_long = "a".repeat(MAX_REQUEST_ID_LEN + 1);
        let longest = "b".repeat(MAX_REQUEST_ID_LEN);
        for bad in ["", "has space", "tab\there", too_long.as_str()] {
            let response = client.get("/").header("x-request-id", bad).await;
            assert_generated(response.header("x-request-id").unwrap());
        }
        let response =
            client.get("/").header("x-request-id", HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap()).await;
        assert_generated(response.header("x-request-id").unwrap());
        client.get("/").header("x-request-id", longest.as_str()).await.assert_text(&longest);
    }

    #[tokio::test]
    async fn can_ignore_incoming_ids_and_use_another_header() {
        let middleware =
            RequestId::new().propagate(false).header(HeaderName::from_static("x-correlation-id"));
        let response = app(middleware).get("/").header("x-correlation-id", "client-chosen").await;
        let id = response.header("x-correlation-id").unwrap();
        assert_generated(id);
        assert_eq!(response.text(), id);
        assert!(response.header("x-request-id").is_none());
    }

    #[tokio::test]
    async fn keeps_a_header_the_handler_set_and_ids_404s() {
        let client = app(RequestId::new());
        client.get("/own").await.assert_header("x-request-id", "handler-made");
        let missing = client.get("/nowhere").header("x-request-id", "lost-1").await.assert_status(404);
        missing.assert_header("x-request-id", "lost-1");
    }

    #[test]
    fn generated_ids_are_unique() {
        let ids: std::collections::HashSet<String> = (0..10_000).map(|_| generate()).collect();
        assert_eq!(ids.len(), 10_000);
    }
}
