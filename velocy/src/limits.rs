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
/// assert_eq!(limits.max_connections, 2_000);
/// ```
///
/// Each field can be read (`limits.max_connections`) and is set by the builder method of the same name.
/// New limits may be added in any release, so the struct can only be built from [`Limits::default`].
#[derive(Debug, Clone)]
#[must_use]
#[non_exhaustive]
pub struct Limits {
    /// Open connections at most (default 10,000). At the limit the server stops accepting until a
    /// connection closes: new clients wait in the kernel's backlog instead of failing.
    pub max_connections: usize,
    /// How long a client may take to send a request head, on a new connection or between keep-alive
    /// requests (default 10 s); slower clients (slowloris) are disconnected.
    pub header_read_timeout: Duration,
    /// Bytes a request head may take, request line and headers together (default 32 KiB, at least
    /// 8 KiB); larger heads answer `431 Request Header Fields Too Large` (RFC 6585 §5).
    pub max_head_bytes: usize,
    /// Header fields a request may have (default 100); more answer 431.
    pub max_headers: usize,
    /// Bytes the request target may take (default 8 KiB); longer targets answer `414 URI Too Long`
    /// (RFC 9110 §15.5.15).
    pub max_uri_length: usize,
    /// How long buffering extractors (`Json`, `Form`, `Bytes`, `String`) wait for the whole body
    /// (default 30 s); slower bodies answer `408 Request Timeout`.
    pub body_read_timeout: Duration,
    /// `name=value` pairs a query string may have for `Query<T>` (default 256); more answer 400.
    pub max_query_pairs: usize,
    /// Concurrent streams an HTTP/2 client may open (default 200; RFC 9113 §6.5.2
    /// `SETTINGS_MAX_CONCURRENT_STREAMS`).
    pub http2_max_concurrent_streams: u32,
    /// HTTP/2 streams reset by the client before the server accepted them, at most, before the
    /// connection is closed (default 20): the "rapid reset" defence (CVE-2023-44487).
    pub http2_max_pending_accept_reset_streams: usize,
    /// HTTP/2 streams the server resets because of client errors, at most, before the connection is
    /// closed (default 1,024): the "made you reset" defence (CVE-2025-8671).
    pub http2_max_local_error_reset_streams: usize,
    /// Bytes of decoded header fields an HTTP/2 request may carry (default 32 KiB; RFC 9113 §6.5.2
    /// `SETTINGS_MAX_HEADER_LIST_SIZE`).
    pub http2_max_header_list_bytes: u32,
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
    ($name:ident: $ty:ty) => {
        #[doc = concat!(
                            "Sets [`", stringify!($name), "`](Limits#structfield.", stringify!($name), ")."
                        )]
        pub fn $name(mut self, value: $ty) -> Self {
            self.$name = value;
            self
        }
    };
}

impl Limits {
    limit!(max_connections: usize);
    limit!(header_read_timeout: Duration);
    limit!(max_head_bytes: usize);
    limit!(max_headers: usize);
    limit!(max_uri_length: usize);
    limit!(body_read_timeout: Duration);
    limit!(max_query_pairs: usize);
    limit!(http2_max_concurrent_streams: u32);
    limit!(http2_max_pending_accept_reset_streams: usize);
    limit!(http2_max_local_error_reset_streams: usize);
    limit!(http2_max_header_list_bytes: u32);
}
