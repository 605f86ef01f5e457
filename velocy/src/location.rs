//! [`Location`]: where in the source a route (or any other registration) was declared.

use std::fmt;

/// A source location: `file!()` and `line!()` of a route macro, or the caller of a `#[track_caller]`
/// builder. Printed as `file:line`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// The file, as `file!()` spells it.
    pub file: &'static str,
    /// The 1-based line.
    pub line: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

impl From<&'static std::panic::Location<'static>> for Location {
    fn from(location: &'static std::panic::Location<'static>) -> Self {
        Self { file: location.file(), line: location.line() }
    }
}
