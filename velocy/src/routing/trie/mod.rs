//! The route trie: finds the route that matches a request path, and where its parameters are.
//!
//! Static text is stored in a byte-level radix tree: each edge holds a run of bytes, and a node
//! finds the child to follow from the next byte of the path alone. Parameters, constrained
//! parameters and catch-alls hang off the nodes that end at a segment boundary (just after a `/`).
//!
//! At each node the candidates are tried in a fixed order, and a failed candidate hands over to
//! the next one (backtracking):
//!
//! 1. the static child whose bytes come next in the path,
//! 2. the constrained parameters, in insertion order, whose regex matches the whole segment,
//! 3. the plain parameter (one or more bytes up to the next `/`),
//! 4. the catch-all (one or more bytes up to the end of the path).
//!
//! So with the routes `/a/:x/c` and `/a/b/d`, the path `/a/b/c` matches the first one and
//! `/a/b/d` the second.
//!
//! Routes are keyed by their [shape](super::pattern::Pattern::shape): parameter names do not
//! matter, so `/u/:id` and `/u/:name` conflict, while `/u/:id(\d+)` and `/u/:id` do not. Matching
//! works on the raw path, still percent-encoded: a `%2F` inside a segment is not a `/`.
//!
//! A lookup allocates nothing (unless a route has more than six parameters), runs a regex only
//! at nodes that have constrained parameters, and recurses only where a static child and a
//! wildcard compete, so its depth is bounded by the routes, not by the request. Each node is
//! reached by one way only, so even with backtracking a lookup visits each node at most once.

mod display;
mod node;
#[cfg(test)]
mod tests;

use std::fmt;
use std::ops::Range;

use regex::Regex;

use self::node::{Node, Step};
use super::pattern::{Pattern, SegmentKind};
use crate::request::ParamSpans;

/// A set of routes, each with a value, that matches request paths.
pub(crate) struct Trie<T> {
    /// The node before the first byte of every path.
    root: Node<T>,
    /// How many routes were inserted.
    len: usize,
}

/// Why [`Trie::insert`] refused a route.
#[derive(Debug)]
pub(crate) enum InsertError<'t, T> {
    /// A route with the same shape is already there.
    Conflict {
        /// The value of the route already there.
        existing: &'t T,
    },
    /// A constraint is not a valid regex.
    InvalidRegex {
        /// The byte span of the regex in the route (inside the parentheses).
        span: Range<usize>,
        /// What the regex engine objected to, on one line.
        message: String,
    },
}

impl<T> fmt::Display for InsertError<'_, T> {
    /// Writes what went wrong, without the route (which the caller knows).
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Conflict { .. } => formatter.write_str("conflicts with a route already added"),
            Self::InvalidRegex { message, .. } => write!(formatter, "invalid regex: {message}"),
        }
    }
}

impl<T> Trie<T> {
    /// An empty trie.
    pub(crate) fn new() -> Self {
        Self { root: Node::new(&[]), len: 0 }
    }

    /// Inserts a parsed pattern. Compiles constraints as anchored regexes `^(?:re)$` with the
    /// `regex` crate.
    ///
    /// On error the trie is left as it was.
    pub(crate) fn insert(&mut self, pattern: &Pattern<'_>, value: T) -> Result<(), InsertError<'_, T>> {
        let steps = steps(pattern)?;
        match self.root.slot(steps) {
            Some(existing) => Err(InsertError::Conflict { existing }),
            slot @ None => {
                *slot = Some(value);
                self.len += 1;
                Ok(())
            }
        }
    }

    /// Matches a raw (still percent-encoded) request path. Fills `params` with the byte spans of
    /// every param (and catch-all) of the matched route in pattern order; returns the value.
    ///
    /// `params` is cleared first, and left empty when nothing matches.
    pub(crate) fn at(&self, path: &str, params: &mut ParamSpans) -> Option<&T> {
        params.clear();
        self.root.find(path, 0, params)
    }

    /// How many routes the trie holds.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Whether the trie holds no route.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<T> Default for Trie<T> {
    /// An empty trie.
    fn default() -> Self {
        Self::new()
    }
}

/// Turns a pattern into the steps that lead to its node, compiling every constraint first so that
/// an invalid regex is reported before the trie changes.
fn steps<'p, 't, T>(pattern: &Pattern<'p>) -> Result<Vec<Step<'p>>, InsertError<'t, T>> {
    let mut steps = Vec::new();
    let mut text = vec![b'/'];
    for (index, segment) in pattern.segments.iter().enumerate() {
        if index > 0 {
            text.push(b'/');
        }
        let step = match &segment.kind {
            SegmentKind::Static(static_text) => {
                text.extend_from_slice(static_text.as_bytes());
                continue;
            }
            SegmentKind::Param { constraint: None, .. } => Step::Param,
            SegmentKind::Param { constraint: Some(constraint), .. } => Step::Constrained {
                source: constraint.regex,
                regex: compile(constraint.regex, &constraint.span)?,
            },
            SegmentKind::CatchAll { .. } => Step::CatchAll,
        };
        steps.push(Step::Static(std::mem::take(&mut text)));
        steps.push(step);
    }
    if !text.is_empty() {
        steps.push(Step::Static(text));
    }
    Ok(steps)
}

/// Compiles a constraint anchored to the whole segment.
fn compile<'t, T>(source: &str, span: &Range<usize>) -> Result<Regex, InsertError<'t, T>> {
    Regex::new(&format!("^(?:{source})$")).map_err(|anchored| {
        // Prefer the error about the regex as written, whose position the user can relate to.
        let error = Regex::new(source).err().unwrap_or(anchored);
        InsertError::InvalidRegex { span: span.clone(), message: one_line(&error.to_string()) }
    })
}

/// The gist of a regex error: its `error: ...` line without the prefix, else its first line.
fn one_line(message: &str) -> String {
    let line = message
        .lines()
        .rev()
        .find_map(|line| line.trim().strip_prefix("error: "))
        .or_else(|| message.lines().next())
        .unwrap_or(message);
    line.trim().to_owned()
}
