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
//! Whatever names the host must be a valid `uri-host [ ":" port ]` (RFC 3986 §3.2.2), whether or not the
//! app has virtual hosts (RFC 9112 §3.2: 400 for an invalid `Host`).
//!
//! The framing hyper leaves to us: a body chunked more than once (`Transfer-Encoding: chunked` on two field
//! lines, or `chunked, chunked`) is a 400 that closes the connection (RFC 9112 §6.1, §6.3); hyper frames
//! such a body by its last coding and would keep the connection.

use std::borrow::Cow;

use http::header::{HeaderValue, ACCEPT, CONNECTION, HOST, TRANSFER_ENCODING};
use http::{StatusCode, Uri, Version};

use crate::limits::Limits;
use crate::response::{IntoResponse, Problem, Response};

/// Validates and normalizes the request head in place; returns the path to match when Unicode
/// normalization changes it.
///
/// # Errors
/// The response to send instead: 400 (with `Connection: close` for framing problems), or 414.
///
/// `length_known` says the body's length is known up front (no body, or `Content-Length`): then there is
/// no `Transfer-Encoding` to check, and the check costs no header lookup.
pub(crate) fn check(
    head: &mut http::request::Parts,
    limits: &Limits,
    unicode: bool,
    length_known: bool,
    hosts: HostLines,
) -> Result<Option<Box<str>>, Response> {
    if !length_known {
        check_transfer_encoding(head)?;
    }
    check_target(head, limits, hosts)?;
    Ok(if unicode { nfc_matching_path(head.uri.path()) } else { None })
}

fn check_target(head: &mut http::request::Parts, limits: &Limits, hosts: HostLines) -> Result<(), Response> {
    let target_length = head.uri.path_and_query().map_or(0, |target| target.as_str().len());
    if target_length > limits.max_uri_length {
        return Err(problem(
            StatusCode::URI_TOO_LONG,
            format!("the request target is longer than {} bytes", limits.max_uri_length),
        ));
    }
    check_host(head, hosts)?;
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

/// Refuses a body chunked more than once (RFC 9112 §6.1: "A sender MUST NOT apply the chunked transfer
/// coding more than once to a message body"), counting the codings of every `Transfer-Encoding` field line.
fn check_transfer_encoding(head: &http::request::Parts) -> Result<(), Response> {
    let chunked = head
        .headers
        .get_all(TRANSFER_ENCODING)
        .iter()
        .flat_map(|value| value.as_bytes().split(|&byte| byte == b','))
        .filter(|coding| {
            let name = coding.split(|&byte| byte == b';').next().unwrap_or_default();
            name.trim_ascii().eq_ignore_ascii_case(b"chunked")
        })
        .count();
    if chunked > 1 {
        return Err(close(problem(
            StatusCode::BAD_REQUEST,
            "`Transfer-Encoding` applies `chunked` more than once (RFC 9112 §6.1)",
        )));
    }
    Ok(())
}

/// What [`scan`] learned of the `Host` field lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostLines {
    /// Not scanned (a large head): [`check`] looks them up.
    Unknown,
    /// No `Host` line.
    Absent,
    /// One line holding a plain `reg-name [ ":" port ]` (see [`is_plain_host`]).
    OnePlain,
    /// Anything else: several lines, or one that needs the full rules.
    Other,
}

/// What one pass over a request's header lines found, for the target check and for rendering problems.
#[derive(Debug)]
pub(crate) struct HeadScan {
    /// The `Host` lines.
    pub(crate) hosts: HostLines,
    /// The `Accept` value, its field lines joined with commas when there are several (RFC 9110 §5.3).
    pub(crate) accept: Option<HeaderValue>,
}

/// Heads with at most this many field lines are scanned in one pass; larger ones are looked up by name
/// (two hash lookups cost about what a pass over this many lines does).
const SCANNED_LINES: usize = 8;

/// Reads the `Host` and `Accept` lines of `headers`: in one pass over a small head, by two lookups in a
/// large one.
pub(crate) fn scan(headers: &http::HeaderMap) -> HeadScan {
    if headers.len() > SCANNED_LINES {
        return HeadScan { hosts: HostLines::Unknown, accept: accept_of(headers) };
    }
    let (mut hosts, mut accept, mut accepts) = (HostLines::Absent, None, 0);
    for (name, value) in headers {
        if *name == HOST {
            hosts = match hosts {
                HostLines::Absent if is_plain_host(value.as_bytes()) => HostLines::OnePlain,
                _ => HostLines::Other,
            };
        } else if *name == ACCEPT {
            accepts += 1;
            accept = Some(value);
        }
    }
    let accept = match accepts {
        0 => None,
        1 => accept.cloned(),
        _ => accept_of(headers),
    };
    HeadScan { hosts, accept }
}

/// The request's `Accept`, its field lines joined when there are several.
fn accept_of(headers: &http::HeaderMap) -> Option<HeaderValue> {
    let first = headers.get(ACCEPT)?;
    let mut values = headers.get_all(ACCEPT).into_iter().skip(1);
    let Some(second) = values.next() else {
        return Some(first.clone());
    };
    let mut joined = first.as_bytes().to_vec();
    for value in std::iter::once(second).chain(values) {
        joined.extend_from_slice(b", ");
        joined.extend_from_slice(value.as_bytes());
    }
    HeaderValue::from_bytes(&joined).ok()
}

fn check_host(head: &mut http::request::Parts, lines: HostLines) -> Result<(), Response> {
    if head.uri.authority().is_none() {
        match lines {
            HostLines::OnePlain => return Ok(()),
            HostLines::Absent if head.version != Version::HTTP_11 => return Ok(()),
            _ => {}
        }
    }
    let mut hosts = head.headers.get_all(HOST).iter();
    let host = hosts.next();
    if hosts.next().is_some() {
        return Err(close(problem(StatusCode::BAD_REQUEST, "the request has more than one `Host` header")));
    }
    if let Some(authority) = head.uri.authority() {
        // RFC 9112 §3.2.2: the authority of an absolute-form target replaces `Host`. Routing ignores a
        // userinfo before `@`; the host after it must be valid.
        let text = authority.as_str();
        let text = text.rsplit_once('@').map_or(text, |(_, host)| host);
        check_request_host(text).map_err(|reason| {
            close(problem(
                StatusCode::BAD_REQUEST,
                format!("invalid host in the target's authority: {reason}"),
            ))
        })?;
        if head.version <= Version::HTTP_11 {
            let value = HeaderValue::from_str(authority.as_str()).map_err(|_| {
                problem(StatusCode::BAD_REQUEST, "the target's authority is not a valid host")
            })?;
            head.headers.insert(HOST, value);
        }
        return Ok(());
    }
    let Some(host) = host else {
        if head.version == Version::HTTP_11 {
            return Err(close(problem(StatusCode::BAD_REQUEST, "an HTTP/1.1 request needs a `Host` header")));
        }
        return Ok(());
    };
    if is_plain_host(host.as_bytes()) {
        return Ok(());
    }
    let invalid =
        |reason: String| close(problem(StatusCode::BAD_REQUEST, format!("invalid `Host` header: {reason}")));
    let text = host.to_str().map_err(|_| invalid("it is not visible ASCII".to_owned()))?;
    check_request_host(text).map_err(invalid)?;
    Ok(())
}

/// Whether `bytes` is a plain `reg-name [ ":" port ]` (no percent-encoding, no IP literal): the common
/// `Host`, accepted in one pass over a byte table. Anything else goes to [`check_request_host`], which
/// accepts the rest of RFC 3986 §3.2.2 and says what is wrong.
fn is_plain_host(bytes: &[u8]) -> bool {
    let mut index = 0;
    while index < bytes.len() && PLAIN_HOST_BYTES[usize::from(bytes[index])] {
        index += 1;
    }
    if index == 0 {
        return false;
    }
    match bytes.get(index) {
        None => true,
        Some(b':') => {
            let port = &bytes[index + 1..];
            port.len() <= 5
                && port.iter().all(u8::is_ascii_digit)
                && port.iter().fold(0u32, |value, digit| value * 10 + u32::from(digit - b'0')) <= 65_535
        }
        Some(_) => false,
    }
}

/// Splits `host[:port]` (also `[ip-literal][:port]`) at the port's `:`, if any.
///
/// # Errors
/// An unclosed `[`, or text after `]` that is not `:port`.
pub(crate) fn split_port(text: &str) -> Result<(&str, Option<&str>), String> {
    if let Some(rest) = text.strip_prefix('[') {
        let Some(end) = rest.find(']') else { return Err("unclosed `[` in an IP literal".to_owned()) };
        let host = &text[..end + 2];
        return match &rest[end + 1..] {
            "" => Ok((host, None)),
            after => match after.strip_prefix(':') {
                Some(port) => Ok((host, Some(port))),
                None => Err("unexpected text after an IP literal".to_owned()),
            },
        };
    }
    match text.rsplit_once(':') {
        Some((host, port)) => Ok((host, Some(port))),
        None => Ok((text, None)),
    }
}

/// A port from its decimal digits.
///
/// # Errors
/// Anything but 1 to 5 digits of a number up to 65535.
pub(crate) fn parse_port(digits: &str) -> Result<u16, String> {
    if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(format!("port {digits:?} is not a number from 0 to 65535"));
    }
    digits.parse().map_err(|_| format!("port {digits:?} is not a number from 0 to 65535"))
}

/// Parses the host a request addressed (`uri-host [ ":" port ]`, RFC 9110 §7.2, RFC 3986 §3.2.2) strictly:
/// a non-empty reg-name of unreserved, sub-delim and percent-encoded characters, an IPv4 address, or a
/// bracketed IPv6 literal; an optional decimal port up to 65535. Returns the lowercased host and the port
/// (`None` when absent or empty).
///
/// # Errors
/// A message saying what is malformed.
pub(crate) fn parse_request_host(text: &str) -> Result<(String, Option<u16>), String> {
    let (host, port) = check_request_host(text)?;
    Ok((host.to_ascii_lowercase(), port))
}

/// [`parse_request_host`] without lowercasing: the host as written, and the port. Allocates nothing unless
/// `text` is invalid, so every request can afford it.
///
/// # Errors
/// A message saying what is malformed.
fn check_request_host(text: &str) -> Result<(&str, Option<u16>), String> {
    // The common case, a reg-name or IPv4 address with an optional port, accepted by one pass over a byte
    // table; anything else (an IP literal, a percent-encoding, an error to explain) takes the full rules.
    if !is_plain_host(text.as_bytes()) {
        return check_request_host_fully(text);
    }
    Ok(match text.split_once(':') {
        Some((host, "")) => (host, None),
        Some((host, digits)) => (host, Some(parse_port(digits)?)),
        None => (text, None),
    })
}

/// What a reg-name may hold literally (RFC 3986 §3.2.2: unreserved and sub-delims), for the one-pass check
/// of [`is_plain_host`]; `%` is left to the full rules.
static PLAIN_HOST_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = is_unreserved(byte as u8)
            || matches!(
                byte as u8,
                b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
            );
        byte += 1;
    }
    table
};

/// [`check_request_host`] by the full rules, with a message for each way a host can be malformed.
fn check_request_host_fully(text: &str) -> Result<(&str, Option<u16>), String> {
    let (host, port) = split_port(text)?;
    if host.is_empty() {
        return Err("the host is empty".to_owned());
    }
    // RFC 3986 §3.2.3: the port may be empty, which means the scheme's default (RFC 9110 §4.2.1).
    let port = port.filter(|digits| !digits.is_empty()).map(parse_port).transpose()?;
    if let Some(literal) = host.strip_prefix('[') {
        let inner = literal.trim_end_matches(']');
        if inner.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(format!("{host:?} is not a valid IPv6 literal"));
        }
        return Ok((host, port));
    }
    let valid = host.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=%".contains(&byte));
    if !valid {
        return Err(format!("{host:?} contains characters a host may not have"));
    }
    let bytes = host.as_bytes();
    for (index, _) in host.match_indices('%') {
        let hex = |at: usize| bytes.get(at).copied().and_then(hex_value).is_some();
        if !(hex(index + 1) && hex(index + 2)) {
            return Err(format!("{host:?} has an invalid percent-encoding at byte {index}"));
        }
    }
    Ok((host, port))
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

    #[test]
    fn large_heads_are_looked_up_and_small_ones_scanned_alike_10() {
        for extra in [0, 12] {
            let with = |host: &str| {
                let mut request = http::Request::builder().uri("/a").header(HOST, host);
                for index in 0..extra {
                    request = request.header(format!("x-filler-{index}"), "1");
                }
                refusal(request)
            };
            assert_eq!(with("example.com:8080"), None, "{extra} extra headers");
            let (status, closes, detail) = with("a b/../c").unwrap();
            assert_eq!((status, closes), (StatusCode::BAD_REQUEST, true), "{extra} extra headers");
            assert!(detail.contains("invalid `Host` header"), "{detail}");
        }
    }

    #[test]
    fn scan_joins_accept_lines_and_counts_hosts_10() {
        let mut headers = http::HeaderMap::new();
        headers.append(ACCEPT, HeaderValue::from_static("text/plain"));
        headers.append(ACCEPT, HeaderValue::from_static("application/json;q=0.5"));
        headers.append(HOST, HeaderValue::from_static("a.example"));
        let found = scan(&headers);
        assert_eq!(found.accept.unwrap(), "text/plain, application/json;q=0.5");
        assert_eq!(found.hosts, HostLines::OnePlain);
        headers.append(HOST, HeaderValue::from_static("b.example"));
        assert_eq!(scan(&headers).hosts, HostLines::Other);
        assert_eq!(scan(&http::HeaderMap::new()).hosts, HostLines::Absent);
    }

    /// The answer of [`check`] for `request`, or `None` when it passes.
    fn refusal(request: http::request::Builder) -> Option<(StatusCode, bool, String)> {
        let mut head = request.body(()).unwrap().into_parts().0;
        let hosts = scan(&head.headers).hosts;
        let response = check(&mut head, &Limits::default(), true, false, hosts).err()?;
        let closes = response.headers().get(CONNECTION).is_some_and(|value| value == "close");
        let detail = response.extensions().get::<Problem>().unwrap().detail().to_owned();
        Some((response.status(), closes, detail))
    }

    #[test]
    fn invalid_hosts_are_400_and_close() {
        for (host, reason) in [
            ("a b/../c", "contains characters a host may not have"),
            ("user@x", "contains characters a host may not have"),
            ("x%zz", "invalid percent-encoding"),
            ("x:99999", "not a number from 0 to 65535"),
            ("", "the host is empty"),
        ] {
            let (status, closes, detail) = refusal(http::Request::get("/").header(HOST, host)).unwrap();
            assert_eq!((status, closes), (StatusCode::BAD_REQUEST, true), "{host:?}");
            assert!(
                detail.starts_with("invalid `Host` header: ") && detail.contains(reason),
                "{host:?}: {detail}"
            );
        }
        let not_ascii = HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap();
        let (_, _, detail) = refusal(http::Request::get("/").header(HOST, not_ascii)).unwrap();
        assert!(detail.contains("not visible ASCII"), "{detail}");
        let (status, closes, detail) =
            refusal(http::Request::get("/").header(HOST, "a").header(HOST, "b")).unwrap();
        assert_eq!((status, closes), (StatusCode::BAD_REQUEST, true));
        assert!(detail.contains("more than one `Host`"), "{detail}");
        let (_, closes, detail) = refusal(http::Request::get("/")).unwrap();
        assert!(closes && detail.contains("needs a `Host`"), "{detail}");
        // HTTP/1.0 may leave `Host` out; valid hosts pass.
        assert_eq!(refusal(http::Request::get("/").version(Version::HTTP_10)), None);
        for host in ["x", "Example.com:8080", "example.com:", "10.0.0.1", "[::1]:80"] {
            assert_eq!(refusal(http::Request::get("/").header(HOST, host)), None, "{host:?}");
        }
    }

    #[test]
    fn an_absolute_form_authority_must_be_a_valid_host() {
        let absolute = |uri: &str| http::Request::get(uri).header(HOST, "ignored");
        assert_eq!(refusal(absolute("http://example.org/a")), None);
        assert_eq!(refusal(absolute("http://user@example.org/a")), None, "routing ignores the userinfo");
        for (uri, reason) in [
            ("http://:80/", "the host is empty"),
            ("http://x:http/", "not a number from 0 to 65535"),
            ("http://[nope]/", "not a valid IPv6 literal"),
        ] {
            let (status, closes, detail) = refusal(absolute(uri)).unwrap();
            assert_eq!((status, closes), (StatusCode::BAD_REQUEST, true), "{uri}");
            assert!(detail.starts_with("invalid host in the target's authority: "), "{uri}: {detail}");
            assert!(detail.contains(reason), "{uri}: {detail}");
        }
    }

    #[test]
    fn chunked_twice_is_400_and_closes() {
        let upload = || http::Request::post("/").header(HOST, "x");
        for request in [
            upload().header(TRANSFER_ENCODING, "chunked").header(TRANSFER_ENCODING, "chunked"),
            upload().header(TRANSFER_ENCODING, "chunked, chunked"),
            upload().header(TRANSFER_ENCODING, "Chunked ,gzip, CHUNKED"),
            upload().header(TRANSFER_ENCODING, "chunked").header(TRANSFER_ENCODING, "gzip, chunked"),
        ] {
            let (status, closes, detail) = refusal(request).unwrap();
            assert_eq!((status, closes), (StatusCode::BAD_REQUEST, true));
            assert!(detail.contains("`chunked` more than once"), "{detail}");
        }
        assert_eq!(refusal(upload().header(TRANSFER_ENCODING, "chunked")), None);
        assert_eq!(refusal(upload().header(TRANSFER_ENCODING, "gzip, chunked")), None);
    }

    #[test]
    fn request_hosts_parse_strictly() {
        assert_eq!(parse_request_host("Example.COM:8080").unwrap(), ("example.com".to_owned(), Some(8080)));
        assert_eq!(parse_request_host("example.com").unwrap(), ("example.com".to_owned(), None));
        assert_eq!(parse_request_host("[::1]:3000").unwrap(), ("[::1]".to_owned(), Some(3000)));
        assert!(parse_request_host("exa mple.com").is_err());
        assert_eq!(parse_request_host("example.com:").unwrap(), ("example.com".to_owned(), None));
        assert_eq!(parse_request_host("127.0.0.1").unwrap(), ("127.0.0.1".to_owned(), None));
        assert_eq!(parse_request_host("a%C3%A9").unwrap(), ("a%c3%a9".to_owned(), None));
        assert!(parse_request_host("a%zz").unwrap_err().contains("percent-encoding"));
        assert!(parse_request_host("a%2").unwrap_err().contains("percent-encoding"));
        assert!(parse_request_host("user@example.com").is_err());
        assert!(parse_request_host("example.com:http").is_err());
        assert!(parse_request_host("[::1").unwrap_err().contains("unclosed"));
        assert!(parse_request_host("[::1]x").is_err());
        assert!(parse_request_host("example.com:99999").is_err());
        assert!(parse_request_host("[nope]").is_err());
        assert!(parse_request_host("a/b").is_err());
        assert!(parse_request_host("").is_err());
    }
}
