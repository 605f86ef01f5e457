//! [`Router`]: a group of routes that can be nested under a prefix or merged with another.

use std::sync::Arc;

use http::{Method, StatusCode};

use super::route::Route;
use crate::handler::Handler;
use crate::lifecycle::StatusInterceptor;
use crate::middleware::{IntoMiddleware, Middleware};

/// A group of routes. Nest it under a prefix ([`Router::nest`]) or merge it into another
/// ([`Router::merge`]); the whole table is validated when the app is built.
///
/// ```
/// use velocy::{Router, Method};
///
/// let v2 = Router::new().get("/status", || async { "v2 ok" });
/// let api = Router::new().nest("/api/v2", v2);
/// assert_eq!(api.route_list()[0].info().pattern, "/api/v2/status");
/// ```
#[derive(Default, Clone)]
#[must_use]
pub struct Router {
    routes: Vec<Route>,
    middleware: Vec<Arc<dyn Middleware>>,
    interceptors: Vec<(StatusCode, Arc<dyn StatusInterceptor>)>,
    scopes: Vec<Scope>,
}

/// Status interceptors that apply under a path prefix, for responses that no route produced (404, 405).
#[derive(Clone)]
pub(crate) struct Scope {
    pub(crate) prefix: String,
    pub(crate) interceptors: Vec<(StatusCode, Arc<dyn StatusInterceptor>)>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("routes", &self.routes)
            .field("middleware", &self.middleware.len())
            .field("interceptors", &self.interceptors.len())
            .finish()
    }
}

macro_rules! method_shortcut {
    ($($name:ident => $method:ident),+ $(,)?) => {
        $(
            #[doc = concat!("Adds a `", stringify!($method), "` route for `pattern` served by `handler`.")]
            #[track_caller]
            pub fn $name<H, Args>(self, pattern: &str, handler: H) -> Self
            where
                H: Handler<Args>,
                Args: 'static,
            {
                self.route(Route::new(Method::$method, pattern, handler))
            }
        )+
    };
}

impl Router {
    /// An empty router.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one route.
    pub fn route(mut self, route: Route) -> Self {
        self.routes.push(route);
        self
    }

    /// Adds routes, typically `routes![a, b, c]`.
    pub fn routes(mut self, routes: impl IntoIterator<Item = Route>) -> Self {
        self.routes.extend(routes);
        self
    }

    method_shortcut!(get => GET, post => POST, put => PUT, patch => PATCH, delete => DELETE);

    /// Adds a middleware that runs for every route of this router (including routes added later and
    /// routes of nested routers), after routing and outside the routes' own middleware. Several run in the
    /// order added.
    pub fn middleware(mut self, middleware: impl IntoMiddleware) -> Self {
        self.middleware.push(middleware.into_middleware());
        self
    }

    /// Intercepts responses with `status` from this router's routes, and the 404/405 answers for paths
    /// under its prefix; an inner router's interceptor wins over an outer one's and over the app's.
    pub fn on_status(mut self, status: StatusCode, interceptor: impl StatusInterceptor) -> Self {
        self.interceptors.push((status, Arc::new(interceptor)));
        self
    }

    /// Adds every route of `router` with `prefix` (such as `/api/v2`) prepended to its pattern.
    pub fn nest(mut self, prefix: &str, router: Router) -> Self {
        let (routes, scopes) = router.into_parts();
        let prefix = prefix.trim_end_matches('/');
        self.routes.extend(routes.into_iter().map(|route| route.prefixed(prefix)));
        self.scopes.extend(scopes.into_iter().map(|scope| Scope {
            prefix: format!("{prefix}{}", scope.prefix),
            interceptors: scope.interceptors,
        }));
        self
    }

    /// Adds every route of `router` unchanged (its middleware and interceptors still apply only to its
    /// own routes).
    pub fn merge(mut self, router: Router) -> Self {
        let (routes, scopes) = router.into_parts();
        self.routes.extend(routes);
        self.scopes.extend(scopes);
        self
    }

    /// The routes added so far.
    pub fn route_list(&self) -> &[Route] {
        &self.routes
    }

    /// The routes with this router's middleware and interceptors applied, and its interceptor scopes.
    pub(crate) fn into_parts(self) -> (Vec<Route>, Vec<Scope>) {
        let Self { mut routes, middleware, interceptors, mut scopes } = self;
        for route in &mut routes {
            if !middleware.is_empty() {
                route.middleware.splice(0..0, middleware.iter().cloned());
            }
            route.interceptors.extend(interceptors.iter().cloned());
        }
        if !interceptors.is_empty() {
            scopes.push(Scope { prefix: String::new(), interceptors });
        }
        (routes, scopes)
    }
}

#[cfg(feature = "tower")]
impl Router {
    /// Wraps every route of this router (including routes added later and those of nested routers) in a
    /// tower [`Layer`](tower_layer::Layer); it runs like a group middleware added at this point (see [`from_layer`](crate::middleware::from_layer)).
    ///
    /// `OPTIONS` preflight requests for paths without an `OPTIONS` route are answered by routing, before
    /// any router layer; for CORS preflights use [`App::layer`](crate::App::layer). Requires the `tower`
    /// feature.
    ///
    /// ```
    /// use std::time::Duration;
    /// use velocy::{Router, StatusCode};
    /// use tower_http::timeout::TimeoutLayer;
    ///
    /// let api = Router::new()
    ///     .get("/slow", || async { "done" })
    ///     .layer(TimeoutLayer::with_status_code(StatusCode::GATEWAY_TIMEOUT, Duration::from_secs(5)));
    /// # let _ = api;
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
    pub fn layer(self, layer: impl crate::middleware::TowerLayer) -> Self {
        self.middleware(layer.into_shared_middleware())
    }
}
