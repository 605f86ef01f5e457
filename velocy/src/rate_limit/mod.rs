//! Rate limiting: the [`RateLimit`] middleware (GCRA and fixed window), [`Key`]s, `429 Too Many Requests`
//! with `Retry-After` and the `RateLimit` header fields, and [`RateLimitStore`]s.
//!
#![doc = include_str!("../docs/rate_limit.md")]

mod clock;
mod evaluation;
mod headers;
mod key;
mod middleware;
mod policy;
mod rejection;
mod store;

#[cfg(test)]
mod tests;

pub use clock::{Clock, ManualClock, MonotonicClock};
pub use headers::{RATELIMIT, RATELIMIT_POLICY, X_RATELIMIT_LIMIT, X_RATELIMIT_REMAINING, X_RATELIMIT_RESET};
pub use key::{Key, RateLimitKey};
pub use middleware::RateLimit;
pub use policy::{Algorithm, Decision, LimitState, Policy};
pub use rejection::{RateLimitKeyMissing, RateLimitParamMissing, RateLimitUnavailable, TooManyRequests};
pub use store::{Decided, MemoryStore, RateLimitStore, StoreError, DEFAULT_MAX_KEYS};
