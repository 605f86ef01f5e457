//! # Velocy
//!
//! A web framework for Rust on tokio and hyper: routes declared with attribute macros that are checked at
//! compile time, handler arguments injected by path-parameter name or by extractor type, and a trie
//! router that reports every conflict before the server starts.
//!
//! ```no_run
//! use velocy::prelude::*;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize)]
//! struct User { id: u64, name: String }
//!
//! #[derive(Deserialize)]
//! struct NewUser { name: String }
//!
//! #[get("/api/users/:id")]
//! async fn get_user(id: u64) -> Result<Json<User>, HttpError> {
//!     if id == 1 {
//!         Ok(Json(User { id, name: "Ada".into() }))
//!     } else {
//!         Err(HttpError::not_found(format!("no user with id {id}")))
//!     }
//! }
//!
//! #[post("/api/users")]
//! async fn create_user(Json(new): Json<NewUser>) -> (StatusCode, Json<User>) {
//!     (StatusCode::CREATED, Json(User { id: 2, name: new.name }))
//! }
//!
//! #[velocy::main]
//! async fn main() -> velocy::Result<()> {
//!     App::new().routes(routes![get_user, create_user]).listen("127.0.0.1:3000").await
//! }
//! ```
//!
//! ## What a handler can take and return
//! * arguments named like a path parameter are parsed from it with [`FromParam`](extract::FromParam)
//!   (`id: u64` for `:id`; a non-numeric id answers 400);
//! * every other argument is an extractor, chosen by its type: see [`extract`];
//! * the return value is anything implementing [`IntoResponse`]: see [`response`].
//!
//! ## Feature overview
//! | area | what exists |
//! | --- | --- |
//! | routing | static, `:param`, `:param(regex)`, `*catch_all`; precedence with backtracking; 404, 405 + `Allow`, automatic `HEAD` and `OPTIONS`; nesting and merging; virtual hosts; trailing-slash and case-insensitive options; route table printing |
//! | macros | `#[get]`… `#[route]` (with `middleware`, `produces`, `consumes`), `routes![]`, `#[middleware]`, `#[derive(FromRequestParts)]`, `#[derive(FromRequest)]`, `#[derive(Record)]`, `#[velocy::main]`, with compile errors at the exact token |
//! | lifecycle | global, group and route middleware; request hooks, status interceptors, response mappers and completion observers; panics → 500; the current request from anywhere in its task ([`context`]); the order is in [`lifecycle`] |
//! | hardening | request-target validation and normalization, `Host` rules, limits and timeouts with safe defaults ([`server::Limits`]), TLS (`tls` feature) |
//! | extractors | `Path`, `Query`, `Json`, `Form`, `Bytes`, `String`, `Body`, headers, `State`, `Extension`, `Host`, `RemoteAddr`, `Option`/`Result` wrappers |
//! | responses | strings, bytes, status, tuples with headers, `Json`, `Html`, `Redirect`, streams, `Result`, `Option`, RFC 9457 problems |
//! | request ids | [`App::request_id`](App::request_id): propagated or generated before anything runs, in every response, the extractor [`RequestId`](request_id::RequestId), access logs ([`Completion::request_id`](lifecycle::Completion::request_id)) |
//! | middleware | [`Timeout`](middleware::Timeout), [`BodyLimit`](middleware::BodyLimit), [`SecurityHeaders`](middleware::SecurityHeaders); any tower `Layer` on the app, a router or a route, and the app as a tower `Service` (cargo feature `tower`) |
//! | negotiation | `Accept`, `Accept-Encoding` and `Accept-Language` with q-values: [`negotiation`] |
//! | server | HTTP/1.1 (keep-alive, pipelining), HTTP/2 (h2c, and over TLS with the `tls` feature), graceful shutdown |
//! | HTTP semantics | conditional requests ([`conditional`]: ETag, 304, 412; `Range`/`If-Range` with 206 and 416 in [`conditional::range`]), client IP behind trusted proxies ([`extract::ClientIp`]) |
//! | testing | in-process [`test::TestClient`], real-socket [`test::TestServer`] |
//! | static files | [`files`] (cargo feature `files`): `ServeDir`/`ServeFile`, ETag and 304/412, `Range` (206, `multipart/byteranges`, 416, `If-Range`), precompressed siblings, index files, optional listings, traversal-safe |
//! | uploads | [`multipart`] (cargo feature `multipart`): the streaming `Multipart` extractor, typed forms with `#[derive(FromMultipart)]`, `TempFile` on disk, limits per app or route |
//! | compression | [`compression`] (cargo feature `compression`): zstd, brotli and gzip responses by `Accept-Encoding`, streamed; request decompression under the body limit |
//! | cookies | [`cookies`] (cargo feature `cookies`): plain, signed and private cookie jars with safe defaults, the app's [`SecretKey`](cookies::SecretKey) with rotation |
//! | sessions | [`session`] (cargo feature `session`): the `Session` extractor, `Sessions` middleware, `SessionStore` (memory, embedded store), idle and absolute expiry, id rotation |
//! | CSRF | [`csrf`] (cargo feature `csrf`): signed double-submit tokens masked per request, `Sec-Fetch-Site`/`Origin` checks, the `CsrfToken` extractor |
//! | CORS | [`cors`] (cargo feature `cors`): the Fetch standard's CORS per app, router or route, preflights answered for existing paths, credentials rules checked at build time |
//! | rate limiting | [`rate_limit`] (cargo feature `rate-limit`): GCRA and fixed-window limits per app, router or route, keyed by client IP, header, parameter or function; 429 with `Retry-After` and `RateLimit` headers |
//! | caching | [`cache`] (cargo feature `cache`): an RFC 9111 shared response cache for GET/HEAD with `Vary`, 304, stale-while-revalidate/if-error, single-flight and invalidation |
//! | store | [`store`]: an embedded database (cargo feature `store`): typed tables with `#[derive(Record)]`, primary keys and secondary indexes, queries with cursors, transactions, key-value with TTL, durable log with group commit, snapshots and crash recovery |
//!
//! ## Cargo features
//! Every battery is a cargo feature and off unless enabled, so an app compiles only what it uses; a
//! feature that is off adds no code to the request path and no dependency. Items that need a feature say
//! so in these docs.
//!
//! | feature | default | what it adds |
//! | --- | --- | --- |
//! | `tower` | on | tower interop: [`AppService`] is a `tower::Service`; `App::layer`, `Router::layer`, `Route::layer` and [`middleware::from_layer`] take any tower `Layer` |
//! | `store` | off | [`store`]: the embedded data store and `#[derive(Record)]` |
//! | `tls` | off | HTTPS with rustls: `server::TlsConfig`, `App::listen_tls`, certificate reload |
//! | `files` | off | `files`: static files (`ServeDir`, `ServeFile`, `App::static_files`) with ETag, `Range`, precompressed siblings, index files, optional listings |
//! | `compression` | off | `compression`: response compression (zstd, brotli, gzip by `Accept-Encoding` q-values, streaming) and request decompression with the body limit on the decoded size |
//! | `cookies` | off | `cookies`: `CookieJar`, `SignedCookieJar`, `PrivateCookieJar`, `SecretKey` and `App::secret_key` |
//! | `session` | off | `session` (enables `cookies`): server-side sessions; with `store`, sessions in the embedded store |
//! | `csrf` | off | `csrf` (enables `cookies`): the `Csrf` middleware and `CsrfToken` extractor |
//! | `cors` | off | `cors`: the `Cors` middleware |
//! | `rate-limit` | off | `rate_limit`: the `RateLimit` middleware and `RateLimitStore` |
//! | `cache` | off | `cache`: the `Cache` middleware and `CacheStore` |
//! | `multipart` | off | `multipart`: `multipart/form-data` uploads streamed to disk: the `Multipart` extractor, `#[derive(FromMultipart)]` with `MultipartForm<T>` (also URL-encoded), `TempFile`, limits via `MultipartConfig` |
//!
//! ## How the crate is layered
//! Lower layers never import higher ones:
//! the foundation ([`body`], [`error`], [`response`], the request types, [`extract`], handlers,
//! [`negotiation`], [`conditional`]) → [`routing`] and [`middleware`](mod@middleware) with the [`lifecycle`] hooks → the
//! request [`pipeline`] → the [`server`] → the [`app`] builder. Each battery (the [`store`], files, uploads,
//! compression, cookies, CORS, rate limits, caching) depends only on the foundation and public traits; sessions and CSRF also on
//! [`cookies`] (its key and cookie helpers). The app builder knows the batteries only to take their settings
//! ([`App::secret_key`]).

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[allow(
    unused_extern_crates,
    reason = "lets the macros' `::velocy` paths resolve inside this crate's own tests"
)]
extern crate self as velocy;

pub mod app;
pub mod body;
#[cfg(feature = "cache")]
#[cfg_attr(docsrs, doc(cfg(feature = "cache")))]
pub mod cache;
#[cfg(feature = "compression")]
#[cfg_attr(docsrs, doc(cfg(feature = "compression")))]
pub mod compression;
pub mod conditional;
pub mod context;
#[cfg(feature = "cookies")]
#[cfg_attr(docsrs, doc(cfg(feature = "cookies")))]
pub mod cookies;
#[cfg(feature = "cors")]
#[cfg_attr(docsrs, doc(cfg(feature = "cors")))]
pub mod cors;
#[cfg(feature = "csrf")]
#[cfg_attr(docsrs, doc(cfg(feature = "csrf")))]
pub mod csrf;
pub mod error;
pub mod extract;
#[cfg(feature = "files")]
#[cfg_attr(docsrs, doc(cfg(feature = "files")))]
pub mod files;
mod future;
mod handler;
mod json;
pub mod lifecycle;
mod limits;
mod location;
pub mod middleware;
#[cfg(feature = "multipart")]
#[cfg_attr(docsrs, doc(cfg(feature = "multipart")))]
pub mod multipart;
pub mod negotiation;
pub mod pipeline;
#[cfg(feature = "rate-limit")]
#[cfg_attr(docsrs, doc(cfg(feature = "rate-limit")))]
pub mod rate_limit;
mod request;
pub mod request_id;
pub mod response;
pub mod routing;
pub mod server;
#[cfg(feature = "session")]
#[cfg_attr(docsrs, doc(cfg(feature = "session")))]
pub mod session;
#[cfg(feature = "store")]
#[cfg_attr(docsrs, doc(cfg(feature = "store")))]
pub mod store;
mod target;
pub mod test;

pub use app::{App, AppService};
pub use body::Body;
pub use error::{BoxError, BuildError, BuildProblem, Error, ErrorSource, HttpError, Result};
pub use extract::{Extension, Form, FromRequest, FromRequestParts, Path, Query, State};
pub use handler::Handler;
pub use http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
pub use json::Json;
/// The multipart form trait and its derive (`#[derive(FromMultipart)]`), also at
/// [`multipart::FromMultipart`].
#[cfg(feature = "multipart")]
#[cfg_attr(docsrs, doc(cfg(feature = "multipart")))]
pub use multipart::FromMultipart;
pub use request::{Request, RequestParts};
pub use response::{Created, Html, IntoResponse, IntoResponseParts, Problem, Redirect, Response};
pub use routing::{Route, RouteInfo, Router};
/// The store's record trait and its derive (`#[derive(Record)]`), also at [`store::Record`].
#[cfg(feature = "store")]
#[cfg_attr(docsrs, doc(cfg(feature = "store")))]
pub use store::Record;
pub use velocy_macros::{
    delete, get, head, main, middleware, options, patch, post, put, route, routes, test, FromRequest,
    FromRequestParts,
};

/// The usual imports: `use velocy::prelude::*;`.
pub mod prelude {
    pub use crate::extract::{Extension, Form, FromRequest, FromRequestParts, Path, Query, State};
    pub use crate::middleware::Next;
    pub use crate::{
        delete, get, head, options, patch, post, put, route, routes, App, Body, Created, Error, Html,
        HttpError, IntoResponse, Json, Redirect, Request, RequestParts, Response, Route, Router, StatusCode,
    };
    pub use velocy_macros::{middleware, FromRequest, FromRequestParts};
}

/// What the macros' generated code uses. Not public API: it may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::body::Body;
    pub use crate::extract::private::{
        declare, header_value, missing_header, missing_path_param, missing_query, path_param,
        path_param_by_name, query_value, query_values, respond, Extract, ViaParts, ViaRequest,
    };
    pub use crate::extract::{FromParam, FromRequest, FromRequestParts, Requirements};
    pub use crate::future::BoxFuture;
    pub use crate::handler::HandlerFn;
    pub use crate::middleware::{IntoMiddleware, Middleware, Next};
    #[cfg(feature = "multipart")]
    pub use crate::multipart::__derive as multipart;
    pub use crate::request::{Request, RequestParts};
    pub use crate::response::{IntoResponse, Response};
    pub use crate::routing::spec::{routes_overlap, RouteDef, RouteRegistration, RouteSpec};
    pub use crate::routing::Route;
    #[cfg(feature = "store")]
    pub use crate::store::__derive as store;
    pub use inventory;

    /// Turns a `middleware = [..]` element into a shared middleware.
    pub fn into_middleware<M: IntoMiddleware>(middleware: M) -> std::sync::Arc<dyn Middleware> {
        middleware.into_middleware()
    }
    pub use std;
    pub use tokio;
}

/// Thin wrappers around internal parsers, for the fuzz targets in `fuzz/` and the corpus replay test. Not
/// public API: it may change or disappear in any release.
#[doc(hidden)]
pub mod __fuzz {
    use std::ops::Range;

    /// One segment of a parsed route pattern.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Segment {
        /// Static text, still percent-encoded.
        Static(String),
        /// `:name` or `:name(regex)`.
        Param(String, Option<String>),
        /// `*name`.
        CatchAll(String),
    }

    /// The route-pattern parser (`routing::pattern::parse`): the segments, or each error's span and message.
    pub fn parse_pattern(source: &str) -> Result<Vec<Segment>, Vec<(Range<usize>, String)>> {
        use crate::routing::pattern::{parse, SegmentKind};
        let pattern = parse(source).map_err(|errors| {
            errors.into_iter().map(|error| (error.span, error.message)).collect::<Vec<_>>()
        })?;
        let segments = pattern.segments.iter().map(|segment| match &segment.kind {
            SegmentKind::Static(text) => Segment::Static((*text).to_owned()),
            SegmentKind::Param { name, constraint, .. } => {
                Segment::Param((*name).to_owned(), constraint.as_ref().map(|c| c.regex.to_owned()))
            }
            SegmentKind::CatchAll { name, .. } => Segment::CatchAll((*name).to_owned()),
        });
        Ok(segments.collect())
    }

    /// The static-file path check (`files::path::parse`, cargo feature `files`): the raw path below the
    /// mount joined onto `root` as the file services would open it (before symbolic links are checked),
    /// with whether it asked for a directory; `None` when the path is refused.
    #[cfg(feature = "files")]
    pub fn static_path(root: &std::path::Path, raw: &str) -> Option<(std::path::PathBuf, bool)> {
        let path = crate::files::path::parse(raw).ok()?;
        Some((path.join(root), path.trailing_slash))
    }

    /// The multipart scanner (`multipart::scan`, cargo feature `multipart`) for `boundary`, fed `chunks`
    /// in order until it fails: the offsets (in the whole body) just past the `CRLF CRLF` of every header
    /// block it saw end, and, when it failed, the index of the chunk it failed on with the limit exceeded
    /// (`"parts"` or `"headers"`, the latter also for the preamble).
    #[cfg(feature = "multipart")]
    pub fn multipart_scan(
        boundary: &str,
        chunks: &[&[u8]],
        max_parts: usize,
        max_header: usize,
    ) -> (Vec<usize>, Option<(usize, &'static str)>) {
        use crate::multipart::scan::{ScanError, Scanner};
        let mut scanner = Scanner::recording(boundary, max_parts, max_header);
        let failed = chunks.iter().enumerate().find_map(|(index, chunk)| match scanner.feed(chunk) {
            Ok(()) => None,
            Err(ScanError::TooManyParts(_)) => Some((index, "parts")),
            Err(ScanError::HeadersTooLarge(_)) => Some((index, "headers")),
        });
        (scanner.header_ends().to_vec(), failed)
    }

    /// Request-path normalization (`target::normalize_path`).
    pub fn normalize_path(path: &str) -> Result<String, String> {
        crate::target::normalize_path(path).map(std::borrow::Cow::into_owned)
    }

    /// The query-string pairs as the macros' query parameters read them (`+` is a space, decoded once).
    ///
    /// Bytes that are not UTF-8 are replaced by U+FFFD here, as `serde_urlencoded` does, so that the two
    /// can be compared on any input; the macros' query parameters answer 400 for them instead (a pair's
    /// text is exactly this whenever `decode_form_component` accepts it).
    pub fn query_pairs(query: &str) -> Vec<(String, String)> {
        use crate::extract::private::{decode_form_bytes, decode_form_component, form_urlencoded_pairs};
        let read = |raw: &str| {
            let lossy = String::from_utf8_lossy(&decode_form_bytes(raw)).into_owned();
            if let Some(strict) = decode_form_component(raw) {
                assert_eq!(strict, lossy, "strict and lossy decoding of {raw:?} disagree");
            }
            lossy
        };
        form_urlencoded_pairs(query).map(|(name, value)| (read(name), read(value))).collect()
    }

    /// The `Cookie` header parser (`cookies::parse_cookie_header`, cargo feature `cookies`): the
    /// `(name, value)` pairs of one header value, in order, values percent-decoded.
    #[cfg(feature = "cookies")]
    pub fn cookie_header(value: &str) -> Vec<(String, String)> {
        crate::cookies::parse_cookie_header(value)
            .map(|(name, value)| (name.to_owned(), value.into_owned()))
            .collect()
    }
}

/// The README's examples, compiled as doc tests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
