//! Checking a request against a [`RateLimit`](super::RateLimit)'s limits, in order: synchronously while
//! the stores answer at once (the memory store always does), resumable after a store's round trip.

use std::sync::Arc;
use std::time::Duration;

use super::headers::PolicyHeaders;
use super::key::{Key, KeyError};
use super::policy::{Decision, Policy};
use super::rejection::{RateLimitKeyMissing, RateLimitParamMissing, RateLimitUnavailable};
use super::store::{Decided, RateLimitStore, StoreError};
use crate::future::BoxFuture;
use crate::request::RequestParts;
use crate::response::{IntoResponse, Response};

/// One limit: a policy, what it counts per, where it counts, and its header pieces.
#[derive(Clone)]
pub(crate) struct Limit {
    pub(crate) policy: Policy,
    pub(crate) key: Key,
    pub(crate) store: Arc<dyn RateLimitStore>,
    /// `Some(max_keys)` when the store is a [`MemoryStore`](super::MemoryStore) of that size, which
    /// [`RateLimit::and`](super::RateLimit::and) must not let two limits share.
    pub(crate) memory_store: Option<usize>,
    pub(crate) skip_missing: bool,
    pub(crate) headers: PolicyHeaders,
}

impl Limit {
    /// Replaces the policy, rendering its header pieces again.
    pub(crate) fn set_policy(&mut self, policy: Policy) {
        self.headers = PolicyHeaders::new(&policy);
        self.policy = policy;
    }
}

/// How far the limits were checked for one request.
#[derive(Default)]
pub(crate) struct Evaluation {
    /// The limits checked, in order (their `RateLimit-Policy` members are sent).
    pub(crate) checked: smallvec::SmallVec<[usize; 4]>,
    /// The most restrictive decision so far, and its limit.
    pub(crate) deciding: Option<(usize, Decision)>,
}

/// Where checking stopped.
pub(crate) enum Progress {
    /// Every limit was checked, or one refused (the limits after a refusal do not count the request).
    Done,
    /// The limit at this index is deciding in this future (a round trip to a shared store).
    Pending(usize, BoxFuture<'static, Result<Decision, StoreError>>),
    /// The request cannot be checked: this answers it (`400`, `500` or `503`).
    Answer(Response),
}

impl Evaluation {
    /// Checks `limits[from..]` for the request with these `parts` at `now`.
    pub(crate) fn run(
        &mut self,
        limits: &[Limit],
        parts: &RequestParts,
        now: Duration,
        from: usize,
    ) -> Progress {
        for (index, limit) in limits.iter().enumerate().skip(from) {
            let mut owned = None;
            let key = match limit.key.compute(parts, &mut owned) {
                Ok(key) => key,
                Err(KeyError::Missing(_)) if limit.skip_missing => continue,
                Err(error) => return Progress::Answer(key_error(limit, error)),
            };
            match limit.store.decide(key, &limit.policy, now) {
                Decided::Ready(result) => match self.record(index, result) {
                    Ok(true) => {}
                    Ok(false) => return Progress::Done,
                    Err(response) => return Progress::Answer(response),
                },
                Decided::Pending(future) => return Progress::Pending(index, future),
            }
        }
        Progress::Done
    }

    /// Records limit `index`'s decision: `Ok(true)` to go on, `Ok(false)` when it refused, `Err` with the
    /// `503` for a store error.
    pub(crate) fn record(
        &mut self,
        index: usize,
        result: Result<Decision, StoreError>,
    ) -> Result<bool, Response> {
        let decision =
            result.map_err(|error| RateLimitUnavailable::new(error.to_string()).into_response())?;
        self.checked.push(index);
        if self.deciding.as_ref().is_none_or(|(_, current)| more_restrictive(&decision, current)) {
            self.deciding = Some((index, decision));
        }
        Ok(decision.allowed)
    }
}

/// The answer for a key that could not be computed.
fn key_error(limit: &Limit, error: KeyError) -> Response {
    match error {
        KeyError::Missing(detail) => RateLimitKeyMissing::new(detail).into_response(),
        KeyError::NoSuchParam(name) => {
            let detail = format!(
                "rate limit `{}` is keyed by the route parameter `{name}`, which this route does not have",
                limit.policy.name()
            );
            RateLimitParamMissing::new(detail).into_response()
        }
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
