//! [`Route`]: one handler bound to methods and a pattern; [`RouteInfo`]: its description for introspection.

use std::fmt;
use std::sync::Arc;

use http::Method;

use http::StatusCode;

use super::spec::RouteSpec;
use crate::extract::Requirements;
use crate::handler::{Handler, RouteHandler};
use crate::lifecycle::StatusInterceptor;
use crate::location::Location;
use crate::middleware::{IntoMiddleware, Middleware};

/// A handler bound to one or more methods and a path pattern. Built by `routes![..]` from macro-annotated
/// handlers, or by [`Route::new`] from a closure or function.
#[derive(Clone)]
pub struct Route {
    pub(crate) info: RouteInfo,
    pub(crate) handler: RouteHandler,
    pub(crate) requirements: Requirements,
    /// Group and route middleware, outermost first.
    pub(crate) middleware: Vec<Arc<dyn Middleware>>,
    /// Status interceptors of the routers the route belongs to, innermost first.
    pub(crate) interceptors: Vec<(StatusCode, Arc<dyn StatusInterceptor>)>,
}

/// The description of a route: methods, pattern, handler name and where it was declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    /// The methods the route answers.
    pub methods: Vec<Method>,
    /// The full pattern, including the prefixes of the routers it was nested in.
    pub pattern: String,
    /// The handler's name (the function name for macro routes).
    pub name: String,
    /// `file:line` of the handler, for macro routes and routes added with `#[track_caller]` builders.
    pub location: Option<Location>,
    /// Media types the route produces; routes on the same path and method are chosen among by `Accept`.
    pub produces: Vec<String>,
    /// Media types the route consumes; other `Content-Type`s answer 415.
    pub consumes: Vec<String>,
    /// The virtual host pattern the route answers on (see [`App::host`](crate::App::host)); `None` for any
    /// host.
    pub host: Option<String>,
    /// Problems found while describing the route (such as an invalid method name), reported when the app
    /// is built.
    pub(crate) problems: Vec<String>,
}

impl Route {
    /// A route for `method` and `pattern` served by `handler`: an async function or closure whose
    /// arguments are extractors.
    ///
    /// ```
    /// use velocy::{Method, Route};
    ///
    /// let route = Route::new(Method::GET, "/hello", || async { "hello" });
    /// assert_eq!(route.info().pattern, "/hello");
    /// ```
    #[track_caller]
    pub fn new<H, Args>(method: Method, pattern: &str, handler: H) -> Self
    where
        H: Handler<Args>,
        Args: 'static,
    {
        let mut requirements = Requirements::default();
        H::requirements(&mut requirements);
        Self {
            info: RouteInfo {
                methods: vec![method],
                pattern: pattern.to_owned(),
                name: std::any::type_name::<H>().to_owned(),
                location: Some(std::panic::Location::caller().into()),
                host: None,
                produces: Vec::new(),
                consumes: Vec::new(),
                problems: Vec::new(),
            },
            handler: RouteHandler::Erased(crate::handler::erase(handler)),
            requirements,
            middleware: Vec::new(),
            interceptors: Vec::new(),
        }
    }

    /// The route a route macro described. Macro glue, called by the code `routes![]` generates (through
    /// `velocy::__private`): not public API.
    #[doc(hidden)]
    pub fn from_spec(spec: &'static RouteSpec) -> Self {
        let mut problems = Vec::new();
        let methods = spec
            .methods
            .iter()
            .filter_map(|name| match Method::from_bytes(name.as_bytes()) {
                Ok(method) => Some(method),
                Err(_) => {
                    problems.push(format!("`{name}` is not a valid method name"));
                    None
                }
            })
            .collect();
        let mut requirements = Requirements::default();
        (spec.requirements)(&mut requirements);
        Self {
            info: RouteInfo {
                methods,
                pattern: spec.path.to_owned(),
                name: spec.name.to_owned(),
                location: Some(Location { file: spec.file, line: spec.line }),
                host: None,
                produces: spec.produces.iter().map(|media| (*media).to_owned()).collect(),
                consumes: spec.consumes.iter().map(|media| (*media).to_owned()).collect(),
                problems,
            },
            handler: RouteHandler::Generated(spec.handler),
            requirements,
            middleware: spec.middleware.iter().map(|make| make()).collect(),
            interceptors: Vec::new(),
        }
    }

    /// The route's description.
    pub fn info(&self) -> &RouteInfo {
        &self.info
    }

    /// The same route shown as `name` in the route table and in build errors (instead of the handler's
    /// type name): for routes a library builds, such as [`files::ServeDir`](crate::files::ServeDir)'s.
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.info.name = name.into();
        self
    }

    /// The same route answering `methods` instead.
    #[must_use]
    pub fn with_methods(mut self, methods: impl IntoIterator<Item = Method>) -> Self {
        self.info.methods = methods.into_iter().collect();
        self
    }

    /// Adds a middleware to this route, inside any added before (the first added runs first).
    pub fn middleware(mut self, middleware: impl IntoMiddleware) -> Self {
        self.middleware.push(middleware.into_middleware());
        self
    }

    /// Declares the media types this route produces (such as `application/json`). Routes on the same path
    /// and method with different `produces` are chosen among by the request's `Accept` (RFC 9110 §12.5.1);
    /// when none is acceptable the answer is 406 listing the available types.
    pub fn produces<I, S>(mut self, media_types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.info.produces = media_types.into_iter().map(Into::into).collect();
        self
    }

    /// Declares the media types this route consumes; a request with another `Content-Type` answers 415.
    pub fn consumes<I, S>(mut self, media_types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.info.consumes = media_types.into_iter().map(Into::into).collect();
        self
    }

    /// Prepends `prefix` (a pattern such as `/api/v2`) to the route's pattern.
    pub(crate) fn prefixed(mut self, prefix: &str) -> Self {
        let prefix = prefix.trim_end_matches('/');
        self.info.pattern = if self.info.pattern == "/" {
            if prefix.is_empty() {
                "/".to_owned()
            } else {
                prefix.to_owned()
            }
        } else {
            format!("{prefix}{}", self.info.pattern)
        };
        self
    }
}

#[cfg(feature = "tower")]
impl Route {
    /// Wraps this route (its handler and the route middleware added after this call) in a tower
    /// [`Layer`](tower_layer::Layer); it runs like a route middleware added at this point (see [`from_layer`](crate::middleware::from_layer) for how the
    /// service is run and what its errors become).
    ///
    /// `OPTIONS` preflight requests reach a route's layers only when the route answers `OPTIONS`;
    /// for CORS on every path use [`App::layer`](crate::App::layer). Requires the `tower` feature.
    ///
    /// ```
    /// use velocy::{Method, Route};
    /// use tower_http::compression::CompressionLayer;
    ///
    /// let route = Route::new(Method::GET, "/report", || async { "a long report…" })
    ///     .layer(CompressionLayer::new());
    /// # let _ = route;
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
    pub fn layer(self, layer: impl crate::middleware::TowerLayer) -> Self {
        self.middleware(layer.into_shared_middleware())
    }
}

impl fmt::Debug for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Route").field("info", &self.info).finish_non_exhaustive()
    }
}

impl fmt::Display for RouteInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let methods: Vec<&str> = self.methods.iter().map(Method::as_str).collect();
        write!(f, "{} {} ({}", methods.join(","), self.pattern, self.name)?;
        if let Some(location) = self.location {
            write!(f, " at {location}")?;
        }
        f.write_str(")")
    }
}
