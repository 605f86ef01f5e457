//! Why the CSRF middleware or the [`CsrfToken`](super::CsrfToken) extractor refused a request.

use std::borrow::Cow;
use std::fmt;

use http::StatusCode;

use crate::extract::rejection::define_rejection;
use crate::response::{IntoResponse, Problem, Response};

define_rejection!(
    /// A state-changing request failed the CSRF checks of [`Csrf`](super::Csrf) (403 Forbidden,
    /// RFC 9110 §15.5.4). The problem's `detail` names the check that failed: a cross-site request
    /// (`Sec-Fetch-Site: cross-site` from an origin that is not trusted), an origin not allowed
    /// (`Origin` neither the request's own nor a trusted one, or `Origin: null`), a referer not allowed
    /// (no `Origin`, and a `Referer` from neither this site nor a trusted origin), a missing cookie
    /// (absent, or its signature does not verify — also when it was issued under another session, see
    /// [`Csrf::bind_to_cookie`](super::Csrf::bind_to_cookie)), a missing token (neither in the header nor
    /// in the form field), or a token mismatch (the token is not the cookie's).
    CsrfRejection => FORBIDDEN
);

define_rejection!(
    /// [`CsrfToken`](super::CsrfToken) was extracted for a request the [`Csrf`](super::Csrf) middleware
    /// did not see (500): add `.middleware(Csrf::new())` to the app, the router or the route.
    MissingCsrfMiddleware => INTERNAL_SERVER_ERROR
);

define_rejection!(
    /// The [`Csrf`](super::Csrf) middleware could not make a token (500): the app has no secret key
    /// (only possible when the build check was bypassed) or the operating system's random number
    /// generator failed.
    CsrfUnavailable => INTERNAL_SERVER_ERROR
);

/// Why [`CsrfToken`](super::CsrfToken) could not be extracted (500 either way).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CsrfTokenRejection {
    /// The [`Csrf`](super::Csrf) middleware did not see the request.
    MissingCsrfMiddleware(MissingCsrfMiddleware),
    /// No secret could be made for a new cookie (the random number generator failed).
    CsrfUnavailable(CsrfUnavailable),
}

impl CsrfTokenRejection {
    /// The status code of the underlying rejection (500).
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MissingCsrfMiddleware(inner) => inner.status(),
            Self::CsrfUnavailable(inner) => inner.status(),
        }
    }

    /// The message of the underlying rejection.
    pub fn detail(&self) -> &str {
        match self {
            Self::MissingCsrfMiddleware(inner) => inner.detail(),
            Self::CsrfUnavailable(inner) => inner.detail(),
        }
    }
}

impl fmt::Display for CsrfTokenRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.detail())
    }
}

impl std::error::Error for CsrfTokenRejection {}

impl IntoResponse for CsrfTokenRejection {
    fn into_response(self) -> Response {
        match self {
            Self::MissingCsrfMiddleware(inner) => inner.into_response(),
            Self::CsrfUnavailable(inner) => inner.into_response(),
        }
    }
}

impl From<MissingCsrfMiddleware> for CsrfTokenRejection {
    fn from(inner: MissingCsrfMiddleware) -> Self {
        Self::MissingCsrfMiddleware(inner)
    }
}

impl From<CsrfUnavailable> for CsrfTokenRejection {
    fn from(inner: CsrfUnavailable) -> Self {
        Self::CsrfUnavailable(inner)
    }
}

impl CsrfRejection {
    /// The request carries no valid CSRF cookie.
    pub(crate) fn missing_cookie() -> Self {
        Self::new(
            "missing cookie: the request carries no CSRF cookie, or its signature does not verify; load \
             the page with the form again",
        )
    }

    /// No token in the header nor in the form field.
    pub(crate) fn missing_token(header: &str, field: &str) -> Self {
        Self::new(format!(
            "missing token: the request has neither a `{header}` header nor a `{field}` form field with \
             the CSRF token"
        ))
    }

    /// The submitted token is not the cookie's.
    pub(crate) fn mismatch() -> Self {
        Self::new("token mismatch: the submitted CSRF token does not match the CSRF cookie")
    }

    /// `Sec-Fetch-Site: cross-site` from an untrusted origin.
    pub(crate) fn cross_site() -> Self {
        Self::new("cross-site request: `Sec-Fetch-Site: cross-site` and the `Origin` is not a trusted origin")
    }

    /// No `Origin`, and a `Referer` that is neither this site nor trusted.
    pub(crate) fn referer_not_allowed(referer: &str) -> Self {
        Self::new(format!(
            "referer not allowed: the request has no `Origin`, and `Referer: {referer}` is neither this \
             site nor a trusted origin"
        ))
    }

    /// An `Origin` that is neither the request's own nor trusted.
    pub(crate) fn origin_not_allowed(origin: &str) -> Self {
        Self::new(format!(
            "origin not allowed: `Origin: {origin}` is neither this site's origin nor a trusted origin"
        ))
    }
}
