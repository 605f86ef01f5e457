//! [`AllowMethods`], [`AllowHeaders`] and [`ExposeHeaders`]: what a preflight may ask for, and what
//! responses let scripts read.

use http::{HeaderName, HeaderValue, Method};

/// A list of names as configured: the valid ones, their header value (`a, b`), and the invalid ones.
#[derive(Debug, Clone)]
struct Names<T> {
    items: Vec<T>,
    value: Option<HeaderValue>,
    invalid: Vec<String>,
}

impl<T> Default for Names<T> {
    fn default() -> Self {
        Self { items: Vec::new(), value: None, invalid: Vec::new() }
    }
}

impl<T: AsRef<str>> Names<T> {
    fn parse<I, S>(names: I, parse: impl Fn(&str) -> Option<T>) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut list = Self::default();
        for name in names {
            match parse(name.as_ref()) {
                Some(item) => list.items.push(item),
                None => list.invalid.push(name.as_ref().to_owned()),
            }
        }
        let joined: Vec<&str> = list.items.iter().map(AsRef::as_ref).collect();
        list.value = (!joined.is_empty()).then(|| HeaderValue::from_str(&joined.join(", ")).ok()).flatten();
        list
    }
}

fn header_name(name: &str) -> Option<HeaderName> {
    HeaderName::from_bytes(name.trim().as_bytes()).ok()
}

/// The methods a preflight may ask for (`Access-Control-Request-Method`), answered in
/// `Access-Control-Allow-Methods` (Fetch standard §3.2.3). Browsers send `GET`, `HEAD` and `POST`
/// without a preflight unless other parts of the request need one.
///
/// ```
/// use velocy::cors::{AllowMethods, Cors};
/// use velocy::Method;
///
/// let cors = Cors::new().allow_origin("https://app.example").allow_methods([Method::GET, Method::PUT]);
/// let mirrored = Cors::new().allow_origin("https://app.example").allow_methods(AllowMethods::mirror());
/// # let _ = (cors, mirrored);
/// ```
#[derive(Debug, Clone)]
pub struct AllowMethods {
    kind: MethodsKind,
}

#[derive(Debug, Clone)]
enum MethodsKind {
    Route,
    List(Names<Method>),
    Mirror,
    Any,
}

impl AllowMethods {
    /// The default: the requested method when the path has a route for it (and, for a group or route
    /// `Cors`, that route carries it); the answer names just that method, so a browser never caches
    /// permission for a method of the path that another route, without CORS, serves.
    pub fn route() -> Self {
        Self { kind: MethodsKind::Route }
    }

    /// Exactly these methods (case-sensitive, as methods are: RFC 9110 §9.1); the answer lists them all.
    /// A name that is not a method token is a build error.
    pub fn list<I, M>(methods: I) -> Self
    where
        I: IntoIterator<Item = M>,
        M: AsRef<str>,
    {
        Self {
            kind: MethodsKind::List(Names::parse(methods, |name| Method::from_bytes(name.as_bytes()).ok())),
        }
    }

    /// Any requested method, echoed back. Works with credentials, unlike [`AllowMethods::any`].
    pub fn mirror() -> Self {
        Self { kind: MethodsKind::Mirror }
    }

    /// `Access-Control-Allow-Methods: *`: any method, for requests without credentials only (a build
    /// error together with [`Cors::allow_credentials`](super::Cors::allow_credentials)).
    pub fn any() -> Self {
        Self { kind: MethodsKind::Any }
    }

    pub(crate) fn is_any(&self) -> bool {
        matches!(self.kind, MethodsKind::Any)
    }

    pub(crate) fn invalid(&self) -> &[String] {
        match &self.kind {
            MethodsKind::List(names) => &names.invalid,
            _ => &[],
        }
    }

    /// The `Access-Control-Allow-Methods` value for a preflight asking for `requested` (on a path with a
    /// route for it), or `None` when the method is not allowed.
    pub(crate) fn answer(&self, requested: &Method) -> Option<HeaderValue> {
        let echo = || HeaderValue::from_str(requested.as_str()).ok();
        match &self.kind {
            MethodsKind::Route | MethodsKind::Mirror => echo(),
            MethodsKind::List(names) => {
                names.items.contains(requested).then(|| names.value.clone()).flatten()
            }
            MethodsKind::Any => Some(HeaderValue::from_static("*")),
        }
    }
}

impl Default for AllowMethods {
    fn default() -> Self {
        Self::route()
    }
}

impl<M: AsRef<str>, const N: usize> From<[M; N]> for AllowMethods {
    fn from(methods: [M; N]) -> Self {
        Self::list(methods)
    }
}

impl<M: AsRef<str>> From<Vec<M>> for AllowMethods {
    fn from(methods: Vec<M>) -> Self {
        Self::list(methods)
    }
}

/// The request headers a preflight may ask for (`Access-Control-Request-Headers`), answered in
/// `Access-Control-Allow-Headers` (Fetch standard §3.2.3). The CORS-safelisted headers (`Accept`,
/// `Accept-Language`, `Content-Language`, and `Content-Type` with a form or text value) need no
/// permission; `Content-Type: application/json` does.
///
/// ```
/// use velocy::cors::Cors;
/// use velocy::header::{AUTHORIZATION, CONTENT_TYPE};
///
/// let cors = Cors::new().allow_origin("https://app.example").allow_headers([CONTENT_TYPE, AUTHORIZATION]);
/// # let _ = cors;
/// ```
#[derive(Debug, Clone)]
pub struct AllowHeaders {
    kind: HeadersKind,
}

#[derive(Debug, Clone)]
enum HeadersKind {
    List(Names<HeaderName>),
    Mirror,
    Any,
}

impl AllowHeaders {
    /// Exactly these headers (case-insensitive); a preflight asking for any other gets no permission. A
    /// name that is not a field name (RFC 9110 §5.1) is a build error. The default is an empty list.
    pub fn list<I, H>(headers: I) -> Self
    where
        I: IntoIterator<Item = H>,
        H: AsRef<str>,
    {
        Self { kind: HeadersKind::List(Names::parse(headers, header_name)) }
    }

    /// Any requested headers, echoed back. Works with credentials, unlike [`AllowHeaders::any`].
    pub fn mirror() -> Self {
        Self { kind: HeadersKind::Mirror }
    }

    /// `Access-Control-Allow-Headers: *`: any header except `Authorization` (which the Fetch standard
    /// never covers by the wildcard: list it, or use [`AllowHeaders::mirror`]), for requests without
    /// credentials only (a build error together with
    /// [`Cors::allow_credentials`](super::Cors::allow_credentials)).
    pub fn any() -> Self {
        Self { kind: HeadersKind::Any }
    }

    pub(crate) fn is_any(&self) -> bool {
        matches!(self.kind, HeadersKind::Any)
    }

    pub(crate) fn invalid(&self) -> &[String] {
        match &self.kind {
            HeadersKind::List(names) => &names.invalid,
            _ => &[],
        }
    }

    /// The `Access-Control-Allow-Headers` value for a preflight asking for `requested` (lowercase names),
    /// `Ok(None)` when none is needed, `Err(())` when a requested header is not allowed.
    pub(crate) fn answer(&self, requested: &[HeaderName]) -> Result<Option<HeaderValue>, ()> {
        match &self.kind {
            HeadersKind::List(names) => {
                if requested.iter().all(|name| names.items.contains(name)) {
                    Ok(names.value.clone())
                } else {
                    Err(())
                }
            }
            HeadersKind::Mirror if requested.is_empty() => Ok(None),
            HeadersKind::Mirror => {
                let joined: Vec<&str> = requested.iter().map(HeaderName::as_str).collect();
                HeaderValue::from_str(&joined.join(", ")).map(Some).map_err(|_| ())
            }
            HeadersKind::Any => Ok(Some(HeaderValue::from_static("*"))),
        }
    }
}

impl Default for AllowHeaders {
    fn default() -> Self {
        Self::list(Vec::<&str>::new())
    }
}

impl<H: AsRef<str>, const N: usize> From<[H; N]> for AllowHeaders {
    fn from(headers: [H; N]) -> Self {
        Self::list(headers)
    }
}

impl<H: AsRef<str>> From<Vec<H>> for AllowHeaders {
    fn from(headers: Vec<H>) -> Self {
        Self::list(headers)
    }
}

/// The response headers scripts may read beyond the CORS-safelisted ones (`Cache-Control`,
/// `Content-Language`, `Content-Length`, `Content-Type`, `Expires`, `Last-Modified`, `Pragma`), sent in
/// `Access-Control-Expose-Headers` on actual responses (Fetch standard §3.2.3).
///
/// ```
/// use velocy::cors::Cors;
///
/// let cors = Cors::new().allow_origin("https://app.example").expose_headers(["x-request-id", "etag"]);
/// # let _ = cors;
/// ```
#[derive(Debug, Clone)]
pub struct ExposeHeaders {
    any: bool,
    names: Names<HeaderName>,
}

impl ExposeHeaders {
    /// Exactly these headers; a name that is not a field name is a build error. The default is none.
    pub fn list<I, H>(headers: I) -> Self
    where
        I: IntoIterator<Item = H>,
        H: AsRef<str>,
    {
        Self { any: false, names: Names::parse(headers, header_name) }
    }

    /// `Access-Control-Expose-Headers: *`: every header, for requests without credentials only (a build
    /// error together with [`Cors::allow_credentials`](super::Cors::allow_credentials)).
    pub fn any() -> Self {
        Self { any: true, names: Names::default() }
    }

    pub(crate) fn is_any(&self) -> bool {
        self.any
    }

    pub(crate) fn invalid(&self) -> &[String] {
        &self.names.invalid
    }

    /// The `Access-Control-Expose-Headers` value, if any.
    pub(crate) fn value(&self) -> Option<HeaderValue> {
        if self.any {
            Some(HeaderValue::from_static("*"))
        } else {
            self.names.value.clone()
        }
    }
}

impl Default for ExposeHeaders {
    fn default() -> Self {
        Self::list(Vec::<&str>::new())
    }
}

impl<H: AsRef<str>, const N: usize> From<[H; N]> for ExposeHeaders {
    fn from(headers: [H; N]) -> Self {
        Self::list(headers)
    }
}

impl<H: AsRef<str>> From<Vec<H>> for ExposeHeaders {
    fn from(headers: Vec<H>) -> Self {
        Self::list(headers)
    }
}
