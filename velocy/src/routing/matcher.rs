//! [`PathMatcher`]: Velocy's route grammar and trie as a standalone path matcher, for code that routes
//! something other than HTTP requests (and for benchmarking the router on its own).

use std::fmt;

use super::pattern;
use super::trie::InsertError;
use super::Trie;
use crate::request::ParamSpans;

/// Maps route patterns (the grammar of [`crate::routing`]) to values and matches paths against them.
///
/// ```
/// use velocy::routing::PathMatcher;
///
/// let mut router = PathMatcher::new();
/// router.insert("/repos/:owner/:repo", "repo").unwrap();
/// router.insert("/repos/:owner/:repo/issues/:number(\\d+)", "issue").unwrap();
///
/// let found = router.at("/repos/tokio-rs/axum/issues/7").unwrap();
/// assert_eq!(*found.value(), "issue");
/// assert_eq!(found.param("number"), Some("7"));
/// assert!(router.at("/repos/tokio-rs/axum/issues/seven").is_none());
/// ```
pub struct PathMatcher<T> {
    trie: Trie<usize>,
    entries: Vec<Entry<T>>,
}

struct Entry<T> {
    value: T,
    names: Box<[Box<str>]>,
}

/// Why [`PathMatcher::insert`] refused a pattern: the message says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsertPatternError {
    message: String,
}

impl fmt::Display for InsertPatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InsertPatternError {}

/// A successful match: the value, and the parameters as raw (still percent-encoded) slices of the path.
#[derive(Debug)]
pub struct PathMatch<'r, 'p, T> {
    value: &'r T,
    names: &'r [Box<str>],
    path: &'p str,
    spans: ParamSpans,
}

impl<T> Default for PathMatcher<T> {
    fn default() -> Self {
        Self { trie: Trie::new(), entries: Vec::new() }
    }
}

impl<T> PathMatcher<T> {
    /// An empty router.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `pattern` with `value`.
    ///
    /// # Errors
    /// The pattern is invalid (every grammar error is listed), has an invalid regex, or has the same shape
    /// as a pattern already added.
    pub fn insert(&mut self, pattern: &str, value: T) -> Result<(), InsertPatternError> {
        let parsed = pattern::parse(pattern).map_err(|errors| InsertPatternError {
            message: errors.iter().map(|error| error.message.as_str()).collect::<Vec<_>>().join("; "),
        })?;
        let names = parsed.params().map(Box::from).collect();
        let index = self.entries.len();
        match self.trie.insert(&parsed, index) {
            Ok(()) => {
                self.entries.push(Entry { value, names });
                Ok(())
            }
            Err(InsertError::Conflict { .. }) => Err(InsertPatternError {
                message: format!("{pattern:?} conflicts with a pattern already added"),
            }),
            Err(error @ InsertError::InvalidRegex { .. }) => {
                Err(InsertPatternError { message: error.to_string() })
            }
        }
    }

    /// Matches `path` (raw, as in a request target).
    pub fn at<'r, 'p>(&'r self, path: &'p str) -> Option<PathMatch<'r, 'p, T>> {
        let mut spans = ParamSpans::new();
        let index = *self.trie.at(path, &mut spans)?;
        let entry = &self.entries[index];
        Some(PathMatch { value: &entry.value, names: &entry.names, path, spans })
    }

    /// How many patterns were added.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no pattern was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<T> fmt::Debug for PathMatcher<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PathMatcher").field("len", &self.entries.len()).finish()
    }
}

impl<'r, 'p, T> PathMatch<'r, 'p, T> {
    /// The value of the matched pattern.
    pub fn value(&self) -> &'r T {
        self.value
    }

    /// The raw value of parameter `name`.
    pub fn param(&self, name: &str) -> Option<&'p str> {
        let index = self.names.iter().position(|candidate| &**candidate == name)?;
        self.path.get(self.spans.get(index)?)
    }

    /// Every parameter as `(name, raw value)`, in pattern order.
    pub fn params(&self) -> impl Iterator<Item = (&'r str, &'p str)> + '_ {
        let path = self.path;
        self.names
            .iter()
            .zip(self.spans.iter())
            .filter_map(move |(name, span)| Some((&**name, path.get(span)?)))
    }
}
