//! The `Cache-Status` response header (RFC 9211) and `X-Cache`.

use std::time::Duration;

use http::header::{HeaderName, HeaderValue};
use http::StatusCode;

use super::store::CachedResponse;

/// `Cache-Status` (RFC 9211 §2).
pub const CACHE_STATUS: HeaderName = HeaderName::from_static("cache-status");

/// How the cache handled a request.
pub(crate) enum Status<'a> {
    /// Answered from a fresh entry.
    Hit { age: Duration, entry: &'a CachedResponse },
    /// Answered from a stale entry while it is refreshed in the background (stale-while-revalidate).
    Stale { age: Duration, entry: &'a CachedResponse },
    /// Forwarded to the handler, which failed: answered from a stale entry (stale-if-error).
    StaleIfError { age: Duration, entry: &'a CachedResponse, fwd_status: StatusCode },
    /// Forwarded to the handler (`reason` is the `fwd` parameter), its response stored or not (why).
    Forwarded { reason: &'static str, stored: Result<(), &'static str> },
}

impl Status<'_> {
    /// The `X-Cache` value: `hit`, `stale` or `miss`.
    pub(crate) fn x_cache(&self) -> &'static str {
        match self {
            Self::Hit { .. } => "hit",
            Self::Stale { .. } | Self::StaleIfError { .. } => "stale",
            Self::Forwarded { .. } => "miss",
        }
    }
}

/// The remaining freshness in seconds, negative when stale (RFC 9211 §2.5).
fn ttl(age: Duration, entry: &CachedResponse) -> i64 {
    let age = i64::try_from(age.as_secs()).unwrap_or(i64::MAX);
    let freshness = i64::try_from(entry.freshness.as_secs()).unwrap_or(i64::MAX);
    freshness.saturating_sub(age)
}

/// Whether `text` is an RFC 8941 token (§3.3.4), sent bare; otherwise it is sent as a string.
fn is_token(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|first| first.is_ascii_alphabetic() || first == '*')
        && chars.all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~:/".contains(c))
}

fn cache_name(name: &str) -> String {
    if is_token(name) {
        name.to_owned()
    } else {
        let escaped: String = name
            .chars()
            .filter(|c| (' '..='~').contains(c))
            .flat_map(|c| if c == '"' || c == '\\' { vec!['\\', c] } else { vec![c] })
            .collect();
        format!("\"{escaped}\"")
    }
}

/// The `Cache-Status` value: `velocy; hit; ttl=12`, `velocy; fwd=miss; stored`,
/// `velocy; fwd=miss; detail=private`, `velocy; hit; ttl=-3` (stale-while-revalidate),
/// `velocy; fwd=stale; fwd-status=503; ttl=-3` (stale-if-error).
pub(crate) fn cache_status(name: &str, status: &Status<'_>) -> Option<HeaderValue> {
    let name = cache_name(name);
    let text = match status {
        Status::Hit { age, entry } | Status::Stale { age, entry } => {
            format!("{name}; hit; ttl={}", ttl(*age, entry))
        }
        Status::StaleIfError { age, entry, fwd_status } => {
            format!("{name}; fwd=stale; fwd-status={}; ttl={}", fwd_status.as_u16(), ttl(*age, entry))
        }
        Status::Forwarded { reason, stored: Ok(()) } => format!("{name}; fwd={reason}; stored"),
        Status::Forwarded { reason, stored: Err(detail) } if detail == reason => {
            format!("{name}; fwd={reason}")
        }
        Status::Forwarded { reason, stored: Err(detail) } => format!("{name}; fwd={reason}; detail={detail}"),
    };
    HeaderValue::from_str(&text).ok()
}
