//! [`Finishing`]: the touches every response gets last, whichever path answered the request.

use std::sync::Arc;
use std::time::{Duration, Instant};

use http::header::{HeaderValue, CONTENT_LENGTH, SERVER, VARY};
use http::{Method, StatusCode};

use super::AppShared;
use crate::body::Body;
use crate::lifecycle::{Completion, CompletionBody};
use crate::request_id::RequestId;
use crate::response::{render_for, Response};

/// What is left to do to a response once the handler (or the framework) made it, in this order: a
/// problem response is rendered by the request's `Accept` (problem+json, or plain text when preferred:
/// the one place where this happens, for handler errors, rejections, routing and target-check answers and
/// panics alike), the `Server` header, the request id header (neither overwrites a header the handler set), `Vary: accept`
/// when content negotiation chose the route, no body for `HEAD`, and last the body is wrapped so the
/// completion observers learn when it ends.
///
/// Small on purpose (the settings stay in the app, reached through one reference count): it is moved
/// with every response future, and a larger one costs a `memcpy` per move.
pub(crate) struct Finishing {
    /// The app: its `Server` header and request id header name.
    shared: Arc<AppShared>,
    request_id: Option<RequestId>,
    strip_body: bool,
    /// Set by routing when negotiation chose the endpoint.
    pub(crate) vary_accept: bool,
    /// The pending completion report, when the app has completion observers or error sinks.
    report: Option<Box<CompletionBody>>,
    /// The request's `Accept` (several field lines joined with commas, RFC 9110 §5.3), for rendering
    /// problem responses.
    accept: Option<HeaderValue>,
}

impl Finishing {
    /// The finishing of a request with this head. Allocates only when the app has completion observers or
    /// error sinks (the report, one box).
    /// `accept` is the request's `Accept` ([`crate::target::scan`] reads it).
    pub(crate) fn new(
        shared: &Arc<AppShared>,
        head: &http::request::Parts,
        id: Option<&RequestId>,
        accept: Option<HeaderValue>,
    ) -> Self {
        let lifecycle = &shared.lifecycle;
        let report =
            (!lifecycle.completion_observers.is_empty() || !lifecycle.error_sinks.is_empty()).then(|| {
                let completion = Completion {
                    method: head.method.clone(),
                    uri: head.uri.clone(),
                    route: None,
                    request_id: id.cloned(),
                    status: StatusCode::OK,
                    bytes_sent: 0,
                    duration: Duration::ZERO,
                    error: None,
                    panic: None,
                };
                CompletionBody::pending(Arc::clone(lifecycle), completion, Instant::now())
            });
        Self {
            shared: Arc::clone(shared),
            request_id: id.cloned(),
            strip_body: head.method == Method::HEAD,
            vary_accept: false,
            report,
            accept,
        }
    }

    /// Records the matched route for the completion observers.
    pub(crate) fn set_route(&mut self, route: Option<&Arc<str>>) {
        if let Some(report) = &mut self.report {
            report.set_route(route.cloned());
        }
    }

    /// Applies the finishing touches to `response`.
    pub(crate) fn apply(self, response: Response) -> Response {
        let mut response = render_for(self.accept.as_ref(), response);
        let config = &self.shared.config;
        if let Some(server) = &config.server_header {
            response.headers_mut().entry(SERVER).or_insert_with(|| server.clone());
        }
        if let Some((setting, id)) = config.request_id.as_ref().zip(self.request_id) {
            response.headers_mut().entry(setting.header_name()).or_insert_with(|| id.to_header_value());
        }
        if self.vary_accept {
            response.headers_mut().append(VARY, HeaderValue::from_static("accept"));
        }
        if self.strip_body {
            strip_body(&mut response);
        }
        match self.report {
            Some(report) => report.attach(response),
            None => response,
        }
    }
}

/// A `HEAD` response keeps the headers `GET` would send, `Content-Length` included, without the body
/// (RFC 9110 §9.3.2).
fn strip_body(response: &mut Response) {
    if let Some(length) = http_body::Body::size_hint(response.body()).exact() {
        if !response.headers().contains_key(CONTENT_LENGTH) {
            response.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(length));
        }
    }
    *response.body_mut() = Body::empty();
}
