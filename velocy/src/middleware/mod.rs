//! Middleware: code that runs around handlers and may answer early.
//!
//! A middleware receives the [`Request`] and a [`Next`]; it either answers itself (a rejection: a rate
//! limiter's 429, an auth check's 401) or calls [`Next::run`] and may change the response on the way out.
//!
//! ```
//! use velocy::middleware::{from_fn, Next};
//! use velocy::{Request, Response, IntoResponse, StatusCode};
//!
//! let require_key = from_fn(|request: Request, next: Next| async move {
//!     if request.headers().contains_key("x-api-key") {
//!         next.run(request).await
//!     } else {
//!         (StatusCode::UNAUTHORIZED, "missing x-api-key").into_response()
//!     }
//! });
//! # let _ = require_key;
//! ```
//!
//! Attach middleware at three scopes; the order is fixed (see the lifecycle guide in [`crate::lifecycle`]):
//!
//! | scope | how | runs |
//! | --- | --- | --- |
//! | global | [`App::middleware`](crate::App::middleware) | after routing, for every request (404s and the framework's other answers included) |
//! | group | [`Router::middleware`](crate::Router::middleware) | after routing, for the router's routes |
//! | route | `#[get("/x", middleware = [a, b])]` or [`Route::middleware`](crate::Route::middleware) | after routing, for that route |
//!
//! A `#[middleware]` function's extractors are checked when the app is built, like a handler's: a
//! `State<T>` the app does not provide is a build error naming the middleware and the route (or "global
//! middleware"), never a 500 at request time. Middleware written by hand declares its needs through
//! [`Middleware::requirements`]; hooks and tower layers take no extractors, so they need nothing.
//!
//! Requests go in global → group (outer router first) → route → handler, and responses come back out in
//! reverse. Middleware that runs after routing sees the request head read-only
//! ([`Request::head_mut`](crate::Request::head_mut) returns `None`); it may still add typed values to the
//! extensions for handlers to read with [`Extension<T>`](crate::Extension).
//!
//! A middleware that only changes the response on its way out (adds headers) can use
//! [`Next::run_then`] instead of an `async` block around [`Next::run`]: it needs no future of its own when
//! it is the last middleware before the handler, which saves an allocation per request.
//!
#![doc = include_str!("../docs/middleware.md")]
#![cfg_attr(feature = "tower", doc = include_str!("../docs/tower.md"))]

use std::future::Future;
use std::sync::Arc;

use crate::extract::Requirements;
use crate::future::BoxFuture;
use crate::handler::panic::CatchPanic;
use crate::handler::RouteHandler;
use crate::request::Request;
use crate::response::{IntoResponse, Response};
use then::Then;

mod body_limit;
mod security_headers;
mod then;
mod timeout;

#[cfg(feature = "tower")]
pub(crate) mod tower;

pub use body_limit::BodyLimit;
pub use security_headers::{SecurityHeaders, CROSS_ORIGIN_OPENER_POLICY};
pub use timeout::Timeout;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub use tower::{from_layer, NextFuture, NextService, TowerLayer};

/// Code that runs around a handler; see the [module docs](self).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a middleware",
    label = "not a middleware",
    note = "a middleware is a `#[middleware] async fn`, a `velocy::middleware::from_fn(..)`, or a type \
            implementing `velocy::middleware::Middleware`"
)]
pub trait Middleware: Send + Sync + 'static {
    /// Handles `request`, calling `next.run(request)` to continue the chain.
    fn call(&self, request: Request, next: Next) -> BoxFuture<'static, Response>;

    /// Records what the middleware's extractors need from the app (`State<T>`, request ids), so that
    /// [`App::build`](crate::App::build) reports a missing one instead of a request failing. A
    /// `#[middleware]` function records its arguments' needs; the default records nothing.
    fn requirements(&self, requirements: &mut Requirements) {
        let _ = requirements;
    }

    /// The middleware's name in build errors: its type's name by default.
    fn name(&self) -> &'static str {
        std::any::type_name::<Self>()
    }

    /// Whether this middleware answers CORS preflight requests (`OPTIONS` with `Origin` and
    /// `Access-Control-Request-Method`, Fetch standard §3.2.2). Routing runs it for a preflight to a path
    /// whose route for the requested method carries it — and runs *only* such middleware of that route's
    /// chain (an authentication check would reject the credential-less preflight), with the routing's
    /// own answer to `OPTIONS` (`204` with `Allow`) as the end of the chain and that route recorded as
    /// the matched route. A global one makes every preflight to an existing path routed that way. In an
    /// app with any such middleware no preflight to an existing path reaches a handler, not even an
    /// `OPTIONS` route's: one whose requested method's route has none (and no global one) gets the
    /// routing's `204` with `Allow`. Which middleware answer is computed once per app, so a middleware
    /// must give the same answer every time. The default is `false`:
    /// `velocy::cors::Cors` (cargo feature `cors`) says `true`; a middleware that wraps another should
    /// forward its answer.
    fn answers_preflight(&self) -> bool {
        false
    }
}

/// Marks a CORS preflight that routing routed as one (in the request's extensions): to the route of the
/// requested method, running only the middleware that answer preflights, or to the routing's `204` when
/// the path has no route for that method. A middleware answering a preflight without this mark sits
/// where routing did not expect it (hidden inside another middleware) and must not grant it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RoutedPreflight;

/// The rest of the chain after a middleware: further middleware, then routing or the handler.
#[must_use = "the request goes no further until `next.run(request)` is awaited"]
pub struct Next {
    chain: Arc<[Arc<dyn Middleware>]>,
    position: usize,
    terminal: Terminal,
}

/// What runs after the last middleware of a chain.
pub(crate) enum Terminal {
    /// A route's endpoint: its own middleware chain, if any, then its handler.
    Endpoint(Endpoint),
    /// A response decided by routing (404, 405, …), returned through the global middleware.
    Response(Response),
}

impl Next {
    pub(crate) fn new(chain: Arc<[Arc<dyn Middleware>]>, terminal: Terminal) -> Self {
        Self { chain, position: 0, terminal }
    }

    /// Runs the rest of the chain for `request`.
    pub fn run(self, request: Request) -> BoxFuture<'static, Response> {
        match self.chain.get(self.position) {
            Some(middleware) => {
                let middleware = Arc::clone(middleware);
                let next = Self { chain: self.chain, position: self.position + 1, terminal: self.terminal };
                middleware.call(request, next)
            }
            None => match self.terminal {
                // Caught here, so every middleware of the chain sees a panic as the 500 it becomes.
                Terminal::Endpoint(endpoint) => Box::pin(CatchPanic::new(endpoint.call(request))),
                Terminal::Response(response) => Box::pin(std::future::ready(response)),
            },
        }
    }

    /// Runs the rest of the chain for `request`, then `then` on its response (a panic's `500`
    /// included) before returning it: what a middleware that only changes the response on the way out
    /// (adds headers) does with `async move { let mut r = next.run(request).await; ..; r }`, without a
    /// future of its own when it is the last middleware before the handler (one allocation fewer).
    ///
    /// ```
    /// use std::future::Future;
    /// use std::pin::Pin;
    ///
    /// use velocy::middleware::{Middleware, Next};
    /// use velocy::test::TestClient;
    /// use velocy::{App, HeaderValue, Request, Response, Router};
    ///
    /// struct PoweredBy;
    ///
    /// impl Middleware for PoweredBy {
    ///     fn call(&self, request: Request, next: Next) -> Pin<Box<dyn Future<Output = Response> + Send>> {
    ///         next.run_then(request, |response| {
    ///             response.headers_mut().insert("x-powered-by", HeaderValue::from_static("velocy"));
    ///         })
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let app = App::new().middleware(PoweredBy).merge(Router::new().get("/", || async { "hi" }));
    /// TestClient::new(app).get("/").send().await.assert_header("x-powered-by", "velocy");
    /// # }
    /// ```
    pub fn run_then<F>(self, request: Request, then: F) -> BoxFuture<'static, Response>
    where
        F: FnOnce(&mut Response) + Send + 'static,
    {
        if self.position < self.chain.len() {
            return Box::pin(Then::new(self.run(request), then));
        }
        match self.terminal {
            Terminal::Endpoint(endpoint) => {
                Box::pin(Then::new(CatchPanic::new(endpoint.call(request)), then))
            }
            Terminal::Response(mut response) => {
                then(&mut response);
                Box::pin(std::future::ready(response))
            }
        }
    }
}

impl std::fmt::Debug for Next {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Next").field("remaining", &(self.chain.len() - self.position)).finish()
    }
}

/// A middleware made from an async function or closure `Fn(Request, Next) -> impl IntoResponse`; see
/// [`from_fn`].
#[derive(Clone, Copy)]
pub struct FromFn<F> {
    function: F,
}

/// Makes a middleware from an async function or closure taking the request and [`Next`].
pub fn from_fn<F, Fut, R>(function: F) -> FromFn<F>
where
    F: Fn(Request, Next) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoResponse,
{
    FromFn { function }
}

impl<F, Fut, R> Middleware for FromFn<F>
where
    F: Fn(Request, Next) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoResponse,
{
    fn call(&self, request: Request, next: Next) -> BoxFuture<'static, Response> {
        let future = (self.function)(request, next);
        Box::pin(async move { future.await.into_response() })
    }
}

impl<F> std::fmt::Debug for FromFn<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FromFn").finish_non_exhaustive()
    }
}

/// A route's handler with its middleware chain, as the route table stores it; cheap to clone.
#[derive(Clone)]
pub(crate) struct Endpoint {
    /// Group and route middleware, outermost first; `None` when there is none.
    pub(crate) chain: Option<Arc<[Arc<dyn Middleware>]>>,
    /// The handler.
    pub(crate) handler: RouteHandler,
}

impl Endpoint {
    /// Runs the chain (if any) and the handler.
    pub(crate) fn call(&self, request: Request) -> BoxFuture<'static, Response> {
        match &self.chain {
            None => self.handler.call(request),
            Some(chain) => {
                let handler = Endpoint { chain: None, handler: self.handler.clone() };
                Next::new(Arc::clone(chain), Terminal::Endpoint(handler)).run(request)
            }
        }
    }
}

/// Turns a value into a shared middleware; implemented for every [`Middleware`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a middleware",
    label = "not a middleware",
    note = "a middleware is a `#[middleware] async fn`, a `velocy::middleware::from_fn(..)`, or a type \
            implementing `velocy::middleware::Middleware`"
)]
pub trait IntoMiddleware {
    /// The shared middleware.
    fn into_middleware(self) -> Arc<dyn Middleware>;
}

impl IntoMiddleware for Arc<dyn Middleware> {
    fn into_middleware(self) -> Arc<dyn Middleware> {
        self
    }
}

impl<M: Middleware> IntoMiddleware for M {
    fn into_middleware(self) -> Arc<dyn Middleware> {
        Arc::new(self)
    }
}
