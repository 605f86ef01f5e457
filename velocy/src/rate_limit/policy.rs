//! [`Policy`]: a quota over a period and its algorithm; [`Policy::decide`], the pure decision function of
//! (state, now) every store runs; [`Decision`], its answer.

use std::borrow::Cow;
use std::time::Duration;

/// How a [`Policy`] counts requests; see the [guide](super#algorithms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// The generic cell rate algorithm (ITU-T I.371, virtual scheduling): one request every
    /// `period / quota`, with bursts of up to `burst` requests at once.
    Gcra {
        /// Requests per period.
        quota: u64,
        /// The period.
        period: Duration,
        /// Requests allowed at once (the bucket size); `quota` unless set.
        burst: u64,
    },
    /// A fixed window per key: at most `limit` requests in each window of length `window`, a window
    /// starting with the key's first request after the previous window ended.
    Window {
        /// Requests per window.
        limit: u64,
        /// The window's length.
        window: Duration,
    },
}

/// A named quota: the algorithm and its numbers, and the name the `RateLimit` headers give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub(crate) name: Cow<'static, str>,
    pub(crate) algorithm: Algorithm,
}

/// What a store keeps per key: the GCRA's theoretical arrival time, or a window's start and count.
/// Times are in the units of [`Clock::now`](super::Clock::now) (time since the clock's epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitState {
    /// GCRA: the theoretical arrival time, in nanoseconds × quota (exact integer arithmetic).
    Gcra {
        /// The theoretical arrival time (TAT), scaled by the quota.
        tat: u128,
    },
    /// Fixed window: its start (nanoseconds) and the requests admitted in it.
    Window {
        /// The window's start, in nanoseconds since the clock's epoch.
        start: u128,
        /// Requests admitted in the window.
        count: u64,
    },
}

/// The answer for one request under one policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Whether the request is admitted.
    pub allowed: bool,
    /// The quota advertised in `RateLimit-Policy` (`q`) and `X-RateLimit-Limit`.
    pub limit: u64,
    /// Requests that would still be admitted right now (after this one, if admitted).
    pub remaining: u64,
    /// Time until the full allowance is back (GCRA) or the window ends (fixed window).
    pub reset_after: Duration,
    /// For a refused request, the time after which the same request would be admitted.
    pub retry_after: Option<Duration>,
}

const NANOS: u128 = 1_000_000_000;

fn nanos(duration: Duration) -> u128 {
    duration.as_nanos()
}

fn duration(nanos: u128) -> Duration {
    let secs = u64::try_from(nanos / NANOS).unwrap_or(u64::MAX);
    // The remainder is below 10^9, so it fits.
    Duration::new(secs, (nanos % NANOS) as u32)
}

impl Policy {
    /// A GCRA policy of `quota` requests per `period` with a burst of `quota`, named `"default"`.
    pub fn gcra(quota: u64, period: Duration) -> Self {
        Self { name: Cow::Borrowed("default"), algorithm: Algorithm::Gcra { quota, period, burst: quota } }
    }

    /// A fixed-window policy of `limit` requests per `window`, named `"default"`.
    pub fn window(limit: u64, window: Duration) -> Self {
        Self { name: Cow::Borrowed("default"), algorithm: Algorithm::Window { limit, window } }
    }

    /// The same policy with another name (shown in the `RateLimit` headers).
    pub fn named(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.name = name.into();
        self
    }

    /// The same GCRA policy with another burst; no effect on a window policy.
    pub fn with_burst(mut self, burst: u64) -> Self {
        if let Algorithm::Gcra { burst: current, .. } = &mut self.algorithm {
            *current = burst;
        }
        self
    }

    /// The policy's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The algorithm and its numbers.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The quota (`q`) and window (`w`, whole seconds rounded up) advertised in `RateLimit-Policy`.
    pub fn advertised(&self) -> (u64, u64) {
        match self.algorithm {
            Algorithm::Gcra { quota, period, .. } => (quota, ceil_secs(period)),
            Algorithm::Window { limit, window } => (limit, ceil_secs(window)),
        }
    }

    /// What is wrong with the numbers (a zero quota, period, burst or window), if anything.
    pub fn problem(&self) -> Option<String> {
        let name = &self.name;
        match self.algorithm {
            Algorithm::Gcra { quota: 0, .. } => {
                Some(format!("rate limit `{name}` has a quota of 0 requests"))
            }
            Algorithm::Gcra { period, .. } if period.is_zero() => {
                Some(format!("rate limit `{name}` has a period of 0"))
            }
            Algorithm::Gcra { burst: 0, .. } => {
                Some(format!("rate limit `{name}` has a burst of 0 requests"))
            }
            Algorithm::Window { limit: 0, .. } => {
                Some(format!("rate limit `{name}` has a limit of 0 requests"))
            }
            Algorithm::Window { window, .. } if window.is_zero() => {
                Some(format!("rate limit `{name}` has a window of 0"))
            }
            _ => None,
        }
    }

    /// Decides a request arriving at `now` for a key whose state is `state` (`None`: never seen, or
    /// evicted), returning the decision and the state to keep. Pure: same inputs, same outputs. A state of
    /// the other algorithm counts as none. A policy with a zero number refuses everything (building the
    /// app reports it first).
    pub fn decide(&self, state: Option<LimitState>, now: Duration) -> (Decision, LimitState) {
        match self.algorithm {
            Algorithm::Gcra { quota, period, burst } => {
                let tat = match state {
                    Some(LimitState::Gcra { tat }) => Some(tat),
                    _ => None,
                };
                gcra(quota, period, burst, tat, now)
            }
            Algorithm::Window { limit, window } => {
                let current = match state {
                    Some(LimitState::Window { start, count }) => Some((start, count)),
                    _ => None,
                };
                fixed_window(limit, window, current, now)
            }
        }
    }

    /// Whether a key in `state` is back to its full allowance at `now`, so that forgetting it changes
    /// nothing: a store may evict it.
    pub fn is_idle(&self, state: LimitState, now: Duration) -> bool {
        match (self.algorithm, state) {
            (Algorithm::Gcra { quota, .. }, LimitState::Gcra { tat }) => {
                tat <= nanos(now).saturating_mul(u128::from(quota))
            }
            (Algorithm::Window { window, .. }, LimitState::Window { start, .. }) => {
                nanos(now) >= start.saturating_add(nanos(window))
            }
            _ => true,
        }
    }
}

/// Whole seconds, rounded up (RFC 9110 §10.2.3 `delay-seconds`).
pub(crate) fn ceil_secs(duration: Duration) -> u64 {
    duration.as_secs().saturating_add(u64::from(duration.subsec_nanos() > 0))
}

/// GCRA, virtual scheduling. In units of nanoseconds × quota the emission interval is exactly `period`
/// (in nanoseconds) and the tolerance `period × (burst − 1)`, so no rounding happens.
fn gcra(
    quota: u64,
    period: Duration,
    burst: u64,
    tat: Option<u128>,
    now: Duration,
) -> (Decision, LimitState) {
    let scale = u128::from(quota.max(1));
    let interval = nanos(period);
    let now_scaled = nanos(now).saturating_mul(scale);
    let tat = tat.unwrap_or(0).max(now_scaled);
    let refuse_all = quota == 0 || burst == 0 || interval == 0;
    let tolerance = interval.saturating_mul(u128::from(burst.saturating_sub(1)));
    let limit_at = now_scaled.saturating_add(tolerance);
    // Conforming iff TAT ≤ now + τ (TAT already raised to now when it was in the past).
    if refuse_all || tat > limit_at {
        let retry = if refuse_all { Duration::MAX } else { duration((tat - limit_at).div_ceil(scale)) };
        let decision = Decision {
            allowed: false,
            limit: quota,
            remaining: 0,
            reset_after: duration((tat - now_scaled).div_ceil(scale)),
            retry_after: Some(retry),
        };
        return (decision, LimitState::Gcra { tat });
    }
    let new_tat = tat.saturating_add(interval);
    // Further requests admitted now: k with new_tat + (k − 1)·T ≤ now + τ.
    let remaining = if new_tat > limit_at {
        0
    } else {
        u64::try_from((limit_at - new_tat) / interval + 1).unwrap_or(u64::MAX)
    };
    let decision = Decision {
        allowed: true,
        limit: quota,
        remaining,
        reset_after: duration((new_tat - now_scaled).div_ceil(scale)),
        retry_after: None,
    };
    (decision, LimitState::Gcra { tat: new_tat })
}

/// Fixed window per key: a request at or after the window's end starts a new window.
fn fixed_window(
    limit: u64,
    window: Duration,
    current: Option<(u128, u64)>,
    now: Duration,
) -> (Decision, LimitState) {
    let now = nanos(now);
    let length = nanos(window);
    let (start, count) = match current {
        Some((start, count)) if now < start.saturating_add(length) => (start, count),
        _ => (now, 0),
    };
    let end = start.saturating_add(length);
    // A clock that went back (now < start) keeps the window; its end is still ahead.
    let reset_after = duration(end.saturating_sub(now));
    if count >= limit || length == 0 {
        let retry = if length == 0 || limit == 0 { Duration::MAX } else { reset_after };
        let decision =
            Decision { allowed: false, limit, remaining: 0, reset_after, retry_after: Some(retry) };
        return (decision, LimitState::Window { start, count });
    }
    let count = count + 1;
    let decision =
        Decision { allowed: true, limit, remaining: limit - count, reset_after, retry_after: None };
    (decision, LimitState::Window { start, count })
}
