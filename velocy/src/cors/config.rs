//! [`Cors`]: the configuration, its builder, and its build-time checks.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;

use super::lists::{AllowHeaders, AllowMethods, ExposeHeaders};
use super::origin::AllowOrigin;

/// The CORS middleware (Fetch standard §3.2, "CORS protocol"): lets scripts of the allowed origins read
/// responses and answers their preflight requests. See the [module docs](super) for the model, the
/// options and the scopes.
///
/// Each builder method returns a new value. The configuration is checked when the app is built: no
/// origin at all, an origin that is not `scheme://host[:port]`, an invalid method or header name, and
/// credentials together with any wildcard (`*`) are build errors naming the fix.
///
/// ```
/// use std::time::Duration;
/// use velocy::cors::Cors;
/// use velocy::header::CONTENT_TYPE;
/// use velocy::{App, Router};
///
/// let cors = Cors::new()
///     .allow_origin(["https://app.example", "http://localhost:5173"])
///     .allow_headers([CONTENT_TYPE])
///     .allow_credentials(true)
///     .max_age(Duration::from_secs(600));
/// let app = App::new().middleware(cors).merge(Router::new().post("/api/notes", || async { "saved" }));
/// # app.build().unwrap();
/// ```
#[derive(Debug, Clone, Default)]
#[must_use = "a `Cors` does nothing until it is attached with `App::middleware`, `Router::middleware` or \
              `Route::middleware`"]
pub struct Cors {
    pub(crate) settings: Arc<Settings>,
}

/// The options, shared by every request the middleware handles.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    pub(crate) origin: Option<AllowOrigin>,
    pub(crate) methods: AllowMethods,
    pub(crate) headers: AllowHeaders,
    pub(crate) expose: ExposeHeaders,
    pub(crate) credentials: bool,
    /// `Access-Control-Max-Age`, in whole seconds.
    pub(crate) max_age: Option<HeaderValue>,
    pub(crate) private_network: bool,
}

impl Cors {
    /// A CORS middleware that allows no origin yet: call [`Cors::allow_origin`] (building an app with a
    /// `Cors` that allows no origin is an error). The other options start at their defaults: the
    /// methods of the route ([`AllowMethods::route`]), no extra request header, no exposed header, no
    /// credentials, no `Access-Control-Max-Age` (browsers then cache a preflight for 5 seconds), no
    /// private network access.
    pub fn new() -> Self {
        Self::default()
    }

    fn with(mut self, change: impl FnOnce(&mut Settings)) -> Self {
        change(Arc::make_mut(&mut self.settings));
        self
    }

    /// The origins allowed to read responses: `"https://app.example"`, a list `["https://a.example",
    /// ..]`, [`AllowOrigin::predicate`] or [`AllowOrigin::any`].
    pub fn allow_origin(self, origin: impl Into<AllowOrigin>) -> Self {
        let origin = origin.into();
        self.with(|settings| settings.origin = Some(origin))
    }

    /// The methods a preflight may ask for: a list such as `[Method::PUT, Method::DELETE]`,
    /// [`AllowMethods::mirror`], [`AllowMethods::any`], or the default [`AllowMethods::route`].
    pub fn allow_methods(self, methods: impl Into<AllowMethods>) -> Self {
        let methods = methods.into();
        self.with(|settings| settings.methods = methods)
    }

    /// The request headers a preflight may ask for: a list such as `[CONTENT_TYPE, AUTHORIZATION]`,
    /// [`AllowHeaders::mirror`] or [`AllowHeaders::any`]. Default: none beyond the CORS-safelisted ones.
    pub fn allow_headers(self, headers: impl Into<AllowHeaders>) -> Self {
        let headers = headers.into();
        self.with(|settings| settings.headers = headers)
    }

    /// The response headers scripts may read (`Access-Control-Expose-Headers`): a list, or
    /// [`ExposeHeaders::any`]. Default: none beyond the CORS-safelisted ones.
    pub fn expose_headers(self, headers: impl Into<ExposeHeaders>) -> Self {
        let headers = headers.into();
        self.with(|settings| settings.expose = headers)
    }

    /// Whether requests with credentials (cookies, HTTP authentication, client certificates) may read
    /// responses: `Access-Control-Allow-Credentials: true`, and the origin echoed instead of `*`. Default
    /// `false`. The Fetch standard forbids `*` with credentials, so this together with
    /// [`AllowOrigin::any`], [`AllowMethods::any`], [`AllowHeaders::any`] or [`ExposeHeaders::any`] is a
    /// build error.
    pub fn allow_credentials(self, allow: bool) -> Self {
        self.with(|settings| settings.credentials = allow)
    }

    /// How long browsers may cache a preflight's answer: `Access-Control-Max-Age`, in whole seconds
    /// (fractions are dropped). Browsers cap it (Chromium at 2 hours, Firefox at 24 hours). Default: not
    /// sent, which means 5 seconds.
    pub fn max_age(self, max_age: Duration) -> Self {
        self.with(|settings| settings.max_age = Some(HeaderValue::from(max_age.as_secs())))
    }

    /// Whether a public page may call this server on a private network: answers a preflight carrying
    /// `Access-Control-Request-Private-Network: true` with `Access-Control-Allow-Private-Network: true`
    /// (WICG Private Network Access §3.2). Default `false`: such a preflight gets no CORS headers.
    pub fn allow_private_network(self, allow: bool) -> Self {
        self.with(|settings| settings.private_network = allow)
    }
}

impl Settings {
    /// The configuration problems, each phrased to follow the middleware's name.
    pub(crate) fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        match &self.origin {
            None => problems.push(
                "allows no origin; call `.allow_origin(..)` with the origins whose scripts may call this \
                 server, such as `Cors::new().allow_origin(\"https://app.example\")`"
                    .to_owned(),
            ),
            Some(origin) => problems.extend(origin.problems()),
        }
        for method in self.methods.invalid() {
            problems
                .push(format!("allows the method {method:?}, which is not a method token (RFC 9110 §9.1)"));
        }
        for (list, names) in
            [("allows the request header", self.headers.invalid()), ("exposes", self.expose.invalid())]
        {
            for name in names {
                problems.push(format!("{list} {name:?}, which is not a header name (RFC 9110 §5.1)"));
            }
        }
        if self.credentials {
            let rule = "the Fetch standard (§3.2.5) forbids the wildcard `*` on requests with credentials";
            if self.origin.as_ref().is_some_and(AllowOrigin::is_any) {
                problems.push(format!(
                    "allows credentials for any origin, but {rule} (browsers refuse such responses); list \
                     the origins with `.allow_origin([..])`, or decide per request with \
                     `AllowOrigin::predicate(..)`"
                ));
            }
            if self.methods.is_any() {
                problems.push(format!(
                    "allows credentials with `AllowMethods::any()`, but {rule}; list the methods, keep the \
                     default `AllowMethods::route()`, or use `AllowMethods::mirror()`"
                ));
            }
            if self.headers.is_any() {
                problems.push(format!(
                    "allows credentials with `AllowHeaders::any()`, but {rule}; list the headers, or use \
                     `AllowHeaders::mirror()`"
                ));
            }
            if self.expose.is_any() {
                problems.push(format!(
                    "allows credentials with `ExposeHeaders::any()`, but {rule}; list the headers to expose"
                ));
            }
        }
        problems
    }
}
