//! [`SecurityHeaders`]: response headers that turn on browser protections.

use std::sync::Arc;
use std::time::Duration;

use http::header::{
    HeaderName, HeaderValue, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};

use super::{Middleware, Next};
use crate::future::BoxFuture;
use crate::request::Request;
use crate::response::Response;

/// `Cross-Origin-Opener-Policy` (HTML Living Standard §7.1.3); the `http` crate has no constant for it.
pub const CROSS_ORIGIN_OPENER_POLICY: HeaderName = HeaderName::from_static("cross-origin-opener-policy");

/// Adds security headers to every response, never replacing a header the handler (or an inner middleware)
/// already set. By default:
///
/// | header | value | effect |
/// | --- | --- | --- |
/// | `X-Content-Type-Options` | `nosniff` | browsers trust `Content-Type` instead of guessing (Fetch §3.5) |
/// | `X-Frame-Options` | `DENY` | no page may frame this one: clickjacking protection (RFC 7034) |
/// | `Referrer-Policy` | `no-referrer` | links to other sites do not leak URLs (W3C Referrer Policy) |
/// | `Cross-Origin-Opener-Policy` | `same-origin` | cross-origin windows get no handle on this one |
///
/// Opt in to `Strict-Transport-Security` (RFC 6797; only for sites served over HTTPS) with
/// [`SecurityHeaders::strict_transport_security`] and to `Content-Security-Policy` with
/// [`SecurityHeaders::content_security_policy`]; set or drop any header with [`SecurityHeaders::header`] and
/// [`SecurityHeaders::without`].
///
/// ```
/// use std::time::Duration;
/// use velocy::middleware::SecurityHeaders;
/// use velocy::{App, HeaderValue};
///
/// let app = App::new().middleware(
///     SecurityHeaders::new()
///         .strict_transport_security(Duration::from_secs(365 * 24 * 3600), true)
///         .content_security_policy(HeaderValue::from_static("default-src 'self'")),
/// );
/// # let _ = app;
/// ```
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    headers: Arc<[(HeaderName, HeaderValue)]>,
}

impl Default for SecurityHeaders {
    fn default() -> Self {
        Self::new()
    }
}

impl SecurityHeaders {
    /// The four default headers (see the [type docs](Self)).
    pub fn new() -> Self {
        Self {
            headers: Arc::from([
                (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
                (X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
                (REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
                (CROSS_ORIGIN_OPENER_POLICY, HeaderValue::from_static("same-origin")),
            ]),
        }
    }

    /// Sends `name: value`, replacing this middleware's own value for `name` if it has one (a header the
    /// handler set still wins).
    #[must_use]
    pub fn header(self, name: HeaderName, value: HeaderValue) -> Self {
        let mut headers: Vec<_> = self.without(name.clone()).headers.to_vec();
        headers.push((name, value));
        Self { headers: Arc::from(headers) }
    }

    /// Stops sending `name` (for example `X-Frame-Options`, for pages meant to be framed).
    #[must_use]
    pub fn without(self, name: HeaderName) -> Self {
        let headers: Vec<_> =
            self.headers.iter().filter(|(existing, _)| *existing != name).cloned().collect();
        Self { headers: Arc::from(headers) }
    }

    /// Sends `Strict-Transport-Security: max-age=<seconds>` (RFC 6797 §6.1), with `; includeSubDomains` when
    /// `include_subdomains`: browsers then use only HTTPS for this host (and its subdomains) for `max_age`,
    /// whole seconds (a fraction is dropped). Send it only from a site served over HTTPS; browsers ignore it
    /// over plain HTTP.
    #[must_use]
    pub fn strict_transport_security(self, max_age: Duration, include_subdomains: bool) -> Self {
        let mut value = format!("max-age={}", max_age.as_secs());
        if include_subdomains {
            value.push_str("; includeSubDomains");
        }
        // Digits and ASCII letters: always a valid header value.
        match HeaderValue::from_str(&value) {
            Ok(value) => self.header(STRICT_TRANSPORT_SECURITY, value),
            Err(_) => self,
        }
    }

    /// Sends `Content-Security-Policy: <policy>` (W3C CSP Level 3), such as `default-src 'self'`.
    #[must_use]
    pub fn content_security_policy(self, policy: HeaderValue) -> Self {
        self.header(CONTENT_SECURITY_POLICY, policy)
    }
}

impl Middleware for SecurityHeaders {
    fn call(&self, request: Request, next: Next) -> BoxFuture<'static, Response> {
        let headers = Arc::clone(&self.headers);
        Box::pin(async move {
            let mut response = next.run(request).await;
            for (name, value) in headers.iter() {
                response.headers_mut().entry(name).or_insert_with(|| value.clone());
            }
            response
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::test::TestClient;
    use crate::{App, Router};

    fn client(headers: SecurityHeaders) -> TestClient {
        let router = Router::new()
            .get("/", || async { "page" })
            .get("/framed", || async { ([("x-frame-options", "SAMEORIGIN")], "framed") });
        TestClient::new(App::new().middleware(headers).merge(router))
    }

    #[tokio::test]
    async fn sends_the_safe_defaults_on_every_response() {
        let client = client(SecurityHeaders::new());
        for path in ["/", "/missing"] {
            let response = client.get(path).await;
            let response = response
                .assert_header("x-content-type-options", "nosniff")
                .assert_header("x-frame-options", "DENY")
                .assert_header("referrer-policy", "no-referrer")
                .assert_header("cross-origin-opener-policy", "same-origin");
            assert!(response.header("strict-transport-security").is_none());
            assert!(response.header("content-security-policy").is_none());
        }
    }

    #[tokio::test]
    async fn never_overwrites_a_header_the_handler_set() {
        let response = client(SecurityHeaders::new())
            .get("/framed")
            .await
            .assert_header("x-frame-options", "SAMEORIGIN");
        assert_eq!(response.headers().get_all("x-frame-options").iter().count(), 1);
    }

    #[tokio::test]
    async fn hsts_and_csp_are_opt_in() {
        let headers = SecurityHeaders::new()
            .strict_transport_security(Duration::from_secs(31_536_000), true)
            .content_security_policy(HeaderValue::from_static("default-src 'self'"));
        client(headers)
            .get("/")
            .await
            .assert_header("strict-transport-security", "max-age=31536000; includeSubDomains")
            .assert_header("content-security-policy", "default-src 'self'");
        let plain =
            SecurityHeaders::new().strict_transport_security(Duration::from_millis(86_400_500), false);
        client(plain).get("/").await.assert_header("strict-transport-security", "max-age=86400");
    }

    #[tokio::test]
    async fn headers_can_be_replaced_or_dropped() {
        let headers = SecurityHeaders::new()
            .without(X_FRAME_OPTIONS)
            .header(REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
        let response = client(headers)
            .get("/")
            .await
            .assert_header("referrer-policy", "strict-origin-when-cross-origin");
        assert!(response.header("x-frame-options").is_none());
        assert_eq!(response.headers().get_all("referrer-policy").iter().count(), 1);
    }
}
