//! Diagnostics: spanned errors with `note:` and `help:` lines, and an accumulator that keeps all of them.
//!
//! Stable Rust gives procedural macros one way to report an error: a `compile_error!` at a span. So a
//! [`Diagnostic`] renders its notes and helps as extra lines of the message, which rustc prints indented
//! under the `error:` line:
//!
//! ```text
//! error: path parameter `id` has no matching argument
//!          = note: `get_user` has no argument named `id`
//!          = help: add an argument `id: T` where `T: FromParam`, such as `id: u64`
//!  --> src/main.rs:3:7
//! ```
//!
//! Errors about a part of a string literal (a route) point at that part with [`Literal::subspan`] when the
//! compiler supports it. Stable compilers do not, so the error then covers the whole literal and the
//! message shows the literal with carets under the part that is wrong.
//!
//! [`Literal::subspan`]: proc_macro2::Literal::subspan

use std::ops::Range;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::LitStr;

/// Where an error points.
enum Target {
    /// One span.
    Span(Span),
    /// From the first to the last token of some syntax.
    Tokens(TokenStream),
}

/// One error with optional notes and helps; converts into a [`syn::Error`].
#[must_use]
pub(crate) struct Diagnostic {
    /// Where the error points.
    target: Target,
    /// The short main message.
    message: String,
    /// Extra lines below the message: a snippet, `= note:` and `= help:` lines, in order.
    lines: Vec<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub(crate) fn new(span: Span, message: impl Into<String>) -> Self {
        Diagnostic { target: Target::Span(span), message: message.into(), lines: Vec::new() }
    }

    /// An error covering all of `tokens` (from their first to their last token).
    pub(crate) fn spanned(tokens: impl ToTokens, message: impl Into<String>) -> Self {
        Diagnostic {
            target: Target::Tokens(tokens.into_token_stream()),
            message: message.into(),
            lines: Vec::new(),
        }
    }

    /// An error about the bytes `range` of the value of the string literal `lit`.
    ///
    /// Points at exactly those bytes when the compiler can; otherwise points at the whole literal and
    /// shows the literal as written with carets under `range`.
    pub(crate) fn in_str(lit: &LitStr, range: Range<usize>, message: impl Into<String>) -> Self {
        let value = lit.value();
        let source = lit.token().to_string();
        let offsets = source_offsets(&source, &value);
        let in_source = offsets.as_ref().and_then(|offsets| {
            let start = *offsets.get(range.start)?;
            let end = *offsets.get(range.end)?;
            Some(start..end.max(start))
        });
        if let Some(span) = in_source.clone().and_then(|range| lit.token().subspan(range)) {
            return Diagnostic::new(span, message);
        }
        let mut diagnostic = Diagnostic::new(lit.span(), message);
        if range == (0..value.len()) {
            return diagnostic;
        }
        match in_source {
            Some(in_source) if !source.contains('\n') => {
                diagnostic.lines.extend(caret_snippet(&source, in_source));
            }
            _ => {
                let shown = format!("{value:?}");
                let shifted = value.get(..range.start).map_or(0, escaped_len) + 1;
                let width = value.get(range.clone()).map_or(1, escaped_len);
                diagnostic.lines.extend(caret_snippet(&shown, shifted..shifted + width));
            }
        }
        diagnostic
    }

    /// Adds a `= note:` line: context that explains the error.
    pub(crate) fn note(mut self, note: impl AsRef<str>) -> Self {
        self.lines.push(format!("= note: {}", note.as_ref()));
        self
    }

    /// Adds a `= help:` line: how to fix the error.
    pub(crate) fn help(mut self, help: impl AsRef<str>) -> Self {
        self.lines.push(format!("= help: {}", help.as_ref()));
        self
    }

    /// Adds a `= help:` line if there is one.
    pub(crate) fn help_opt(self, help: Option<impl AsRef<str>>) -> Self {
        match help {
            Some(help) => self.help(help),
            None => self,
        }
    }

    /// The full text rustc shows: the message, then each extra line indented under it.
    fn text(&self) -> String {
        let mut text = self.message.clone();
        for line in &self.lines {
            text.push_str("\n  ");
            text.push_str(line);
        }
        text
    }
}

impl From<Diagnostic> for syn::Error {
    fn from(diagnostic: Diagnostic) -> Self {
        let text = diagnostic.text();
        match diagnostic.target {
            Target::Span(span) => syn::Error::new(span, text),
            Target::Tokens(tokens) => syn::Error::new_spanned(tokens, text),
        }
    }
}

/// Collects every error found while parsing a macro input, so that one expansion reports all of them.
#[derive(Default)]
pub(crate) struct Diagnostics {
    /// All errors so far, combined.
    errors: Option<syn::Error>,
}

impl Diagnostics {
    /// Records an error.
    pub(crate) fn push(&mut self, error: impl Into<syn::Error>) {
        let error = error.into();
        match &mut self.errors {
            Some(errors) => errors.combine(error),
            None => self.errors = Some(error),
        }
    }

    /// Records the error of `result`, if any, and returns its value otherwise.
    pub(crate) fn take<T, E: Into<syn::Error>>(&mut self, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(error);
                None
            }
        }
    }

    /// Whether no error was recorded.
    pub(crate) fn is_empty(&self) -> bool {
        self.errors.is_none()
    }

    /// All errors recorded, as an `Err`; callers use it once they know something failed.
    pub(crate) fn fail<T>(self) -> syn::Result<T> {
        Err(self.errors.unwrap_or_else(|| {
            syn::Error::new(Span::call_site(), "velocy-macros: internal error: failed without a reason")
        }))
    }

    /// `Ok(value)` when no error was recorded, all errors combined otherwise.
    pub(crate) fn finish<T>(self, value: T) -> syn::Result<T> {
        match self.errors {
            Some(errors) => Err(errors),
            None => Ok(value),
        }
    }
}

/// For each byte of `value` (and one past its end), its byte offset in `source`, the literal's text.
///
/// Handles raw strings (`r#"…"#`) and the escapes of plain strings (`\n`, `\x41`, `\u{…}`, line
/// continuations). `None` when `source` does not decode to `value`.
pub(crate) fn source_offsets(source: &str, value: &str) -> Option<Vec<usize>> {
    let mut offsets = Vec::with_capacity(value.len() + 1);
    if let Some(raw) = source.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let start = 1 + hashes + 1;
        offsets.extend((0..=value.len()).map(|offset| start + offset));
        return (source.get(start..start + value.len()) == Some(value)).then_some(offsets);
    }
    let bytes = source.as_bytes();
    if bytes.first() != Some(&b'"') {
        return None;
    }
    let mut index = 1;
    let mut decoded = String::with_capacity(value.len());
    while index < bytes.len() && bytes[index] != b'"' {
        let (character, next) = if bytes[index] == b'\\' {
            match bytes.get(index + 1)? {
                b'n' => (Some('\n'), index + 2),
                b'r' => (Some('\r'), index + 2),
                b't' => (Some('\t'), index + 2),
                b'0' => (Some('\0'), index + 2),
                b'\\' => (Some('\\'), index + 2),
                b'\'' => (Some('\''), index + 2),
                b'"' => (Some('"'), index + 2),
                b'x' => {
                    let hex = source.get(index + 2..index + 4)?;
                    (Some(char::from(u8::from_str_radix(hex, 16).ok()?)), index + 4)
                }
                b'u' => {
                    let close = index + source[index..].find('}')?;
                    let hex = source.get(index + 3..close)?.replace('_', "");
                    (char::from_u32(u32::from_str_radix(&hex, 16).ok()?), close + 1)
                }
                b'\n' | b'\r' => {
                    let rest = &source[index + 1..];
                    let skipped = rest.len() - rest.trim_start().len();
                    (None, index + 1 + skipped)
                }
                _ => return None,
            }
        } else {
            let character = source[index..].chars().next()?;
            (Some(character), index + character.len_utf8())
        };
        if let Some(character) = character {
            offsets.extend(std::iter::repeat_n(index, character.len_utf8()));
            decoded.push(character);
        }
        index = next;
    }
    offsets.push(index);
    (decoded == value).then_some(offsets)
}

/// The length of `text` once escaped as in a `Debug`-printed string.
fn escaped_len(text: &str) -> usize {
    text.chars().map(|c| c.escape_debug().count()).sum()
}

/// `text` (one line) and carets under its bytes `range`, as two message lines.
pub(crate) fn caret_snippet(text: &str, range: Range<usize>) -> [String; 2] {
    let column = |end: usize| text.get(..end).map_or(end, |prefix| prefix.chars().count());
    let start = column(range.start);
    let width = column(range.end).saturating_sub(start).max(1);
    [format!("  {text}"), format!("  {}{}", " ".repeat(start), "^".repeat(width))]
}

/// The candidate closest to `name` by edit distance, if it is close enough to be a likely typo.
pub(crate) fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(name, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// The edit distance between `a` and `b` (insertions, deletions, substitutions and swaps of two
/// neighbours, each counting 1), in characters, ignoring ASCII case.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    // rows[i][j]: the distance between a[..i] and b[..j].
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let substitution = rows[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut best = substitution.min(rows[i - 1][j] + 1).min(rows[i][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// A list of names as `` `a`, `b` and `c` `` for messages.
pub(crate) fn list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.into_iter().map(|name| format!("`{name}`")).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_of_plain_strings_skip_the_quote() {
        let offsets = source_offsets(r#""/a/:id""#, "/a/:id");
        assert_eq!(offsets, Some((1..=7).collect()));
    }

    #[test]
    fn offsets_follow_escapes() {
        // "/a/:id(\\d+)" is the value /a/:id(\d+)
        let offsets = source_offsets(r#""/a/:id(\\d+)""#, r"/a/:id(\d+)");
        let offsets = offsets.unwrap_or_default();
        assert_eq!(offsets[7], 8, "the backslash starts the two-byte escape");
        assert_eq!(offsets[8], 10, "`d` comes after the escape");
        assert_eq!(offsets[11], 13, "the end is before the closing quote");
    }

    #[test]
    fn offsets_of_unicode_escapes_cover_every_byte() {
        let offsets = source_offsets(r#""\u{e9}x""#, "éx").unwrap_or_default();
        assert_eq!(offsets, vec![1, 1, 7, 8]);
    }

    #[test]
    fn offsets_of_raw_strings_skip_the_prefix() {
        let offsets = source_offsets(r###"r#"/a/:id(\d+)"#"###, r"/a/:id(\d+)").unwrap_or_default();
        assert_eq!(offsets.first(), Some(&3));
        assert_eq!(offsets.last(), Some(&14));
    }

    #[test]
    fn offsets_reject_a_mismatch() {
        assert_eq!(source_offsets(r#""/a""#, "/b"), None);
    }

    #[test]
    fn carets_sit_under_the_range() {
        let [line, carets] = caret_snippet("\"/users/:1d\"", 9..11);
        assert_eq!(line, "  \"/users/:1d\"");
        assert_eq!(carets, "           ^^");
        assert_eq!(carets.find('^'), line.find("1d"));
    }

    #[test]
    fn snippets_show_the_literal_as_written() {
        let lit: LitStr = syn::parse_quote!(r"/a/:id(\d{4,2})");
        let diagnostic = Diagnostic::in_str(&lit, 9..14, "bad");
        assert_eq!(diagnostic.lines[0], "  r\"/a/:id(\\d{4,2})\"");
        assert_eq!(diagnostic.lines[1], "             ^^^^^");
    }

    #[test]
    fn escaped_literals_map_to_the_source() {
        let lit: LitStr = syn::parse_quote!("/a/:id(\\d+)/\u{e9}");
        // The value is `/a/:id(\d+)/é`; point at `é` (bytes 12..14).
        let diagnostic = Diagnostic::in_str(&lit, 12..14, "bad");
        let caret = diagnostic.lines[1].find('^');
        assert_eq!(caret, diagnostic.lines[0].find("\\u"));
        assert_eq!(diagnostic.lines[1].matches('^').count(), 6);
    }

    #[test]
    fn closest_finds_typos_only() {
        assert_eq!(closest("nmae", ["name", "path"]), Some("name"));
        assert_eq!(closest("user_id", ["id"]), None);
        assert_eq!(closest("idd", ["id", "name"]), Some("id"));
    }

    #[test]
    fn lists_read_naturally() {
        assert_eq!(list(["a"]), "`a`");
        assert_eq!(list(["a", "b", "c"]), "`a`, `b` and `c`");
        assert_eq!(list([]), "");
    }
}
