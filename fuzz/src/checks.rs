//! The checks behind every fuzz target, shared with the corpus replay test (`velocy/tests/fuzz_corpora.rs`,
//! which includes this file with `#[path]`), so a corpus file is checked the same way by libFuzzer on
//! nightly and by `cargo test` on stable.
//!
//! Each check takes the raw input bytes, must never panic on its own, and panics (with a message) only when
//! velocy breaks one of the invariants below.

#![allow(unreachable_pub, missing_docs, dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use http::header::{
    HeaderMap, HeaderValue, ACCEPT, ACCEPT_ENCODING, ACCEPT_LANGUAGE, IF_MATCH, IF_NONE_MATCH,
};
use regex::Regex;
use velocy::__fuzz::{self, Segment};
use velocy::conditional::{ETag, ETagList, Outcome, Preconditions, Validators};
use velocy::negotiation;
use velocy::routing::PathMatcher;

/// A check: panics when an input breaks an invariant.
pub type Check = fn(&[u8]);

/// Every check, by the name of its fuzz target and corpus folder.
pub const TARGETS: &[(&str, Check)] = &[
    ("route_pattern", route_pattern),
    ("trie_match", trie_match),
    ("path_normalize", path_normalize),
    ("query", query),
    ("accept", accept),
    ("etag", etag),
    ("static_path", static_path),
    ("multipart_scan", multipart_scan),
    ("cookie_header", cookie_header),
];

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// The regex the router compiles for a constraint.
fn anchored(regex: &str) -> Option<Regex> {
    Regex::new(&format!("^(?:{regex})$")).ok()
}

fn render(segments: &[Segment]) -> String {
    if segments.is_empty() {
        return "/".to_owned();
    }
    let mut out = String::new();
    for segment in segments {
        out.push('/');
        match segment {
            Segment::Static(text) => out.push_str(text),
            Segment::Param(name, None) => {
                out.push(':');
                out.push_str(name);
            }
            Segment::Param(name, Some(regex)) => {
                out.push(':');
                out.push_str(name);
                out.push('(');
                out.push_str(regex);
                out.push(')');
            }
            Segment::CatchAll(name) => {
                out.push('*');
                out.push_str(name);
            }
        }
    }
    out
}

/// The route-pattern parser: never panics, error spans lie inside the route, a parsed route is exactly its
/// segments written back, and `PathMatcher` accepts what the parser accepts (unless a regex is invalid) and
/// matches a path built from the pattern.
pub fn route_pattern(data: &[u8]) {
    let source = text(data);
    let parsed = __fuzz::parse_pattern(&source);
    let mut router = PathMatcher::new();
    let inserted = router.insert(&source, ());
    let segments = match parsed {
        Err(errors) => {
            assert!(!errors.is_empty(), "an error result lists at least one error");
            for (span, message) in &errors {
                assert!(
                    span.start <= span.end && span.end <= source.len(),
                    "span {span:?} outside {source:?}"
                );
                assert!(!message.is_empty());
            }
            assert!(inserted.is_err(), "PathMatcher accepted {source:?}, which the parser refuses");
            return;
        }
        Ok(segments) => segments,
    };
    assert_eq!(render(&segments), source, "the segments do not spell the route");
    // Static text is written the way requests are normalized, or the route could never match: each static
    // segment alone (the grammar refuses escapes that do not decode to UTF-8, so a lone `%AF` never gets
    // here), and an all-static route as a whole.
    for segment in &segments {
        if let Segment::Static(text) = segment {
            let path = format!("/{text}");
            assert_eq!(
                __fuzz::normalize_path(&path).as_deref(),
                Ok(path.as_str()),
                "the static segment {text:?} of {source:?} is not in normalized form"
            );
        }
    }
    if segments.iter().all(|segment| matches!(segment, Segment::Static(_))) {
        assert_eq!(
            __fuzz::normalize_path(&source).as_deref(),
            Ok(source.as_str()),
            "the static route {source:?} is not in normalized form"
        );
    }
    let regexes_compile = segments.iter().all(|segment| match segment {
        Segment::Param(_, Some(regex)) => anchored(regex).is_some(),
        _ => true,
    });
    assert_eq!(inserted.is_ok(), regexes_compile, "PathMatcher::insert({source:?}) = {inserted:?}");
    if !regexes_compile {
        return;
    }
    // A path built from the pattern (without constraints) matches it, with the parameters in place.
    if segments.iter().any(|segment| matches!(segment, Segment::Param(_, Some(_)))) {
        return;
    }
    let mut path = String::new();
    let mut expected = Vec::new();
    for segment in &segments {
        path.push('/');
        match segment {
            Segment::Static(text) => path.push_str(text),
            Segment::Param(name, _) => {
                path.push('v');
                expected.push((name.clone(), "v".to_owned()));
            }
            Segment::CatchAll(name) => {
                path.push_str("c/d");
                expected.push((name.clone(), "c/d".to_owned()));
            }
        }
    }
    if path.is_empty() {
        path.push('/');
    }
    let found = router.at(&path).unwrap_or_else(|| panic!("{source:?} does not match {path:?}"));
    let params: Vec<(String, String)> =
        found.params().map(|(name, value)| (name.to_owned(), value.to_owned())).collect();
    assert_eq!(params, expected, "parameters of {path:?} in {source:?}");
}

/// How the reference matcher ranks a segment kind at one position: the router's documented preference.
fn rank(segment: &Segment) -> u8 {
    match segment {
        Segment::Static(_) => 0,
        Segment::Param(_, Some(_)) => 1,
        Segment::Param(_, None) => 2,
        Segment::CatchAll(_) => 3,
    }
}

/// Whether two segments are the same for matching purposes (names do not matter).
fn same_shape(a: &Segment, b: &Segment) -> bool {
    match (a, b) {
        (Segment::Static(x), Segment::Static(y)) => x == y,
        (Segment::Param(_, x), Segment::Param(_, y)) => x == y,
        (Segment::CatchAll(_), Segment::CatchAll(_)) => true,
        _ => false,
    }
}

struct Reference {
    segments: Vec<Segment>,
    regexes: Vec<Option<Regex>>,
}

impl Reference {
    /// A naive matcher, segment by segment, written from the grammar's documentation: the parameter
    /// values (raw slices of `path`) when `path` matches.
    fn matches<'p>(&self, path: &'p str) -> Option<Vec<&'p str>> {
        if self.segments.is_empty() {
            return (path == "/").then(Vec::new);
        }
        let rest = path.strip_prefix('/')?;
        let mut rest = rest;
        let mut values = Vec::new();
        for (index, segment) in self.segments.iter().enumerate() {
            if let Segment::CatchAll(_) = segment {
                if rest.is_empty() {
                    return None;
                }
                values.push(rest);
                return Some(values);
            }
            let (current, after) = match rest.split_once('/') {
                Some((current, after)) => (current, Some(after)),
                None => (rest, None),
            };
            match segment {
                Segment::Static(text) if current != text => return None,
                Segment::Param(..) => {
                    if current.is_empty() {
                        return None;
                    }
                    if let Some(regex) = &self.regexes[index] {
                        if !regex.is_match(current) {
                            return None;
                        }
                    }
                    values.push(current);
                }
                _ => {}
            }
            let last = index + 1 == self.segments.len();
            match (last, after) {
                (true, None) => return Some(values),
                (true, Some(_)) | (false, None) => return None,
                (false, Some(after)) => rest = after,
            }
        }
        None
    }
}

/// Splits the input into (patterns, paths): the lines before the first empty line are patterns, those
/// after it paths; without an empty line every line is both.
fn patterns_and_paths(input: &str) -> (Vec<&str>, Vec<&str>) {
    fn limit(section: &str) -> Vec<&str> {
        section.split('\n').filter(|line| line.len() <= 200).take(32).collect()
    }
    match input.split_once("\n\n") {
        Some((patterns, paths)) => (limit(patterns), limit(paths)),
        None => (limit(input), limit(input)),
    }
}

/// Trie matching: inserting any patterns and matching any paths never panics; the trie finds a route
/// exactly when the naive matcher finds one, the route it picks does match, with the same parameters, and
/// it is the one the documented precedence prefers (static, then constrained, then plain parameters, then
/// catch-all, at the first segment where two matching routes differ).
pub fn trie_match(data: &[u8]) {
    let input = text(data);
    let (patterns, paths) = patterns_and_paths(&input);
    let mut router = PathMatcher::new();
    let mut references: Vec<Reference> = Vec::new();
    for pattern in patterns {
        let index = references.len();
        if router.insert(pattern, index).is_err() {
            continue;
        }
        let segments = __fuzz::parse_pattern(pattern).expect("PathMatcher accepted an invalid pattern");
        let regexes = segments
            .iter()
            .map(|segment| match segment {
                Segment::Param(_, Some(regex)) => {
                    Some(anchored(regex).expect("PathMatcher accepted a bad regex"))
                }
                _ => None,
            })
            .collect();
        references.push(Reference { segments, regexes });
    }
    for path in paths {
        let matching: Vec<(usize, Vec<&str>)> = references
            .iter()
            .enumerate()
            .filter_map(|(index, reference)| reference.matches(path).map(|values| (index, values)))
            .collect();
        let found = router.at(path);
        let Some(found) = found else {
            assert!(
                matching.is_empty(),
                "the trie found nothing for {path:?}, but {} routes match",
                matching.len()
            );
            continue;
        };
        let chosen = *found.value();
        let values: Vec<&str> = found.params().map(|(_, value)| value).collect();
        let expected = matching
            .iter()
            .find(|(index, _)| *index == chosen)
            .unwrap_or_else(|| panic!("the trie matched {path:?} to a route that does not match it"));
        assert_eq!(values, expected.1, "parameters of {path:?}");
        let winner = &references[chosen].segments;
        for (other, _) in &matching {
            let loser = &references[*other].segments;
            let Some(position) = winner.iter().zip(loser).position(|(a, b)| !same_shape(a, b)) else {
                continue;
            };
            let (a, b) = (&winner[position], &loser[position]);
            if rank(a) == 1 && rank(b) == 1 {
                continue; // two constraints: insertion order decides
            }
            assert!(
                rank(a) < rank(b),
                "for {path:?} the trie chose {} over {}, which the precedence prefers",
                render(winner),
                render(loser)
            );
        }
    }
}

/// Whether `byte` may stand literally in a normalized path.
fn is_path_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&byte)
}

/// Path normalization: never panics; is idempotent (a normalized path normalizes to itself); and a
/// normalized path starts with `/`, has no empty, `.` or `..` segment, holds only path characters and
/// uppercase escapes of reserved or non-ASCII bytes, decodes to UTF-8 without NUL, and is a valid target.
pub fn path_normalize(data: &[u8]) {
    let input = text(data);
    let Ok(normalized) = __fuzz::normalize_path(&input) else {
        return;
    };
    assert_eq!(
        __fuzz::normalize_path(&normalized).as_deref(),
        Ok(normalized.as_str()),
        "normalizing {input:?} gave {normalized:?}, which normalizes differently"
    );
    assert!(normalized.starts_with('/'), "{normalized:?}");
    let inner = normalized.strip_suffix('/').unwrap_or(&normalized);
    if !inner.is_empty() {
        for segment in inner[1..].split('/') {
            assert!(!matches!(segment, "" | "." | ".."), "segment {segment:?} left in {normalized:?}");
        }
    }
    let bytes = normalized.as_bytes();
    let mut index = 0;
    let mut decoded = Vec::new();
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = normalized
                .get(index + 1..index + 3)
                .unwrap_or_else(|| panic!("cut escape in {normalized:?}"));
            assert!(hex.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)), "{normalized:?}");
            let value = u8::from_str_radix(hex, 16).unwrap();
            assert!(
                !(value.is_ascii_alphanumeric() || b"-._~".contains(&value)),
                "unreserved byte left encoded in {normalized:?}"
            );
            decoded.push(value);
            index += 3;
        } else {
            assert!(is_path_byte(bytes[index]), "byte {:?} left in {normalized:?}", bytes[index]);
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    assert!(std::str::from_utf8(&decoded).is_ok(), "{normalized:?} does not decode to UTF-8");
    assert!(!decoded.contains(&0), "{normalized:?} decodes to a NUL");
    assert!(normalized.parse::<http::uri::PathAndQuery>().is_ok(), "{normalized:?} is not a valid target");
}

/// Query parsing: velocy's own pair reader (the macros' query parameters) agrees with `serde_urlencoded`
/// (the `Query<T>` extractor) pair by pair; a map deserializes, keeping the last value of a repeated
/// name; and the pair count `Query<T>` limits is the number of pairs actually read.
pub fn query(data: &[u8]) {
    let input = text(data);
    let query = input.split('#').next().unwrap_or_default();
    let ours = __fuzz::query_pairs(query);
    let theirs: Vec<(String, String)> = serde_urlencoded::from_str(query).expect("any query reads as pairs");
    assert_eq!(ours, theirs, "pairs of {query:?}");
    let map: HashMap<String, String> = serde_urlencoded::from_str(query).expect("any query reads as a map");
    let mut last = HashMap::new();
    for (name, value) in &theirs {
        last.insert(name.clone(), value.clone());
    }
    assert_eq!(map, last, "map of {query:?}");
    let counted = query.split('&').filter(|pair| !pair.is_empty()).count();
    assert_eq!(counted, theirs.len(), "the pair limit counts {counted} pairs in {query:?}");
}

/// The `Accept` parser (and the other negotiation headers): never panics; ranges are well formed with
/// qualities in 0..=1000; `preferred` picks a candidate of highest non-zero quality, the earliest on ties.
pub fn accept(data: &[u8]) {
    let Ok(value) = HeaderValue::from_bytes(data) else {
        return;
    };
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, value.clone());
    headers.insert(ACCEPT_ENCODING, value.clone());
    headers.insert(ACCEPT_LANGUAGE, value);
    let ranges = negotiation::accept_ranges(&headers);
    for range in &ranges {
        assert!(range.quality <= 1000, "{range:?}");
        assert!(!range.kind.is_empty() && !range.subtype.is_empty(), "{range:?}");
        assert!(!range.kind.contains([',', ';']) && !range.subtype.contains([',', ';']), "{range:?}");
    }
    let candidates = ["text/html", "application/json", "text/plain", "image/png", "*/*"];
    let qualities: Vec<u16> =
        candidates.iter().map(|candidate| negotiation::quality_of(&ranges, candidate)).collect();
    let best = qualities.iter().copied().max().unwrap_or(0);
    let expected = (best > 0).then(|| candidates[qualities.iter().position(|q| *q == best).unwrap()]);
    assert_eq!(negotiation::preferred(&headers, &candidates), expected);
    let encodings = negotiation::accept_encodings(&headers);
    for coding in ["gzip", "br", "identity", "x-gzip"] {
        assert!(negotiation::encoding_quality(&encodings, coding) <= 1000);
    }
    let _ = negotiation::preferred_encoding(&headers, &["br", "gzip", "identity"]);
    let languages = negotiation::accept_languages(&headers);
    for tag in ["en", "en-GB", "de-CH-1996", "*"] {
        assert!(negotiation::language_quality(&languages, tag) <= 1000);
    }
    let _ = negotiation::preferred_language(&headers, &["en", "de", "fr-CA"]);
    // Every qvalue reads back as what it was written from.
    for element in String::from_utf8_lossy(data).split([',', ';', '=']) {
        if let Some(quality) = negotiation::parse_quality(element.trim()) {
            assert!(quality <= 1000);
            let written = format!("{}.{:03}", quality / 1000, quality % 1000);
            assert_eq!(negotiation::parse_quality(&written), Some(quality), "{written}");
        }
    }
}

/// Entity tags and `If-Match` / `If-None-Match`: never panics; a parsed tag writes back to text that parses
/// to the same tag and is a valid header value; a parsed list written back parses to the same list; and
/// evaluating the list as preconditions agrees with the comparison functions.
pub fn etag(data: &[u8]) {
    if let Ok(tag) = ETag::parse_bytes(data) {
        let written = tag.to_string();
        assert_eq!(written.parse::<ETag>().as_ref(), Ok(&tag), "{written}");
        assert_eq!(tag.to_header_value().as_bytes(), written.as_bytes());
        assert!(tag.weak_eq(&tag));
        assert_eq!(tag.strong_eq(&tag), !tag.is_weak());
    }
    let list = ETagList::parse(data);
    let written = match &list {
        ETagList::Any => "*".to_owned(),
        ETagList::Tags(tags) => tags.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
    };
    assert_eq!(ETagList::parse(written.as_bytes()), list, "{written}");
    let Ok(value) = HeaderValue::from_bytes(data) else {
        return;
    };
    let current = ETag::strong("v1").unwrap();
    let validators = Validators::new().etag(current.clone());
    let mut headers = HeaderMap::new();
    headers.insert(IF_NONE_MATCH, value.clone());
    let get = Preconditions::from_head(&http::Method::GET, &headers).evaluate(&validators);
    let expected = if list.matches_weak(&current) { Outcome::NotModified } else { Outcome::Proceed };
    assert_eq!(get, expected, "If-None-Match: {value:?}");
    let mut headers = HeaderMap::new();
    headers.insert(IF_MATCH, value.clone());
    let put = Preconditions::from_head(&http::Method::PUT, &headers).evaluate(&validators);
    let expected = if list.matches_strong(&current) { Outcome::Proceed } else { Outcome::PreconditionFailed };
    assert_eq!(put, expected, "If-Match: {value:?}");
    let absent = Preconditions::from_head(&http::Method::PUT, &headers).evaluate(&Validators::absent());
    assert_eq!(absent, Outcome::PreconditionFailed);
}

/// The static-file path join (`files` feature): never panics, and an accepted path is the root followed by
/// plain names only (no `..`, no root or drive prefix, no separator inside a name), so it stays inside the
/// root; a path whose decoded text holds `..` as a segment, a backslash, NUL or `:` is refused.
#[cfg(feature = "files")]
pub fn static_path(data: &[u8]) {
    use std::path::{Component, Path};

    let raw = text(data);
    let root = Path::new("/srv/static-root");
    let Some((joined, _directory)) = __fuzz::static_path(root, &raw) else {
        return;
    };
    let rest = joined.strip_prefix(root).unwrap_or_else(|_| panic!("{raw:?} left the root: {joined:?}"));
    for component in rest.components() {
        let Component::Normal(name) = component else {
            panic!("{raw:?} joined a non-plain component {component:?}: {joined:?}");
        };
        let name = name.to_str().expect("accepted names are UTF-8");
        assert!(!name.is_empty() && name != "." && name != "..", "{raw:?}: {name:?}");
        assert!(!name.contains(['/', '\\', ':', '\0']), "{raw:?}: {name:?}");
    }
    let decoded = percent_decode(&raw);
    for segment in decoded.split(['/', '\\']) {
        assert!(segment != "..", "{raw:?} was accepted with a `..` segment");
    }
}

/// Without the `files` feature there is nothing to check.
#[cfg(not(feature = "files"))]
pub fn static_path(_data: &[u8]) {}

/// Percent-decodes `text` once (lossy), for cross-checking.
#[cfg(feature = "files")]
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match (bytes[index], hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                index += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The boundary, part limit and header limit of the `multipart_scan` check.
#[cfg(feature = "multipart")]
const SCAN_BOUNDARY: &str = "XB";
#[cfg(feature = "multipart")]
const SCAN_MAX_PARTS: usize = 3;
#[cfg(feature = "multipart")]
const SCAN_MAX_HEADER: usize = 24;

/// The multipart scanner (`multipart` feature), fed the input after its first byte in chunks whose sizes
/// that byte seeds (`0`: one chunk): never panics; the header ends it reports are exactly those of the
/// reference reading below (the parser's grammar, one pass over the whole body); it fails exactly on the
/// chunk where the reference first sees a limit exceeded, with that limit, so the parser never buffers
/// more than the header limit of a header block or preamble.
#[cfg(feature = "multipart")]
pub fn multipart_scan(data: &[u8]) {
    let Some((&seed, body)) = data.split_first() else {
        return;
    };
    let body = &body[..body.len().min(4096)];
    let mut chunks = Vec::new();
    let mut rest = body;
    let mut state = u32::from(seed);
    while !rest.is_empty() {
        let size = if seed == 0 {
            rest.len()
        } else {
            state = (state * 31 + 7) % 251;
            1 + (state as usize % 13)
        };
        let (chunk, after) = rest.split_at(size.min(rest.len()));
        chunks.push(chunk);
        rest = after;
    }
    let (ends, failed) = __fuzz::multipart_scan(SCAN_BOUNDARY, &chunks, SCAN_MAX_PARTS, SCAN_MAX_HEADER);
    match failed {
        None => {
            let (expected, violation) = scan_model(body);
            assert_eq!(violation, None, "{body:?}: the scanner missed a limit");
            assert_eq!(ends, expected, "{body:?}: header ends");
        }
        Some((index, limit)) => {
            let before: usize = chunks[..index].iter().map(|chunk| chunk.len()).sum();
            let after = before + chunks[index].len();
            assert_eq!(scan_model(&body[..before]).1, None, "{body:?}: failed early, on chunk {index}");
            let (expected, violation) = scan_model(&body[..after]);
            assert_eq!(violation, Some(limit), "{body:?}: failed on chunk {index}");
            assert_eq!(ends, expected, "{body:?}: header ends before the failure");
        }
    }
}

/// Without the `multipart` feature there is nothing to check.
#[cfg(not(feature = "multipart"))]
pub fn multipart_scan(_data: &[u8]) {}

/// The reference reading of a (partial) body as the parser reads it: the offsets just past every header
/// block's `CRLF CRLF`, and the first limit these bytes show exceeded (`"headers"`, `"parts"`). The first
/// boundary is the first `--XB` anywhere; after a boundary `-` closes the body or is refused, otherwise
/// spaces and tabs then CRLF, then headers to the first `CRLF CRLF`; a header block counts from the end of
/// its boundary; anything else after a boundary stops the reading (the parser refuses it).
#[cfg(feature = "multipart")]
fn scan_model(data: &[u8]) -> (Vec<usize>, Option<&'static str>) {
    let first = format!("--{SCAN_BOUNDARY}").into_bytes();
    let delimiter = format!("\r\n--{SCAN_BOUNDARY}").into_bytes();
    let find = |from: usize, pattern: &[u8]| {
        data[from..].windows(pattern.len()).position(|window| window == pattern).map(|at| from + at)
    };
    let mut ends = Vec::new();
    let mut at = match find(0, &first) {
        Some(start) if start > SCAN_MAX_HEADER => return (ends, Some("headers")),
        Some(start) => start + first.len(),
        None => {
            // The bytes that may still begin the boundary are not preamble yet.
            let pending =
                (1..first.len()).rev().find(|&length| data.ends_with(&first[..length])).unwrap_or(0);
            let violation = (data.len() - pending > SCAN_MAX_HEADER).then_some("headers");
            return (ends, violation);
        }
    };
    loop {
        let line = &data[at..];
        if line.first() == Some(&b'-') {
            return (ends, None);
        }
        let padding = line.iter().take_while(|byte| matches!(byte, b' ' | b'\t')).count();
        let after = &line[padding..];
        if !after.starts_with(b"\r\n") {
            // Cut short, or refused by the parser: the padding (and a CR) still count.
            let seen = padding + usize::from(after.first() == Some(&b'\r'));
            return (ends, (seen > SCAN_MAX_HEADER).then_some("headers"));
        }
        let headers = at + padding + 2;
        let Some(blank) = find(headers, b"\r\n\r\n") else {
            return (ends, (data.len() - at > SCAN_MAX_HEADER).then_some("headers"));
        };
        let end = blank + 4;
        if end - at > SCAN_MAX_HEADER {
            return (ends, Some("headers"));
        }
        if ends.len() == SCAN_MAX_PARTS {
            return (ends, Some("parts"));
        }
        ends.push(end);
        match find(end, &delimiter) {
            Some(start) => at = start + delimiter.len(),
            None => return (ends, None),
        }
    }
}

/// The `Cookie` header parser (`cookies` feature), on the input read as lossy UTF-8 and, when it is not
/// UTF-8, on its longest valid prefix too: never panics; every name is a non-empty RFC 9110 `token` found
/// in the input; no value holds an ASCII control character; the same input parses the same way twice.
#[cfg(feature = "cookies")]
pub fn cookie_header(data: &[u8]) {
    let lossy = text(data);
    let mut inputs = vec![lossy.as_str()];
    if let Err(error) = std::str::from_utf8(data) {
        inputs.push(std::str::from_utf8(&data[..error.valid_up_to()]).expect("the prefix is valid UTF-8"));
    }
    for input in inputs {
        let pairs = __fuzz::cookie_header(input);
        assert!(pairs.len() <= input.split(';').count(), "{input:?} gave more pairs than `;` pieces");
        for (name, value) in &pairs {
            assert!(!name.is_empty(), "{input:?} gave an empty name");
            assert!(name.bytes().all(is_tchar), "{input:?} gave the name {name:?}, not a token");
            assert!(input.contains(name.as_str()), "{input:?} gave the name {name:?}, not in the input");
            assert!(
                !value.chars().any(|c| c.is_ascii_control()),
                "{input:?} gave {name:?} the value {value:?} with a control character"
            );
        }
        assert_eq!(pairs, __fuzz::cookie_header(input), "{input:?} parsed differently twice");
    }
}

/// Without the `cookies` feature there is nothing to check.
#[cfg(not(feature = "cookies"))]
pub fn cookie_header(_data: &[u8]) {}

/// RFC 9110 §5.6.2 `tchar`.
#[cfg(feature = "cookies")]
fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}
