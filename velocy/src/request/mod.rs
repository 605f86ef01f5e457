//! [`Request`] and [`RequestParts`]: an incoming request as handlers and extractors see it.
//!
//! Velocy keeps the `http` crate's request head and adds what routing learned about the request: the matched
//! route and its path parameters, the application's shared state and configuration, and the peer's address.
//! None of it is stored in the request's extensions, so routing a request allocates nothing.

use std::net::SocketAddr;
use std::sync::Arc;

use http::{Extensions, HeaderMap, Method, Uri, Version};

use crate::body::Body;
use crate::request_id::RequestId;

mod app_data;
mod params;
mod state_map;

pub(crate) use app_data::{AppData, RouteData};
pub(crate) use params::ParamSpans;
pub(crate) use state_map::StateMap;

/// An incoming request: its [`RequestParts`] and its [`Body`].
#[derive(Debug)]
pub struct Request {
    parts: RequestParts,
    body: Body,
}

impl Request {
    /// Joins parts and a body.
    pub fn from_parts(parts: RequestParts, body: Body) -> Self {
        Self { parts, body }
    }

    /// Splits the request into its parts and its body.
    pub fn into_parts(self) -> (RequestParts, Body) {
        (self.parts, self.body)
    }

    /// The request head and routing information.
    pub fn parts(&self) -> &RequestParts {
        &self.parts
    }

    /// The request head and routing information, mutably.
    pub fn parts_mut(&mut self) -> &mut RequestParts {
        &mut self.parts
    }

    /// The request head, writable only before routing (in request hooks): once a route matched,
    /// the method, target and headers are read-only, so every later stage sees what routing saw. `None`
    /// after routing. Extensions stay writable through [`RequestParts::extensions_mut`].
    pub fn head_mut(&mut self) -> Option<&mut http::request::Parts> {
        if self.parts.routed {
            None
        } else {
            Some(&mut self.parts.head)
        }
    }

    /// The body.
    pub fn body_mut(&mut self) -> &mut Body {
        &mut self.body
    }

    /// The request method.
    pub fn method(&self) -> &Method {
        self.parts.method()
    }

    /// The request target.
    pub fn uri(&self) -> &Uri {
        self.parts.uri()
    }

    /// The request headers.
    pub fn headers(&self) -> &HeaderMap {
        self.parts.headers()
    }
}

/// Everything about a request except its body: the head (method, target, version, headers, extensions),
/// the matched route with its path parameters, the application state and the peer address.
///
/// Extractors ([`FromRequestParts`](crate::extract::FromRequestParts)) read from it.
#[derive(Debug)]
pub struct RequestParts {
    pub(crate) head: http::request::Parts,
    pub(crate) params: ParamSpans,
    pub(crate) route: Option<usize>,
    /// Routing has run (whether or not a route matched).
    pub(crate) routed: bool,
    /// What the app shares with its requests: state, limits, route metadata.
    pub(crate) app: Arc<AppData>,
    pub(crate) remote_addr: Option<SocketAddr>,
    /// The request came over TLS.
    pub(crate) encrypted: bool,
    /// A per-request override of the app's body limit, set by
    /// [`BodyLimit`](crate::middleware::BodyLimit); `None` uses the app's.
    pub(crate) body_limit: Option<usize>,
    /// The path routing matched when it differs from the target's (Unicode NFC); parameters index it.
    pub(crate) matching_path: Option<Box<str>>,
    /// The request's id, when the app gives requests ids.
    pub(crate) request_id: Option<RequestId>,
    /// The route was chosen by content negotiation on `Accept` (the response varies on it).
    pub(crate) negotiated: bool,
}

impl RequestParts {
    /// The request method.
    pub fn method(&self) -> &Method {
        &self.head.method
    }

    /// The request target as received.
    pub fn uri(&self) -> &Uri {
        &self.head.uri
    }

    /// The path of the request target, still percent-encoded.
    pub fn path(&self) -> &str {
        self.head.uri.path()
    }

    /// The HTTP version.
    pub fn version(&self) -> Version {
        self.head.version
    }

    /// The request headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.head.headers
    }

    /// Typed per-request values, written by middleware and read by handlers with
    /// [`Extension`](crate::extract::Extension).
    pub fn extensions(&self) -> &Extensions {
        &self.head.extensions
    }

    /// Typed per-request values, mutably.
    pub fn extensions_mut(&mut self) -> &mut Extensions {
        &mut self.head.extensions
    }

    /// The `http` crate's view of the request head.
    pub fn head(&self) -> &http::request::Parts {
        &self.head
    }

    /// The request's id, when the app gives requests ids ([`App::request_id`](crate::App::request_id)); set
    /// before any hook or middleware runs.
    pub fn request_id(&self) -> Option<&RequestId> {
        self.request_id.as_ref()
    }

    /// The address of the peer, when the request came from a socket (not from the in-process test client).
    pub fn remote_addr(&self) -> Option<SocketAddr> {
        self.remote_addr
    }

    /// Whether the client spoke `https`: the request came over TLS, or its peer is one of the app's
    /// [trusted proxies](crate::App::trusted_proxies) and the nearest proxy says so in the header it sets
    /// ([`App::forwarding_headers`](crate::App::forwarding_headers): `X-Forwarded-Proto: https` by default,
    /// or `Forwarded: proto=https`, RFC 7239 §5.4). Cookies use it to decide on their `Secure` attribute.
    pub fn is_https(&self) -> bool {
        self.encrypted
            || self
                .remote_addr
                .is_some_and(|peer| self.app.trusted_proxies.forwarded_https(peer.ip(), self.headers()))
    }

    /// The pattern of the matched route, such as `/users/:id`; `None` before routing or when nothing matched.
    pub fn matched_route(&self) -> Option<&str> {
        self.route_data().map(|route| &*route.pattern)
    }

    /// The pattern of the matched route, shared (for hooks that keep it past the request).
    pub(crate) fn matched_route_shared(&self) -> Option<&Arc<str>> {
        self.route_data().map(|route| &route.pattern)
    }

    /// The raw (still percent-encoded) value of the path parameter `name` of the matched route.
    pub fn param(&self, name: &str) -> Option<&str> {
        let route = self.route_data()?;
        let index = route.param_names.iter().position(|candidate| &**candidate == name)?;
        self.param_at(index)
    }

    /// The raw value of the `index`-th path parameter of the matched route, in pattern order.
    pub fn param_at(&self, index: usize) -> Option<&str> {
        let span = self.params.get(index)?;
        self.matching_path().get(span)
    }

    /// The path routing matched: the target's path, or its Unicode NFC form when that differs (see
    /// [`App::unicode_normalization`](crate::App::unicode_normalization)). Still percent-encoded.
    pub fn matching_path(&self) -> &str {
        self.matching_path.as_deref().unwrap_or_else(|| self.head.uri.path())
    }

    /// Every path parameter of the matched route as `(name, raw value)`, in pattern order.
    pub fn params(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        let names: &[Box<str>] = match self.route_data() {
            Some(route) => &route.param_names,
            None => &[],
        };
        names.iter().enumerate().filter_map(|(index, name)| Some((&**name, self.param_at(index)?)))
    }

    /// The application state of type `T`, if the app provides one (see [`App::state`](crate::App::state)).
    pub fn state<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.app.state.get::<T>()
    }

    /// The largest body, in bytes, that buffering extractors (`Json`, `Form`, `Bytes`, `String`) accept:
    /// the route's [`BodyLimit`](crate::middleware::BodyLimit) when one applies, otherwise the app's
    /// [`App::body_limit`](crate::App::body_limit).
    pub fn body_limit(&self) -> usize {
        self.body_limit.unwrap_or(self.app.body_limit)
    }

    /// The metadata of the matched route.
    fn route_data(&self) -> Option<&RouteData> {
        self.app.routes.get(self.route?)
    }
}
