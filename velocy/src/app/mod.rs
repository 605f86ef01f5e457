//! [`App`]: the application builder. Collects routes (explicit, nested, or discovered at link time), state
//! and settings; [`App::build`] validates the whole route table before anything is served.

use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;

use crate::error::{BuildProblem, Error, Result};
use crate::extract::Provided;
use crate::lifecycle::{
    CompletionObserver, ErrorSink, Lifecycle, MapResponse, RequestHook, StatusInterceptor,
};
use crate::middleware::{Endpoint, IntoMiddleware, Middleware};
use crate::pipeline::{AppShared, Config};
use crate::request::{AppData, StateMap};
use crate::routing::spec::RouteRegistration;
use crate::routing::table::RouteTable;
use crate::routing::{Route, Router};
use crate::routing::{RoutingOptions, TrailingSlash};

#[cfg(feature = "tls")]
mod tls;
#[cfg(feature = "tower")]
pub mod tower;

pub use crate::pipeline::{AppService, ResponseFuture, RouteTableText};

/// The application builder.
///
/// ```no_run
/// use velocy::prelude::*;
///
/// #[get("/hello/:name")]
/// async fn hello(name: String) -> String {
///     format!("Hello, {name}!")
/// }
///
/// #[velocy::main]
/// async fn main() -> velocy::Result<()> {
///     App::new().routes(routes![hello]).listen("127.0.0.1:3000").await
/// }
/// ```
#[derive(Default)]
#[must_use]
pub struct App {
    router: Router,
    state: StateMap,
    config: Config,
    discover: bool,
    lifecycle: Lifecycle,
    middleware: Vec<Arc<dyn Middleware>>,
    routing: RoutingOptions,
    no_host: Option<Route>,
    #[cfg(feature = "cookies")]
    secret_key: Option<crate::cookies::SecretKey>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("router", &self.router)
            .field("config", &self.config)
            .field("discover", &self.discover)
            .field("lifecycle", &self.lifecycle)
            .field("middleware", &self.middleware.len())
            .finish_non_exhaustive()
    }
}

impl App {
    /// An app with no routes, no state and the default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Provides application state of type `T`, read by handlers with [`State<T>`](crate::State). One value
    /// per type; a second call with the same type replaces the first.
    pub fn state<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.state.insert(value);
        self
    }

    /// Sets the app's secret for signed and private cookies, sessions and CSRF tokens (cargo feature
    /// `cookies`): at least 32 random bytes, checked when the app is built. See
    /// [`SecretKey`](crate::cookies::SecretKey) for rotation and what happens without one.
    #[cfg(feature = "cookies")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cookies")))]
    pub fn secret_key(mut self, key: crate::cookies::SecretKey) -> Self {
        self.secret_key = Some(key);
        self
    }

    /// Adds routes, typically `routes![a, b, c]`.
    pub fn routes(mut self, routes: impl IntoIterator<Item = Route>) -> Self {
        self.router = self.router.routes(routes);
        self
    }

    /// Adds one route.
    pub fn route(mut self, route: Route) -> Self {
        self.router = self.router.route(route);
        self
    }

    /// Adds every route of `router` under `prefix`, such as `/api/v2`.
    pub fn nest(mut self, prefix: &str, router: Router) -> Self {
        self.router = self.router.nest(prefix, router);
        self
    }

    /// Adds every route of `router` as is.
    pub fn merge(mut self, router: Router) -> Self {
        self.router = self.router.merge(router);
        self
    }

    /// Serves the files under the directory `dir` at `prefix` (such as `/static`, or `/` for a fallback
    /// that every other route wins over): the routes of
    /// [`ServeDir::new(dir).router(prefix)`](crate::files::ServeDir::router), with its defaults. Build a
    /// [`ServeDir`](crate::files::ServeDir) and [`merge`](Self::merge) it to configure more. Requires the
    /// `files` feature.
    ///
    /// ```no_run
    /// # async fn run() -> velocy::Result<()> {
    /// velocy::App::new().static_files("/static", "public").listen("127.0.0.1:3000").await
    /// # }
    /// ```
    #[cfg(feature = "files")]
    #[cfg_attr(docsrs, doc(cfg(feature = "files")))]
    #[track_caller]
    pub fn static_files(self, prefix: &str, dir: impl Into<std::path::PathBuf>) -> Self {
        self.merge(crate::files::ServeDir::new(dir).router(prefix))
    }

    /// Adds every route declared with a route macro anywhere in the binary (collected at link time with
    /// `inventory`).
    ///
    /// The linker may drop a library crate none of whose items the binary uses, and its routes with it;
    /// reference something from such a crate, or list its routes with `routes![]`. Building warns on standard
    /// error when discovery finds no route at all.
    pub fn discover(mut self) -> Self {
        self.discover = true;
        self
    }

    /// Adds a global middleware: it runs for every request, 404s included, after routing (so it can read
    /// the matched route) and outside every group and route middleware. Several run in the order added.
    /// See [`crate::middleware`](mod@crate::middleware).
    pub fn middleware(mut self, middleware: impl IntoMiddleware) -> Self {
        self.middleware.push(middleware.into_middleware());
        self
    }

    /// Adds a request hook: it runs before routing, in order of registration; the first to answer
    /// ends the request. See [`crate::lifecycle`].
    pub fn on_request(mut self, hook: impl RequestHook) -> Self {
        self.lifecycle.request_hooks.push(Arc::new(hook));
        self
    }

    /// Intercepts every response with `status` — from handlers, middleware or the framework (404, 405,
    /// 413, 415, 500 after a panic…) — unless a router's own interceptor for that status applies first.
    pub fn on_status(mut self, status: StatusCode, interceptor: impl StatusInterceptor) -> Self {
        self.lifecycle.interceptors.push((status, Arc::new(interceptor)));
        self
    }

    /// Adds an response mapper: it may inspect or change the response before it is sent. These hooks
    /// run in reverse order of registration.
    pub fn map_response(mut self, hook: impl MapResponse) -> Self {
        self.lifecycle.response_mappers.push(Arc::new(hook));
        self
    }

    /// Adds a completion observer: it runs once the body was fully sent or failed, with the status, bytes
    /// sent and duration — the place for access logs and metrics.
    pub fn on_completion(mut self, hook: impl CompletionObserver) -> Self {
        self.lifecycle.completion_observers.push(Arc::new(hook));
        self
    }

    /// Adds an error sink: it receives errors that abort a response after its head was sent (a failing
    /// body stream) and connection errors.
    pub fn on_error(mut self, sink: impl ErrorSink) -> Self {
        self.lifecycle.error_sinks.push(Arc::new(sink));
        self
    }

    /// Gives every request an id, propagated from the client or generated (see [`crate::request_id`]),
    /// decided before anything else runs and echoed in every response, the framework's own 400s and 404s
    /// included. Handlers take it as a [`RequestId`](crate::request_id::RequestId) argument;
    /// completion observers read [`Completion::request_id`](crate::lifecycle::Completion::request_id).
    pub fn request_id(mut self, request_id: crate::request_id::RequestIdConfig) -> Self {
        self.config.request_id = Some(request_id);
        self
    }

    /// Makes the current request reachable from anywhere in its task through
    /// [`velocy::context::current`](crate::context::current); see [`crate::context`] for the cost.
    pub fn request_context(mut self) -> Self {
        self.lifecycle.request_context = true;
        self
    }

    /// Serves `router`'s routes only for requests addressed to `pattern` (RFC 9110 §7.2 `Host`, or the
    /// authority of an absolute-form target):
    ///
    /// * `api.example.com` — that host on the default port ([`App::default_port`], 80 unless set);
    /// * `*.example.com` — any one label in that position (wildcards may stand in any label);
    /// * `example.com:8080`, `example.com:*` — that port, any port.
    ///
    /// Exact labels beat wildcards and an exact port beats the default and any port. Requests whose host
    /// matches no pattern go to the app's other routes, or to [`App::no_host`] when set; a malformed `Host`
    /// answers 400. Invalid patterns are reported by [`App::build`].
    pub fn host(mut self, pattern: &str, router: Router) -> Self {
        let (routes, scopes) = router.into_parts();
        let routes = routes.into_iter().map(|mut route| {
            route.info.host = Some(pattern.to_owned());
            route
        });
        self.router = self.router.merge(Router::new().routes(routes));
        let _ = scopes;
        self
    }

    /// The handler for requests whose host matches none of the [`App::host`] patterns (any method, any
    /// path). Without one, such requests are routed among the app's routes that have no host, which
    /// answer 404 when none matches.
    #[track_caller]
    pub fn no_host<H, Args>(mut self, handler: H) -> Self
    where
        H: crate::Handler<Args>,
        Args: 'static,
    {
        self.no_host = Some(Route::new(http::Method::GET, "/", handler));
        self
    }

    /// The port a `Host` without a port means, and that host patterns without a port match. Default: 80.
    pub fn default_port(mut self, port: u16) -> Self {
        self.routing.default_port = port;
        self
    }

    /// What to do with a path that matches a route only after adding or removing a trailing slash:
    /// [`TrailingSlash::Strict`] (404, the default), [`TrailingSlash::Ignore`] or
    /// [`TrailingSlash::Redirect`] (308).
    pub fn trailing_slash(mut self, mode: TrailingSlash) -> Self {
        self.routing.trailing_slash = mode;
        self
    }

    /// Matches paths ignoring ASCII letter case when no exact match exists (parameters keep their case).
    /// Static segments of patterns must then be lowercase; [`App::build`] reports those that are not.
    pub fn case_insensitive(mut self, enabled: bool) -> Self {
        self.routing.case_insensitive = enabled;
        self
    }

    /// Sets the server and parsing limits (connections, head size, target length, timeouts, HTTP/2
    /// streams); see [`Limits`](crate::server::Limits) for each default.
    pub fn limits(mut self, limits: crate::limits::Limits) -> Self {
        self.config.limits = limits;
        self
    }

    /// The reverse proxies whose forwarding headers ([`App::forwarding_headers`]: `X-Forwarded-For` by
    /// default) [`ClientIp`](crate::extract::ClientIp) believes: addresses or CIDR blocks, as text
    /// (`"10.0.0.0/8"`, `"::1"`) or as [`IpAddr`](std::net::IpAddr). Several calls add up. Default: none, so
    /// `ClientIp` is the peer address and the headers are ignored.
    ///
    /// Text that is neither an address nor a CIDR block is reported by [`App::build`], with every other
    /// configuration problem.
    pub fn trusted_proxies<I>(mut self, proxies: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<crate::extract::TrustedProxy>,
    {
        self.config.trusted_proxies.extend(proxies.into_iter().map(Into::into));
        self
    }

    /// Which forwarding headers the [trusted proxies](App::trusted_proxies) set:
    /// [`XForwarded`](crate::extract::ForwardingHeaders::XForwarded) (`X-Forwarded-For` and
    /// `X-Forwarded-Proto`, the default) or [`Forwarded`](crate::extract::ForwardingHeaders::Forwarded)
    /// (RFC 7239). Only that one is read, for [`ClientIp`](crate::extract::ClientIp) and
    /// [`RequestParts::is_https`](crate::RequestParts::is_https): a proxy passes the other through as the
    /// client sent it, so believing it would let any client choose its address (and escape a rate limit
    /// per address).
    pub fn forwarding_headers(mut self, headers: crate::extract::ForwardingHeaders) -> Self {
        self.config.trusted_proxies.headers = headers;
        self
    }

    /// Matches paths by their Unicode NFC form (on by default), so `café` written with a combining accent
    /// reaches the same route as with a precomposed `é`. Only paths with percent-encoded non-ASCII
    /// characters pay for it; handlers always see the path as sent.
    pub fn unicode_normalization(mut self, enabled: bool) -> Self {
        self.routing.unicode_normalization = enabled;
        self
    }

    /// The largest request body, in bytes, that buffering extractors (`Json`, `Form`, `Bytes`, `String`)
    /// accept; larger bodies answer `413 Payload Too Large`. Default: 2 MiB.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.config.body_limit = bytes;
        self
    }

    /// How long graceful shutdown lets in-flight requests finish before closing their connections.
    /// Default: 30 seconds.
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.config.shutdown_timeout = timeout;
        self
    }

    /// The `Server` header sent with every response (unless the handler set one); `None` sends none.
    /// Default: none — RFC 9110 §10.2.4 makes the header optional and asks servers not to give needless
    /// detail, and advertising the software helps attackers more than clients (axum and actix-web send none
    /// either). It costs a header insertion per response.
    ///
    /// # Panics
    /// Never: a value that is not a valid header value disables the header instead.
    pub fn server_header(mut self, value: Option<&'static str>) -> Self {
        // Validated, then made with `from_static`: cloning a static value per response costs no reference count.
        self.config.server_header = value
            .filter(|value| http::HeaderValue::from_str(value).is_ok())
            .map(http::HeaderValue::from_static);
        self
    }

    /// Validates the route table and returns the service that answers requests.
    ///
    /// # Errors
    /// A build error ([`Error::is_build`]) listing *every* problem found: invalid patterns, routes that
    /// conflict (both declarations named with `file:line`), and `State<T>` used by a route but never
    /// provided.
    pub fn build(self) -> Result<AppService> {
        #[cfg(feature = "cookies")]
        let secret_key = self.secret_key;
        let Self { router, state, mut config, discover, mut lifecycle, middleware, routing, no_host, .. } =
            self;
        let (mut routes, scopes) = router.into_parts();
        if discover {
            let before = routes.len();
            routes.extend(
                inventory::iter::<RouteRegistration>()
                    .map(|registration| Route::from_spec(registration.spec)),
            );
            if routes.len() == before {
                eprintln!(
                    "velocy: warning: App::discover() found no routes; the linker drops crates none of \
                     whose items are used, so list their routes with routes![] or reference them"
                );
            }
        }
        let no_host = no_host.map(|route| Endpoint { chain: None, handler: route.handler });
        let mut app_problems = config.trusted_proxies.problems();
        #[cfg(feature = "cookies")]
        let mut state = state;
        #[cfg(feature = "cookies")]
        match secret_key.map(crate::cookies::SecretKey::into_keys) {
            Some(Ok(keys)) => state.insert(keys),
            Some(Err(problems)) => app_problems.extend(problems),
            None if cfg!(debug_assertions) => state.insert(crate::cookies::Keys::generated()),
            None => {}
        }
        #[cfg(feature = "cookies")]
        let secret_key = state.contains(std::any::TypeId::of::<crate::cookies::Keys>());
        #[cfg(not(feature = "cookies"))]
        let secret_key = false;
        for layer in &middleware {
            let mut needs = crate::extract::Requirements::default();
            layer.requirements(&mut needs);
            let provided = Provided { state: &state, request_id: config.request_id.is_some(), secret_key };
            let name = layer.name();
            app_problems.extend(
                needs
                    .unmet(provided)
                    .into_iter()
                    .map(|unmet| format!("the global middleware `{name}` {unmet}")),
            );
        }
        let provided = Provided { state: &state, request_id: config.request_id.is_some(), secret_key };
        let table = RouteTable::build(routes, scopes, provided, routing, no_host);
        let table = table.and_then(|table| if app_problems.is_empty() { Ok(table) } else { Err(Vec::new()) });
        let table = table.map_err(|mut problems| {
            problems.extend(app_problems.into_iter().map(BuildProblem::new));
            Error::build(problems)
        })?;
        let mut table = table;
        table.note_global_middleware(&middleware);
        lifecycle.middleware = Arc::from(middleware);
        let path = lifecycle.path(table.has_scoped_interceptors());
        let lifecycle = Arc::new(lifecycle);
        let data = Arc::new(AppData {
            state,
            body_limit: config.body_limit,
            body_read_timeout: config.limits.body_read_timeout,
            max_query_pairs: config.limits.max_query_pairs,
            trusted_proxies: std::mem::take(&mut config.trusted_proxies),
            routes: table.route_data(),
        });
        let shared = AppShared { data, config, table, lifecycle, path };
        Ok(AppService { shared: Arc::new(shared) })
    }

    /// Builds the app, binds `address` and serves until SIGINT or SIGTERM, then shuts down gracefully.
    ///
    /// # Errors
    /// Build errors (see [`App::build`]) and a failure to bind.
    pub async fn listen(self, address: impl tokio::net::ToSocketAddrs) -> Result<()> {
        self.build()?.listen(address).await
    }

    /// Builds the app and serves `listener` until SIGINT or SIGTERM, then shuts down gracefully.
    ///
    /// # Errors
    /// Build errors (see [`App::build`]).
    pub async fn serve(self, listener: tokio::net::TcpListener) -> Result<()> {
        self.build()?.serve(listener).await
    }
}

#[cfg(test)]
mod tests;
