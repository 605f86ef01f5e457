//! [`BuildError`]: every problem that stops an application from starting, each with where it comes from.

use std::fmt;

use crate::location::Location;

/// Every problem found while building an application (see [`App::build`](crate::App::build)): invalid
/// patterns, conflicting routes, state or request ids a route needs but the app does not provide, an
/// invalid proxy list or TLS configuration. Building collects all of them before failing.
#[derive(Debug, Clone)]
pub struct BuildError {
    problems: Vec<BuildProblem>,
}

impl BuildError {
    pub(crate) fn new(problems: Vec<BuildProblem>) -> Self {
        Self { problems }
    }

    /// The problems, in the order they were found (routes in registration order).
    pub fn problems(&self) -> &[BuildProblem] {
        &self.problems
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the app cannot start: {} problem(s) in its configuration", self.problems.len())?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for BuildError {}

/// One problem of a [`BuildError`]: what is wrong, and the route (with its `file:line`) it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildProblem {
    route: Option<String>,
    location: Option<Location>,
    message: String,
}

impl BuildProblem {
    /// A problem that belongs to no route.
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self { route: None, location: None, message: message.into() }
    }

    /// A problem of the route described by `route` (methods, pattern and handler), declared at `location`.
    pub(crate) fn for_route(route: String, location: Option<Location>, message: impl Into<String>) -> Self {
        Self { route: Some(route), location, message: message.into() }
    }

    /// The route the problem belongs to, as `METHODS pattern (handler)`; `None` for app-wide problems.
    pub fn route(&self) -> Option<&str> {
        self.route.as_deref()
    }

    /// Where the route was declared, when known.
    pub fn location(&self) -> Option<Location> {
        self.location
    }

    /// What is wrong, and how to fix it where the framework knows.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for BuildProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(route) = &self.route {
            f.write_str(route)?;
            if let Some(location) = self.location {
                write!(f, " at {location}")?;
            }
            f.write_str(": ")?;
        }
        f.write_str(&self.message)
    }
}
