//! Errors: the framework's own [`Error`], and [`HttpError`], what handlers answer with.
//!
//! The two are kept apart because they serve different audiences:
//!
//! * [`Error`] is what the *framework* returns when an application cannot start or stops serving: a
//!   configuration with problems ([`Error::is_build`], every problem listed in a [`BuildError`] with its
//!   route and `file:line`), an address that cannot be bound ([`Error::is_io`]). It is opaque, implements
//!   [`std::error::Error`], and so works with `?` in a `main` returning `Box<dyn std::error::Error>`:
//!
//!   ```no_run
//!   use velocy::App;
//!
//!   #[velocy::main]
//!   async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!       App::new().listen("127.0.0.1:3000").await?;
//!       Ok(())
//!   }
//!   ```
//! * [`HttpError`] is what a *handler* returns to answer with an HTTP error: a status, a message the
//!   client may read and an optional cause kept on the server. Any [`std::error::Error`] converts into it
//!   with `?` (a 500 whose cause is kept but not shown, or the status the error's own module maps it to,
//!   such as the store's 404 and 409).

use std::fmt;

mod build;
mod http;

pub use build::{BuildError, BuildProblem};
#[cfg_attr(
    not(feature = "store"),
    allow(unused_imports, reason = "only batteries register mappings, and the store is the only one yet")
)]
pub(crate) use http::HttpErrorMapping;
pub use http::{ErrorSource, HttpError};

/// A boxed error that can cross threads; the error type of bodies and causes.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// `Result<T, velocy::Error>`: what the framework's fallible operations (building, binding, serving)
/// return.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why an application could not start or stopped serving. Opaque: ask with the `is_*` predicates.
///
/// ```
/// use velocy::{App, Router};
///
/// let error = App::new()
///     .merge(Router::new().get("/users/:id", || async { "a" }).get("/users/:name", || async { "b" }))
///     .build()
///     .unwrap_err();
/// assert!(error.is_build());
/// let problems = error.build_error().unwrap().problems();
/// assert_eq!(problems.len(), 1);
/// assert!(problems[0].message().contains("both handle GET"));
/// ```
pub struct Error {
    kind: Box<Kind>,
}

enum Kind {
    /// The configuration has problems.
    Build(BuildError),
    /// An I/O operation failed; the text says which.
    Io(&'static str, std::io::Error),
}

impl Error {
    /// An application that cannot start because of `problems` (at least one).
    pub(crate) fn build(problems: Vec<BuildProblem>) -> Self {
        Self { kind: Box::new(Kind::Build(BuildError::new(problems))) }
    }

    /// A configuration problem that belongs to no route (a TLS certificate, a proxy list…).
    #[cfg(any(feature = "tls", test))]
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::build(vec![BuildProblem::new(message)])
    }

    /// An I/O failure while binding or serving; `context` says what was being done.
    pub(crate) fn io(context: &'static str, source: std::io::Error) -> Self {
        Self { kind: Box::new(Kind::Io(context, source)) }
    }

    /// Whether the application's configuration is invalid (found when it was built, before serving).
    pub fn is_build(&self) -> bool {
        matches!(*self.kind, Kind::Build(_))
    }

    /// Whether an I/O operation (binding, accepting, reading a certificate file) failed.
    pub fn is_io(&self) -> bool {
        matches!(*self.kind, Kind::Io(..))
    }

    /// Every problem of an invalid configuration, for a build error; `None` otherwise.
    pub fn build_error(&self) -> Option<&BuildError> {
        match &*self.kind {
            Kind::Build(error) => Some(error),
            Kind::Io(..) => None,
        }
    }
}

/// The same report as [`Display`](fmt::Display), one problem per line with its `file:line`: what a `main`
/// returning `velocy::Result<()>` prints when the app cannot start (Rust prints a `main` error with
/// `Debug`). `{:#?}` gives the structure instead.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !f.alternate() {
            return fmt::Display::fmt(self, f);
        }
        match &*self.kind {
            Kind::Build(error) => f.debug_tuple("Error::Build").field(error).finish(),
            Kind::Io(context, source) => f.debug_tuple("Error::Io").field(context).field(source).finish(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.kind {
            Kind::Build(error) => fmt::Display::fmt(error, f),
            Kind::Io(context, source) => write!(f, "{context}: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.kind {
            Kind::Build(_) => None,
            Kind::Io(_, source) => Some(source),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn predicates_tell_the_kind() {
        assert!(Error::config("bad certificate").is_build());
        assert!(Error::io("bind", std::io::Error::other("x")).is_io());
        assert!(!Error::io("bind", std::io::Error::other("x")).is_build());
    }

    #[test]
    fn debug_prints_the_readable_report_21() {
        let error = Error::build(vec![
            BuildProblem::for_route(
                "GET /a (a)".to_owned(),
                Some(crate::location::Location { file: "src/main.rs", line: 7 }),
                "uses `State<Db>` but the app provides no state of that type",
            ),
            BuildProblem::new("trusted proxy \"x\" is not an address"),
        ]);
        let debug = format!("{error:?}");
        assert_eq!(debug, error.to_string());
        assert_eq!(
            debug,
            "the app cannot start: 2 problem(s) in its configuration\n  - GET /a (a) at src/main.rs:7: uses \
             `State<Db>` but the app provides no state of that type\n  - trusted proxy \"x\" is not an address"
        );
        assert!(format!("{error:#?}").starts_with("Error::Build"));
    }

    #[test]
    fn works_as_a_boxed_standard_error() {
        fn fails() -> std::result::Result<(), Box<dyn std::error::Error>> {
            Err(Error::io("failed to bind the address", std::io::Error::other("in use")))?;
            Ok(())
        }
        let error = fails().unwrap_err();
        assert_eq!(error.to_string(), "failed to bind the address: in use");
        assert!(error.source().is_some());
    }
}
