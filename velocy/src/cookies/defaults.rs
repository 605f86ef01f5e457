//! The safe defaults every cookie Velocy writes gets unless it says otherwise, and the `Set-Cookie` value.

use cookie::{Cookie, SameSite};
use http::HeaderValue;

/// Fills in the attributes `cookie` leaves unset: `Path=/`, `HttpOnly`, `SameSite=Lax`, and `Secure` when
/// the request was `https` ([`RequestParts::is_https`](crate::RequestParts::is_https)). An attribute the
/// cookie sets explicitly (`http_only(false)`, `same_site(SameSite::None)`, `secure(false)`) is kept;
/// `SameSite=None` always gets `Secure`, which browsers require for it.
pub(crate) fn apply_defaults(cookie: &mut Cookie<'static>, https: bool) {
    if cookie.path().is_none() {
        cookie.set_path("/");
    }
    if cookie.http_only().is_none() {
        cookie.set_http_only(true);
    }
    if cookie.same_site().is_none() {
        cookie.set_same_site(SameSite::Lax);
    }
    if cookie.secure().is_none() && https {
        cookie.set_secure(true);
    }
    if cookie.same_site() == Some(SameSite::None) {
        cookie.set_secure(true);
    }
}

/// The `Set-Cookie` value of `cookie` (RFC 6265 §4.1), its name and value percent-encoded; `None` when
/// it cannot be a header value (a control character in a domain or path).
pub(crate) fn set_cookie_value(cookie: &Cookie<'_>) -> Option<HeaderValue> {
    HeaderValue::try_from(cookie.encoded().to_string()).ok()
}
