//! [`Config`]: the limits and server settings of an app, each with a safe default.

use std::time::Duration;

/// Limits and server settings. Every field has a safe default; set them through [`App`](crate::App)'s
/// builder methods.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// Largest body buffering extractors accept, in bytes (default 2 MiB); larger bodies get 413.
    pub(crate) body_limit: usize,
    /// How long graceful shutdown waits for in-flight requests before closing connections (default 30 s).
    pub(crate) shutdown_timeout: Duration,
    /// The `Server` header sent with every response (default: none).
    pub(crate) server_header: Option<http::HeaderValue>,
    /// Server and parsing limits.
    pub(crate) limits: crate::limits::Limits,
    /// The proxies whose `Forwarded` / `X-Forwarded-For` headers [`ClientIp`](crate::extract::ClientIp)
    /// believes (default: none).
    pub(crate) trusted_proxies: crate::extract::TrustedProxies,
    /// How requests get ids (default: they get none).
    pub(crate) request_id: Option<crate::request_id::RequestIdConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            body_limit: 2 * 1024 * 1024,
            shutdown_timeout: Duration::from_secs(30),
            server_header: None,
            limits: crate::limits::Limits::default(),
            trusted_proxies: crate::extract::TrustedProxies::default(),
            request_id: None,
        }
    }
}
