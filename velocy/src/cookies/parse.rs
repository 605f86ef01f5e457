//! The `Cookie` request header (RFC 6265 §4.2, §5.4), read leniently: a pair that does not parse is
//! skipped, never an error, so one bad cookie set by some other app on the domain cannot fail a request.

use std::borrow::Cow;

use http::header::{HeaderMap, COOKIE};
use percent_encoding::percent_decode_str;

/// The `name=value` pairs of one `Cookie` header value, in order.
///
/// Pairs are separated by `;` (the space after it optional); whitespace around names and values is
/// dropped, and a value in double quotes loses them. A pair is skipped when it has no `=`, an empty name,
/// a name with a character outside RFC 9110's `token`, or a control character in its value (sent as it
/// is or percent-encoded). Values are percent-decoded (`%20` → space) when the result is UTF-8, and kept
/// as sent otherwise. Duplicate
/// names are all returned: browsers send the most specific path first (RFC 6265 §5.4), and the
/// [`CookieJar`](super::CookieJar) keeps the first.
///
/// ```
/// let pairs: Vec<_> = velocy::cookies::parse_cookie_header("theme=dark; bad; id=\"a%20b\"; =x")
///     .map(|(name, value)| (name, value.into_owned()))
///     .collect();
/// assert_eq!(pairs, [("theme", "dark".to_owned()), ("id", "a b".to_owned())]);
/// ```
pub fn parse_cookie_header(value: &str) -> impl Iterator<Item = (&str, Cow<'_, str>)> {
    value.split(';').filter_map(parse_pair)
}

/// Every pair of every `Cookie` header of a request (HTTP/2 may split the cookies over several), in order;
/// header values that are not text are skipped.
pub(crate) fn request_cookies(headers: &HeaderMap) -> impl Iterator<Item = (&str, Cow<'_, str>)> {
    headers.get_all(COOKIE).into_iter().filter_map(|value| value.to_str().ok()).flat_map(parse_cookie_header)
}

/// The value of the first cookie named `name` in the request, if any.
#[cfg_attr(not(feature = "session"), allow(dead_code))]
pub(crate) fn find_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<Cow<'a, str>> {
    request_cookies(headers).find(|(candidate, _)| *candidate == name).map(|(_, value)| value)
}

fn parse_pair(pair: &str) -> Option<(&str, Cow<'_, str>)> {
    let (name, value) = pair.split_once('=')?;
    let name = name.trim_matches([' ', '\t']);
    if name.is_empty() || !name.bytes().all(is_token_byte) {
        return None;
    }
    let mut value = value.trim_matches([' ', '\t']);
    if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
        value = &value[1..value.len() - 1];
    }
    if value.chars().any(char::is_control) {
        return None;
    }
    let decoded = match percent_decode_str(value).decode_utf8() {
        // `%0A` and the like: a value that decodes to a control character is refused like one sent raw.
        Ok(decoded) if decoded.chars().any(char::is_control) => return None,
        Ok(decoded) => decoded,
        Err(_) => Cow::Borrowed(value),
    };
    Some((name, decoded))
}

/// RFC 9110 §5.6.2 `tchar`.
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}
