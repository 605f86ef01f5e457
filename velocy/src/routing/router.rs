//! [`Router`]: a group of routes that can be nested under a prefix or merged with another.

use http::Method;

use super::route::Route;
use crate::handler::Handler;

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
#[derive(Debug, Default, Clone)]
#[must_use]
pub struct Router {
    routes: Vec<Route>,
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

    /// Adds every route of `router` with `prefix` (such as `/api/v2`) prepended to its pattern.
    pub fn nest(mut self, prefix: &str, router: Router) -> Self {
        self.routes.extend(
            router
                .routes
                .into_iter()
                .map(|route| route.prefixed(prefix)),
        );
        self
    }

    /// Adds every route of `router` unchanged.
    pub fn merge(mut self, router: Router) -> Self {
        self.routes.extend(router.routes);
        self
    }

    /// The routes added so far.
    pub fn route_list(&self) -> &[Route] {
        &self.routes
    }

    pub(crate) fn into_routes(self) -> Vec<Route> {
        self.routes
    }
}
