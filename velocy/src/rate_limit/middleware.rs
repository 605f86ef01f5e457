//! [`RateLimit`]: the middleware, one or several limits (policy, key, store) answering `429` with
//! `Retry-After` and the `RateLimit` header fields.

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use http::header::{HeaderName, HeaderValue, RETRY_AFTER};
use http::HeaderMap;

use super::clock::{Clock, MonotonicClock};
use super::key::{Key, KeyError};
use super::policy::{ceil_secs, Decision, Policy};
use super::rejection::{RateLimitKeyMissing, RateLimitParamMissing, RateLimitUnavailable, TooManyRequests};
use super::store::{MemoryStore, RateLimitStore};
use crate::extract::Requirements;
use crate::future::BoxFuture;
use crate::middleware::{Middleware, Next};
use crate::request::Request;
use crate::response::{IntoResponse, Response};

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

/// One limit: a policy, what it counts per, and where it counts.
#[derive(Clone)]
struct Limit {
    policy: Policy,
    key: Key,
    store: Arc<dyn RateLimitStore>,
    skip_missing: bool,
    /// This limit's `RateLimit-Policy` member, rendered on first use.
    policy_header: OnceLock<Option<HeaderValue>>,
}

impl Limit {
    fn policy_header(&self) -> Option<&HeaderValue> {
        self.policy_header
            .get_or_init(|| {
                let (quota, window) = self.policy.advertised();
                HeaderValue::try_from(format!("{};q={quota};w={window}", sf_string(self.policy.name()))).ok()
            })
            .as_ref()
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

struct Shared {
    limits: Vec<Limit>,
    legacy_headers: bool,
    headers_on_success: bool,
    clock: Arc<dyn Clock>,
}

/// The rate limiting middleware; see the [guide](super). Built with one limit — [`per_second`],
/// [`per_minute`], [`new`] (GCRA) or [`window`] (fixed window) — keyed per client address by default; the
/// limit-specific builders ([`burst`], [`key`], [`name`], [`store`], [`max_keys`],
/// [`skip_when_key_missing`]) change the last limit added, and [`and`] adds another limit. The limits are
/// checked in order until one refuses (a refused request counts against the limits before it, not those
/// after it); the most restrictive decision decides the response and its headers.
///
/// Answers `429 Too Many Requests` ([`TooManyRequests`]) with `Retry-After`, `400`
/// ([`RateLimitKeyMissing`]), `500` ([`RateLimitParamMissing`]) or `503` ([`RateLimitUnavailable`]).
///
/// ```
/// use velocy::prelude::*;
/// use velocy::rate_limit::{Key, RateLimit};
///
/// let per_key = RateLimit::per_second(10).burst(20).key(Key::header("x-api-key")).name("api");
/// let limit = RateLimit::per_minute(60).and(per_key.skip_when_key_missing());
/// let app = App::new().middleware(limit);
/// # let _ = app;
/// ```
///
/// [`per_second`]: RateLimit::per_second
/// [`per_minute`]: RateLimit::per_minute
/// [`new`]: RateLimit::new
/// [`window`]: RateLimit::window
/// [`burst`]: RateLimit::burst
/// [`key`]: RateLimit::key
/// [`name`]: RateLimit::name
/// [`store`]: RateLimit::store
/// [`max_keys`]: RateLimit::max_keys
/// [`skip_when_key_missing`]: RateLimit::skip_when_key_missing
/// [`and`]: RateLimit::and
#[derive(Clone)]
pub struct RateLimit {
    shared: Arc<Shared>,
}

impl RateLimit {
    /// A limit under `policy`, per client address, in its own [`MemoryStore`].
    pub fn with_policy(policy: Policy) -> Self {
        let limit = Limit {
            policy,
            key: Key::client_ip(),
            store: Arc::new(MemoryStore::new()),
            skip_missing: false,
            policy_header: OnceLock::new(),
        };
        let shared = Shared {
            limits: vec![limit],
            legacy_headers: false,
            headers_on_success: true,
            clock: Arc::new(MonotonicClock),
        };
        Self { shared: Arc::new(shared) }
    }

    /// GCRA: `quota` requests per `period`, one every `period / quota`, bursts of up to `quota` (change it
    /// with [`burst`](Self::burst)). A zero quota or period fails [`App::build`](crate::App::build).
    pub fn new(quota: u64, period: Duration) -> Self {
        Self::with_policy(Policy::gcra(quota, period))
    }

    /// GCRA: `quota` requests per second.
    pub fn per_second(quota: u64) -> Self {
        Self::new(quota, Duration::from_secs(1))
    }

    /// GCRA: `quota` requests per minute.
    pub fn per_minute(quota: u64) -> Self {
        Self::new(quota, Duration::from_secs(60))
    }

    /// Fixed window: at most `limit` requests per `window` per key, a window starting with the key's first
    /// request after the previous one ended (so up to `2 × limit` can straddle two windows).
    pub fn window(limit: u64, window: Duration) -> Self {
        Self::with_policy(Policy::window(limit, window))
    }

    fn shared_mut(&mut self) -> &mut Shared {
        if Arc::get_mut(&mut self.shared).is_none() {
            let copy = Shared {
                limits: self.shared.limits.clone(),
                legacy_headers: self.shared.legacy_headers,
                headers_on_success: self.shared.headers_on_success,
                clock: Arc::clone(&self.shared.clock),
            };
            self.shared = Arc::new(copy);
        }
        Arc::get_mut(&mut self.shared).expect("the shared configuration was just made unique")
    }

    fn last(&mut self) -> &mut Limit {
        let last = self.shared_mut().limits.last_mut().expect("a RateLimit always has a limit");
        last.policy_header = OnceLock::new();
        last
    }

    /// GCRA: up to `burst` requests at once (the bucket size, default the quota). No effect on a window.
    /// A zero burst fails [`App::build`](crate::App::build).
    pub fn burst(mut self, burst: u64) -> Self {
        let last = self.last();
        last.policy = last.policy.clone().with_burst(burst);
        self
    }

    /// What the last limit counts per ([`Key::client_ip`] by default).
    pub fn key(mut self, key: Key) -> Self {
        self.last().key = key;
        self
    }

    /// The last limit's name in the `RateLimit` headers (`"default"` by default; printable ASCII).
    pub fn name(mut self, name: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        let last = self.last();
        last.policy = last.policy.clone().named(name);
        self
    }

    /// Where the last limit keeps its counts (its own [`MemoryStore`] by default).
    pub fn store(mut self, store: impl RateLimitStore) -> Self {
        self.last().store = Arc::new(store);
        self
    }

    /// The last limit gets its own [`MemoryStore`] of at most `max_keys` keys
    /// (default [`DEFAULT_MAX_KEYS`](super::DEFAULT_MAX_KEYS)).
    pub fn max_keys(self, max_keys: usize) -> Self {
        self.store(MemoryStore::with_max_keys(max_keys))
    }

    /// Requests for which the last limit's key cannot be computed pass that limit uncounted, instead of
    /// being refused with `400` ([`RateLimitKeyMissing`]).
    pub fn skip_when_key_missing(mut self) -> Self {
        self.last().skip_missing = true;
        self
    }

    /// Adds the limits of `other` (its headers and clock options are ignored). A name already used gets a
    /// `-2`, `-3`, … suffix, so that the headers tell the limits apart.
    pub fn and(mut self, other: RateLimit) -> Self {
        let shared = self.shared_mut();
        for mut limit in other.shared.limits.iter().cloned() {
            let base = limit.policy.name().to_owned();
            let mut suffix = 2;
            while shared.limits.iter().any(|existing| existing.policy.name() == limit.policy.name()) {
                limit.policy = limit.policy.clone().named(format!("{base}-{suffix}"));
                limit.policy_header = OnceLock::new();
                suffix += 1;
            }
            shared.limits.push(limit);
        }
        self
    }

    /// Also sends `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (seconds) of the
    /// most restrictive limit (default `false`).
    pub fn legacy_headers(mut self, on: bool) -> Self {
        self.shared_mut().legacy_headers = on;
        self
    }

    /// Whether admitted requests' responses carry the headers too (default `true`; `429`s always do).
    pub fn headers_on_success(mut self, on: bool) -> Self {
        self.shared_mut().headers_on_success = on;
        self
    }

    /// Reads the time from `clock` ([`MonotonicClock`] by default; a [`ManualClock`](super::ManualClock) in
    /// tests).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.shared_mut().clock = Arc::new(clock);
        self
    }
}

/// `candidate` is more restrictive than `current`: refused beats admitted, then the longer wait, then fewer
/// remaining, then the later reset.
fn more_restrictive(candidate: &Decision, current: &Decision) -> bool {
    match (candidate.allowed, current.allowed) {
        (false, true) => true,
        (true, false) => false,
        (false, false) => candidate.retry_after > current.retry_after,
        (true, true) => {
            (candidate.remaining, std::cmp::Reverse(candidate.reset_after))
                < (current.remaining, std::cmp::Reverse(current.reset_after))
        }
    }
}

fn number(value: u64) -> HeaderValue {
    HeaderValue::from(value)
}

impl Shared {
    fn write_headers(
        &self,
        headers: &mut HeaderMap,
        evaluated: &[usize],
        chosen: usize,
        decision: &Decision,
    ) {
        for &index in evaluated {
            if let Some(value) = self.limits[index].policy_header() {
                headers.append(RATELIMIT_POLICY, value.clone());
            }
        }
        let name = sf_string(self.limits[chosen].policy.name());
        let reset = ceil_secs(decision.reset_after);
        if let Ok(value) = HeaderValue::try_from(format!("{name};r={};t={reset}", decision.remaining)) {
            headers.append(RATELIMIT, value);
        }
        if self.legacy_headers && !headers.contains_key(X_RATELIMIT_LIMIT) {
            headers.insert(X_RATELIMIT_LIMIT, number(decision.limit));
            headers.insert(X_RATELIMIT_REMAINING, number(decision.remaining));
            headers.insert(X_RATELIMIT_RESET, number(reset));
        }
    }
}

impl Middleware for RateLimit {
    fn call(&self, request: Request, next: Next) -> BoxFuture<'static, Response> {
        let shared = Arc::clone(&self.shared);
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let now = shared.clock.now();
            let mut evaluated = smallvec::SmallVec::<[usize; 4]>::new();
            let mut chosen: Option<(usize, Decision)> = None;
            for (index, limit) in shared.limits.iter().enumerate() {
                let mut owned = None;
                let key = match limit.key.compute(&parts, &mut owned) {
                    Ok(key) => key,
                    Err(KeyError::Missing(_)) if limit.skip_missing => continue,
                    Err(KeyError::Missing(detail)) => {
                        return RateLimitKeyMissing::new(detail).into_response()
                    }
                    Err(KeyError::NoSuchParam(name)) => {
                        let detail = format!(
                            "rate limit `{}` is keyed by the route parameter `{name}`, which this route does \
                             not have",
                            limit.policy.name()
                        );
                        return RateLimitParamMissing::new(detail).into_response();
                    }
                };
                let decision = match limit.store.decide(key, &limit.policy, now).into_decision().await {
                    Ok(decision) => decision,
                    Err(error) => return RateLimitUnavailable::new(error.to_string()).into_response(),
                };
                evaluated.push(index);
                if chosen.as_ref().is_none_or(|(_, current)| more_restrictive(&decision, current)) {
                    chosen = Some((index, decision));
                }
                // The first refusal decides; the limits after it do not count the request.
                if !decision.allowed {
                    break;
                }
            }
            let Some((chosen, decision)) = chosen else {
                return next.run(Request::from_parts(parts, body)).await;
            };
            if !decision.allowed {
                let retry = decision.retry_after.map_or(1, ceil_secs).max(1);
                let detail = format!(
                    "rate limit `{}` exceeded: {} requests per {} s; retry in {retry} s",
                    shared.limits[chosen].policy.name(),
                    decision.limit,
                    shared.limits[chosen].policy.advertised().1,
                );
                let mut response = TooManyRequests::new(detail).into_response();
                response.headers_mut().insert(RETRY_AFTER, number(retry));
                shared.write_headers(response.headers_mut(), &evaluated, chosen, &decision);
                return response;
            }
            let mut response = next.run(Request::from_parts(parts, body)).await;
            if shared.headers_on_success {
                shared.write_headers(response.headers_mut(), &evaluated, chosen, &decision);
            }
            response
        })
    }

    fn requirements(&self, requirements: &mut Requirements) {
        for limit in &self.shared.limits {
            if let Some(problem) = limit.policy.problem() {
                requirements.problem(format!("has an invalid rate limit: {problem}"));
            }
            if let Some(problem) = limit.key.problem() {
                requirements.problem(problem);
            }
            let name = limit.policy.name();
            if name.is_empty() || !name.bytes().all(|byte| (0x20..=0x7e).contains(&byte)) {
                requirements.problem(format!(
                    "names a rate limit `{name}`; a name must be non-empty printable ASCII (the \
                     `RateLimit` headers carry it)"
                ));
            }
        }
    }

    fn name(&self) -> &'static str {
        "RateLimit"
    }
}

impl fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let limits: Vec<_> = self.shared.limits.iter().map(|limit| (&limit.policy, &limit.key)).collect();
        f.debug_struct("RateLimit")
            .field("limits", &limits)
            .field("legacy_headers", &self.shared.legacy_headers)
            .field("headers_on_success", &self.shared.headers_on_success)
            .finish_non_exhaustive()
    }
}
