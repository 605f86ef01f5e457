//! The rate limiter's rejections, each a named type with a fixed status, rendered as an RFC 9457 problem.

use std::borrow::Cow;
use std::fmt;

use http::StatusCode;

use crate::extract::rejection::define_rejection;
use crate::response::{IntoResponse, Problem, Response};

define_rejection! {
    /// `429 Too Many Requests` (RFC 6585 §4): a limit's quota is used up. The response carries
    /// `Retry-After` (whole seconds, rounded up, RFC 9110 §10.2.3) and the `RateLimit` headers.
    TooManyRequests => TOO_MANY_REQUESTS
}

define_rejection! {
    /// `400 Bad Request`: the request lacks what the limit's key reads (a `Key::header` header, a
    /// `Key::from_fn` value), and the limit does not skip such requests.
    RateLimitKeyMissing => BAD_REQUEST
}

define_rejection! {
    /// `500 Internal Server Error`: a `Key::param` names a parameter the route does not have (a
    /// programming error; the problem names the parameter).
    RateLimitParamMissing => INTERNAL_SERVER_ERROR
}

define_rejection! {
    /// `503 Service Unavailable`: the rate limit store failed to decide (see
    /// [`StoreError`](super::StoreError)).
    RateLimitUnavailable => SERVICE_UNAVAILABLE
}
