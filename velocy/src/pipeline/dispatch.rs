//! Routing a request: what the route table found, turned into the endpoint to run or the answer to send.

use http::header::{HeaderValue, ACCESS_CONTROL_REQUEST_METHOD, ALLOW, ORIGIN, VARY};
use http::{Method, StatusCode};

use super::AppShared;
use crate::middleware::{Endpoint, RoutedPreflight};
use crate::request::{ParamSpans, Request, RequestParts};
use crate::response::{IntoResponse, Redirect, Response};
use crate::routing::rejection::{
    InvalidHost, MethodNotAllowed, NotAcceptable, NotFound, NotImplemented, UnsupportedMediaType,
};
use crate::routing::table::{Lookup, PreflightAnswerers};

/// What routing decided for a request.
pub(crate) enum Dispatched<'a> {
    /// Run this endpoint; `vary_accept` when it was chosen by content negotiation.
    Endpoint { endpoint: &'a Endpoint, vary_accept: bool },
    /// Answer this: a routing rejection, a redirect, or `204` to `OPTIONS`.
    Ready(Response),
}

/// Routes `request`: fills its route and parameters, and says what answers it. Rejections are plain
/// problem responses here; finishing renders them by `Accept`.
pub(crate) fn dispatch<'a>(shared: &'a AppShared, request: &mut Request) -> Dispatched<'a> {
    let RequestParts { head, params, route, routed, matching_path, negotiated: request_negotiated, .. } =
        request.parts_mut();
    *routed = true;
    if head.uri.path() == "*" {
        // `OPTIONS *` (the only asterisk-form target the target check lets through) asks about the server
        // as a whole: a plain 204 (RFC 9110 §9.3.7).
        return Dispatched::Ready(StatusCode::NO_CONTENT.into_response());
    }
    if head.method == Method::OPTIONS {
        let answerers = shared.table.preflight_answerers();
        if answerers != PreflightAnswerers::Nobody && is_preflight(&head.headers) {
            let global = answerers == PreflightAnswerers::Global;
            if let Some(dispatched) = preflight(shared, head, matching_path.as_deref(), params, route, global)
            {
                return dispatched;
            }
        }
    }
    match shared.table.lookup(head, matching_path.as_deref(), params) {
        Lookup::Found { route: id, endpoint, negotiated } => {
            *route = Some(id as usize);
            *request_negotiated = negotiated;
            Dispatched::Endpoint { endpoint, vary_accept: negotiated }
        }
        Lookup::NoHost { endpoint } => Dispatched::Endpoint { endpoint, vary_accept: false },
        Lookup::MethodNotAllowed { allow } => Dispatched::Ready(method_not_allowed(head, allow)),
        Lookup::Redirect { location } => Dispatched::Ready(Redirect::permanent(&location).into_response()),
        Lookup::BadHost { reason } => Dispatched::Ready(InvalidHost::new(reason).into_response()),
        Lookup::NotFound => {
            let detail = format!("no route for {} {}", head.method, head.uri.path());
            Dispatched::Ready(NotFound::new(detail).into_response())
        }
        Lookup::NotImplemented => {
            let detail = format!("the method {} is not implemented by this server", head.method);
            Dispatched::Ready(NotImplemented::new(detail).into_response())
        }
        Lookup::NotAcceptable { available } => {
            let detail = format!(
                "none of the available representations is acceptable; available: {}",
                available.join(", ")
            );
            let mut response = NotAcceptable::new(detail).into_response();
            response.headers_mut().insert(VARY, HeaderValue::from_static("accept"));
            Dispatched::Ready(response)
        }
        Lookup::UnsupportedMediaType { accepted } => {
            let detail = format!("unsupported `Content-Type`; this route accepts: {}", accepted.join(", "));
            Dispatched::Ready(UnsupportedMediaType::new(detail).into_response())
        }
    }
}

/// Whether an `OPTIONS` request is a CORS preflight: it has `Origin` and `Access-Control-Request-Method`
/// (Fetch standard §3.2.2).
fn is_preflight(headers: &http::HeaderMap) -> bool {
    headers.contains_key(ORIGIN) && headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD)
}

/// Routes a CORS preflight in an app where some middleware answers preflights
/// ([`Middleware::answers_preflight`](crate::middleware::Middleware::answers_preflight)); `global` when
/// the app's global chain has one. If the chain of the path's route for the requested method has such
/// middleware, or `global`, the request gets that route as its matched route and runs only those
/// middleware of the route's chain, then the routing's `204` with `Allow`; with `global` and no route for
/// the requested method, the answer is that `204` with no matched route. Both are marked
/// [`RoutedPreflight`]. Otherwise no middleware of the path's routes may grant it: the routing's plain
/// `204` with `Allow`. No preflight to an existing path reaches a handler, not even an `OPTIONS` route's.
/// `None`: route the request as usual (a path that does not resolve: 404 stays 404).
#[cold]
#[inline(never)]
fn preflight<'a>(
    shared: &'a AppShared,
    head: &mut http::request::Parts,
    matching_path: Option<&str>,
    params: &mut ParamSpans,
    route: &mut Option<usize>,
    global: bool,
) -> Option<Dispatched<'a>> {
    let requested = head
        .headers
        .get(ACCESS_CONTROL_REQUEST_METHOD)
        .and_then(|value| Method::from_bytes(value.as_bytes()).ok());
    let found = shared.table.preflight(head, matching_path, params, requested.as_ref())?;
    let dispatched = match found.route {
        Some((id, endpoint, answers)) if answers || global => {
            *route = Some(id as usize);
            Dispatched::Endpoint { endpoint, vary_accept: false }
        }
        None if global => Dispatched::Ready(method_not_allowed(head, found.allow)),
        _ => return Some(Dispatched::Ready(method_not_allowed(head, found.allow))),
    };
    head.extensions.insert(RoutedPreflight);
    Some(dispatched)
}

/// `204` with `Allow` to an `OPTIONS` request for a path without an `OPTIONS` route (RFC 9110 §9.3.7),
/// otherwise `405` with `Allow`.
fn method_not_allowed(head: &http::request::Parts, allow: Option<&HeaderValue>) -> Response {
    let mut response = if head.method == Method::OPTIONS {
        StatusCode::NO_CONTENT.into_response()
    } else {
        let detail = format!("{} is not allowed on {}", head.method, head.uri.path());
        MethodNotAllowed::new(detail).into_response()
    };
    if let Some(allow) = allow {
        response.headers_mut().insert(ALLOW, allow.clone());
    }
    response
}
