//! Range requests (RFC 9110 §14): parsing `Range` and `If-Range`, and deciding between a full `200`, a
//! `206 Partial Content` with the satisfiable ranges, and `416 Range Not Satisfiable`.
//!
//! Everything here is pure: a handler that serves bytes of any kind (a file, a blob in a database) reads
//! the request with [`RangeRequest`], evaluates it against the representation's [`Validators`] and length,
//! and sends what the [`RangeOutcome`] says.
//!
//! ```
//! use velocy::conditional::{ETag, RangeOutcome, RangeRequest, Validators};
//! use http::{HeaderMap, HeaderValue, Method};
//!
//! let mut headers = HeaderMap::new();
//! headers.insert("range", HeaderValue::from_static("bytes=0-99, -50"));
//! let request = RangeRequest::from_head(&Method::GET, &headers);
//! let validators = Validators::new().etag(ETag::strong("v1").unwrap());
//! match request.evaluate(&validators, 1000) {
//!     RangeOutcome::Partial(ranges) => {
//!         assert_eq!(ranges.len(), 2);
//!         assert_eq!((ranges[0].start(), ranges[0].end()), (0, 99));
//!         assert_eq!((ranges[1].start(), ranges[1].end()), (950, 999));
//!     }
//!     other => panic!("unexpected {other:?}"),
//! }
//! ```
//!
//! # Decisions the RFC leaves to the server
//! * Only `GET` has range semantics (§14.2): a `Range` on any other method (`HEAD` included) is ignored.
//! * A `Range` that is not valid `bytes` syntax, uses another unit, or is sent more than once is ignored
//!   (§14.2: "MAY ignore"): the whole representation is sent.
//! * At most [`RangeRequest::DEFAULT_MAX_RANGES`] (16) range-specs are honoured; a header with more is
//!   ignored, as §14.2 allows against denial-of-service (the full representation is sent).
//! * Satisfiable ranges that overlap or touch are coalesced (§14.1.1 "MAY coalesce") and returned in
//!   ascending order, so no byte is sent twice.
//! * A zero-length representation has no byte to send: `Range` is ignored for it.
//! * `If-Range` (§13.1.5) passes only on an exact match: a strong entity tag compared strongly (a weak tag
//!   never matches), or an HTTP-date equal, in whole seconds, to the last modification time, provided that
//!   time is at least one second in the past (only then is it a strong validator, §8.8.2.2). An `If-Range`
//!   that is neither fails, so the `Range` is ignored.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::header::{HeaderMap, HeaderValue, CONTENT_RANGE, IF_RANGE, RANGE};
use http::{Method, StatusCode};

use super::{ETag, Validators};
use crate::extract::FromRequestParts;
use crate::request::RequestParts;
use crate::response::{IntoResponse, Problem, Response};

/// One `range-spec` of a `bytes` range set, as the client wrote it (RFC 9110 §14.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeSpec {
    /// `first-last`: both positions inclusive, `last >= first`.
    FromTo(u64, u64),
    /// `first-`: from `first` to the end.
    From(u64),
    /// `-length`: the last `length` bytes.
    Suffix(u64),
}

impl RangeSpec {
    /// The bytes this spec selects in a representation of `length` bytes, clipped to it; `None` when
    /// unsatisfiable (RFC 9110 §14.1.1: a first position at or past the end, or a zero suffix).
    pub fn resolve(self, length: u64) -> Option<ByteRange> {
        if length == 0 {
            return None;
        }
        let last = length - 1;
        match self {
            Self::FromTo(first, end) if first <= last => Some(ByteRange { start: first, end: end.min(last) }),
            Self::From(first) if first <= last => Some(ByteRange { start: first, end: last }),
            Self::Suffix(suffix) if suffix > 0 => {
                Some(ByteRange { start: length.saturating_sub(suffix), end: last })
            }
            _ => None,
        }
    }
}

/// The `bytes` range set of a `Range` header (RFC 9110 §14.2), parsed but not yet resolved against a
/// length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteRanges {
    specs: Vec<RangeSpec>,
}

/// Why a `Range` value is not a valid `bytes` range set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRange;

impl fmt::Display for InvalidRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a valid `bytes` range set (RFC 9110 §14.1.1)")
    }
}

impl std::error::Error for InvalidRange {}

/// At most this many range-specs are parsed; a longer list is refused before allocating for it.
const PARSE_CAP: usize = 1024;

impl ByteRanges {
    /// Parses a `Range` value: `bytes=` (the unit compared case-insensitively) then a comma-separated list
    /// of `first-last`, `first-` and `-suffix` (optional whitespace around the commas, empty elements
    /// skipped as RFC 9110 §5.6.1.2 asks). Positions that overflow `u64` saturate.
    ///
    /// # Errors
    /// [`InvalidRange`] for another unit, an empty set, `last < first`, any other syntax error, or more
    /// than 1024 elements.
    ///
    /// ```
    /// use velocy::conditional::{ByteRanges, RangeSpec};
    ///
    /// let ranges = ByteRanges::parse(b"bytes=0-9, 20-, -5").unwrap();
    /// assert_eq!(ranges.specs(), [RangeSpec::FromTo(0, 9), RangeSpec::From(20), RangeSpec::Suffix(5)]);
    /// assert!(ByteRanges::parse(b"items=0-9").is_err());
    /// ```
    pub fn parse(value: &[u8]) -> Result<Self, InvalidRange> {
        let text = std::str::from_utf8(value).map_err(|_| InvalidRange)?;
        let (unit, set) = text.trim_matches([' ', '\t']).split_once('=').ok_or(InvalidRange)?;
        if !unit.eq_ignore_ascii_case("bytes") {
            return Err(InvalidRange);
        }
        let mut specs = Vec::new();
        for element in set.split(',') {
            let element = element.trim_matches([' ', '\t']);
            if element.is_empty() {
                continue;
            }
            if specs.len() == PARSE_CAP {
                return Err(InvalidRange);
            }
            let (first, last) = element.split_once('-').ok_or(InvalidRange)?;
            let spec = match (first.is_empty(), last.is_empty()) {
                (true, true) => return Err(InvalidRange),
                (true, false) => RangeSpec::Suffix(digits(last)?),
                (false, true) => RangeSpec::From(digits(first)?),
                (false, false) => {
                    let (first, last) = (digits(first)?, digits(last)?);
                    if last < first {
                        return Err(InvalidRange);
                    }
                    RangeSpec::FromTo(first, last)
                }
            };
            specs.push(spec);
        }
        if specs.is_empty() {
            return Err(InvalidRange);
        }
        Ok(Self { specs })
    }

    /// The range-specs, in the order the client sent them.
    pub fn specs(&self) -> &[RangeSpec] {
        &self.specs
    }

    /// The satisfiable ranges for a representation of `length` bytes, coalesced (overlapping or adjacent
    /// ranges merged) and in ascending order; empty when none is satisfiable.
    pub fn resolve(&self, length: u64) -> Vec<ByteRange> {
        let mut ranges: Vec<ByteRange> = self.specs.iter().filter_map(|spec| spec.resolve(length)).collect();
        ranges.sort_unstable_by_key(|range| range.start);
        let mut merged: Vec<ByteRange> = Vec::with_capacity(ranges.len());
        for range in ranges {
            match merged.last_mut() {
                Some(previous) if range.start <= previous.end.saturating_add(1) => {
                    previous.end = previous.end.max(range.end);
                }
                _ => merged.push(range),
            }
        }
        merged
    }
}

/// `1*DIGIT`, saturating at `u64::MAX`.
fn digits(text: &str) -> Result<u64, InvalidRange> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(InvalidRange);
    }
    Ok(text.bytes().fold(0u64, |value, byte| value.saturating_mul(10).saturating_add(u64::from(byte - b'0'))))
}

/// A satisfiable byte range: `start..=end`, both inclusive, within the representation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    start: u64,
    end: u64,
}

impl ByteRange {
    /// The range `start..=end`; `None` when `end < start`.
    pub fn new(start: u64, end: u64) -> Option<Self> {
        (start <= end).then_some(Self { start, end })
    }

    /// The first byte's position.
    pub fn start(&self) -> u64 {
        self.start
    }

    /// The last byte's position (inclusive).
    pub fn end(&self) -> u64 {
        self.end
    }

    /// The number of bytes in the range (at least 1), saturating at `u64::MAX` for `0..=u64::MAX`.
    pub fn len(&self) -> u64 {
        (self.end - self.start).saturating_add(1)
    }

    /// Always `false`: a satisfiable range holds at least one byte.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The `Content-Range` value for this range of a representation of `complete_length` bytes:
    /// `bytes start-end/complete_length` (RFC 9110 §14.4).
    pub fn content_range(&self, complete_length: u64) -> HeaderValue {
        ascii_value(format!("bytes {}-{}/{complete_length}", self.start, self.end))
    }
}

/// A header value from text made of digits and ASCII punctuation only (so the conversion cannot fail).
fn ascii_value(text: String) -> HeaderValue {
    HeaderValue::try_from(text).unwrap_or_else(|_| HeaderValue::from_static("bytes */0"))
}

/// An `If-Range` value (RFC 9110 §13.1.5): an entity tag or an HTTP-date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfRange {
    /// An entity tag; only a strong one can ever match.
    ETag(ETag),
    /// An HTTP-date, compared exactly (whole seconds) with the last modification time.
    Date(SystemTime),
}

impl IfRange {
    /// Parses an `If-Range` value: an entity tag when it starts with `"` or `W/`, an HTTP-date otherwise.
    /// `None` when it is neither.
    pub fn parse(value: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(value).ok()?.trim_matches([' ', '\t']);
        if text.starts_with('"') || text.starts_with("W/") {
            ETag::parse_bytes(text.as_bytes()).ok().map(Self::ETag)
        } else {
            httpdate::parse_http_date(text).ok().map(Self::Date)
        }
    }

    /// Whether the validator matches the current representation, so the `Range` may be honoured: a
    /// strong entity tag equal by the strong comparison, or a date equal to the last modification time
    /// when that time is a strong validator, at least one second before now (RFC 9110 §13.1.5, §8.8.2.2:
    /// a file modified within the last second may change again under the same date).
    pub fn matches(&self, current: &Validators) -> bool {
        self.matches_at(current, SystemTime::now())
    }

    /// [`matches`](Self::matches) with the response's date given.
    fn matches_at(&self, current: &Validators, now: SystemTime) -> bool {
        if !current.exists() {
            return false;
        }
        match self {
            Self::ETag(tag) => current.get_etag().is_some_and(|etag| etag.strong_eq(tag)),
            Self::Date(date) => current.get_last_modified().is_some_and(|modified| {
                let strong = modified.checked_add(STRONG_DATE_DELAY).is_some_and(|limit| limit <= now);
                strong && seconds(modified) == seconds(*date)
            }),
        }
    }
}

/// How long before the response a modification time must lie to be a strong validator (RFC 9110 §8.8.2.2).
const STRONG_DATE_DELAY: Duration = Duration::from_secs(1);

fn seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs())
}

/// The `If-Range` field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
enum IfRangeField {
    Absent,
    Valid(IfRange),
    /// Present but not a valid entity tag or date, or sent more than once: never matches.
    Invalid,
}

/// The range headers of a request, `Range` and `If-Range`, with its method: what
/// [`RangeRequest::evaluate`] needs to choose between 200, 206 and 416.
///
/// As an extractor it never fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeRequest {
    method: Method,
    range: Option<ByteRanges>,
    if_range: IfRangeField,
    max_ranges: usize,
}

/// What [`RangeRequest::evaluate`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeOutcome {
    /// Send the whole representation with `200 OK`: no usable `Range`, or `If-Range` did not match.
    Full,
    /// Send `206 Partial Content` with these ranges: one (with `Content-Range`) or several (as
    /// `multipart/byteranges`, RFC 9110 §14.6), ascending and disjoint.
    Partial(Vec<ByteRange>),
    /// Answer `416 Range Not Satisfiable` (see [`range_not_satisfiable`]): no range overlaps the
    /// representation.
    Unsatisfiable,
}

impl RangeRequest {
    /// The default cap on range-specs: a `Range` with more is ignored.
    pub const DEFAULT_MAX_RANGES: usize = 16;

    /// Reads `Range` and `If-Range` from a request with `method`.
    pub fn from_head(method: &Method, headers: &HeaderMap) -> Self {
        let mut values = headers.get_all(RANGE).into_iter();
        let range = match (values.next(), values.next()) {
            (Some(value), None) => ByteRanges::parse(value.as_bytes()).ok(),
            _ => None,
        };
        let mut values = headers.get_all(IF_RANGE).into_iter();
        let if_range = match (values.next(), values.next()) {
            (None, _) => IfRangeField::Absent,
            (Some(value), None) => {
                IfRange::parse(value.as_bytes()).map_or(IfRangeField::Invalid, IfRangeField::Valid)
            }
            (Some(_), Some(_)) => IfRangeField::Invalid,
        };
        Self { method: method.clone(), range, if_range, max_ranges: Self::DEFAULT_MAX_RANGES }
    }

    /// Sets the most range-specs honoured (default [`Self::DEFAULT_MAX_RANGES`]); a `Range` with more is
    /// ignored and the full representation sent. At least 1.
    #[must_use]
    pub fn max_ranges(mut self, max: usize) -> Self {
        self.max_ranges = max.max(1);
        self
    }

    /// The parsed `Range`, when the request has exactly one valid `bytes` range set.
    pub fn range(&self) -> Option<&ByteRanges> {
        self.range.as_ref()
    }

    /// The parsed `If-Range`, when present once and valid.
    pub fn if_range(&self) -> Option<&IfRange> {
        match &self.if_range {
            IfRangeField::Valid(if_range) => Some(if_range),
            _ => None,
        }
    }

    /// Decides, for a representation of `length` bytes described by `current`, what to send (RFC 9110
    /// §13.2.2 step 5 and §14.2); see the [module docs](self) for the choices made.
    ///
    /// Evaluate [`Preconditions`](super::Preconditions) first: a 304 or 412 wins over any range.
    pub fn evaluate(&self, current: &Validators, length: u64) -> RangeOutcome {
        let Some(range) = &self.range else { return RangeOutcome::Full };
        if self.method != Method::GET || length == 0 || range.specs.len() > self.max_ranges {
            return RangeOutcome::Full;
        }
        match &self.if_range {
            IfRangeField::Absent => {}
            IfRangeField::Valid(if_range) if if_range.matches(current) => {}
            _ => return RangeOutcome::Full,
        }
        let ranges = range.resolve(length);
        if ranges.is_empty() {
            RangeOutcome::Unsatisfiable
        } else {
            RangeOutcome::Partial(ranges)
        }
    }
}

/// A `416 Range Not Satisfiable` problem with `Content-Range: bytes */length` (RFC 9110 §15.5.17, §14.4).
pub fn range_not_satisfiable(length: u64) -> Response {
    let detail = format!("no requested range overlaps the {length} bytes of the representation");
    let mut response = Problem::new(StatusCode::RANGE_NOT_SATISFIABLE, detail).into_response();
    response.headers_mut().insert(CONTENT_RANGE, ascii_value(format!("bytes */{length}")));
    response
}

/// Reads `Range` and `If-Range`; never fails.
impl FromRequestParts for RangeRequest {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        Ok(Self::from_head(parts.method(), parts.headers()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;

    fn request(method: Method, headers: &[(&'static str, &str)]) -> RangeRequest {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        RangeRequest::from_head(&method, &map)
    }

    fn spans(outcome: RangeOutcome) -> Vec<(u64, u64)> {
        match outcome {
            RangeOutcome::Partial(ranges) => {
                ranges.iter().map(|range| (range.start(), range.end())).collect()
            }
            other => panic!("expected partial, got {other:?}"),
        }
    }

    fn validators() -> Validators {
        Validators::new()
            .etag(ETag::strong("abc").unwrap())
            .last_modified(UNIX_EPOCH + Duration::from_secs(1_700_000_000))
    }

    #[test]
    fn parses_every_form_and_whitespace() {
        let parsed = ByteRanges::parse(b" Bytes = 0-0 ,, 5- ,\t-7 ").ok();
        // `Bytes = ` with spaces around `=` is not the grammar.
        assert_eq!(parsed, None);
        let parsed = ByteRanges::parse(b"BYTES=0-0 ,, 5- ,\t-7").unwrap();
        assert_eq!(parsed.specs(), [RangeSpec::FromTo(0, 0), RangeSpec::From(5), RangeSpec::Suffix(7)]);
    }

    #[test]
    fn invalid_syntax_is_refused() {
        for value in
            ["bytes=", "bytes=-", "bytes=5-4", "bytes=a-b", "bytes=1-2-3", "bytes 1-2", "bytes=+1-2", "=1-2"]
        {
            assert!(ByteRanges::parse(value.as_bytes()).is_err(), "{value}");
        }
    }

    #[test]
    fn huge_positions_saturate() {
        let parsed = ByteRanges::parse(b"bytes=99999999999999999999999-").unwrap();
        assert_eq!(parsed.specs(), [RangeSpec::From(u64::MAX)]);
        assert!(parsed.resolve(100).is_empty());
        let parsed = ByteRanges::parse(b"bytes=10-99999999999999999999999").unwrap();
        assert_eq!(parsed.resolve(100), [ByteRange::new(10, 99).unwrap()]);
    }

    #[test]
    fn suffix_longer_than_the_representation_is_all_of_it() {
        assert_eq!(
            spans(request(Method::GET, &[("range", "bytes=-500")]).evaluate(&validators(), 100)),
            [(0, 99)]
        );
        assert_eq!(
            request(Method::GET, &[("range", "bytes=-0")]).evaluate(&validators(), 100),
            RangeOutcome::Unsatisfiable
        );
    }

    #[test]
    fn overlapping_and_adjacent_ranges_coalesce_in_ascending_order() {
        let outcome = request(Method::GET, &[("range", "bytes=50-59, 0-9, 5-14, 15-19, 90-")])
            .evaluate(&validators(), 100);
        assert_eq!(spans(outcome), [(0, 19), (50, 59), (90, 99)]);
    }

    #[test]
    fn unsatisfiable_only_when_no_range_overlaps() {
        let req = request(Method::GET, &[("range", "bytes=100-, 200-300")]);
        assert_eq!(req.evaluate(&validators(), 100), RangeOutcome::Unsatisfiable);
        let req = request(Method::GET, &[("range", "bytes=100-, 99-300")]);
        assert_eq!(spans(req.evaluate(&validators(), 100)), [(99, 99)]);
    }

    #[test]
    fn too_many_ranges_are_ignored() {
        let many = (0..17).map(|i| format!("{}-{}", i * 2, i * 2)).collect::<Vec<_>>().join(",");
        let value = format!("bytes={many}");
        let req = request(Method::GET, &[("range", &value)]);
        assert_eq!(req.evaluate(&validators(), 1000), RangeOutcome::Full);
        assert_eq!(spans(req.clone().max_ranges(17).evaluate(&validators(), 1000)).len(), 17);
    }

    #[test]
    fn only_get_has_ranges_and_duplicates_or_other_units_are_ignored() {
        let v = validators();
        assert_eq!(request(Method::HEAD, &[("range", "bytes=0-1")]).evaluate(&v, 10), RangeOutcome::Full);
        assert_eq!(
            request(Method::GET, &[("range", "bytes=0-1"), ("range", "bytes=2-3")]).evaluate(&v, 10),
            RangeOutcome::Full
        );
        assert_eq!(request(Method::GET, &[("range", "items=0-1")]).evaluate(&v, 10), RangeOutcome::Full);
        assert_eq!(request(Method::GET, &[("range", "bytes=0-1")]).evaluate(&v, 0), RangeOutcome::Full);
    }

    #[test]
    fn if_range_matches_strong_tags_and_exact_dates_only() {
        let v = validators();
        let date = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
        let later = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(1_700_000_001));
        let partial = |if_range: &str| {
            matches!(
                request(Method::GET, &[("range", "bytes=0-1"), ("if-range", if_range)]).evaluate(&v, 10),
                RangeOutcome::Partial(_)
            )
        };
        assert!(partial("\"abc\""));
        assert!(!partial("W/\"abc\""));
        assert!(!partial("\"abd\""));
        assert!(partial(&date));
        assert!(!partial(&later));
        assert!(!partial("yesterday"));
        // A weak current tag never matches either.
        let weak = Validators::new().etag(ETag::weak("abc").unwrap());
        let req = request(Method::GET, &[("range", "bytes=0-1"), ("if-range", "\"abc\"")]);
        assert_eq!(req.evaluate(&weak, 10), RangeOutcome::Full);
    }

    #[test]
    fn if_range_dates_match_only_once_strong() {
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let date = |time: SystemTime| IfRange::parse(httpdate::fmt_http_date(time).as_bytes()).unwrap();
        // Modified half a second before the response: the same date could name a later version.
        let fresh = now - Duration::from_millis(500);
        let current = Validators::new().last_modified(fresh);
        assert!(!date(fresh).matches_at(&current, now));
        assert!(date(fresh).matches_at(&current, now + Duration::from_millis(600)));
        // Exactly one second before is strong.
        let settled = now - Duration::from_secs(1);
        assert!(date(settled).matches_at(&Validators::new().last_modified(settled), now));
        // Through `evaluate` (the real clock): a file modified now is sent whole.
        let just_now = SystemTime::now();
        let current = Validators::new().last_modified(just_now);
        let header = httpdate::fmt_http_date(just_now);
        let req = request(Method::GET, &[("range", "bytes=0-1"), ("if-range", &header)]);
        assert_eq!(req.evaluate(&current, 10), RangeOutcome::Full);
    }

    #[test]
    fn the_widest_range_has_a_saturated_length() {
        let widest = ByteRange::new(0, u64::MAX).unwrap();
        assert_eq!(widest.len(), u64::MAX);
        assert_eq!(ByteRange::new(u64::MAX, u64::MAX).unwrap().len(), 1);
        assert_eq!(ByteRange::new(3, 2), None);
    }

    #[test]
    fn the_416_carries_the_complete_length() {
        let response = range_not_satisfiable(1234);
        assert_eq!(response.status(), StatusCode::RANGE_NOT_SATISFIABLE);
        assert_eq!(response.headers()[CONTENT_RANGE], "bytes */1234");
        assert_eq!(ByteRange::new(2, 5).unwrap().content_range(10), "bytes 2-5/10");
    }

    proptest! {
        #[test]
        fn parse_never_panics_and_resolved_ranges_are_sorted_disjoint_and_inside(
            value in "[bB]ytes=[0-9, \\-]{0,40}",
            length in 0u64..200,
        ) {
            if let Ok(parsed) = ByteRanges::parse(value.as_bytes()) {
                let ranges = parsed.resolve(length);
                for range in &ranges {
                    prop_assert!(range.start() <= range.end());
                    prop_assert!(range.end() < length);
                }
                for pair in ranges.windows(2) {
                    prop_assert!(pair[0].end() + 1 < pair[1].start());
                }
            }
        }

        #[test]
        fn written_ranges_parse_back(specs in proptest::collection::vec((0u64..1000, 0u64..1000, 0u8..3), 1..10)) {
            let mut written = Vec::new();
            let mut expected = Vec::new();
            for (a, b, kind) in specs {
                let (first, last) = (a.min(b), a.max(b));
                let (text, spec) = match kind {
                    0 => (format!("{first}-{last}"), RangeSpec::FromTo(first, last)),
                    1 => (format!("{first}-"), RangeSpec::From(first)),
                    _ => (format!("-{last}"), RangeSpec::Suffix(last)),
                };
                written.push(text);
                expected.push(spec);
            }
            let parsed = ByteRanges::parse(format!("bytes={}", written.join(", ")).as_bytes()).unwrap();
            prop_assert_eq!(parsed.specs(), &expected[..]);
        }
    }
}
