//! Request ids: every request gets one, propagated from the client or generated, before anything else runs.
//!
//! Turn them on with [`App::request_id`](crate::App::request_id). The id is decided as the request arrives —
//! before the request target is checked, request hooks and routing — so every response carries it,
//! including the framework's own 400, 404 and 500 answers, and every stage can read it: handlers take
//! [`RequestId`] as an extractor, middleware and hooks read [`RequestParts::request_id`](crate::RequestParts::request_id), completion
//! hooks see [`Completion::request_id`](crate::lifecycle::Completion::request_id), and the snapshot behind
//! [`context::current`](crate::context::current) holds it.

use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use http::header::{HeaderName, HeaderValue};
use http::HeaderMap;

/// The header [`RequestIdConfig`] reads and writes unless told otherwise: `x-request-id`.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest incoming id, in bytes, that [`RequestIdConfig`] propagates.
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// Length of a generated id: 128 bits as lowercase hex digits.
const GENERATED_LEN: usize = 32;

/// How an app gives every request an id: the client's (or a proxy's) `x-request-id` when it is valid,
/// otherwise a new random one. Pass it to [`App::request_id`](crate::App::request_id). The id is sent back in
/// the same response header (unless the handler set that header itself).
///
/// An incoming id is valid when it is 1 to [`MAX_REQUEST_ID_LEN`] (128) bytes of visible ASCII (`!` to `~`);
/// anything else — empty, too long, spaces, control or non-ASCII bytes — is replaced by a generated id, so a
/// client cannot inject arbitrary text into logs. Generated ids are 128 bits written as 32 lowercase hex
/// digits: unique within the process (a counter) and unguessable without a random key (a keyed hash of
/// that counter). Making one costs no allocation and one hash; sending it costs one allocation (the
/// response header's bytes).
///
/// ```
/// use velocy::request_id::{RequestIdConfig, RequestId};
/// use velocy::{App, Router};
///
/// let app = App::new()
///     .request_id(RequestIdConfig::new())
///     .merge(Router::new().get("/", |id: RequestId| async move { format!("request {id}") }));
/// # let _ = app;
/// ```
#[derive(Debug, Clone)]
pub struct RequestIdConfig {
    header: HeaderName,
    propagate: bool,
}

impl Default for RequestIdConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl RequestIdConfig {
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

    /// The header the id is read from and written to.
    pub fn header_name(&self) -> &HeaderName {
        &self.header
    }

    /// The id of a request with these headers: its valid incoming id, or a new one.
    pub(crate) fn id_for(&self, headers: &HeaderMap) -> RequestId {
        if self.propagate {
            let incoming = headers.get(&self.header).filter(|value| is_valid_id(value.as_bytes()));
            if let Some(value) = incoming {
                return RequestId(Repr::Propagated(value.clone()));
            }
        }
        RequestId(Repr::Generated(generate()))
    }
}

/// The id of the current request (see [`RequestIdConfig`]): visible ASCII, at most 128 bytes. Cheap to clone
/// (no allocation).
///
/// Also an extractor: a handler argument of this type gets the id. Building the app fails, naming the
/// route, when a route takes it but the app has no [`App::request_id`](crate::App::request_id); outside a
/// route (a custom extractor called by hand) a missing id is a 500 ([`MissingRequestId`](crate::extract::rejection::MissingRequestId)).
#[derive(Clone)]
pub struct RequestId(Repr);

#[derive(Clone)]
enum Repr {
    /// 32 lowercase hex digits.
    Generated([u8; GENERATED_LEN]),
    /// A valid incoming id, as received.
    Propagated(HeaderValue),
}

impl RequestId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Hex digits and validated incoming ids are ASCII, so neither conversion fails.
            Repr::Generated(digits) => std::str::from_utf8(digits).unwrap_or_default(),
            Repr::Propagated(value) => value.to_str().unwrap_or_default(),
        }
    }

    /// The id as a header value, for the response: a generated id is copied into a new value (one
    /// allocation of 32 bytes), a propagated one is the incoming value again (a reference count).
    pub fn to_header_value(&self) -> HeaderValue {
        match &self.0 {
            Repr::Generated(digits) => HeaderValue::from_bytes(digits)
                .unwrap_or_else(|_| HeaderValue::from_static("invalid-request-id")),
            Repr::Propagated(value) => value.clone(),
        }
    }
}

impl PartialEq for RequestId {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for RequestId {}

impl Hash for RequestId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RequestId").field(&self.as_str()).finish()
    }
}

impl AsRef<str> for RequestId {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// Whether `bytes` is an acceptable incoming id: 1 to 128 bytes of visible ASCII.
fn is_valid_id(bytes: &[u8]) -> bool {
    (1..=MAX_REQUEST_ID_LEN).contains(&bytes.len()) && bytes.iter().all(|byte| (b'!'..=b'~').contains(byte))
}

/// A new 128-bit id as 32 lowercase hex digits: 64 bits of SipHash of a process-wide counter under a random
/// key, then the counter itself offset by a random start. The second half makes ids unique within the
/// process (for 2^64 requests); the first makes them unguessable without the key, which is drawn once from
/// the OS (std's `RandomState`). One hash per id.
fn generate() -> [u8; GENERATED_LEN] {
    static KEYS: OnceLock<(std::collections::hash_map::RandomState, u64)> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let (hash_key, start) = KEYS.get_or_init(|| {
        let hash_key = std::collections::hash_map::RandomState::new();
        let start = hash_key.hash_one("velocy request id start");
        (hash_key, start)
    });
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut digits = [0; GENERATED_LEN];
    let (hashed, counted) = digits.split_at_mut(GENERATED_LEN / 2);
    write_hex(hash_key.hash_one(count), hashed);
    write_hex(count.wrapping_add(*start), counted);
    digits
}

/// Writes `value` as 16 lowercase hex digits, most significant first.
fn write_hex(value: u64, digits: &mut [u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (index, pair) in digits.chunks_exact_mut(2).enumerate() {
        let byte = (value >> (56 - 8 * index)) as u8;
        pair[0] = HEX[usize::from(byte >> 4)];
        pair[1] = HEX[usize::from(byte & 0xf)];
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::test::TestClient;
    use crate::{App, Router};

    fn app(request_id: RequestIdConfig) -> TestClient {
        let router = Router::new()
            .get("/", |id: RequestId| async move { id.to_string() })
            .get("/own", || async { ([("x-request-id", "handler-made")], "own") });
        TestClient::new(App::new().request_id(request_id).merge(router))
    }

    fn assert_generated(id: &str) {
        assert_eq!(id.len(), 32, "{id}");
        assert!(id.bytes().all(|byte| byte.is_ascii_hexdigit() && !byte.is_ascii_uppercase()), "{id}");
    }

    #[tokio::test]
    async fn generates_an_id_for_the_handler_and_the_response() {
        let client = app(RequestIdConfig::new());
        let response = client.get("/").await.assert_status(200);
        let id = response.header("x-request-id").unwrap().to_owned();
        assert_generated(&id);
        assert_eq!(response.text(), id);
        let other = client.get("/").await;
        assert_ne!(other.header("x-request-id"), Some(id.as_str()));
    }

    #[tokio::test]
    async fn propagates_a_valid_incoming_id() {
        let response = app(RequestIdConfig::new()).get("/").header("x-request-id", "abc-123_XYZ").await;
        response.assert_header("x-request-id", "abc-123_XYZ").assert_text("abc-123_XYZ");
    }

    #[tokio::test]
    async fn replaces_invalid_incoming_ids() {
        let client = app(RequestIdConfig::new());
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
        let request_id =
            RequestIdConfig::new().propagate(false).header(HeaderName::from_static("x-correlation-id"));
        let response = app(request_id).get("/").header("x-correlation-id", "client-chosen").await;
        let id = response.header("x-correlation-id").unwrap();
        assert_generated(id);
        assert_eq!(response.text(), id);
        assert!(response.header("x-request-id").is_none());
    }

    #[tokio::test]
    async fn keeps_a_header_the_handler_set_and_ids_framework_answers() {
        let client = app(RequestIdConfig::new());
        client.get("/own").await.assert_header("x-request-id", "handler-made");
        let missing = client.get("/nowhere").header("x-request-id", "lost-1").await.assert_status(404);
        missing.assert_header("x-request-id", "lost-1");
        let invalid_target =
            client.get("/a/../../b").header("x-request-id", "bad-2").await.assert_status(400);
        invalid_target.assert_header("x-request-id", "bad-2");
        assert_generated(client.get("/%zz").await.assert_status(400).header("x-request-id").unwrap());
    }

    #[test]
    fn a_route_taking_the_id_needs_the_app_to_give_one() {
        let router = Router::new().get("/", |id: RequestId| async move { id.to_string() });
        let error = App::new().merge(router).build().unwrap_err();
        assert!(error.is_build());
        assert!(error.to_string().contains("RequestId"), "{error}");
        assert!(error.to_string().contains(".request_id(RequestIdConfig::new())"), "{error}");
    }

    #[test]
    fn generated_ids_are_unique_hex() {
        let ids: std::collections::HashSet<String> =
            (0..10_000).map(|_| RequestIdConfig::new().id_for(&HeaderMap::new()).to_string()).collect();
        assert_eq!(ids.len(), 10_000);
        ids.iter().for_each(|id| assert_generated(id));
    }

    #[test]
    fn hex_digits_are_most_significant_first() {
        let mut digits = [0; 16];
        write_hex(0x0123_4567_89ab_cdef, &mut digits);
        assert_eq!(&digits, b"0123456789abcdef");
        write_hex(u64::MAX, &mut digits);
        assert_eq!(&digits, b"ffffffffffffffff");
    }

    #[test]
    fn equal_text_means_equal_ids() {
        let generated = RequestIdConfig::new().id_for(&HeaderMap::new());
        let mut headers = HeaderMap::new();
        headers.insert(X_REQUEST_ID, generated.to_header_value());
        let propagated = RequestIdConfig::new().id_for(&headers);
        assert!(matches!(propagated.0, Repr::Propagated(_)));
        assert_eq!(generated, propagated);
        assert_eq!(format!("{generated:?}"), format!("RequestId({:?})", generated.as_str()));
    }
}
