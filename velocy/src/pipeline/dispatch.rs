//! Routing a request: what the route table found, turned into the endpoint to run or the answer to send.

use http::header::{HeaderValue, ALLOW, VARY};
use http::{Method, StatusCode};

use super::AppShared;
use crate::middleware::Endpoint;
use crate::request::{Request, RequestParts};
use crate::response::{IntoResponse, Redirect, Response};
use crate::routing::rejection::{
    InvalidHost, MethodNotAllowed, NotAcceptable, NotFound, NotImplemented, UnsupportedMediaType,
};
use crate::routing::table::Lookup;

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
    let RequestParts { head, params, route, routed, matching_path, .. } = request.parts_mut();
    *routed = true;
    if head.uri.path() == "*" {
        // `OPTIONS *` (the only asterisk-form target the target check lets through) asks about the server
        // as a whole: a plain 204 (RFC 9110 §9.3.7).
        return Dispatched::Ready(StatusCode::NO_CONTENT.into_response());
    }
    match shared.table.lookup(head, matching_path.as_deref(), params) {
        Lookup::Found { route: id, endpoint, negotiated } => {
            *route = Some(id as usize);
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
