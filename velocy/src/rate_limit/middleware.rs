//! [`RateLimit`]: the middleware, one or several limits (policy, key, store) answering `429` with
//! `Retry-After` and the `RateLimit` header fields.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderValue, RETRY_AFTER};

use super::clock::{Clock, MonotonicClock};
use super::evaluation::{Evaluation, Limit, Progress};
use super::headers::{self, PolicyHeaders};
use super::key::Key;
use super::policy::{ceil_secs, Decision, Policy};
use super::rejection::TooManyRequests;
use super::store::{MemoryStore, RateLimitStore};
use crate::extract::Requirements;
use crate::future::BoxFuture;
use crate::middleware::{Middleware, Next};
use crate::request::Request;
use crate::response::{IntoResponse, Response};

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
/// [`RateLimitKeyMissing`]: super::RateLimitKeyMissing
/// [`RateLimitParamMissing`]: super::RateLimitParamMissing
/// [`RateLimitUnavailable`]: super::RateLimitUnavailable
#[derive(Clone)]
pub struct RateLimit {
    shared: Arc<Shared>,
}

impl RateLimit {
    /// A limit under `policy`, per client address, in its own [`MemoryStore`].
    pub fn with_policy(policy: Policy) -> Self {
        let limit = Limit {
            headers: PolicyHeaders::new(&policy),
            policy,
            key: Key::client_ip(),
            store: Arc::new(MemoryStore::new()),
            memory_store: Some(super::DEFAULT_MAX_KEYS),
            skip_missing: false,
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
        self.shared_mut().limits.last_mut().expect("a RateLimit always has a limit")
    }

    /// GCRA: up to `burst` requests at once (the bucket size, default the quota). No effect on a window.
    /// A zero burst fails [`App::build`](crate::App::build).
    pub fn burst(mut self, burst: u64) -> Self {
        let last = self.last();
        last.set_policy(last.policy.clone().with_burst(burst));
        self
    }

    /// What the last limit counts per ([`Key::client_ip`] by default).
    pub fn key(mut self, key: Key) -> Self {
        self.last().key = key;
        self
    }

    /// The last limit's name in the `RateLimit` headers (`"default"` by default; printable ASCII). Two
    /// limits of one `RateLimit` with the same name fail [`App::build`](crate::App::build).
    pub fn name(mut self, name: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        let last = self.last();
        last.set_policy(last.policy.clone().named(name));
        self
    }

    /// Where the last limit keeps its counts (its own [`MemoryStore`] by default).
    pub fn store<S: RateLimitStore>(mut self, store: S) -> Self {
        let memory_store =
            (&store as &dyn std::any::Any).downcast_ref::<MemoryStore>().map(MemoryStore::max_keys);
        let last = self.last();
        last.store = Arc::new(store);
        last.memory_store = memory_store;
        self
    }

    /// The last limit gets its own [`MemoryStore`] of at most `max_keys` keys
    /// (default [`DEFAULT_MAX_KEYS`](super::DEFAULT_MAX_KEYS)).
    pub fn max_keys(self, max_keys: usize) -> Self {
        self.store(MemoryStore::with_max_keys(max_keys))
    }

    /// Requests for which the last limit's key cannot be computed pass that limit uncounted, instead of
    /// being refused with `400` ([`RateLimitKeyMissing`](super::RateLimitKeyMissing)).
    pub fn skip_when_key_missing(mut self) -> Self {
        self.last().skip_missing = true;
        self
    }

    /// Adds the limits of `other` (its headers and clock options are ignored). A name already used gets a
    /// `-2`, `-3`, … suffix, so that the headers tell the limits apart. A [`MemoryStore`] serves one
    /// limit: a limit of `other` sharing one with a limit already here (`limit.clone().and(limit)`) gets a
    /// new, empty one of the same size.
    pub fn and(mut self, other: RateLimit) -> Self {
        let shared = self.shared_mut();
        for mut limit in other.shared.limits.iter().cloned() {
            let base = limit.policy.name().to_owned();
            let mut suffix = 2;
            while shared.limits.iter().any(|existing| existing.policy.name() == limit.policy.name()) {
                limit.set_policy(limit.policy.clone().named(format!("{base}-{suffix}")));
                suffix += 1;
            }
            if let Some(max_keys) = limit.memory_store {
                if shared.limits.iter().any(|existing| Arc::ptr_eq(&existing.store, &limit.store)) {
                    limit.store = Arc::new(MemoryStore::with_max_keys(max_keys));
                }
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

impl Shared {
    /// The answer once the limits are checked: the handler's (with the headers), or the `429`.
    fn respond(
        self: &Arc<Self>,
        evaluation: Evaluation,
        request: Request,
        next: Next,
    ) -> BoxFuture<'static, Response> {
        let Some((deciding, decision)) = evaluation.deciding else {
            // Every limit skipped the request (no key).
            return next.run(request);
        };
        if !decision.allowed {
            let limit = &self.limits[deciding];
            let retry = decision.retry_after.map_or(1, ceil_secs).max(1);
            let detail = format!(
                "rate limit `{}` exceeded: {} requests per {} s; retry in {retry} s",
                limit.policy.name(),
                decision.limit,
                limit.policy.advertised().1,
            );
            let mut response = TooManyRequests::new(detail).into_response();
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(retry));
            self.write_headers(&mut response, &evaluation.checked, deciding, &decision);
            return Box::pin(std::future::ready(response));
        }
        if !self.headers_on_success {
            return next.run(request);
        }
        let shared = Arc::clone(self);
        let checked = evaluation.checked;
        next.run_then(request, move |response| {
            shared.write_headers(response, &checked, deciding, &decision);
        })
    }

    fn write_headers(
        &self,
        response: &mut Response,
        checked: &[usize],
        deciding: usize,
        decision: &Decision,
    ) {
        let limits = checked.iter().map(|&index| (index == deciding, &self.limits[index].headers));
        headers::write(response.headers_mut(), limits, decision, self.legacy_headers);
    }
}

impl Middleware for RateLimit {
    /// Checks the limits before the rest of the chain runs: synchronously (no future of its own) while the
    /// stores answer at once, as the [`MemoryStore`] does.
    fn call(&self, request: Request, next: Next) -> BoxFuture<'static, Response> {
        let now = self.shared.clock.now();
        let mut evaluation = Evaluation::default();
        match evaluation.run(&self.shared.limits, request.parts(), now, 0) {
            Progress::Done => self.shared.respond(evaluation, request, next),
            Progress::Answer(response) => Box::pin(std::future::ready(response)),
            Progress::Pending(index, future) => {
                let shared = Arc::clone(&self.shared);
                Box::pin(resume(shared, evaluation, (index, future), now, request, next))
            }
        }
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
        for (index, limit) in self.shared.limits.iter().enumerate() {
            let name = limit.policy.name();
            if self.shared.limits[..index].iter().any(|earlier| earlier.policy.name() == name) {
                requirements.problem(format!(
                    "has two rate limits named `{name}`; the `RateLimit` headers could not tell them apart"
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

/// Continues checking after a store's round trip (`pending`), then answers as [`Shared::respond`] does.
async fn resume(
    shared: Arc<Shared>,
    mut evaluation: Evaluation,
    pending: (usize, BoxFuture<'static, Result<Decision, super::StoreError>>),
    now: Duration,
    request: Request,
    next: Next,
) -> Response {
    let mut pending = Some(pending);
    while let Some((index, future)) = pending.take() {
        match evaluation.record(index, future.await) {
            Err(response) => return response,
            Ok(false) => break,
            Ok(true) => match evaluation.run(&shared.limits, request.parts(), now, index + 1) {
                Progress::Done => {}
                Progress::Answer(response) => return response,
                Progress::Pending(index, future) => pending = Some((index, future)),
            },
        }
    }
    shared.respond(evaluation, request, next).await
}
