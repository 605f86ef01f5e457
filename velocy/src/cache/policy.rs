//! The RFC 9111 rules: `Cache-Control` directives, whether a response may be stored (§3), its freshness
//! lifetime (§4.2.1) and its secondary key (§4.1).

use std::time::{Duration, SystemTime};

use http::header::{AGE, AUTHORIZATION, CACHE_CONTROL, COOKIE, DATE, EXPIRES, SET_COOKIE};
use http::{HeaderMap, StatusCode};

use super::config::Config;
use super::vary::vary_names;

/// The `Cache-Control` directives the cache reads (RFC 9111 §5.2), from every `Cache-Control` field of a
/// message. Unknown directives are ignored; a malformed delta-seconds counts as absent.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Directives {
    pub(crate) no_store: bool,
    pub(crate) no_cache: bool,
    pub(crate) private: bool,
    pub(crate) public: bool,
    pub(crate) must_revalidate: bool,
    pub(crate) max_age: Option<u64>,
    pub(crate) s_maxage: Option<u64>,
    pub(crate) stale_while_revalidate: Option<u64>,
    pub(crate) stale_if_error: Option<u64>,
}

impl Directives {
    pub(crate) fn parse(headers: &HeaderMap) -> Self {
        let mut directives = Self::default();
        for value in headers.get_all(CACHE_CONTROL) {
            // Bytes that are not text cannot be read safely: fail closed, as if `no-store`.
            let Ok(text) = value.to_str() else {
                directives.no_store = true;
                continue;
            };
            for item in text.split(',') {
                let (name, argument) = match item.split_once('=') {
                    Some((name, argument)) => (name.trim(), Some(argument.trim().trim_matches('"'))),
                    None => (item.trim(), None),
                };
                // RFC 9111 §1.2.2: delta-seconds too large for the cache is taken as 2^31.
                let seconds = || argument.and_then(|text| text.parse::<u64>().ok().map(|s| s.min(1 << 31)));
                match name.to_ascii_lowercase().as_str() {
                    "no-store" => directives.no_store = true,
                    "no-cache" => directives.no_cache = true,
                    "private" => directives.private = true,
                    "public" => directives.public = true,
                    "must-revalidate" | "proxy-revalidate" => directives.must_revalidate = true,
                    "max-age" => directives.max_age = seconds(),
                    "s-maxage" => directives.s_maxage = seconds(),
                    "stale-while-revalidate" => directives.stale_while_revalidate = seconds(),
                    "stale-if-error" => directives.stale_if_error = seconds(),
                    _ => {}
                }
            }
        }
        directives
    }
}

/// Statuses that are heuristically cacheable (RFC 9110 §15.1): the only ones this cache stores.
pub(crate) fn cacheable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 200 | 203 | 204 | 300 | 301 | 308 | 404 | 405 | 410 | 414 | 501)
}

/// Why a response was not stored: the `detail` of `Cache-Status` (RFC 9211 §2.8).
pub(crate) type NotStored = &'static str;

/// What storing a response needs, decided from the request and response heads.
#[derive(Debug)]
pub(crate) struct Storable {
    pub(crate) freshness: Duration,
    pub(crate) initial_age: Duration,
    pub(crate) stale_while_revalidate: Duration,
    pub(crate) stale_if_error: Duration,
}

/// Whether a response to a `GET` may be stored (RFC 9111 §3, §3.5) and for how long it stays fresh.
pub(crate) fn storable(
    config: &Config,
    request: &HeaderMap,
    status: StatusCode,
    response: &HeaderMap,
    now: SystemTime,
) -> Result<Storable, NotStored> {
    if !cacheable_status(status) {
        return Err("status");
    }
    let directives = Directives::parse(response);
    if directives.no_store {
        return Err("no-store");
    }
    if directives.private {
        return Err("private");
    }
    if directives.no_cache {
        return Err("no-cache");
    }
    if request.contains_key(AUTHORIZATION)
        && !(directives.public || directives.s_maxage.is_some() || directives.must_revalidate)
    {
        return Err("authorization");
    }
    if response.contains_key(SET_COOKIE) && !config.allow_set_cookie {
        return Err("set-cookie");
    }
    if vary_names(response).is_none() {
        return Err("vary-star");
    }
    // A request carrying credentials gets a personal answer (session, CSRF token): the configured
    // lifetimes apply to it only when the response itself says it may be shared.
    let personal = request.contains_key(COOKIE) || request.contains_key(AUTHORIZATION);
    let configured = !personal || directives.public || directives.s_maxage.is_some();
    let freshness = config
        .ttl
        .filter(|_| configured)
        .or_else(|| directives.s_maxage.or(directives.max_age).map(Duration::from_secs))
        .or_else(|| expires_lifetime(response, now))
        .or(config.default_ttl.filter(|_| configured))
        .unwrap_or(Duration::ZERO);
    let initial_age = age_header(response);
    if freshness <= initial_age {
        return Err("no-freshness");
    }
    let window = |directive: Option<u64>, configured: Option<Duration>| {
        if directives.must_revalidate {
            Duration::ZERO
        } else {
            directive.map(Duration::from_secs).or(configured).unwrap_or(Duration::ZERO)
        }
    };
    Ok(Storable {
        freshness,
        initial_age,
        stale_while_revalidate: window(directives.stale_while_revalidate, config.stale_while_revalidate),
        stale_if_error: window(directives.stale_if_error, config.stale_if_error),
    })
}

/// `Expires` minus `Date` (or minus now without a `Date`), RFC 9111 §4.2.1; an invalid `Expires` means
/// already expired (§5.3).
fn expires_lifetime(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let expires = headers.get(EXPIRES)?;
    let Some(expires) = expires.to_str().ok().and_then(|text| httpdate::parse_http_date(text.trim()).ok())
    else {
        return Some(Duration::ZERO);
    };
    let date = headers
        .get(DATE)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| httpdate::parse_http_date(text.trim()).ok())
        .unwrap_or(now);
    Some(expires.duration_since(date).unwrap_or(Duration::ZERO))
}

/// The largest delta-seconds the cache keeps (RFC 9111 §1.2.2): 2^31.
pub(crate) const MAX_DELTA: u64 = 1 << 31;

/// The response's own `Age` (RFC 9111 §5.1), at most 2^31 seconds (§1.2.2, a larger or overflowing
/// number counts as 2^31), zero when absent or invalid.
pub(crate) fn age_header(headers: &HeaderMap) -> Duration {
    let Some(value) = headers.get(AGE) else { return Duration::ZERO };
    let digits = value.as_bytes().trim_ascii();
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Duration::ZERO;
    }
    let seconds = digits.iter().try_fold(0u64, |total, digit| {
        total.checked_mul(10)?.checked_add(u64::from(digit - b'0')).filter(|total| *total <= MAX_DELTA)
    });
    Duration::from_secs(seconds.unwrap_or(MAX_DELTA))
}

/// What the request's own `Cache-Control` asks (RFC 9111 §5.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RequestAsk {
    /// Use the cache normally.
    Normal,
    /// `no-cache` or `max-age=0`: do not answer from the cache, but store the fresh response.
    Refresh,
    /// `no-store`: neither answer from the cache nor store.
    Bypass,
}

pub(crate) fn request_ask(headers: &HeaderMap) -> RequestAsk {
    let directives = Directives::parse(headers);
    if directives.no_store {
        RequestAsk::Bypass
    } else if directives.no_cache || directives.max_age == Some(0) {
        RequestAsk::Refresh
    } else {
        RequestAsk::Normal
    }
}
