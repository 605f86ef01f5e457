//! The rate limit header fields (draft-ietf-httpapi-ratelimit-headers-09, structured fields of RFC 8941):
//! each limit's `RateLimit-Policy` member rendered once, and the `RateLimit` value written per response
//! without formatting machinery (`itoa` digits, one allocation: the value's own bytes).

use http::header::{HeaderName, HeaderValue};
use http::HeaderMap;

use super::policy::{ceil_secs, Decision, Policy};

/// `RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers-09 §4).
pub const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
/// `RateLimit` (draft-ietf-httpapi-ratelimit-headers-09 §5).
pub const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");
/// The legacy `X-RateLimit-Limit`.
pub const X_RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
/// The legacy `X-RateLimit-Remaining`.
pub const X_RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
/// The legacy `X-RateLimit-Reset` (seconds until the reset, rounded up).
pub const X_RATELIMIT_RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// One limit's header pieces, rendered when the limit is configured: its `RateLimit-Policy` member
/// (`"name";q=100;w=60`) and the start of its `RateLimit` value (`"name";r=`).
#[derive(Debug, Clone)]
pub(crate) struct PolicyHeaders {
    /// `None` when the name is not printable ASCII (the build reports it).
    policy: Option<HeaderValue>,
    rate_limit_prefix: Box<[u8]>,
}

impl PolicyHeaders {
    /// The pieces for `policy`.
    pub(crate) fn new(policy: &Policy) -> Self {
        let name = sf_string(policy.name());
        let (quota, window) = policy.advertised();
        let member = format!("{name};q={quota};w={window}");
        let mut prefix = name.into_bytes();
        prefix.extend_from_slice(b";r=");
        Self { policy: HeaderValue::try_from(member).ok(), rate_limit_prefix: prefix.into_boxed_slice() }
    }

    /// The `RateLimit` value `"name";r=REMAINING;t=RESET` (whole seconds), in one allocation of exactly
    /// its size (which the header value then owns without a copy).
    fn rate_limit(&self, remaining: u64, reset: u64) -> Option<HeaderValue> {
        let (mut remaining_digits, mut reset_digits) = (itoa::Buffer::new(), itoa::Buffer::new());
        let remaining = remaining_digits.format(remaining).as_bytes();
        let reset = reset_digits.format(reset).as_bytes();
        let mut value = Vec::with_capacity(self.rate_limit_prefix.len() + remaining.len() + 3 + reset.len());
        value.extend_from_slice(&self.rate_limit_prefix);
        value.extend_from_slice(remaining);
        value.extend_from_slice(b";t=");
        value.extend_from_slice(reset);
        HeaderValue::from_maybe_shared(bytes::Bytes::from(value)).ok()
    }
}

/// Writes the headers of a decision: one `RateLimit-Policy` line per limit that was checked (the field is
/// a list, RFC 9110 §5.3), the `RateLimit` of the limit that decided, and with `legacy` the
/// `X-RateLimit-*` trio unless an inner limit already wrote it.
pub(crate) fn write<'a>(
    headers: &mut HeaderMap,
    checked: impl Iterator<Item = (bool, &'a PolicyHeaders)>,
    decision: &Decision,
    legacy: bool,
) {
    let reset = ceil_secs(decision.reset_after);
    let mut rate_limit = None;
    for (deciding, pieces) in checked {
        if let Some(value) = &pieces.policy {
            headers.append(RATELIMIT_POLICY, value.clone());
        }
        if deciding {
            rate_limit = pieces.rate_limit(decision.remaining, reset);
        }
    }
    if let Some(value) = rate_limit {
        headers.append(RATELIMIT, value);
    }
    if legacy && !headers.contains_key(X_RATELIMIT_LIMIT) {
        headers.insert(X_RATELIMIT_LIMIT, HeaderValue::from(decision.limit));
        headers.insert(X_RATELIMIT_REMAINING, HeaderValue::from(decision.remaining));
        headers.insert(X_RATELIMIT_RESET, HeaderValue::from(reset));
    }
}

/// A structured-field sf-string (RFC 8941 §3.3.3): quoted, `"` and `\` escaped.
fn sf_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for character in text.chars() {
        if character == '"' || character == '\\' {
            quoted.push('\\');
        }
        quoted.push(character);
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn rate_limit_values_cover_zero_and_the_largest_numbers() {
        let pieces = PolicyHeaders::new(&Policy::gcra(1, Duration::from_secs(1)));
        assert_eq!(pieces.rate_limit(0, 0).expect("a printable name"), r#""default";r=0;t=0"#);
        let largest = format!(r#""default";r={};t={}"#, u64::MAX, u64::MAX);
        assert_eq!(pieces.rate_limit(u64::MAX, u64::MAX).expect("a printable name"), largest.as_str());
    }

    #[test]
    fn names_are_quoted_and_escaped() {
        let policy = Policy::gcra(100, Duration::from_secs(60)).named(r#"a"b\c"#);
        let pieces = PolicyHeaders::new(&policy);
        assert_eq!(pieces.policy.as_ref().expect("a printable name"), r#""a\"b\\c";q=100;w=60"#);
        assert_eq!(pieces.rate_limit(42, 30).expect("a printable name"), r#""a\"b\\c";r=42;t=30"#);
    }

    #[test]
    fn a_name_that_is_not_printable_ascii_renders_no_policy() {
        let policy = Policy::gcra(1, Duration::from_secs(1)).named("caf\u{e9}\n");
        assert!(PolicyHeaders::new(&policy).policy.is_none());
    }
}
