#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, Method, StatusCode};

use super::*;

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

fn date(seconds: u64) -> String {
    httpdate::fmt_http_date(at(seconds))
}

fn strong(tag: &str) -> ETag {
    ETag::strong(tag).unwrap()
}

fn weak(tag: &str) -> ETag {
    ETag::weak(tag).unwrap()
}

fn preconditions(method: Method, headers: &[(&str, &str)]) -> Preconditions {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(HeaderName::from_bytes(name.as_bytes()).unwrap(), HeaderValue::from_str(value).unwrap());
    }
    Preconditions::from_head(&method, &map)
}

/// A representation tagged `"v2"`, last modified at second 1,000.
fn current() -> Validators {
    Validators::new().etag(strong("v2")).last_modified(at(1_000))
}

fn outcome(method: Method, headers: &[(&str, &str)]) -> Outcome {
    preconditions(method, headers).evaluate(&current())
}

// ---- entity tags (RFC 9110 §8.8.3) ----

#[test]
fn etags_parse_and_format() {
    let tag: ETag = "\"xyzzy\"".parse().unwrap();
    assert!(!tag.is_weak());
    assert_eq!(tag.tag(), "xyzzy");
    assert_eq!(tag.to_string(), "\"xyzzy\"");
    let tag: ETag = " W/\"r2d2\" ".parse().unwrap();
    assert!(tag.is_weak());
    assert_eq!(tag.to_string(), "W/\"r2d2\"");
    assert_eq!("\"\"".parse::<ETag>().unwrap().tag(), "");
    assert_eq!(strong("a,b").to_header_value(), "\"a,b\"");
}

#[test]
fn invalid_etags_are_refused() {
    for text in ["xyzzy", "\"open", "w/\"lower\"", "W/xyzzy", "\"a\" \"b\"", "\"sp ace\"", "\"\"x", ""] {
        assert!(text.parse::<ETag>().is_err(), "{text:?}");
    }
    assert!(ETag::strong("quo\"te").is_err());
    assert!(ETag::weak("tab\t").is_err());
    assert!(ETag::strong("caf\u{e9}").is_ok(), "obs-text is allowed");
}

#[test]
fn strong_and_weak_comparison_follow_the_rfc_table() {
    // RFC 9110 §8.8.3.2, the example table.
    assert!(!weak("1").strong_eq(&weak("1")));
    assert!(weak("1").weak_eq(&weak("1")));
    assert!(!weak("1").strong_eq(&weak("2")));
    assert!(!weak("1").weak_eq(&weak("2")));
    assert!(!weak("1").strong_eq(&strong("1")));
    assert!(weak("1").weak_eq(&strong("1")));
    assert!(strong("1").strong_eq(&strong("1")));
    assert!(strong("1").weak_eq(&strong("1")));
}

#[test]
fn etag_lists_parse_leniently() {
    assert_eq!(ETagList::parse(b"*"), ETagList::Any);
    assert_eq!(ETagList::parse(b" * "), ETagList::Any);
    assert_eq!(ETagList::parse(b"\"a\", *"), ETagList::Any);
    assert_eq!(ETagList::parse(b"\"a\", W/\"b\" ,,\"c\"").tags(), &[strong("a"), weak("b"), strong("c")]);
    // Malformed members are skipped, the rest kept.
    assert_eq!(ETagList::parse(b"bare, \"ok\", \"x\"y, W/z, \"unterminated").tags(), &[strong("ok")]);
    assert_eq!(ETagList::parse(b"*x, \"ok\"").tags(), &[strong("ok")]);
    assert_eq!(ETagList::parse(b"").tags(), &[] as &[ETag]);
    // Commas inside the quotes are part of the tag.
    assert_eq!(ETagList::parse(b"\"a,b\"").tags(), &[strong("a,b")]);
    // Several header lines form one list.
    let lines = [HeaderValue::from_static("\"a\""), HeaderValue::from_static("\"b\"")];
    assert_eq!(ETagList::from_values(&lines).unwrap().tags(), &[strong("a"), strong("b")]);
    assert_eq!(ETagList::from_values(&[] as &[HeaderValue]), None);
}

// ---- step 1: If-Match (RFC 9110 §13.1.1) ----

#[test]
fn step_1_if_match_uses_the_strong_comparison() {
    assert_eq!(outcome(Method::PUT, &[("if-match", "\"v2\"")]), Outcome::Proceed);
    assert_eq!(outcome(Method::PUT, &[("if-match", "\"v1\", \"v2\"")]), Outcome::Proceed);
    assert_eq!(outcome(Method::PUT, &[("if-match", "\"v1\"")]), Outcome::PreconditionFailed);
    assert_eq!(outcome(Method::PUT, &[("if-match", "W/\"v2\"")]), Outcome::PreconditionFailed);
    assert_eq!(outcome(Method::GET, &[("if-match", "\"v1\"")]), Outcome::PreconditionFailed);
    // Nothing valid in the list: nothing matches.
    assert_eq!(outcome(Method::PUT, &[("if-match", "v2")]), Outcome::PreconditionFailed);
}

#[test]
fn step_1_if_match_star_needs_a_current_representation() {
    let star = preconditions(Method::PUT, &[("if-match", "*")]);
    assert_eq!(star.evaluate(&current()), Outcome::Proceed);
    assert_eq!(star.evaluate(&Validators::new()), Outcome::Proceed);
    assert_eq!(star.evaluate(&Validators::absent()), Outcome::PreconditionFailed);
    let list = preconditions(Method::PUT, &[("if-match", "\"v2\"")]);
    assert_eq!(list.evaluate(&Validators::new()), Outcome::PreconditionFailed, "no current etag");
}

#[test]
fn step_1_if_match_takes_precedence_over_if_unmodified_since() {
    // A passing If-Match makes If-Unmodified-Since irrelevant, even when it would fail.
    let headers = [("if-match", "\"v2\""), ("if-unmodified-since", &*date(10))];
    assert_eq!(outcome(Method::PUT, &headers), Outcome::Proceed);
    let headers = [("if-match", "\"v1\""), ("if-unmodified-since", &*date(5_000))];
    assert_eq!(outcome(Method::PUT, &headers), Outcome::PreconditionFailed);
}

// ---- step 2: If-Unmodified-Since (RFC 9110 §13.1.4) ----

#[test]
fn step_2_if_unmodified_since_compares_whole_seconds() {
    assert_eq!(outcome(Method::PUT, &[("if-unmodified-since", &date(1_000))]), Outcome::Proceed);
    assert_eq!(outcome(Method::PUT, &[("if-unmodified-since", &date(2_000))]), Outcome::Proceed);
    assert_eq!(outcome(Method::PUT, &[("if-unmodified-since", &date(999))]), Outcome::PreconditionFailed);
    // A sub-second modification time is compared at one-second resolution.
    let fractional = Validators::new().last_modified(at(1_000) + Duration::from_millis(700));
    let same_second = preconditions(Method::PUT, &[("if-unmodified-since", &date(1_000))]);
    assert_eq!(same_second.evaluate(&fractional), Outcome::Proceed);
}

#[test]
fn step_2_if_unmodified_since_is_ignored_when_invalid_or_without_a_date() {
    assert_eq!(outcome(Method::PUT, &[("if-unmodified-since", "yesterday")]), Outcome::Proceed);
    let twice = [("if-unmodified-since", &*date(10)), ("if-unmodified-since", &*date(10))];
    assert_eq!(outcome(Method::PUT, &twice), Outcome::Proceed);
    let early = preconditions(Method::PUT, &[("if-unmodified-since", &date(10))]);
    assert_eq!(early.evaluate(&Validators::new().etag(strong("v2"))), Outcome::Proceed);
    assert_eq!(early.evaluate(&Validators::absent()), Outcome::Proceed);
}

// ---- step 3: If-None-Match (RFC 9110 §13.1.2) ----

#[test]
fn step_3_if_none_match_uses_the_weak_comparison() {
    assert_eq!(outcome(Method::GET, &[("if-none-match", "\"v2\"")]), Outcome::NotModified);
    assert_eq!(outcome(Method::GET, &[("if-none-match", "W/\"v2\"")]), Outcome::NotModified);
    assert_eq!(outcome(Method::HEAD, &[("if-none-match", "\"v1\", W/\"v2\"")]), Outcome::NotModified);
    assert_eq!(outcome(Method::GET, &[("if-none-match", "\"v1\"")]), Outcome::Proceed);
}

#[test]
fn step_3_if_none_match_fails_with_412_for_unsafe_methods() {
    assert_eq!(outcome(Method::PUT, &[("if-none-match", "\"v2\"")]), Outcome::PreconditionFailed);
    assert_eq!(outcome(Method::DELETE, &[("if-none-match", "*")]), Outcome::PreconditionFailed);
    assert_eq!(outcome(Method::POST, &[("if-none-match", "\"v1\"")]), Outcome::Proceed);
}

#[test]
fn step_3_if_none_match_star_allows_only_creation() {
    let create_only = preconditions(Method::PUT, &[("if-none-match", "*")]);
    assert_eq!(create_only.evaluate(&Validators::absent()), Outcome::Proceed);
    assert_eq!(create_only.evaluate(&Validators::new()), Outcome::PreconditionFailed);
    let get_star = preconditions(Method::GET, &[("if-none-match", "*")]);
    assert_eq!(get_star.evaluate(&current()), Outcome::NotModified);
}

#[test]
fn step_3_runs_after_a_passing_step_1_or_2() {
    let headers = [("if-match", "\"v2\""), ("if-none-match", "\"v2\"")];
    assert_eq!(outcome(Method::GET, &headers), Outcome::NotModified);
    let headers = [("if-unmodified-since", &*date(5_000)), ("if-none-match", "\"v2\"")];
    assert_eq!(outcome(Method::PATCH, &headers), Outcome::PreconditionFailed);
}

#[test]
fn step_3_if_none_match_takes_precedence_over_if_modified_since() {
    // The tag differs, so the representation changed, whatever the date says.
    let headers = [("if-none-match", "\"v1\""), ("if-modified-since", &*date(5_000))];
    assert_eq!(outcome(Method::GET, &headers), Outcome::Proceed);
    let headers = [("if-none-match", "\"v2\""), ("if-modified-since", &*date(10))];
    assert_eq!(outcome(Method::GET, &headers), Outcome::NotModified);
}

// ---- step 4: If-Modified-Since (RFC 9110 §13.1.3) ----

#[test]
fn step_4_if_modified_since_answers_304_when_not_newer() {
    assert_eq!(outcome(Method::GET, &[("if-modified-since", &date(1_000))]), Outcome::NotModified);
    assert_eq!(outcome(Method::HEAD, &[("if-modified-since", &date(5_000))]), Outcome::NotModified);
    assert_eq!(outcome(Method::GET, &[("if-modified-since", &date(999))]), Outcome::Proceed);
}

#[test]
fn step_4_if_modified_since_applies_only_to_get_and_head_with_a_valid_single_date() {
    assert_eq!(outcome(Method::POST, &[("if-modified-since", &date(5_000))]), Outcome::Proceed);
    assert_eq!(outcome(Method::PUT, &[("if-modified-since", &date(5_000))]), Outcome::Proceed);
    assert_eq!(outcome(Method::GET, &[("if-modified-since", "not a date")]), Outcome::Proceed);
    let twice = [("if-modified-since", &*date(5_000)), ("if-modified-since", &*date(5_000))];
    assert_eq!(outcome(Method::GET, &twice), Outcome::Proceed);
    let undated = preconditions(Method::GET, &[("if-modified-since", &date(5_000))]);
    assert_eq!(undated.evaluate(&Validators::new().etag(strong("v2"))), Outcome::Proceed);
    // The obsolete date formats of RFC 9110 §5.6.7 are accepted.
    let rfc850 = [("if-modified-since", "Sunday, 06-Nov-94 08:49:37 GMT")];
    let old = preconditions(Method::GET, &rfc850);
    assert_eq!(old.evaluate(&Validators::new().last_modified(at(784_111_777))), Outcome::NotModified);
}

// ---- steps 5 and 6, and what is ignored ----

#[test]
fn step_6_no_precondition_proceeds() {
    let none = preconditions(Method::GET, &[]);
    assert!(none.is_empty());
    assert_eq!(none.evaluate(&current()), Outcome::Proceed);
    assert_eq!(none.evaluate(&Validators::absent()), Outcome::Proceed);
}

#[test]
fn connect_options_and_trace_ignore_preconditions() {
    for method in [Method::OPTIONS, Method::TRACE, Method::CONNECT] {
        assert_eq!(outcome(method, &[("if-match", "\"nope\"")]), Outcome::Proceed);
    }
}

// ---- responses ----

#[test]
fn check_builds_304_with_validators_and_412_naming_the_header() {
    let not_modified =
        preconditions(Method::GET, &[("if-none-match", "\"v2\"")]).check(&current()).unwrap_err();
    assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(not_modified.headers()[ETAG], "\"v2\"");
    assert_eq!(not_modified.headers()[LAST_MODIFIED], date(1_000).as_str());
    let failed = preconditions(Method::PUT, &[("if-match", "\"v1\"")]).check(&current()).unwrap_err();
    assert_eq!(failed.status(), StatusCode::PRECONDITION_FAILED);
    assert!(preconditions(Method::GET, &[]).check(&current()).is_ok());
    assert_eq!(Outcome::NotModified.status(), Some(StatusCode::NOT_MODIFIED));
    assert_eq!(Outcome::Proceed.status(), None);
}

#[tokio::test]
async fn the_extractor_reads_the_headers_through_a_handler() {
    use crate::test::TestClient;
    use crate::{App, Router};

    async fn report(preconditions: Preconditions) -> Response {
        let validators = Validators::new().etag(ETag::strong("r1").unwrap()).last_modified(at(1_000));
        if let Err(response) = preconditions.check(&validators) {
            return response;
        }
        (validators, "report").into_response()
    }

    let client = TestClient::new(App::new().merge(Router::new().get("/report", report)));
    let fresh = client.get("/report").header("host", "x").send().await;
    assert_eq!(fresh.status(), StatusCode::OK);
    assert_eq!(fresh.header("etag"), Some("\"r1\""));
    let cached = client.get("/report").header("host", "x").header("if-none-match", "\"r1\"").send().await;
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    assert!(cached.bytes().is_empty());
    let put = client.put("/report").header("host", "x").header("if-match", "\"r0\"").send().await;
    assert_eq!(put.status(), StatusCode::METHOD_NOT_ALLOWED);
}
