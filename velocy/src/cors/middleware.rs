//! What [`Cors`] does to a request: CORS headers on actual responses, and the answer to preflights.

use std::sync::Arc;

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN, VARY,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};

use super::config::{Cors, Settings};
use crate::extract::Requirements;
use crate::future::BoxFuture;
use crate::middleware::{Middleware, Next, RoutedPreflight};
use crate::request::{Request, RequestParts};
use crate::response::{IntoResponse, Response};

/// `Access-Control-Request-Private-Network` (WICG Private Network Access).
const REQUEST_PRIVATE_NETWORK: HeaderName = HeaderName::from_static("access-control-request-private-network");
/// `Access-Control-Allow-Private-Network` (WICG Private Network Access).
const ALLOW_PRIVATE_NETWORK: HeaderName = HeaderName::from_static("access-control-allow-private-network");

/// The headers a `Cors` owns on responses: it removes them when it allows nothing, and replaces them
/// when it allows (so the outermost `Cors` of a chain decides).
const OWNED: [HeaderName; 3] =
    [ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_EXPOSE_HEADERS];

/// What a preflight answer varies by.
const PREFLIGHT_VARY: [&str; 3] =
    ["origin", "access-control-request-method", "access-control-request-headers"];

impl Middleware for Cors {
    fn call(&self, request: Request, next: Next) -> BoxFuture<'static, Response> {
        let settings = Arc::clone(&self.settings);
        Box::pin(async move { settings.handle(request, next).await })
    }

    fn requirements(&self, requirements: &mut Requirements) {
        for problem in self.settings.problems() {
            requirements.problem(problem);
        }
    }

    fn name(&self) -> &'static str {
        "velocy::cors::Cors"
    }

    fn answers_preflight(&self) -> bool {
        true
    }
}

impl Settings {
    async fn handle(&self, request: Request, next: Next) -> Response {
        let Some(origin) = request.headers().get(ORIGIN).cloned() else {
            // Not a CORS request; the answer still differs from a CORS request's (Fetch §3.2.5).
            let mut response = next.run(request).await;
            add_vary(response.headers_mut(), &["origin"]);
            return response;
        };
        if request.method() == Method::OPTIONS
            && request.headers().contains_key(ACCESS_CONTROL_REQUEST_METHOD)
        {
            return self.preflight(request, &origin, next).await;
        }
        let allowed = self.origin.as_ref().is_some_and(|allow| allow.allows(&origin, request.parts()));
        let mut response = next.run(request).await;
        let headers = response.headers_mut();
        for name in OWNED {
            headers.remove(name);
        }
        if allowed {
            headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, self.allow_origin_value(&origin));
            if self.credentials {
                headers.insert(ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
            }
            if let Some(expose) = self.expose.value() {
                headers.insert(ACCESS_CONTROL_EXPOSE_HEADERS, expose);
            }
        }
        add_vary(headers, &["origin"]);
        response
    }

    /// `*` for any origin (never with credentials: a build error), else the request's origin.
    fn allow_origin_value(&self, origin: &HeaderValue) -> HeaderValue {
        if self.origin.as_ref().is_some_and(super::origin::AllowOrigin::is_any) && !self.credentials {
            HeaderValue::from_static("*")
        } else {
            origin.clone()
        }
    }

    /// A preflight (Fetch §3.2.2): answered here with `204` and the CORS headers when routing routed it as
    /// a preflight ([`RoutedPreflight`]: this `Cors` is global or in the chain of the requested method's
    /// route) and everything it asks for is allowed; otherwise the rest of the chain answers (routing's
    /// `204` with `Allow`, or its 404), without CORS headers, and the browser fails the preflight. A
    /// preflight routing did not mark but routed to a route (this `Cors` hidden inside another
    /// middleware, so routing picked the `OPTIONS` route) gets a plain `204` here: its handler never runs.
    async fn preflight(&self, request: Request, origin: &HeaderValue, next: Next) -> Response {
        let routed = request.parts().extensions().get::<RoutedPreflight>().is_some();
        let granted = if routed { self.preflight_headers(origin, request.parts()) } else { None };
        let mut response = match granted {
            Some(headers) => {
                let mut response = StatusCode::NO_CONTENT.into_response();
                response.headers_mut().extend(headers);
                response
            }
            None if !routed && request.parts().matched_route().is_some() => {
                StatusCode::NO_CONTENT.into_response()
            }
            None => {
                let mut response = next.run(request).await;
                for name in OWNED {
                    response.headers_mut().remove(name);
                }
                response
            }
        };
        add_vary(response.headers_mut(), &PREFLIGHT_VARY);
        response
    }

    /// The headers of a successful preflight answer, or `None` when the origin, the method, a header or
    /// private network access is not allowed, or the path has no route for the method (routing records
    /// the route of the requested method as the matched route of a preflight).
    fn preflight_headers(&self, origin: &HeaderValue, parts: &RequestParts) -> Option<HeaderMap> {
        if !self.origin.as_ref()?.allows(origin, parts) {
            return None;
        }
        let request = parts.headers();
        let method = request
            .get(ACCESS_CONTROL_REQUEST_METHOD)
            .and_then(|value| Method::from_bytes(value.as_bytes()).ok())?;
        parts.matched_route()?;
        let methods = self.methods.answer(&method)?;
        let requested = requested_headers(request)?;
        let allow_headers = self.headers.answer(&requested).ok()?;
        let private_network = request
            .get(REQUEST_PRIVATE_NETWORK)
            .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"true"));
        if private_network && !self.private_network {
            return None;
        }

        let mut headers = HeaderMap::new();
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, self.allow_origin_value(origin));
        if self.credentials {
            headers.insert(ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
        }
        headers.insert(ACCESS_CONTROL_ALLOW_METHODS, methods);
        if let Some(allow_headers) = allow_headers {
            headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, allow_headers);
        }
        if let Some(max_age) = &self.max_age {
            headers.insert(ACCESS_CONTROL_MAX_AGE, max_age.clone());
        }
        if private_network {
            headers.insert(ALLOW_PRIVATE_NETWORK, HeaderValue::from_static("true"));
        }
        Some(headers)
    }
}

/// The names of `Access-Control-Request-Headers` (every field line, comma-separated, lowercased);
/// `None` when one is not a header name.
fn requested_headers(headers: &HeaderMap) -> Option<Vec<HeaderName>> {
    let mut names = Vec::new();
    for value in headers.get_all(ACCESS_CONTROL_REQUEST_HEADERS) {
        let text = value.to_str().ok()?;
        for name in text.split(',').map(str::trim).filter(|name| !name.is_empty()) {
            names.push(HeaderName::from_bytes(name.as_bytes()).ok()?);
        }
    }
    Some(names)
}

/// Adds `names` to the response's `Vary` (RFC 9110 §12.5.5): appended as a field line of its own,
/// leaving those already there; nothing when `Vary` is `*` or already names them.
fn add_vary(headers: &mut HeaderMap, names: &[&str]) {
    let present: Vec<String> = headers
        .get_all(VARY)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|text| text.split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .collect();
    if present.iter().any(|name| name == "*") {
        return;
    }
    let missing: Vec<&str> =
        names.iter().copied().filter(|name| !present.iter().any(|p| p == name)).collect();
    if let Ok(value) = HeaderValue::from_str(&missing.join(", ")) {
        if !missing.is_empty() {
            headers.append(VARY, value);
        }
    }
}
