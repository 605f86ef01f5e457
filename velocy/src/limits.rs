//! [`Limits`]: every limit and timeout of the server, each with a safe default.
//!
//! The defaults, and the RFC section each follows, are listed in the repository's `SECURITY.md`.

use std::time::Duration;

/// Limits and timeouts of the server and of request parsing. Every value has a safe default; set what you
/// need and pass it to [`App::limits`](crate::App::limits).
///
/// ```
/// use std::time::Duration;
/// use velocy::server::Limits;
///
/// let limits = Limits::default().max_connections(2_000).header_read_timeout(Duration::from_secs(5));
/// assert_eq!(limits.get_max_connections(), 2_000);
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Limits {
    pub(crate) max_connections: usize,
    pub(crate) header_read_timeout: Duration,
    pub(crate) max_head_bytes: usize,
    pub(crate) max_headers: usize,
    pub(crate) max_uri_length: usize,
    pub(crate) body_read_timeout: Duration,
    pub(crate) max_query_pairs: usize,
    pub(crate) http2_max_concurrent_streams: u32,
    pub(crate) http2_max_pending_accept_reset_streams: usize,
    pub(crate) http2_max_local_error_reset_streams: usize,
    pub(crate) http2_max_header_list_bytes: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 10_000,
            header_read_timeout: Duration::from_secs(10),
            max_head_bytes: 32 * 1024,
            max_headers: 100,
            max_uri_length: 8 * 1024,
            body_read_timeout: Duration::from_secs(30),
            max_query_pairs: 256,
            http2_max_concurrent_streams: 200,
            http2_max_pending_accept_reset_streams: 20,
            http2_max_local_error_reset_streams: 1024,
            http2_max_header_list_bytes: 32 * 1024,
        }
    }
}

macro_rules! limit {
    ($(#[$doc:meta])* $name:ident, $getter:ident: $ty:ty) => {
        $(#[$doc])*
        pub fn $name(mut self, value: $ty) -> Self {
            self.$name = value;
            self
        }

        #[doc = concat!("The current value of [`Limits::", stringify!($name), "`].")]
        pub fn $getter(&self) -> $ty {
            self.$name
        }
    };
}

impl Limits {
    limit!(
        /// Open connections at most (default 10,000). At the limit the server stops accepting until a
        /// connection closes: new clients wait in the kernel's backlog instead of failing.
        max_connections, get_max_connections: usize
    );
    limit!(
        /// How long a client may take to send a request head, on a new connection or between keep-alive
        /// requests (default 10 s); slower clients (slowloris) are disconnected.
        header_read_timeout, get_header_read_timeout: Duration
    );
    limit!(
        /// Bytes a request head may take, request line and headers together (default 32 KiB, at least
        /// 8 KiB); larger heads answer `431 Request Header Fields Too Large` (RFC 6585 §5).
        max_head_bytes, get_max_head_bytes: usize
    );
    limit!(
        /// Header fields a request may have (default 100); more answer 431.
        max_headers, get_max_headers: usize
    );
    limit!(
        /// Bytes the request target may take (default 8 KiB); longer targets answer `414 URI Too Long`
        /// (RFC 9110 §15.5.15).
        max_uri_length, get_max_uri_length: usize
    );
    limit!(
        /// How long buffering extractors (`Json`, `Form`, `Bytes`, `String`) wait for the whole body
        /// (default 30 s); slower bodies answer `408 Request Timeout`.
        body_read_timeout, get_body_read_timeout: Duration
    );
    limit!(
        /// `name=value` pairs a query string may have for `Query<T>` (default 256); more answer 400.
        max_query_pairs, get_max_query_pairs: usize
    );
    limit!(
        /// Concurrent streams an HTTP/2 client may open (default 200; RFC 9113 §6.5.2
        /// `SETTINGS_MAX_CONCURRENT_STREAMS`).
        http2_max_concurrent_streams, get_http2_max_concurrent_streams: u32
    );
    limit!(
        /// HTTP/2 streams reset by the client before the server accepted them, at most, before the
        /// connection is closed (default 20): the "rapid reset" defence (CVE-2023-44487).
        http2_max_pending_accept_reset_streams, get_http2_max_pending_accept_reset_streams: usize
    );
    limit!(
        /// HTTP/2 streams the server resets because of client errors, at most, before the connection is
        /// closed (default 1,024): the "made you reset" defence (CVE-2025-8671).
        http2_max_local_error_reset_streams, get_http2_max_local_error_reset_streams: usize
    );
    limit!(
        /// Bytes of decoded header fields an HTTP/2 request may carry (default 32 KiB; RFC 9113 §6.5.2
        /// `SETTINGS_MAX_HEADER_LIST_SIZE`).
        http2_max_header_list_bytes, get_http2_max_header_list_bytes: u32
    );
}
