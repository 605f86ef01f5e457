//! Routing: route patterns, the trie that matches them, routes and routers.
//!
//! # Route patterns
//! A pattern is a `/`-separated list of segments; each is one of
//!
//! | segment | matches | example |
//! | --- | --- | --- |
//! | static text | exactly that text (still percent-encoded, as in the request) | `/users` |
//! | `:name` | one non-empty segment, bound to `name` | `/users/:id` |
//! | `:name(regex)` | one segment the regex matches entirely (`regex` crate: linear time, no ReDoS) | `/users/:id(\d+)` |
//! | `*name` | the rest of the path, one or more bytes, `/` included; last segment only | `/files/*path` |
//!
//! At each position the router prefers static text, then constrained parameters, then plain parameters,
//! then a catch-all, and backtracks when a preferred branch leads nowhere: with routes `/a/:x/c` and
//! `/a/b/d`, the path `/a/b/c` matches the first and `/a/b/d` the second.
//!
//! Parameters are matched on the raw path and percent-decoded exactly once afterwards, so `%2F` inside a
//! parameter is a slash in its value and never splits a segment.
//!
//! # Methods
//! A path that matches but has no route for the method answers `405 Method Not Allowed` with an `Allow`
//! header listing the methods it has (RFC 9110 §15.5.6); `HEAD` is served by the `GET` route without a body
//! when no `HEAD` route exists; `OPTIONS` answers `204` with `Allow` when no `OPTIONS` route exists; a path
//! that matches nothing answers `404 Not Found`.

mod host;
mod matcher;
mod method;
mod options;
pub mod rejection;
mod route;
pub(crate) mod router;
pub(crate) mod spec;
pub(crate) mod table;
mod trie;

pub use crate::location::Location;
pub use matcher::{InsertPatternError, PathMatch, PathMatcher};
pub(crate) use options::RoutingOptions;
pub use options::TrailingSlash;
pub use route::{Route, RouteInfo};
pub use router::Router;
pub(crate) use trie::Trie;
/// The route grammar, shared with the route macros.
pub(crate) use velocy_pattern as pattern;

#[cfg(test)]
mod tests;
