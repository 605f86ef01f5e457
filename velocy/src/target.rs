//! Request-target validation and normalization, before routing (RFC 9112 §3.2, RFC 3986 §5.2.4 and §6.2.2).
//!
//! What Velocy does with each path, in one pass and without allocating when the path is already canonical:
//!
//! | input | result |
//! | --- | --- |
//! | a byte that is not a path character (RFC 3986 `pchar` or `/`): space, `"`, `<`, `\`, `{`, non-ASCII… | 400 |
//! | `%` not followed by two hex digits | 400 |
//! | percent-decoded bytes that are not UTF-8 | 400 |
//! | `%00` (NUL) | 400 |
//! | `%41`, `%7e` … (an encoded *unreserved* character) | decoded: `/%75sers` is `/users` (§6.2.2.2) |
//! | `%2f` … (any other escape) | kept encoded, hex uppercased: `%2F` is data inside a segment, never a separator |
//! | `//` | merged into one `/` |
//! | `.` and `..` segments (also as `%2E`) | removed after decoding (§5.2.4); a `..` above the root is a 400 |
//! | a trailing `/` | kept (see [`TrailingSlash`](crate::routing::TrailingSlash)) |
//!
//! Nothing is ever decoded twice: routing matches this normalized, still-encoded path, and path parameters
//! are percent-decoded exactly once when extracted. Handlers see the normalized target.
//!
//! **Unicode.** Two spellings of the same text (`é` as one code point or as `e` + a combining accent) are
//! different bytes. With [`App::unicode_normalization`](crate::App::unicode_normalization) (on by default)
//! routing matches the NFC form of paths that contain non-ASCII (percent-encoded) characters; handlers still
//! see the target exactly as sent.
//!
//! The request target itself: asterisk-form (`*`) only with `OPTIONS` (RFC 9112 §3.2.4), an absolute-form
//! target's authority replaces `Host` (§3.2.2), and an HTTP/1.1 request needs exactly one `Host` (§3.2).

use std::borrow::Cow;

use http::header::{HeaderValue, CONNECTION, HOST};
use http::{StatusCode, Uri, Version};

use crate::response::{IntoResponse, Problem, Response};
use crate::server::Limits;

/// Validates and normalizes the request head in place; returns the path to match when Unicode
/// normalization changes it.
///
/// # Errors
/// The response to send instead: 400 (with `Connection: close` for framing problems), or 414.
pub(crate) fn check(
    head: &mut http::request::Parts,
    limits: &Limits,
    unicode: bool,
) -> Result<Option<Box<str>>, Response> {
    check_target(head, limits)?;
    Ok(if unicode { nfc_matching_path(head.uri.path()) } else { None })
}

fn check_target(head: &mut http::request::Parts, limits: &Limits) -> Result<(), Response> {
    let target_length = head.uri.path_and_query().map_or(0, |target| target.as_str().len());
    if target_length > limits.max_uri_length {
        return Err(problem(
            StatusCode::URI_TOO_LONG,
            format!("the request target is longer than {} bytes", limits.max_uri_length),
        ));
    }
    check_host(head)?;
    if head.uri.path() == "*" {
        return if head.method == http::Method::OPTIONS {
            Ok(())
        } else {
            Err(problem(StatusCode::BAD_REQUEST, "the asterisk-form target `*` is only allowed with OPTIONS"))
        };
    }
    match normalize_path(head.uri.path()) {
        Ok(Cow::Borrowed(_)) => Ok(()),
        Ok(Cow::Owned(path)) => {
            let mut parts = std::mem::take(&mut head.uri).into_parts();
            let target = match head_query(&parts) {
                Some(query) => format!("{path}?{query}"),
                None => path,
            };
            parts.path_and_query = Some(
                target
                    .parse()
                    .map_err(|_| problem(StatusCode::BAD_REQUEST, "the normalized target is invalid"))?,
            );
            head.uri = Uri::from_parts(parts)
                .map_err(|_| problem(StatusCode::BAD_REQUEST, "the normalized target is invalid"))?;
            Ok(())
        }
        Err(reason) => Err(problem(StatusCode::BAD_REQUEST, reason)),
    }
}

fn head_query(parts: &http::uri::Parts) -> Option<&str> {
    parts.path_and_query.as_ref().and_then(|target| target.query())
}

fn check_host(head: &mut http::request::Parts) -> Result<(), Response> {
    let mut hosts = head.headers.get_all(HOST).iter();
    let count = usize::from(hosts.next().is_some()) + usize::from(hosts.next().is_some());
    if count > 1 {
        return Err(close(problem(StatusCode::BAD_REQUEST, "the request has more than one `Host` header")));
    }
    if let Some(authority) = head.uri.authority() {
        // RFC 9112 §3.2.2: the authority of an absolute-form target replaces `Host`.
        if head.version <= Version::HTTP_11 {
            let value = HeaderValue::from_str(authority.as_str()).map_err(|_| {
                problem(StatusCode::BAD_REQUEST, "the target's authority is not a valid host")
            })?;
            head.headers.insert(HOST, value);
        }
        return Ok(());
    }
    if count == 0 && head.version == Version::HTTP_11 {
        return Err(close(problem(StatusCode::BAD_REQUEST, "an HTTP/1.1 request needs a `Host` header")));
    }
    Ok(())
}

fn problem(status: StatusCode, detail: impl Into<Cow<'static, str>>) -> Response {
    Problem::new(status, detail).into_response()
}

fn close(mut response: Response) -> Response {
    response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Whether `byte` may appear literally in a path: RFC 3986 `pchar` (unreserved, sub-delims, `:`, `@`) or
/// `/`. `%` is handled separately. One table load per byte (paths are scanned on every request).
fn is_path_byte(byte: u8) -> bool {
    PATH_BYTES[usize::from(byte)]
}

/// [`is_path_byte`] for every byte value, computed at compile time from [`path_byte_rule`].
static PATH_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = path_byte_rule(byte as u8);
        byte += 1;
    }
    table
};

/// The rule behind [`PATH_BYTES`], as RFC 3986 §3.3 states it.
const fn path_byte_rule(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
        || matches!(
            byte,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'/'
        )
}

const fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Whether the path is already canonical: only literal path bytes, no escapes, no empty or dot segments.
fn is_canonical(path: &str) -> bool {
    let bytes = path.as_bytes();
    if bytes.first() != Some(&b'/') {
        return false;
    }
    let mut segment_start = 1;
    for (index, &byte) in bytes.iter().enumerate().skip(1) {
        if !is_path_byte(byte) {
            return false;
        }
        if byte == b'/' {
            let segment = &bytes[segment_start..index];
            if segment.is_empty() || segment == b"." || segment == b".." {
                return false;
            }
            segment_start = index + 1;
        }
    }
    let last = &bytes[segment_start..];
    last != b"." && last != b".."
}

/// Normalizes a request path (see the module docs); borrowed when it is already canonical.
///
/// # Errors
/// A message saying what is invalid.
pub(crate) fn normalize_path(path: &str) -> Result<Cow<'_, str>, String> {
    if is_canonical(path) {
        return Ok(Cow::Borrowed(path));
    }
    if !path.starts_with('/') {
        return Err("the request path must start with `/`".to_owned());
    }
    // Pass 1: validate bytes and escapes, decode unreserved escapes, uppercase the others, and check that
    // the fully decoded path is UTF-8.
    let bytes = path.as_bytes();
    let mut canonical = String::with_capacity(path.len());
    let mut decoded = Vec::with_capacity(path.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%' {
            let (Some(high), Some(low)) = (
                bytes.get(index + 1).copied().and_then(hex_value),
                bytes.get(index + 2).copied().and_then(hex_value),
            ) else {
                return Err(format!("invalid percent-encoding at byte {index} of the path"));
            };
            let value = high * 16 + low;
            if value == 0 {
                return Err("the path contains an encoded NUL (%00)".to_owned());
            }
            decoded.push(value);
            if is_unreserved(value) {
                canonical.push(char::from(value));
            } else {
                canonical.push('%');
                canonical.push(char::from(b"0123456789ABCDEF"[usize::from(high)]));
                canonical.push(char::from(b"0123456789ABCDEF"[usize::from(low)]));
            }
            index += 3;
        } else if is_path_byte(byte) {
            decoded.push(byte);
            canonical.push(char::from(byte));
            index += 1;
        } else {
            return Err(format!("the path contains a character that is not allowed: {:?}", char::from(byte)));
        }
    }
    if std::str::from_utf8(&decoded).is_err() {
        return Err("the percent-decoded path is not valid UTF-8".to_owned());
    }
    // Pass 2: merge empty segments and remove dot segments (RFC 3986 §5.2.4).
    let trailing_slash = canonical.len() > 1 && canonical.ends_with('/');
    let mut segments: Vec<&str> = Vec::new();
    for segment in canonical.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if segments.pop().is_none() {
                    return Err("the path climbs above the root with `..`".to_owned());
                }
            }
            other => segments.push(other),
        }
    }
    let mut normalized = String::with_capacity(canonical.len());
    for segment in &segments {
        normalized.push('/');
        normalized.push_str(segment);
    }
    if normalized.is_empty() || (trailing_slash && !segments.is_empty()) {
        normalized.push('/');
    }
    Ok(Cow::Owned(normalized))
}

/// The NFC form of a normalized path with percent-encoded non-ASCII characters, when it differs: non-ASCII
/// escapes are decoded, the text composed (Unicode NFC), and non-ASCII re-encoded (uppercase hex). ASCII
/// escapes such as `%2F` stay encoded, so segments never change.
fn nfc_matching_path(path: &str) -> Option<Box<str>> {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

    let bytes = path.as_bytes();
    // Most paths have no escape at all: one memchr and done.
    if !bytes.contains(&b'%') {
        return None;
    }
    let has_non_ascii =
        bytes.windows(2).any(|pair| pair[0] == b'%' && matches!(pair[1], b'8'..=b'9' | b'A'..=b'F'));
    if !has_non_ascii {
        return None;
    }
    let mut mixed = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' && index + 2 < bytes.len() + 1 {
            if let (Some(high), Some(low)) = (
                bytes.get(index + 1).copied().and_then(hex_value),
                bytes.get(index + 2).copied().and_then(hex_value),
            ) {
                let value = high * 16 + low;
                if value >= 0x80 {
                    mixed.push(value);
                    index += 3;
                    continue;
                }
            }
        }
        mixed.push(bytes[index]);
        index += 1;
    }
    let text = String::from_utf8(mixed).ok()?;
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        return None;
    }
    let mut matching = String::with_capacity(path.len());
    for character in text.nfc() {
        if character.is_ascii() {
            matching.push(character);
        } else {
            let mut buffer = [0u8; 4];
            for byte in character.encode_utf8(&mut buffer).bytes() {
                matching.push('%');
                matching.push(char::from(b"0123456789ABCDEF"[usize::from(byte >> 4)]));
                matching.push(char::from(b"0123456789ABCDEF"[usize::from(byte & 15)]));
            }
        }
    }
    (matching != path).then(|| matching.into_boxed_str())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_path_byte_table_follows_the_rule() {
        for byte in 0..=u8::MAX {
            assert_eq!(is_path_byte(byte), path_byte_rule(byte), "byte {byte:#04x}");
        }
        assert!(is_path_byte(b'a') && is_path_byte(b'/') && is_path_byte(b'@'));
        assert!(!is_path_byte(b'%') && !is_path_byte(b' ') && !is_path_byte(b'?') && !is_path_byte(0x80));
    }

    fn normalized(path: &str) -> String {
        normalize_path(path).unwrap().into_owned()
    }

    #[test]
    fn decomposed_paths_match_in_nfc() {
        // "é" as `e` + U+0301 COMBINING ACUTE ACCENT becomes U+00E9.
        assert_eq!(nfc_matching_path("/caf%65%CC%81").as_deref(), None, "unreserved `e` was already decoded");
        assert_eq!(nfc_matching_path("/cafe%CC%81").as_deref(), Some("/caf%C3%A9"));
        assert_eq!(nfc_matching_path("/caf%C3%A9"), None);
        assert_eq!(nfc_matching_path("/a%2Fb"), None);
    }

    #[test]
    fn canonical_paths_are_borrowed() {
        for path in ["/", "/users", "/users/42", "/a:b@c/~x", "/files/report.pdf", "/users/"] {
            assert!(matches!(normalize_path(path), Ok(Cow::Borrowed(_))), "{path}");
        }
    }

    #[test]
    fn unreserved_escapes_are_decoded_and_others_uppercased() {
        assert_eq!(normalized("/%75sers/%7e"), "/users/~");
        assert_eq!(normalized("/files/a%2fb"), "/files/a%2Fb");
        assert_eq!(normalized("/caf%c3%a9"), "/caf%C3%A9");
    }

    #[test]
    fn dot_segments_and_empty_segments_are_removed() {
        assert_eq!(normalized("/a/./b/../c"), "/a/c");
        assert_eq!(normalized("/a//b///c"), "/a/b/c");
        assert_eq!(normalized("/a/%2E%2E/b"), "/b");
        assert_eq!(normalized("/a/b/.."), "/a");
        assert_eq!(normalized("/a/b/../"), "/a/");
        assert_eq!(normalized("/."), "/");
    }

    #[test]
    fn invalid_paths_are_refused_with_a_reason() {
        assert!(normalize_path("/..").unwrap_err().contains("above the root"));
        assert!(normalize_path("/a/../../b").unwrap_err().contains("above the root"));
        assert!(normalize_path("/a%2").unwrap_err().contains("percent-encoding"));
        assert!(normalize_path("/a%zz").unwrap_err().contains("percent-encoding"));
        assert!(normalize_path("/a%00b").unwrap_err().contains("NUL"));
        assert!(normalize_path("/%ff").unwrap_err().contains("UTF-8"));
        assert!(normalize_path("/a\\b").unwrap_err().contains("not allowed"));
        assert!(normalize_path("/a{b}").unwrap_err().contains("not allowed"));
    }
}
