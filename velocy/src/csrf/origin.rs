//! Where a request comes from: the `Origin` header (RFC 6454 §7, Fetch standard §3.1), the `Referer`
//! header (RFC 9110 §10.1.3) and `Sec-Fetch-Site` (W3C Fetch Metadata Request Headers §2.1), compared
//! with the request's own origin.

use http::header::{HOST, ORIGIN, REFERER};
use http::HeaderName;

use crate::request::RequestParts;

/// `Sec-Fetch-Site` (Fetch Metadata §2.1): `cross-site`, `same-site`, `same-origin` or `none`.
pub(crate) static SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// An origin in its serialized form (RFC 6454 §6.2), normalised for comparison: lowercase scheme and
/// host, and the scheme's default port left out (`https://a.example:443` is `https://a.example`).
/// `None` when `text` is not an `http` or `https` origin (a path, a query, credentials, or `null`).
pub(crate) fn normalize_origin(text: &str) -> Option<String> {
    let text = text.trim();
    let (scheme, rest) = text.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => "80",
        "https" => "443",
        _ => return None,
    };
    let authority = normalize_authority(rest, default_port)?;
    Some(format!("{scheme}://{authority}"))
}

/// A `host[:port]` lowercased and without the default port; `None` when it has a path, userinfo, or
/// characters no host has.
fn normalize_authority(authority: &str, default_port: &str) -> Option<String> {
    if authority.is_empty()
        || !authority.bytes().all(|byte| byte.is_ascii_alphanumeric() || b".-_:[]".contains(&byte))
    {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    // A port follows the last `:` unless that colon is inside an IPv6 literal (`[::1]`).
    let (host, port) = match authority.rfind(':') {
        Some(colon) if !authority[colon..].contains(']') => {
            (&authority[..colon], Some(&authority[colon + 1..]))
        }
        _ => (authority.as_str(), None),
    };
    if host.is_empty() {
        return None;
    }
    match port {
        None => Some(host.to_owned()),
        Some(port) if port.is_empty() || !port.bytes().all(|byte| byte.is_ascii_digit()) => None,
        Some(port) if port.trim_start_matches('0') == default_port => Some(host.to_owned()),
        Some(port) => Some(format!("{host}:{port}")),
    }
}

/// The request's own origin: the scheme from [`RequestParts::is_https`], the host from the target's
/// authority (HTTP/2 `:authority`, absolute-form targets) or else the `Host` header (RFC 9110 §7.2).
pub(crate) fn own_origin(parts: &RequestParts) -> Option<String> {
    let (scheme, default_port) = if parts.is_https() { ("https", "443") } else { ("http", "80") };
    let host = match parts.uri().authority() {
        Some(authority) => authority.as_str().to_owned(),
        None => parts.headers().get(HOST)?.to_str().ok()?.to_owned(),
    };
    Some(format!("{scheme}://{}", normalize_authority(&host, default_port)?))
}

/// The request's `Origin` header: `None` when absent, `Some(Err(raw))` when it is `null`, unreadable or
/// more than one value, `Some(Ok(normalised))` otherwise.
pub(crate) fn request_origin(parts: &RequestParts) -> Option<Result<String, String>> {
    let mut values = parts.headers().get_all(ORIGIN).into_iter();
    let first = values.next()?;
    let raw: String = String::from_utf8_lossy(first.as_bytes()).chars().take(200).collect();
    if values.next().is_some() {
        return Some(Err(raw));
    }
    Some(first.to_str().ok().and_then(normalize_origin).ok_or(raw))
}

/// The origin of the request's `Referer` (an absolute URI, RFC 9110 §10.1.3): `None` when absent,
/// `Some(Err(raw))` when it is not an `http`/`https` URL with a host (or there are several),
/// `Some(Ok(normalised origin))` otherwise.
pub(crate) fn referer_origin(parts: &RequestParts) -> Option<Result<String, String>> {
    let mut values = parts.headers().get_all(REFERER).into_iter();
    let first = values.next()?;
    let raw: String = String::from_utf8_lossy(first.as_bytes()).chars().take(200).collect();
    if values.next().is_some() {
        return Some(Err(raw));
    }
    let origin = first.to_str().ok().and_then(|text| {
        let (scheme, rest) = text.trim().split_once("://")?;
        // The authority ends at the path, the query or the fragment.
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        normalize_origin(&format!("{scheme}://{authority}"))
    });
    Some(origin.ok_or(raw))
}

/// Whether `Sec-Fetch-Site` says `cross-site`.
pub(crate) fn is_cross_site(parts: &RequestParts) -> bool {
    parts
        .headers()
        .get_all(&SEC_FETCH_SITE)
        .into_iter()
        .any(|value| value.as_bytes().trim_ascii().eq_ignore_ascii_case(b"cross-site"))
}
