//! [`ETag`] and [`ETagList`]: entity tags (RFC 9110 §8.8.3) and the `If-Match` / `If-None-Match` lists
//! that carry them (RFC 9110 §13.1.1, §13.1.2).

use std::fmt;
use std::str::FromStr;

use http::header::{HeaderValue, ETAG};

use crate::response::{IntoResponseParts, Response};

/// An entity tag (RFC 9110 §8.8.3): an opaque validator of one representation, strong (`"xyzzy"`) or weak
/// (`W/"xyzzy"`).
///
/// Two comparison functions exist (§8.8.3.2), and the conditional header decides which applies:
///
/// | `a` | `b` | [`strong_eq`](ETag::strong_eq) (`If-Match`) | [`weak_eq`](ETag::weak_eq) (`If-None-Match`) |
/// | --- | --- | --- | --- |
/// | `W/"1"` | `W/"1"` | no | yes |
/// | `W/"1"` | `W/"2"` | no | no |
/// | `W/"1"` | `"1"` | no | yes |
/// | `"1"` | `"1"` | yes | yes |
///
/// `==` (the derived [`PartialEq`]) is neither: it compares weakness and tag, like the text of the header.
///
/// ```
/// use velocy::conditional::ETag;
///
/// let tag: ETag = "W/\"v2\"".parse().unwrap();
/// assert!(tag.is_weak());
/// assert_eq!(tag.tag(), "v2");
/// assert!(tag.weak_eq(&ETag::strong("v2").unwrap()));
/// assert!(!tag.strong_eq(&ETag::strong("v2").unwrap()));
/// assert_eq!(tag.to_string(), "W/\"v2\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ETag {
    weak: bool,
    tag: Box<str>,
}

/// Why a text is not an entity tag: the message says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidETag {
    message: &'static str,
}

impl fmt::Display for InvalidETag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for InvalidETag {}

/// Whether `byte` is an `etagc` (RFC 9110 §8.8.3): `!`, `#` to `~`, or `obs-text` (0x80 to 0xFF).
const fn is_etagc(byte: u8) -> bool {
    byte == 0x21 || (byte >= 0x23 && byte != 0x7F)
}

fn check_opaque(tag: &str) -> Result<(), InvalidETag> {
    if tag.bytes().all(is_etagc) {
        Ok(())
    } else {
        Err(InvalidETag { message: "an entity tag may not contain `\"`, spaces or control characters" })
    }
}

impl ETag {
    /// A strong entity tag with the opaque text `tag` (without quotes): `"tag"`. Strong tags promise that
    /// two representations with the same tag are byte for byte identical.
    ///
    /// # Errors
    /// `tag` contains a `"`, a space or a control character (RFC 9110 §8.8.3 `etagc`).
    pub fn strong(tag: impl Into<String>) -> Result<Self, InvalidETag> {
        let tag = tag.into();
        check_opaque(&tag)?;
        Ok(Self { weak: false, tag: tag.into_boxed_str() })
    }

    /// A weak entity tag with the opaque text `tag` (without quotes): `W/"tag"`. Weak tags only promise
    /// that the representations are equivalent (for example the same content, compressed differently).
    ///
    /// # Errors
    /// As [`ETag::strong`].
    pub fn weak(tag: impl Into<String>) -> Result<Self, InvalidETag> {
        let tag = tag.into();
        check_opaque(&tag)?;
        Ok(Self { weak: true, tag: tag.into_boxed_str() })
    }

    /// Parses one entity tag, `"tag"` or `W/"tag"`, from the bytes of a header value. Surrounding spaces
    /// and tabs are ignored; `obs-text` bytes must form valid UTF-8.
    ///
    /// # Errors
    /// The text is not exactly one entity tag.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Self, InvalidETag> {
        let mut scanner = Scanner { bytes, index: 0 };
        scanner.skip_whitespace();
        let etag = scanner.entity_tag()?;
        scanner.skip_whitespace();
        if scanner.index == bytes.len() {
            Ok(etag)
        } else {
            Err(InvalidETag { message: "unexpected text after the entity tag" })
        }
    }

    /// Whether this tag is weak (`W/"…"`).
    pub fn is_weak(&self) -> bool {
        self.weak
    }

    /// The opaque text between the quotes.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The strong comparison (RFC 9110 §8.8.3.2): both tags are strong and their opaque texts are equal.
    /// `If-Match` uses it.
    pub fn strong_eq(&self, other: &ETag) -> bool {
        !self.weak && !other.weak && self.tag == other.tag
    }

    /// The weak comparison (RFC 9110 §8.8.3.2): the opaque texts are equal, whether either tag is weak or
    /// not. `If-None-Match` uses it.
    pub fn weak_eq(&self, other: &ETag) -> bool {
        self.tag == other.tag
    }

    /// The tag as an `ETag` header value (RFC 9110 §8.8.3).
    pub fn to_header_value(&self) -> HeaderValue {
        // The opaque text was checked to hold only `etagc` bytes, all valid in a header value.
        HeaderValue::from_str(&self.to_string()).unwrap_or_else(|_| HeaderValue::from_static("\"\""))
    }
}

impl fmt::Display for ETag {
    /// Writes the tag as it appears in a header: `"tag"` or `W/"tag"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.weak {
            f.write_str("W/")?;
        }
        write!(f, "\"{}\"", self.tag)
    }
}

impl FromStr for ETag {
    type Err = InvalidETag;

    /// Parses `"tag"` or `W/"tag"`; see [`ETag::parse_bytes`].
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse_bytes(text.as_bytes())
    }
}

/// Sets the `ETag` response header.
impl IntoResponseParts for ETag {
    fn into_response_parts(self, response: &mut Response) -> Result<(), Response> {
        response.headers_mut().insert(ETAG, self.to_header_value());
        Ok(())
    }
}

/// The value of an `If-Match` or `If-None-Match` header (RFC 9110 §13.1.1, §13.1.2): `*` or a list of
/// entity tags.
///
/// Parsing is lenient where it is safe: malformed members are skipped (so `If-Match` with nothing valid
/// matches nothing, and fails), several header lines form one list (RFC 9110 §5.3), and a `*` anywhere in
/// the list makes the whole value `*`.
///
/// ```
/// use velocy::conditional::{ETag, ETagList};
///
/// let list = ETagList::parse(b"\"a\", W/\"b\", \"c,d\"");
/// assert!(list.matches_weak(&ETag::strong("b").unwrap()));
/// assert!(!list.matches_strong(&ETag::strong("b").unwrap()));
/// assert!(list.matches_strong(&ETag::strong("c,d").unwrap()));
/// assert_eq!(ETagList::parse(b"*"), ETagList::Any);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ETagList {
    /// `*`: any current representation.
    Any,
    /// The listed entity tags, in order (possibly none, when every member was malformed).
    Tags(Vec<ETag>),
}

impl ETagList {
    /// Parses one header value.
    pub fn parse(bytes: &[u8]) -> Self {
        let mut list = Self::Tags(Vec::new());
        list.extend_from(bytes);
        list
    }

    /// Parses every line of a header (such as all `If-None-Match` lines) as one list; `None` when there is
    /// no line.
    pub fn from_values<'a>(values: impl IntoIterator<Item = &'a HeaderValue>) -> Option<Self> {
        let mut list: Option<Self> = None;
        for value in values {
            list.get_or_insert_with(|| Self::Tags(Vec::new())).extend_from(value.as_bytes());
        }
        list
    }

    fn extend_from(&mut self, bytes: &[u8]) {
        let mut scanner = Scanner { bytes, index: 0 };
        loop {
            // Empty members and the whitespace around them are allowed (RFC 9110 §5.6.1).
            while scanner.peek().is_some_and(|byte| matches!(byte, b' ' | b'\t' | b',')) {
                scanner.index += 1;
            }
            if scanner.peek().is_none() {
                return;
            }
            if scanner.peek() == Some(b'*') {
                scanner.index += 1;
                if scanner.at_member_end() {
                    *self = Self::Any;
                    continue;
                }
                scanner.skip_member();
                continue;
            }
            match scanner.entity_tag() {
                Ok(etag) if scanner.at_member_end() => {
                    if let Self::Tags(tags) = self {
                        tags.push(etag);
                    }
                }
                _ => scanner.skip_member(),
            }
        }
    }

    /// Whether `*` was given.
    pub fn is_any(&self) -> bool {
        matches!(self, Self::Any)
    }

    /// The listed tags (empty for `*`).
    pub fn tags(&self) -> &[ETag] {
        match self {
            Self::Any => &[],
            Self::Tags(tags) => tags,
        }
    }

    /// Whether a listed tag equals `etag` by the strong comparison, or the list is `*` (`If-Match`,
    /// RFC 9110 §13.1.1).
    pub fn matches_strong(&self, etag: &ETag) -> bool {
        match self {
            Self::Any => true,
            Self::Tags(tags) => tags.iter().any(|tag| tag.strong_eq(etag)),
        }
    }

    /// Whether a listed tag equals `etag` by the weak comparison, or the list is `*` (`If-None-Match`,
    /// RFC 9110 §13.1.2).
    pub fn matches_weak(&self, etag: &ETag) -> bool {
        match self {
            Self::Any => true,
            Self::Tags(tags) => tags.iter().any(|tag| tag.weak_eq(etag)),
        }
    }
}

/// A cursor over a header value.
struct Scanner<'a> {
    bytes: &'a [u8],
    index: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.index).copied()
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(|byte| matches!(byte, b' ' | b'\t')) {
            self.index += 1;
        }
    }

    /// After optional whitespace: the end of the value or a `,` (not consumed).
    fn at_member_end(&mut self) -> bool {
        self.skip_whitespace();
        matches!(self.peek(), None | Some(b','))
    }

    /// Skips the rest of a malformed member: to the next `,` outside quotes, or the end.
    fn skip_member(&mut self) {
        let mut quoted = false;
        while let Some(byte) = self.peek() {
            match byte {
                b'"' => quoted = !quoted,
                b',' if !quoted => return,
                _ => {}
            }
            self.index += 1;
        }
    }

    /// Reads `[W/] DQUOTE *etagc DQUOTE` at the cursor.
    fn entity_tag(&mut self) -> Result<ETag, InvalidETag> {
        let rest = &self.bytes[self.index..];
        let weak = rest.starts_with(b"W/");
        if weak {
            self.index += 2;
        }
        if self.peek() != Some(b'"') {
            return Err(InvalidETag { message: "an entity tag must be quoted: `\"tag\"` or `W/\"tag\"`" });
        }
        self.index += 1;
        let start = self.index;
        while self.peek().is_some_and(is_etagc) {
            self.index += 1;
        }
        if self.peek() != Some(b'"') {
            return Err(InvalidETag {
                message: "an entity tag must end with `\"` and hold no spaces or controls",
            });
        }
        let opaque = &self.bytes[start..self.index];
        self.index += 1;
        let tag = std::str::from_utf8(opaque)
            .map_err(|_| InvalidETag { message: "the entity tag is not valid UTF-8" })?;
        Ok(ETag { weak, tag: tag.into() })
    }
}
