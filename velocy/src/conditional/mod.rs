//! Conditional requests (RFC 9110 §13): entity tags, the [`Preconditions`] of a request, and their
//! evaluation into "go on", `304 Not Modified` or `412 Precondition Failed`.
//!
//! A handler describes the current representation with [`Validators`] (its [`ETag`] and last
//! modification time), asks [`Preconditions::check`] whether to go on, and sends the validators with the
//! response:
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use velocy::conditional::{ETag, Preconditions, Validators};
//! use velocy::prelude::*;
//!
//! #[get("/report")]
//! async fn report(preconditions: Preconditions) -> Response {
//!     let validators = Validators::new()
//!         .etag(ETag::strong("v7").unwrap())
//!         .last_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
//!     if let Err(response) = preconditions.check(&validators) {
//!         return response; // 304 for GET/HEAD when the client's copy is current, or 412
//!     }
//!     (validators, "the report").into_response()
//! }
//! ```
//!
//! # The order of evaluation (RFC 9110 §13.2.2)
//! [`Preconditions::evaluate`] follows the RFC step by step, as an origin server:
//!
//! 1. `If-Match` present: true goes to step 3; false answers **412**.
//! 2. else `If-Unmodified-Since` present (and the resource has a modification date): true goes to step 3;
//!    false answers **412**.
//! 3. `If-None-Match` present: true goes to step 5; false answers **304** for `GET` and `HEAD`, **412**
//!    for every other method.
//! 4. else, for `GET` and `HEAD`, `If-Modified-Since` present (and the resource has a modification date):
//!    true goes to step 5; false answers **304**.
//! 5. `Range` with `If-Range`, for `GET`: evaluated by [`RangeRequest::evaluate`] (see [`range`]): a
//!    matching `If-Range` (or none) lets the range through (**206**, or **416** when no range is
//!    satisfiable); otherwise the `Range` is ignored (**200**).
//! 6. Proceed with the method.
//!
//! What the RFC leaves to the server, decided here:
//!
//! * `CONNECT`, `OPTIONS` and `TRACE` ignore every precondition (§13.2.1).
//! * A date that is not a valid HTTP-date, or a date header sent more than once, is ignored (§13.1.3,
//!   §13.1.4). Dates are compared in whole seconds, the resolution of an HTTP-date.
//! * Malformed members of `If-Match` / `If-None-Match` are skipped (see [`ETagList`]).
//! * The exception that lets a state-changing request that already succeeded answer 2xx instead of 412
//!   (§13.1.1, §13.1.4) is the handler's to apply, as is the rule that preconditions are ignored when the
//!   response without them would not have been 2xx or 412 (§13.2.1): check them after authorization and
//!   the 404 decision.

use std::convert::Infallible;
use std::time::{SystemTime, UNIX_EPOCH};

use http::header::{
    HeaderMap, HeaderValue, ETAG, IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_UNMODIFIED_SINCE,
    LAST_MODIFIED,
};
use http::{Method, StatusCode};

use crate::body::Body;
use crate::extract::FromRequestParts;
use crate::request::RequestParts;
use crate::response::{IntoResponse, IntoResponseParts, Problem, Response};

mod etag;
pub mod range;

pub use etag::{ETag, ETagList, InvalidETag};
pub use range::{
    range_not_satisfiable, ByteRange, ByteRanges, IfRange, RangeOutcome, RangeRequest, RangeSpec,
};

/// The validators of the current representation of a resource: its [`ETag`] and its last modification
/// time, or the fact that it has no current representation ([`Validators::absent`]).
///
/// As response parts they set `ETag` and `Last-Modified` (RFC 9110 §8.8.3, §8.8.2).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct Validators {
    absent: bool,
    etag: Option<ETag>,
    last_modified: Option<SystemTime>,
}

impl Validators {
    /// A current representation, with no validator yet: add them with [`Validators::etag`] and
    /// [`Validators::last_modified`].
    pub fn new() -> Self {
        Self::default()
    }

    /// No current representation (the resource does not exist yet): `If-Match` fails and
    /// `If-None-Match: *` passes, as a create-only `PUT` needs.
    pub fn absent() -> Self {
        Self { absent: true, etag: None, last_modified: None }
    }

    /// Sets the entity tag of the current representation.
    pub fn etag(mut self, etag: ETag) -> Self {
        self.etag = Some(etag);
        self
    }

    /// Sets the last modification time of the current representation (sent with one-second resolution).
    pub fn last_modified(mut self, time: SystemTime) -> Self {
        self.last_modified = Some(time);
        self
    }

    /// The entity tag, if set.
    pub fn get_etag(&self) -> Option<&ETag> {
        self.etag.as_ref()
    }

    /// The last modification time, if set.
    pub fn get_last_modified(&self) -> Option<SystemTime> {
        self.last_modified
    }

    /// Whether the resource has a current representation.
    pub fn exists(&self) -> bool {
        !self.absent
    }

    /// A `304 Not Modified` response (RFC 9110 §15.4.5) with no body, carrying `ETag` and `Last-Modified`
    /// when set. Add `Cache-Control`, `Vary` or `Expires` yourself if a 200 would have carried them.
    pub fn not_modified(&self) -> Response {
        let mut response = Response::new(Body::default());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        self.write_headers(response.headers_mut());
        response
    }

    fn write_headers(&self, headers: &mut HeaderMap) {
        if self.absent {
            return;
        }
        if let Some(etag) = &self.etag {
            headers.insert(ETAG, etag.to_header_value());
        }
        if let Some(time) = self.last_modified {
            if let Ok(value) = HeaderValue::from_str(&httpdate::fmt_http_date(time)) {
                headers.insert(LAST_MODIFIED, value);
            }
        }
    }
}

/// Sets `ETag` and `Last-Modified` (those that are set).
impl IntoResponseParts for Validators {
    fn into_response_parts(self, response: &mut Response) -> Result<(), Response> {
        self.write_headers(response.headers_mut());
        Ok(())
    }
}

/// What evaluating the preconditions decided (RFC 9110 §13.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every precondition passed (or none applied): perform the method.
    Proceed,
    /// Answer `304 Not Modified` (only for `GET` and `HEAD`): the client's cached copy is current.
    NotModified,
    /// Answer `412 Precondition Failed`.
    PreconditionFailed,
}

impl Outcome {
    /// The status to answer with instead of performing the method: `None` for [`Outcome::Proceed`].
    pub fn status(self) -> Option<StatusCode> {
        match self {
            Self::Proceed => None,
            Self::NotModified => Some(StatusCode::NOT_MODIFIED),
            Self::PreconditionFailed => Some(StatusCode::PRECONDITION_FAILED),
        }
    }
}

/// The conditional headers of a request: `If-Match`, `If-None-Match`, `If-Modified-Since` and
/// `If-Unmodified-Since` (RFC 9110 §13.1), with the request method they apply to.
///
/// As an extractor it never fails: absent headers are `None`, dates that are not valid HTTP-dates are
/// ignored (RFC 9110 §13.1.3, §13.1.4) and malformed entity tags are skipped. See the
/// [module docs](self) for the evaluation order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preconditions {
    method: Method,
    if_match: Option<ETagList>,
    if_none_match: Option<ETagList>,
    if_modified_since: Option<SystemTime>,
    if_unmodified_since: Option<SystemTime>,
}

/// One valid HTTP-date from a header sent once; `None` otherwise (RFC 9110 §13.1.3: "MUST ignore").
fn single_date(headers: &HeaderMap, name: http::header::HeaderName) -> Option<SystemTime> {
    let mut values = headers.get_all(name).into_iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    httpdate::parse_http_date(value.to_str().ok()?.trim()).ok()
}

/// Seconds since the Unix epoch: HTTP-dates have a resolution of one second (RFC 9110 §5.6.7).
fn whole_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs())
}

impl Preconditions {
    /// Reads the conditional headers of a request with `method`.
    pub fn from_head(method: &Method, headers: &HeaderMap) -> Self {
        Self {
            method: method.clone(),
            if_match: ETagList::from_values(headers.get_all(IF_MATCH)),
            if_none_match: ETagList::from_values(headers.get_all(IF_NONE_MATCH)),
            if_modified_since: single_date(headers, IF_MODIFIED_SINCE),
            if_unmodified_since: single_date(headers, IF_UNMODIFIED_SINCE),
        }
    }

    /// `If-Match` (RFC 9110 §13.1.1), if present.
    pub fn if_match(&self) -> Option<&ETagList> {
        self.if_match.as_ref()
    }

    /// `If-None-Match` (RFC 9110 §13.1.2), if present.
    pub fn if_none_match(&self) -> Option<&ETagList> {
        self.if_none_match.as_ref()
    }

    /// `If-Modified-Since` (RFC 9110 §13.1.3), if present once with a valid HTTP-date.
    pub fn if_modified_since(&self) -> Option<SystemTime> {
        self.if_modified_since
    }

    /// `If-Unmodified-Since` (RFC 9110 §13.1.4), if present once with a valid HTTP-date.
    pub fn if_unmodified_since(&self) -> Option<SystemTime> {
        self.if_unmodified_since
    }

    /// Whether the request carries no usable precondition.
    pub fn is_empty(&self) -> bool {
        self.if_match.is_none()
            && self.if_none_match.is_none()
            && self.if_modified_since.is_none()
            && self.if_unmodified_since.is_none()
    }

    /// Evaluates the preconditions against the current representation, in the order of RFC 9110
    /// §13.2.2 (see the [module docs](self)).
    pub fn evaluate(&self, current: &Validators) -> Outcome {
        if matches!(self.method, Method::CONNECT | Method::OPTIONS | Method::TRACE) {
            return Outcome::Proceed;
        }
        let safe = matches!(self.method, Method::GET | Method::HEAD);
        // Step 1, or else step 2.
        if let Some(if_match) = &self.if_match {
            if !if_match_passes(if_match, current) {
                return Outcome::PreconditionFailed;
            }
        } else if let (Some(date), Some(modified)) = (self.if_unmodified_since, current.modified()) {
            if whole_seconds(modified) > whole_seconds(date) {
                return Outcome::PreconditionFailed;
            }
        }
        // Step 3, or else step 4.
        if let Some(if_none_match) = &self.if_none_match {
            if !if_none_match_passes(if_none_match, current) {
                return if safe { Outcome::NotModified } else { Outcome::PreconditionFailed };
            }
        } else if let (true, Some(date), Some(modified)) = (safe, self.if_modified_since, current.modified())
        {
            if whole_seconds(modified) <= whole_seconds(date) {
                return Outcome::NotModified;
            }
        }
        Outcome::Proceed
    }

    /// Evaluates the preconditions and builds the response to send instead of performing the method.
    ///
    /// # Errors
    /// `304 Not Modified` ([`Validators::not_modified`]) or `412 Precondition Failed` (an RFC 9457 problem
    /// saying which header failed).
    pub fn check(&self, current: &Validators) -> Result<(), Response> {
        match self.evaluate(current) {
            Outcome::Proceed => Ok(()),
            Outcome::NotModified => Err(current.not_modified()),
            Outcome::PreconditionFailed => {
                let header = if self.if_match.as_ref().is_some_and(|list| !if_match_passes(list, current)) {
                    "If-Match"
                } else if self.if_match.is_none()
                    && self.if_unmodified_since.is_some()
                    && current.modified().is_some()
                {
                    "If-Unmodified-Since"
                } else {
                    "If-None-Match"
                };
                let detail = format!("the precondition in `{header}` failed for the current representation");
                Err(Problem::new(StatusCode::PRECONDITION_FAILED, detail).into_response())
            }
        }
    }
}

impl Validators {
    /// The modification date, when the resource exists and has one.
    fn modified(&self) -> Option<SystemTime> {
        if self.absent {
            None
        } else {
            self.last_modified
        }
    }
}

/// RFC 9110 §13.1.1: `*` is true when a current representation exists; a list is true when one member
/// matches the current entity tag by the strong comparison.
fn if_match_passes(list: &ETagList, current: &Validators) -> bool {
    if current.absent {
        return false;
    }
    match list {
        ETagList::Any => true,
        ETagList::Tags(_) => current.etag.as_ref().is_some_and(|etag| list.matches_strong(etag)),
    }
}

/// RFC 9110 §13.1.2: `*` is false when a current representation exists; a list is false when one member
/// matches the current entity tag by the weak comparison.
fn if_none_match_passes(list: &ETagList, current: &Validators) -> bool {
    if current.absent {
        return true;
    }
    match list {
        ETagList::Any => false,
        ETagList::Tags(_) => !current.etag.as_ref().is_some_and(|etag| list.matches_weak(etag)),
    }
}

/// Reads the conditional headers; never fails.
impl FromRequestParts for Preconditions {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        Ok(Self::from_head(parts.method(), parts.headers()))
    }
}

#[cfg(test)]
mod tests;
