//! Content negotiation: parsing `Accept` and choosing among media types by quality (RFC 9110 §12.5.1).
//!
//! Quality values are kept as integers in thousandths (`q=0.5` is `500`), as RFC 9110 §12.4.2 allows at most
//! three decimals. Parameters other than `q` are ignored when matching.

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

/// Parses every `Accept` header of `headers` into media ranges. Malformed elements are skipped.
pub fn accept_ranges(headers: &HeaderMap) -> Vec<MediaRange<'_>> {
    headers
        .get_all(http::header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(parse_media_range)
        .collect()
}

fn parse_media_range(element: &str) -> Option<MediaRange<'_>> {
    let mut pieces = element.split(';');
    let media = pieces.next()?.trim();
    let (kind, subtype) = media.split_once('/')?;
    let (kind, subtype) = (kind.trim(), subtype.trim());
    if kind.is_empty() || subtype.is_empty() || (kind == "*" && subtype != "*") {
        return None;
    }
    let mut quality = 1000;
    for parameter in pieces {
        if let Some((name, value)) = parameter.split_once('=') {
            if name.trim().eq_ignore_ascii_case("q") {
                quality = parse_quality(value.trim())?;
            }
        }
    }
    Some(MediaRange {
        kind,
        subtype,
        quality,
    })
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
        let specificity = if range.kind.eq_ignore_ascii_case(kind)
            && range.subtype.eq_ignore_ascii_case(subtype)
        {
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
    let mut best: Option<(&'c str, u16)> = None;
    for candidate in candidates {
        let quality = quality_of(&ranges, candidate);
        if quality > 0 && best.is_none_or(|(_, current)| quality > current) {
            best = Some((candidate, quality));
        }
    }
    best.map(|(candidate, _)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(accept: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::ACCEPT, HeaderValue::from_static(accept));
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
        let headers = headers("text/*;q=0.3, text/plain;q=0.7, */*;q=0.1");
        let ranges = accept_ranges(&headers);
        assert_eq!(quality_of(&ranges, "text/plain"), 700);
        assert_eq!(quality_of(&ranges, "text/html"), 300);
        assert_eq!(quality_of(&ranges, "image/png"), 100);
    }

    #[test]
    fn q_zero_refuses() {
        let headers = headers("application/json;q=0, text/plain");
        assert_eq!(preferred(&headers, &["application/json"]), None);
        assert_eq!(
            preferred(&headers, &["application/json", "text/plain"]),
            Some("text/plain")
        );
    }

    #[test]
    fn no_accept_header_accepts_anything() {
        assert_eq!(
            preferred(&HeaderMap::new(), &["application/json"]),
            Some("application/json")
        );
    }
}
