//! The route grammar of [Velocy](https://docs.rs/velocy): the one parser behind both the runtime router
//! and the route macros, so that a route is read the same way at compile time and at run time.
//!
//! [`parse`] turns a route such as `/users/:id(\d+)/files/*path` into a [`Pattern`] of [`Segment`]s, or
//! into every [`PatternError`] found, each with its byte span in the route. The crate uses `std` only.
//!
//! ```
//! use velocy_pattern::{parse, SegmentKind};
//!
//! let pattern = parse("/users/:id(\\d+)/files/*path").unwrap();
//! assert_eq!(pattern.params().collect::<Vec<_>>(), ["id", "path"]);
//! assert_eq!(pattern.shape(), "/users/:(\\d+)/files/*");
//! assert!(matches!(pattern.segments[0].kind, SegmentKind::Static("users")));
//!
//! let errors = parse("/users/{id}").unwrap_err();
//! assert_eq!(errors[0].span, 7..11);
//! assert_eq!(errors[0].message, "`{id}` is not a parameter");
//! assert_eq!(errors[0].help.as_deref(), Some("write parameters as `:id`"));
//! ```
//!
//! # Grammar
//!
//! ```text
//! route      = "/" | ( "/" segment )+
//! segment    = param | catch-all | static
//! param      = ":" name [ "(" regex ")" ]
//! catch-all  = "*" name                      ; only as the last segment
//! name       = [A-Za-z_] [A-Za-z0-9_]*       ; unique within the route
//! static     = pchar+                        ; must not start with ":" or "*"
//! ```
//!
//! - A route starts with `/`. The root route is `/` alone and has no segments. Every other segment
//!   is non-empty: `//` and a trailing `/` are errors (trailing-slash handling is a router option,
//!   not part of a route).
//! - `:name` is a parameter: it matches one or more bytes of one segment (up to the next `/`).
//! - `:name(regex)` is a parameter constrained by a regular expression that must match the *whole*
//!   segment (it is anchored). The regex runs to the matching `)`, honouring `\` escapes, nested
//!   parentheses and `[...]` classes. It may not contain an unescaped `/`, because a constraint
//!   matches one segment. This crate does not compile the regex: [`Constraint::regex`] is the text,
//!   which the runtime compiles with the `regex` crate and the macros check with `regex-syntax`.
//! - `*name` is a catch-all: it matches one or more bytes, `/` included, to the end of the path, so
//!   it must be the last segment.
//! - A static segment is made of RFC 3986 `pchar`s: unreserved characters (`A-Z a-z 0-9 - . _ ~`),
//!   percent-encodings (`%` and two hex digits), sub-delimiters (`! $ & ' ( ) * + , ; =`), `:` and
//!   `@`. `:` and `*` are only special as the first character; later in a segment they are errors,
//!   because parameters take a whole segment. Spaces, `?`, `#`, non-ASCII characters and the other
//!   characters outside `pchar` are errors; the help suggests how to percent-encode them.
//! - Static text is written the way the runtime normalizes request paths before routing, since any other
//!   spelling could never match: escapes of unreserved characters (`%41`) are errors (write `A`), hex
//!   digits are uppercase (`%2F`, not `%2f`), and the escapes must decode to UTF-8 (`%C3%A9`, not a lone
//!   `%E9`) without NUL (`%00`), as requests whose decoded path is not are refused.
//!
//! [`parse`] reports every error it finds, each with the byte span in the route that it is about,
//! a short lowercase message and, when the fix is known, a help text. It never panics.

use std::fmt;
use std::ops::Range;

/// A route pattern, parsed and checked, such as `/users/:id/files/*path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern<'a> {
    /// The route exactly as written.
    pub source: &'a str,
    /// The segments between the slashes, in order; empty for the root route `/`.
    pub segments: Vec<Segment<'a>>,
}

/// One segment of a [`Pattern`]: the text between two slashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment<'a> {
    /// What the segment matches.
    pub kind: SegmentKind<'a>,
    /// The byte span of the segment in [`Pattern::source`], without its leading `/`.
    pub span: Range<usize>,
}

/// What a [`Segment`] matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentKind<'a> {
    /// Exactly this text, still percent-encoded as written.
    Static(&'a str),
    /// `:name` or `:name(regex)`: one or more bytes of one segment.
    Param {
        /// The name, without the `:`.
        name: &'a str,
        /// The byte span of the name in the source.
        name_span: Range<usize>,
        /// The regex the whole segment must match, if any.
        constraint: Option<Constraint<'a>>,
    },
    /// `*name`: one or more bytes, `/` included, up to the end of the path.
    CatchAll {
        /// The name, without the `*`.
        name: &'a str,
        /// The byte span of the name in the source.
        name_span: Range<usize>,
    },
}

/// The regex of a constrained parameter `:name(regex)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint<'a> {
    /// The regex text between the parentheses, not yet compiled.
    pub regex: &'a str,
    /// The byte span of the regex text in the source, without the parentheses.
    pub span: Range<usize>,
}

/// One problem found in a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// The byte span in the route that the error is about.
    pub span: Range<usize>,
    /// What is wrong: short and lowercase.
    pub message: String,
    /// How to fix it, when that is known.
    pub help: Option<String>,
}

impl fmt::Display for PatternError {
    /// Writes the message only; the span and the help are left to the caller's layout.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.message)
    }
}

impl std::error::Error for PatternError {}

impl Pattern<'_> {
    /// The names of the parameters and of the catch-all, in the order they appear.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|segment| match &segment.kind {
            SegmentKind::Static(_) => None,
            SegmentKind::Param { name, .. } | SegmentKind::CatchAll { name, .. } => Some(*name),
        })
    }

    /// The canonical form of the route, with parameter names erased: `/users/:/files/*`.
    ///
    /// Constraints are kept (`/a/:(\d+)`) and the root route is `/`. Two routes with the same
    /// shape match exactly the same paths, so the router reports them as a conflict.
    pub fn shape(&self) -> String {
        if self.segments.is_empty() {
            return String::from("/");
        }
        let mut shape = String::with_capacity(self.source.len());
        for segment in &self.segments {
            shape.push('/');
            match &segment.kind {
                SegmentKind::Static(text) => shape.push_str(text),
                SegmentKind::Param { constraint: None, .. } => shape.push(':'),
                SegmentKind::Param { constraint: Some(constraint), .. } => {
                    shape.push_str(":(");
                    shape.push_str(constraint.regex);
                    shape.push(')');
                }
                SegmentKind::CatchAll { .. } => shape.push('*'),
            }
        }
        shape
    }
}

/// Parses a route, reporting every error found rather than stopping at the first.
pub fn parse(source: &str) -> Result<Pattern<'_>, Vec<PatternError>> {
    let mut parser = Parser { source, bytes: source.as_bytes(), segments: Vec::new(), errors: Vec::new() };
    parser.route();
    if parser.errors.is_empty() {
        Ok(Pattern { source, segments: parser.segments })
    } else {
        Err(parser.errors)
    }
}

/// The state of one [`parse`] call.
struct Parser<'a> {
    /// The route being parsed.
    source: &'a str,
    /// The route as bytes, for scanning.
    bytes: &'a [u8],
    /// The segments read so far.
    segments: Vec<Segment<'a>>,
    /// The errors found so far.
    errors: Vec<PatternError>,
}

impl<'a> Parser<'a> {
    /// Reads the whole route, then checks what needs all segments (catch-all position, duplicates).
    fn route(&mut self) {
        let start = if self.source.starts_with('/') {
            1
        } else if self.source.is_empty() {
            self.error(0..0, "empty route", Some("use `/` for the root route".into()));
            return;
        } else {
            let first = self.source.chars().next().map_or(0, char::len_utf8);
            let help = format!("add a leading `/`: `/{}`", self.source);
            self.error(0..first, "route must start with `/`", Some(help));
            0
        };
        if self.source == "/" {
            return;
        }
        let mut start = start;
        loop {
            let end = self.segment(start);
            if end >= self.bytes.len() {
                break;
            }
            start = end + 1;
        }
        self.check_catch_all_is_last();
        self.check_duplicate_names();
    }

    /// Reads the segment starting at `start` and returns where it ends: the index of the next `/`,
    /// or the length of the route.
    fn segment(&mut self, start: usize) -> usize {
        match self.bytes.get(start) {
            None => {
                let help = "remove it; trailing-slash handling is a router option";
                self.error(start.saturating_sub(1)..start, "trailing `/`", Some(help.into()));
                start
            }
            Some(b'/') => {
                // Report a run of extra slashes once, as trailing if nothing follows it.
                let run = self.bytes[start..].iter().take_while(|byte| **byte == b'/').count();
                let end = start + run;
                if end == self.bytes.len() {
                    let help = "remove it; trailing-slash handling is a router option";
                    self.error(start.saturating_sub(1)..end, "trailing `/`", Some(help.into()));
                    return end;
                }
                let help = "remove the extra `/`";
                self.error(start..end, "empty segment", Some(help.into()));
                end - 1
            }
            Some(b':') => self.param(start),
            Some(b'*') => self.catch_all(start),
            Some(_) => self.static_segment(start),
        }
    }

    /// Reads `:name` or `:name(regex)` starting at the `:`.
    fn param(&mut self, start: usize) -> usize {
        let Some((name, name_span)) = self.name(start, "parameter", ":id") else {
            return self.next_slash(start);
        };
        let mut end = name_span.end;
        let mut constraint = None;
        if self.bytes.get(end) == Some(&b'(') {
            let (read, after) = self.constraint(end);
            constraint = read;
            end = after;
        }
        let what = if constraint.is_some() { "constraint" } else { "parameter name" };
        let end = self.expect_segment_end(end, what);
        self.segments
            .push(Segment { kind: SegmentKind::Param { name, name_span, constraint }, span: start..end });
        end
    }

    /// Reads `*name` starting at the `*`.
    fn catch_all(&mut self, start: usize) -> usize {
        let Some((name, name_span)) = self.name(start, "catch-all", "*path") else {
            return self.next_slash(start);
        };
        let mut end = name_span.end;
        if self.bytes.get(end) == Some(&b'(') {
            let (constraint, after) = self.constraint(end);
            if constraint.is_some() {
                let help = "remove it, or use `:name(regex)` to constrain one segment";
                self.error(end..after, "a catch-all cannot have a constraint", Some(help.into()));
            }
            end = after;
        }
        let end = self.expect_segment_end(end, "catch-all name");
        self.segments.push(Segment { kind: SegmentKind::CatchAll { name, name_span }, span: start..end });
        end
    }

    /// Reads the name after the sigil at `sigil` (`:` or `*`) and returns it with its span.
    ///
    /// Returns `None`, after reporting it, when the segment holds no usable name at all.
    fn name(&mut self, sigil: usize, what: &str, example: &str) -> Option<(&'a str, Range<usize>)> {
        let start = sigil + 1;
        let end = start
            + self.bytes[start..]
                .iter()
                .take_while(|byte| byte.is_ascii_alphanumeric() || **byte == b'_')
                .count();
        if end == start {
            match self.bytes.get(end) {
                None | Some(b'/' | b'(') => {
                    let help = format!("name it, like `{example}`");
                    self.error(sigil..start, format!("missing {what} name"), Some(help));
                    return Some(("", start..start));
                }
                Some(_) => {
                    let end = self.next_slash(start);
                    let message = format!("invalid {what} name `{}`", &self.source[start..end]);
                    let help = "names start with a letter or `_` and contain only letters, digits and `_`";
                    self.error(sigil..end, message, Some(help.into()));
                    return None;
                }
            }
        }
        if self.bytes[start].is_ascii_digit() {
            let help = "start it with a letter or `_`";
            let message = format!("{what} name cannot start with a digit");
            self.error(start..end, message, Some(help.into()));
        }
        Some((&self.source[start..end], start..end))
    }

    /// Reads the regex of a constraint starting at its `(` and returns it (if well formed) with the
    /// index just after the closing `)`.
    fn constraint(&mut self, open: usize) -> (Option<Constraint<'a>>, usize) {
        let mut depth = 0usize;
        let mut class_depth = 0usize;
        let mut index = open + 1;
        while let Some(&byte) = self.bytes.get(index) {
            match byte {
                b'\\' => index += 1,
                b'/' => {
                    let help = "a constraint matches one segment; \
                                use a catch-all `*name` to match across segments";
                    self.error(index..index + 1, "a constraint cannot contain `/`", Some(help.into()));
                }
                b'[' => {
                    class_depth += 1;
                    // A `]` right after `[` or `[^` is a literal, not the end of the class.
                    if self.bytes.get(index + 1) == Some(&b'^') {
                        index += 1;
                    }
                    if self.bytes.get(index + 1) == Some(&b']') {
                        index += 1;
                    }
                }
                b']' if class_depth > 0 => class_depth -= 1,
                b'(' if class_depth == 0 => depth += 1,
                b')' if class_depth == 0 && depth > 0 => depth -= 1,
                b')' if class_depth == 0 => {
                    if index == open + 1 {
                        let help = "write a regex between the parentheses, or remove them";
                        self.error(open..index + 1, "empty constraint", Some(help.into()));
                        return (None, index + 1);
                    }
                    let constraint =
                        Constraint { regex: &self.source[open + 1..index], span: open + 1..index };
                    return (Some(constraint), index + 1);
                }
                _ => {}
            }
            index += 1;
        }
        let end = self.bytes.len();
        self.error(open..end, "unclosed constraint", Some("close it with `)`".into()));
        (None, end)
    }

    /// Reports anything between `index` and the end of the segment (text after a parameter name,
    /// a constraint or a catch-all name) and returns the end of the segment.
    fn expect_segment_end(&mut self, index: usize, after: &str) -> usize {
        let end = self.next_slash(index);
        if end > index {
            let message = format!("unexpected `{}` after {after}", &self.source[index..end]);
            let help = "a parameter takes a whole segment; names contain only letters, digits and `_`";
            self.error(index..end, message, Some(help.into()));
        }
        end
    }

    /// Reads a static segment starting at `start`, reporting every character outside `pchar`.
    fn static_segment(&mut self, start: usize) -> usize {
        // Static text must be written the way `target::normalize_path` leaves request paths, or the route
        // could never match: no dot segments, no escapes of unreserved characters, uppercase hex, and escapes
        // that decode to UTF-8 without NUL.
        let end = self.next_slash(start);
        let text = &self.source[start..end];
        if text.len() > 2 && text.starts_with('{') && text.ends_with('}') {
            let name = &text[1..text.len() - 1];
            let help = format!("write parameters as `:{name}`");
            self.error(start..end, format!("`{text}` is not a parameter"), Some(help));
            return end;
        }
        if text == "." || text == ".." {
            let help = "remove it: request paths are normalized before routing (RFC 3986 §5.2.4)";
            self.error(start..end, format!("a `{text}` segment can never match"), Some(help.into()));
            return end;
        }
        // A request is refused before routing when its decoded path is not UTF-8: report those escapes once
        // each, and not also their hex case.
        let not_utf8 = non_utf8_escapes(text, start);
        let mut reported_sigil = false;
        let mut characters = text.char_indices().peekable();
        while let Some((offset, character)) = characters.next() {
            let index = start + offset;
            let span = index..index + character.len_utf8();
            match character {
                // Unreserved characters, then sub-delimiters and `@`.
                'A'..='Z'
                | 'a'..='z'
                | '0'..='9'
                | '-'
                | '.'
                | '_'
                | '~'
                | '!'
                | '$'
                | '&'
                | '\''
                | '('
                | ')'
                | '+'
                | ','
                | ';'
                | '='
                | '@' => {}
                ':' | '*' => {
                    if !reported_sigil {
                        reported_sigil = true;
                        let help = if character == ':' {
                            "put the parameter in its own segment, like `/users/:id`"
                        } else {
                            "put the catch-all in its own segment, like `/files/*path`"
                        };
                        self.error(span, "parameters take a whole segment", Some(help.into()));
                    }
                }
                '%' => {
                    let hex = self.bytes.get(index + 1..index + 3);
                    if let Some(hex) = hex.filter(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
                        characters.next();
                        characters.next();
                        // Requests are normalized before routing (RFC 3986 §6.2.2): escapes of unreserved
                        // characters are decoded and hex digits uppercased, so a route must be written
                        // the same way to ever match.
                        let escape = &self.source[index..index + 3];
                        let value = hex.iter().fold(0u8, |value, digit| {
                            value * 16 + (*digit as char).to_digit(16).map_or(0, |d| d as u8)
                        });
                        let span = index..index + 3;
                        if let Some(invalid) = not_utf8.iter().find(|invalid| invalid.contains(&index)) {
                            if invalid.start == index {
                                let escapes = &self.source[invalid.clone()];
                                let message = format!(
                                    "`{escapes}` does not decode to UTF-8: the route can never match"
                                );
                                self.error(invalid.clone(), message, Some(non_utf8_help(escapes, value)));
                            }
                        } else if value == 0 {
                            let help = "remove it: request paths containing `%00` are refused before routing";
                            self.error(
                                span,
                                "`%00` encodes NUL: the route can never match",
                                Some(help.into()),
                            );
                        } else if value.is_ascii_alphanumeric() || b"-._~".contains(&value) {
                            let help = format!("write `{}` instead", value as char);
                            let message = format!("`{escape}` encodes an unreserved character");
                            self.error(span, message, Some(help));
                        } else if hex.iter().any(u8::is_ascii_lowercase) {
                            let help = format!("write `{}`", escape.to_ascii_uppercase());
                            let message = "percent-encoding must use uppercase hex digits";
                            self.error(span, message, Some(help));
                        }
                    } else {
                        let help = "write `%25` for a literal `%`";
                        let message = "`%` must be followed by two hex digits";
                        self.error(span, message, Some(help.into()));
                    }
                }
                '?' | '#' => {
                    let (message, rest) = if character == '?' {
                        ("a route cannot contain a query string", "query parameters")
                    } else {
                        ("a route cannot contain a fragment", "fragments")
                    };
                    let help =
                        format!("remove `{character}` and what follows; {rest} are not part of the path");
                    let length = self.bytes.len();
                    self.error(index..length, message, Some(help));
                    return length;
                }
                ' ' => {
                    let help = "percent-encode it as `%20`";
                    self.error(span, "a route cannot contain a space", Some(help.into()));
                }
                _ if !character.is_ascii() => {
                    let message = format!("non-ASCII character `{character}`");
                    let help = format!("percent-encode it as `{}`", percent_encode(character));
                    self.error(span, message, Some(help));
                }
                _ => {
                    let message = format!("invalid character `{}`", character.escape_debug());
                    let help = format!("percent-encode it as `{}`", percent_encode(character));
                    self.error(span, message, Some(help));
                }
            }
        }
        self.segments.push(Segment { kind: SegmentKind::Static(text), span: start..end });
        end
    }

    /// Reports a catch-all followed by other segments.
    fn check_catch_all_is_last(&mut self) {
        let last = self.segments.len().saturating_sub(1);
        let misplaced: Vec<Range<usize>> = self.segments[..last]
            .iter()
            .filter(|segment| matches!(segment.kind, SegmentKind::CatchAll { .. }))
            .map(|segment| segment.span.clone())
            .collect();
        for span in misplaced {
            let help = "move it to the end of the route, or use `:name` to match one segment";
            self.error(span, "a catch-all must be the last segment", Some(help.into()));
        }
    }

    /// Reports every parameter whose name was already used earlier in the route.
    fn check_duplicate_names(&mut self) {
        let mut duplicates = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for segment in &self.segments {
            if let SegmentKind::Param { name, name_span, .. } | SegmentKind::CatchAll { name, name_span } =
                &segment.kind
            {
                if name.is_empty() {
                    continue;
                }
                if seen.contains(name) {
                    duplicates.push((*name, name_span.clone()));
                } else {
                    seen.push(name);
                }
            }
        }
        for (name, span) in duplicates {
            let help = "rename one of them; names are unique within a route";
            self.error(span, format!("duplicate parameter `{name}`"), Some(help.into()));
        }
    }

    /// The index of the next `/` at or after `from`, or the length of the route.
    fn next_slash(&self, from: usize) -> usize {
        self.bytes[from..]
            .iter()
            .position(|byte| *byte == b'/')
            .map_or(self.bytes.len(), |offset| from + offset)
    }

    /// Records an error.
    fn error(&mut self, span: Range<usize>, message: impl Into<String>, help: Option<String>) {
        self.errors.push(PatternError { span, message: message.into(), help });
    }
}

/// The spans (in the route, `text` starting at `start`) of the runs of percent-escapes in static `text` that
/// do not decode to UTF-8, one per invalid sequence as [`std::str::from_utf8`] finds them.
///
/// The request normalizer refuses a path whose decoded bytes are not UTF-8, so such a route never matches. A
/// segment is checked alone: `/` is ASCII and ends any multi-byte sequence. Literal characters are whole
/// UTF-8 characters, so every invalid sequence is made of escapes only.
fn non_utf8_escapes(text: &str, start: usize) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    if !bytes.contains(&b'%') {
        return Vec::new();
    }
    // Each decoded byte with the bytes of `text` it was written as.
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut written = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escape = match bytes.get(index..index + 3) {
            Some([b'%', high, low]) => {
                hex_digit(*high).zip(hex_digit(*low)).map(|(high, low)| high * 16 + low)
            }
            _ => None,
        };
        let width = if escape.is_some() { 3 } else { 1 };
        decoded.push(escape.unwrap_or(bytes[index]));
        written.push(index..index + width);
        index += width;
    }
    let mut invalid = Vec::new();
    let mut from = 0;
    while let Err(error) = std::str::from_utf8(&decoded[from..]) {
        let first = from + error.valid_up_to();
        let end = error.error_len().map_or(decoded.len(), |length| first + length);
        invalid.push(start + written[first].start..start + written[end - 1].end);
        from = end;
    }
    invalid
}

/// The value of one hex digit, either case.
fn hex_digit(byte: u8) -> Option<u8> {
    char::from(byte).to_digit(16).and_then(|digit| u8::try_from(digit).ok())
}

/// The help for `escapes` that do not decode to UTF-8, `first` being the first decoded byte: the spelling of
/// the character a lone byte stands for in Latin-1 (`%E9` is often meant as `é`), and of the text itself.
fn non_utf8_help(escapes: &str, first: u8) -> String {
    let text = format!("to match the text `{escapes}`, write `{}`", escapes.replace('%', "%25"));
    let character = char::from(first);
    if escapes.len() == 3 && !character.is_control() {
        let (code, utf8) = (u32::from(character), percent_encode(character));
        format!(
            "request paths must decode to UTF-8; if `{escapes}` means `{character}` (U+{code:04X}), write \
             `{utf8}`; {text}"
        )
    } else {
        format!(
            "request paths must decode to UTF-8: escape every byte of a character, like `%C3%A9` for `é`; \
             {text}"
        )
    }
}

/// Percent-encodes one character as its UTF-8 bytes: `é` becomes `%C3%A9`.
fn percent_encode(character: char) -> String {
    const HEX_DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut buffer = [0; 4];
    let mut encoded = String::new();
    for byte in character.encode_utf8(&mut buffer).bytes() {
        encoded.push('%');
        encoded.push(char::from(HEX_DIGITS[usize::from(byte >> 4)]));
        encoded.push(char::from(HEX_DIGITS[usize::from(byte & 0x0F)]));
    }
    encoded
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
