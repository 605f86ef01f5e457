//! Content negotiation: parsing `Accept`, `Accept-Encoding` and `Accept-Language` and choosing among what the
//! server can send by the client's quality values (RFC 9110 §12).
//!
//! | header | parse | quality of one candidate | choose among candidates |
//! | --- | --- | --- | --- |
//! | `Accept` (§12.5.1) | [`accept_ranges`] | [`quality_of`] | [`preferred`] |
//! | `Accept-Encoding` (§12.5.3) | [`accept_encodings`] | [`encoding_quality`] | [`preferred_encoding`] |
//! | `Accept-Language` (§12.5.4) | [`accept_languages`] | [`language_quality`] | [`preferred_language`] |
//!
//! Quality values are kept as integers in thousandths (`q=0.5` is `500`), as RFC 9110 §12.4.2 allows at most
//! three decimals; `0` means "not acceptable". Malformed elements (a bad `q`, an invalid token) are skipped, so
//! a partly broken header still counts for what it says clearly. Parameters other than `q` are ignored when
//! matching. Every `preferred*` function takes the server's candidates in its own order of preference and
//! breaks ties in favour of the earlier one.

use http::header::{ACCEPT, ACCEPT_ENCODING, ACCEPT_LANGUAGE};
use http::HeaderMap;

/// One media range of an `Accept` header, such as `text/*;q=0.5`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRange<'a> {
    /// The type, or `*`.
    pub kind: &'a str,
    /// The subtype, or `*`.
    pub subtype: &'a str,
    /// The quality in thousandths (0 to 1000).
    pub quality: u16,
}

/// The elements of every `name` header of `headers`, split on commas: `(value, q-value)`, with the value
/// trimmed and the quality defaulting to 1000. Empty elements are skipped (RFC 9110 §5.6.1); an element with
/// a malformed `q` is skipped.
fn weighted(headers: &HeaderMap, name: http::HeaderName) -> impl Iterator<Item = (&str, u16)> {
    headers
        .get_all(name)
        .into_iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|element| {
            let mut pieces = element.split(';');
            let value = pieces.next()?.trim();
            if value.is_empty() {
                return None;
            }
            let mut quality = 1000;
            for parameter in pieces {
                if let Some((name, text)) = parameter.split_once('=') {
                    if name.trim().eq_ignore_ascii_case("q") {
                        quality = parse_quality(text.trim())?;
                    }
                }
            }
            Some((value, quality))
        })
}

/// Parses every `Accept` header of `headers` into media ranges. Malformed elements are skipped.
pub fn accept_ranges(headers: &HeaderMap) -> Vec<MediaRange<'_>> {
    weighted(headers, ACCEPT).filter_map(|(media, quality)| parse_media_range(media, quality)).collect()
}

fn parse_media_range(media: &str, quality: u16) -> Option<MediaRange<'_>> {
    let (kind, subtype) = media.split_once('/')?;
    let (kind, subtype) = (kind.trim(), subtype.trim());
    if kind.is_empty() || subtype.is_empty() || (kind == "*" && subtype != "*") {
        return None;
    }
    Some(MediaRange { kind, subtype, quality })
}

/// Parses a `qvalue` (RFC 9110 §12.4.2): `0`, `1`, `0.xyz` or `1.000`, into thousandths.
pub fn parse_quality(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let mut thousandths: u16 = match whole {
        "0" => 0,
        "1" => 1000,
        _ => return None,
    };
    for (position, digit) in fraction.bytes().enumerate() {
        let weight = [100, 10, 1][position];
        thousandths += u16::from(digit - b'0') * weight;
    }
    (thousandths <= 1000).then_some(thousandths)
}

/// The quality the ranges give `media_type` (`type/subtype`): the most specific matching range wins; no
/// `Accept` at all accepts everything (quality 1000); no match is 0.
pub fn quality_of(ranges: &[MediaRange<'_>], media_type: &str) -> u16 {
    if ranges.is_empty() {
        return 1000;
    }
    let Some((kind, subtype)) = media_type.split_once('/') else {
        return 0;
    };
    let mut best: Option<(u8, u16)> = None;
    for range in ranges {
        let specificity =
            if range.kind.eq_ignore_ascii_case(kind) && range.subtype.eq_ignore_ascii_case(subtype) {
                2
            } else if range.kind.eq_ignore_ascii_case(kind) && range.subtype == "*" {
                1
            } else if range.kind == "*" {
                0
            } else {
                continue;
            };
        if best.is_none_or(|(current, _)| specificity > current) {
            best = Some((specificity, range.quality));
        }
    }
    best.map_or(0, |(_, quality)| quality)
}

/// Of `candidates` (media types in the server's order of preference), the one the client accepts with the
/// highest quality; ties go to the earlier candidate. `None` when the client accepts none of them (a 406).
///
/// ```
/// use velocy::negotiation::preferred;
/// use http::{HeaderMap, HeaderValue};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("accept", HeaderValue::from_static("text/html;q=0.9, application/json"));
/// assert_eq!(preferred(&headers, &["text/html", "application/json"]), Some("application/json"));
/// ```
pub fn preferred<'c>(headers: &HeaderMap, candidates: &[&'c str]) -> Option<&'c str> {
    let ranges = accept_ranges(headers);
    best_of(candidates, |candidate| quality_of(&ranges, candidate))
}

/// The candidate with the highest non-zero quality; ties go to the earlier one.
fn best_of<'c>(candidates: &[&'c str], quality: impl Fn(&str) -> u16) -> Option<&'c str> {
    let mut best: Option<(&'c str, u16)> = None;
    for candidate in candidates {
        let quality = quality(candidate);
        if quality > 0 && best.is_none_or(|(_, current)| quality > current) {
            best = Some((candidate, quality));
        }
    }
    best.map(|(candidate, _)| candidate)
}

/// A `token` (RFC 9110 §5.6.2): one or more `tchar`s.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte))
}

/// One element of an `Accept-Encoding` header, such as `gzip;q=0.8` or `*;q=0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodingRange<'a> {
    /// The content coding (`gzip`, `br`, `identity`…) or `*`, as the client wrote it.
    pub coding: &'a str,
    /// The quality in thousandths (0 to 1000).
    pub quality: u16,
}

/// What the client said about content codings: see [`accept_encodings`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcceptEncoding<'a> {
    /// No `Accept-Encoding` header: any coding is acceptable (RFC 9110 §12.5.3).
    Absent,
    /// The header's elements, in order; an empty list (an empty header) accepts only `identity`.
    Ranges(Vec<EncodingRange<'a>>),
}

/// Parses every `Accept-Encoding` header of `headers` (RFC 9110 §12.5.3). Malformed elements are skipped.
///
/// The result distinguishes a missing header (anything goes) from an empty one (only `identity`).
pub fn accept_encodings(headers: &HeaderMap) -> AcceptEncoding<'_> {
    if !headers.contains_key(ACCEPT_ENCODING) {
        return AcceptEncoding::Absent;
    }
    AcceptEncoding::Ranges(
        weighted(headers, ACCEPT_ENCODING)
            .filter(|(coding, _)| is_token(coding))
            .map(|(coding, quality)| EncodingRange { coding, quality })
            .collect(),
    )
}

/// Whether two content-coding names are the same coding: compared case-insensitively, with `x-gzip` and
/// `x-compress` equal to `gzip` and `compress` (RFC 9110 §8.4.1).
fn same_coding(a: &str, b: &str) -> bool {
    fn canonical(coding: &str) -> &str {
        if coding.eq_ignore_ascii_case("x-gzip") {
            "gzip"
        } else if coding.eq_ignore_ascii_case("x-compress") {
            "compress"
        } else {
            coding
        }
    }
    canonical(a).eq_ignore_ascii_case(canonical(b))
}

/// The quality the client gives the content coding `coding` (RFC 9110 §12.5.3):
///
/// * no header: every coding is acceptable (1000);
/// * a range naming the coding gives its quality; otherwise `*` gives its quality to any coding not named;
/// * `identity` is acceptable (1, the lowest non-zero quality) unless refused with `identity;q=0`, or with
///   `*;q=0` and no `identity` range; an empty header therefore accepts `identity` only.
///
/// ```
/// use velocy::negotiation::{accept_encodings, encoding_quality};
/// use http::{HeaderMap, HeaderValue};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("accept-encoding", HeaderValue::from_static("gzip;q=0.8, *;q=0"));
/// let ranges = accept_encodings(&headers);
/// assert_eq!(encoding_quality(&ranges, "gzip"), 800);
/// assert_eq!(encoding_quality(&ranges, "br"), 0);
/// assert_eq!(encoding_quality(&ranges, "identity"), 0);
/// ```
pub fn encoding_quality(accept: &AcceptEncoding<'_>, coding: &str) -> u16 {
    let ranges = match accept {
        AcceptEncoding::Absent => return 1000,
        AcceptEncoding::Ranges(ranges) => ranges,
    };
    if let Some(named) = ranges.iter().find(|range| same_coding(range.coding, coding)) {
        return named.quality;
    }
    let wildcard = ranges.iter().find(|range| range.coding == "*").map(|range| range.quality);
    match wildcard {
        Some(quality) => quality,
        None if coding.eq_ignore_ascii_case("identity") => 1,
        None => 0,
    }
}

/// Of `candidates` (content codings in the server's order of preference, `identity` meaning "no
/// coding"), the one the client accepts with the highest quality; ties go to the earlier candidate. `None`
/// when the client accepts none of them: with `identity` among the candidates that only happens when the
/// client refused it explicitly, and RFC 9110 §12.5.3 then suggests `415 Unsupported Media Type`.
///
/// ```
/// use velocy::negotiation::preferred_encoding;
/// use http::{HeaderMap, HeaderValue};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("accept-encoding", HeaderValue::from_static("gzip, br;q=0.9"));
/// assert_eq!(preferred_encoding(&headers, &["br", "gzip", "identity"]), Some("gzip"));
/// // No header: the server's first choice.
/// assert_eq!(preferred_encoding(&HeaderMap::new(), &["br", "identity"]), Some("br"));
/// ```
pub fn preferred_encoding<'c>(headers: &HeaderMap, candidates: &[&'c str]) -> Option<&'c str> {
    let accept = accept_encodings(headers);
    best_of(candidates, |candidate| encoding_quality(&accept, candidate))
}

/// One language range of an `Accept-Language` header, such as `en-GB;q=0.8` or `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageRange<'a> {
    /// The range (`en`, `de-CH`…) or `*`, as the client wrote it.
    pub range: &'a str,
    /// The quality in thousandths (0 to 1000).
    pub quality: u16,
}

/// Whether `text` is a `language-range` (RFC 4647 §2.1): `*`, or `1*8ALPHA *("-" 1*8alphanum)`.
fn is_language_range(text: &str) -> bool {
    if text == "*" {
        return true;
    }
    let mut subtags = text.split('-');
    let primary_ok = subtags.next().is_some_and(|primary| {
        (1..=8).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic())
    });
    primary_ok
        && subtags.all(|subtag| {
            (1..=8).contains(&subtag.len()) && subtag.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Parses every `Accept-Language` header of `headers` (RFC 9110 §12.5.4). Malformed elements are skipped.
pub fn accept_languages(headers: &HeaderMap) -> Vec<LanguageRange<'_>> {
    weighted(headers, ACCEPT_LANGUAGE)
        .filter(|(range, _)| is_language_range(range))
        .map(|(range, quality)| LanguageRange { range, quality })
        .collect()
}

/// Whether the language `range` matches the language `tag` by RFC 4647 §3.3.1 basic filtering: `*` matches
/// every tag; otherwise the range equals the tag or is a prefix of it ending where a `-` follows, compared
/// case-insensitively (`en` matches `en-US`, `en-US` does not match `en`).
fn basic_filter(range: &str, tag: &str) -> bool {
    if range == "*" {
        return true;
    }
    match tag.get(..range.len()) {
        Some(prefix) => {
            prefix.eq_ignore_ascii_case(range)
                && (tag.len() == range.len() || tag.as_bytes()[range.len()] == b'-')
        }
        None => false,
    }
}

/// The quality the ranges give the language tag `tag` (such as `en-US`): the longest range that matches it
/// by basic filtering (RFC 4647 §3.3.1) decides, `*` counting least; no `Accept-Language` at all accepts
/// every language (1000); no matching range is 0.
///
/// ```
/// use velocy::negotiation::{accept_languages, language_quality};
/// use http::{HeaderMap, HeaderValue};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("accept-language", HeaderValue::from_static("en;q=0.8, en-GB, *;q=0.1"));
/// let ranges = accept_languages(&headers);
/// assert_eq!(language_quality(&ranges, "en-US"), 800);
/// assert_eq!(language_quality(&ranges, "en-GB"), 1000);
/// assert_eq!(language_quality(&ranges, "fr"), 100);
/// ```
pub fn language_quality(ranges: &[LanguageRange<'_>], tag: &str) -> u16 {
    if ranges.is_empty() {
        return 1000;
    }
    ranges
        .iter()
        .filter(|range| basic_filter(range.range, tag))
        .max_by_key(|range| if range.range == "*" { 0 } else { range.range.len() })
        .map_or(0, |range| range.quality)
}

/// Of `available` (language tags in the server's order of preference, such as `["en-US", "de"]`), the one
/// the client accepts with the highest quality (RFC 9110 §12.5.4, matched by RFC 4647 basic filtering); ties
/// go to the earlier tag. `None` when the client accepts none of them: RFC 9110 then lets the server send
/// its default language rather than answer 406.
///
/// ```
/// use velocy::negotiation::preferred_language;
/// use http::{HeaderMap, HeaderValue};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("accept-language", HeaderValue::from_static("de;q=0.7, en"));
/// assert_eq!(preferred_language(&headers, &["de-CH", "en-US"]), Some("en-US"));
/// ```
pub fn preferred_language<'c>(headers: &HeaderMap, available: &[&'c str]) -> Option<&'c str> {
    let ranges = accept_languages(headers);
    best_of(available, |tag| language_quality(&ranges, tag))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(name: http::HeaderName, value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn quality_values_parse_strictly() {
        assert_eq!(parse_quality("0.5"), Some(500));
        assert_eq!(parse_quality("1"), Some(1000));
        assert_eq!(parse_quality("0.001"), Some(1));
        assert_eq!(parse_quality("1.5"), None);
        assert_eq!(parse_quality("0.0001"), None);
        assert_eq!(parse_quality("2"), None);
    }

    #[test]
    fn the_most_specific_range_decides() {
        let headers = headers(ACCEPT, "text/*;q=0.3, text/plain;q=0.7, */*;q=0.1");
        let ranges = accept_ranges(&headers);
        assert_eq!(quality_of(&ranges, "text/plain"), 700);
        assert_eq!(quality_of(&ranges, "text/html"), 300);
        assert_eq!(quality_of(&ranges, "image/png"), 100);
    }

    #[test]
    fn q_zero_refuses() {
        let headers = headers(ACCEPT, "application/json;q=0, text/plain");
        assert_eq!(preferred(&headers, &["application/json"]), None);
        assert_eq!(preferred(&headers, &["application/json", "text/plain"]), Some("text/plain"));
    }

    #[test]
    fn no_accept_header_accepts_anything() {
        assert_eq!(preferred(&HeaderMap::new(), &["application/json"]), Some("application/json"));
    }

    #[test]
    fn malformed_accept_elements_are_skipped() {
        let headers = headers(ACCEPT, "text/html;q=2, , */json, application/json;q=0.5");
        let ranges = accept_ranges(&headers);
        assert_eq!(ranges, vec![MediaRange { kind: "application", subtype: "json", quality: 500 }]);
    }

    #[test]
    fn every_accept_header_line_counts() {
        let mut headers = HeaderMap::new();
        headers.append(ACCEPT, HeaderValue::from_static("text/plain;q=0.2"));
        headers.append(ACCEPT, HeaderValue::from_static("application/json"));
        assert_eq!(preferred(&headers, &["text/plain", "application/json"]), Some("application/json"));
    }

    #[test]
    fn without_accept_encoding_every_coding_is_acceptable() {
        let none = HeaderMap::new();
        let accept = accept_encodings(&none);
        assert_eq!(accept, AcceptEncoding::Absent);
        assert_eq!(encoding_quality(&accept, "br"), 1000);
        assert_eq!(preferred_encoding(&HeaderMap::new(), &["gzip", "identity"]), Some("gzip"));
    }

    #[test]
    fn an_empty_accept_encoding_accepts_only_identity() {
        let headers = headers(ACCEPT_ENCODING, "");
        assert_eq!(accept_encodings(&headers), AcceptEncoding::Ranges(Vec::new()));
        assert_eq!(preferred_encoding(&headers, &["gzip", "identity"]), Some("identity"));
        assert_eq!(preferred_encoding(&headers, &["gzip"]), None);
    }

    #[test]
    fn identity_is_acceptable_unless_refused() {
        let named = headers(ACCEPT_ENCODING, "gzip");
        assert_eq!(preferred_encoding(&named, &["br", "identity"]), Some("identity"));
        let refused = headers(ACCEPT_ENCODING, "gzip, identity;q=0");
        assert_eq!(preferred_encoding(&refused, &["br", "identity"]), None);
        let by_wildcard = headers(ACCEPT_ENCODING, "gzip, *;q=0");
        assert_eq!(preferred_encoding(&by_wildcard, &["identity"]), None);
        let kept = headers(ACCEPT_ENCODING, "*;q=0, identity;q=0.5");
        assert_eq!(encoding_quality(&accept_encodings(&kept), "identity"), 500);
    }

    #[test]
    fn the_encoding_wildcard_covers_unnamed_codings() {
        let headers = headers(ACCEPT_ENCODING, "gzip;q=0.5, *;q=0.8, br;q=0");
        let accept = accept_encodings(&headers);
        assert_eq!(encoding_quality(&accept, "gzip"), 500);
        assert_eq!(encoding_quality(&accept, "zstd"), 800);
        assert_eq!(encoding_quality(&accept, "br"), 0);
        assert_eq!(encoding_quality(&accept, "identity"), 800);
        assert_eq!(preferred_encoding(&headers, &["br", "gzip", "zstd"]), Some("zstd"));
    }

    #[test]
    fn codings_compare_case_insensitively_with_x_aliases() {
        let headers = headers(ACCEPT_ENCODING, "X-GZIP;q=0.3, Deflate");
        let accept = accept_encodings(&headers);
        assert_eq!(encoding_quality(&accept, "gzip"), 300);
        assert_eq!(encoding_quality(&accept, "deflate"), 1000);
        assert_eq!(preferred_encoding(&headers, &["gzip", "deflate"]), Some("deflate"));
    }

    #[test]
    fn encoding_ties_go_to_the_server_order() {
        let headers = headers(ACCEPT_ENCODING, "gzip, br");
        assert_eq!(preferred_encoding(&headers, &["br", "gzip"]), Some("br"));
        assert_eq!(preferred_encoding(&headers, &["gzip", "br"]), Some("gzip"));
    }

    #[test]
    fn malformed_encoding_elements_are_skipped() {
        let headers = headers(ACCEPT_ENCODING, "gzip;q=x, b r, br;q=0.4");
        assert_eq!(
            accept_encodings(&headers),
            AcceptEncoding::Ranges(vec![EncodingRange { coding: "br", quality: 400 }])
        );
    }

    #[test]
    fn language_ranges_match_by_basic_filtering() {
        assert!(basic_filter("en", "en-US"));
        assert!(basic_filter("EN", "en-us"));
        assert!(basic_filter("en-US", "en-US"));
        assert!(!basic_filter("en-US", "en"));
        assert!(!basic_filter("en", "eng"));
        assert!(basic_filter("*", "de"));
        assert!(basic_filter("de-CH", "de-CH-1996"));
    }

    #[test]
    fn the_longest_language_range_decides() {
        let headers = headers(ACCEPT_LANGUAGE, "*;q=0.2, en;q=0.5, en-GB;q=0.9, fr;q=0");
        let ranges = accept_languages(&headers);
        assert_eq!(language_quality(&ranges, "en-GB"), 900);
        assert_eq!(language_quality(&ranges, "en-US"), 500);
        assert_eq!(language_quality(&ranges, "de"), 200);
        assert_eq!(language_quality(&ranges, "fr-CA"), 0);
    }

    #[test]
    fn preferred_language_uses_quality_then_server_order() {
        let headers = headers(ACCEPT_LANGUAGE, "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5");
        assert_eq!(preferred_language(&headers, &["en-US", "fr"]), Some("fr"));
        assert_eq!(preferred_language(&headers, &["de", "en-US"]), Some("en-US"));
        assert_eq!(preferred_language(&headers, &["ja", "ko"]), Some("ja"));
        let strict = headers_without_wildcard();
        assert_eq!(preferred_language(&strict, &["ja"]), None);
        assert_eq!(preferred_language(&HeaderMap::new(), &["ja", "en"]), Some("ja"));
    }

    fn headers_without_wildcard() -> HeaderMap {
        headers(ACCEPT_LANGUAGE, "en")
    }

    #[test]
    fn malformed_language_ranges_are_skipped() {
        let headers = headers(ACCEPT_LANGUAGE, "en_US, toolongtag, de-1, 12, fr;q=0.5");
        let ranges: Vec<&str> = accept_languages(&headers).iter().map(|range| range.range).collect();
        assert_eq!(ranges, vec!["de-1", "fr"]);
    }
}
