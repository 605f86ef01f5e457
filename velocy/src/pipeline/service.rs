//! [`AppService`]: a built app, answering requests. The request hot path lives here: route lookup, handler
//! call, and the few headers every response gets.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{Method, StatusCode};

use super::dispatch::{dispatch, Dispatched};
use super::{AppShared, Finishing};
use crate::body::Body;
use crate::future::BoxFuture;
use crate::handler::panic::panic_response;
use crate::lifecycle::{poll_catching, PipelinePath};
use crate::middleware::{Next, Terminal};
use crate::request::{ParamSpans, Request, RequestParts};
use crate::response::{IntoResponse, Problem, Response};
use crate::routing::RouteInfo;

/// A built, validated app: call [`AppService::handle`] with a request, serve it with
/// [`AppService::serve`], or hand it to hyper as a `hyper::service::Service`. Cloning is cheap (one `Arc`).
#[derive(Clone)]
pub struct AppService {
    pub(crate) shared: Arc<AppShared>,
}

impl AppService {
    /// Answers one request. `remote_addr` is the peer, when the request came over a socket.
    ///
    /// The stages are those of the [pipeline](crate::pipeline): the request id first, so every answer
    /// carries it; then the target check (400/414 on failure). An app with no hook around the handler
    /// routes and calls the handler right here (the fast path); one with only global middleware routes
    /// here and runs the global chain; otherwise the full pipeline runs, in one boxed future.
    pub fn handle(&self, request: http::Request<Body>, remote_addr: Option<SocketAddr>) -> ResponseFuture {
        self.handle_connection(request, remote_addr, false)
    }

    /// [`AppService::handle`] for a request that came over a connection, `encrypted` when it is TLS.
    pub(crate) fn handle_connection(
        &self,
        request: http::Request<Body>,
        remote_addr: Option<SocketAddr>,
        encrypted: bool,
    ) -> ResponseFuture {
        let (mut head, body) = request.into_parts();
        let shared = &self.shared;
        let request_id = shared.config.request_id.as_ref().map(|setting| setting.id_for(&head.headers));
        let scan = crate::target::scan(&head.headers);
        let mut finishing = Finishing::new(shared, &head, request_id.as_ref(), scan.accept);
        let unicode = shared.table.options().unicode_normalization;
        let length_known = http_body::Body::size_hint(&body).exact().is_some();
        let limits = &shared.config.limits;
        let matching_path = match crate::target::check(&mut head, limits, unicode, length_known, scan.hosts) {
            Ok(matching_path) => matching_path,
            Err(response) => {
                return self.rejected(head, body, (remote_addr, encrypted), request_id, response, finishing)
            }
        };
        let parts = self.parts(head, (remote_addr, encrypted), matching_path, request_id);
        let mut request = Request::from_parts(parts, body);
        let inner = match shared.path {
            PipelinePath::Fast => match dispatch(shared, &mut request) {
                Dispatched::Endpoint { endpoint, vary_accept } => {
                    finishing.vary_accept = vary_accept;
                    finishing.set_route(request.parts().matched_route_shared());
                    Inner::Handler(endpoint.call(request))
                }
                Dispatched::Ready(response) => Inner::Ready(Some(response)),
            },
            PipelinePath::GlobalMiddleware => {
                let terminal = match dispatch(shared, &mut request) {
                    Dispatched::Endpoint { endpoint, vary_accept } => {
                        finishing.vary_accept = vary_accept;
                        Terminal::Endpoint(endpoint.clone())
                    }
                    Dispatched::Ready(response) => Terminal::Response(response),
                };
                finishing.set_route(request.parts().matched_route_shared());
                // A panic in the chain's futures is caught by `ResponseFuture::poll`; one in a middleware's
                // synchronous `call` here.
                let chain = Next::new(Arc::clone(&shared.lifecycle.middleware), terminal);
                match std::panic::catch_unwind(AssertUnwindSafe(|| chain.run(request))) {
                    Ok(future) => Inner::Handler(future),
                    Err(payload) => Inner::Ready(Some(panic_response(payload))),
                }
            }
            PipelinePath::Full => {
                let future = super::with_hooks::run(Arc::clone(shared), request, None, finishing);
                return ResponseFuture { inner: Inner::Handler(Box::pin(future)), finishing: None };
            }
        };
        ResponseFuture { inner, finishing: Some(finishing) }
    }

    /// The parts of a request about to be routed.
    fn parts(
        &self,
        head: http::request::Parts,
        (remote_addr, encrypted): (Option<SocketAddr>, bool),
        matching_path: Option<Box<str>>,
        request_id: Option<crate::request_id::RequestId>,
    ) -> RequestParts {
        RequestParts {
            head,
            params: ParamSpans::new(),
            route: None,
            routed: false,
            app: Arc::clone(&self.shared.data),
            remote_addr,
            encrypted,
            body_limit: None,
            matching_path,
            request_id,
            negotiated: false,
        }
    }

    /// A request the target check refused: with hooks, its answer goes through the rest of the pipeline
    /// (global middleware, interceptors, response mappers); without, it is finished at once. Kept out of
    /// [`AppService::handle`] so the common path does not carry a response around.
    #[cold]
    #[inline(never)]
    fn rejected(
        &self,
        head: http::request::Parts,
        body: Body,
        connection: (Option<SocketAddr>, bool),
        request_id: Option<crate::request_id::RequestId>,
        response: Response,
        finishing: Finishing,
    ) -> ResponseFuture {
        if self.shared.path == PipelinePath::Fast {
            return ResponseFuture { inner: Inner::Ready(Some(response)), finishing: Some(finishing) };
        }
        let request = Request::from_parts(self.parts(head, connection, None, request_id), body);
        let future = super::with_hooks::run(Arc::clone(&self.shared), request, Some(response), finishing);
        ResponseFuture { inner: Inner::Handler(Box::pin(future)), finishing: None }
    }

    /// Reports a connection-level error to the app's error sinks.
    pub(crate) fn report_connection_error(&self, message: String) {
        let sinks = &self.shared.lifecycle.error_sinks;
        if sinks.is_empty() {
            return;
        }
        let error = crate::lifecycle::ServeError { message, method: None, uri: None };
        for sink in sinks {
            sink.report(&error);
        }
    }

    /// Every route, in registration order.
    pub fn routes(&self) -> impl Iterator<Item = &RouteInfo> {
        self.shared.table.routes()
    }

    /// The route table as aligned text: one line per route with methods, pattern, handler and `file:line`.
    pub fn route_table(&self) -> RouteTableText<'_> {
        RouteTableText { service: self }
    }

    /// The routing trie as an indented tree, for debugging precedence.
    pub fn route_tree(&self) -> String {
        self.shared.table.tree_text()
    }
}

impl fmt::Debug for AppService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppService").field("routes", &self.shared.table).finish()
    }
}

/// Printable route table; see [`AppService::route_table`].
#[derive(Debug)]
pub struct RouteTableText<'a> {
    service: &'a AppService,
}

impl fmt::Display for RouteTableText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows: Vec<(String, &str, &str, String)> = self
            .service
            .routes()
            .map(|info| {
                let methods: Vec<&str> = info.methods.iter().map(Method::as_str).collect();
                let location = info.location.map(|location| location.to_string()).unwrap_or_default();
                (methods.join(","), info.pattern.as_str(), info.name.as_str(), location)
            })
            .collect();
        let method_width = rows.iter().map(|row| row.0.len()).max().unwrap_or(0);
        let pattern_width = rows.iter().map(|row| row.1.len()).max().unwrap_or(0);
        let name_width = rows.iter().map(|row| row.2.len()).max().unwrap_or(0);
        for (methods, pattern, name, location) in &rows {
            writeln!(f, "{methods:method_width$}  {pattern:pattern_width$}  {name:name_width$}  {location}")?;
        }
        Ok(())
    }
}

/// The future of one response: the handler's future plus the finishing touches every response gets
/// (`Server` and request id headers, no body for `HEAD`, the completion report). Panics in the handler
/// become 500s here. No allocation beyond the handler's own future (and the report, when the app has
/// completion observers).
pub struct ResponseFuture {
    inner: Inner,
    finishing: Option<Finishing>,
}

enum Inner {
    Handler(BoxFuture<'static, Response>),
    Ready(Option<Response>),
}

impl Future for ResponseFuture {
    type Output = Response;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        let response = match &mut self.inner {
            Inner::Handler(future) => match poll_catching(future.as_mut(), cx) {
                Poll::Ready(response) => response,
                Poll::Pending => return Poll::Pending,
            },
            Inner::Ready(response) => match response.take() {
                Some(response) => response,
                None => Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "response polled after completion")
                    .into_response(),
            },
        };
        match self.finishing.take() {
            Some(finishing) => Poll::Ready(finishing.apply(response)),
            None => Poll::Ready(response),
        }
    }
}

impl fmt::Debug for ResponseFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

/// Serves hyper connections: each request's peer is the connection's.
#[derive(Clone, Debug)]
pub(crate) struct ConnectionService {
    pub(crate) app: AppService,
    pub(crate) remote_addr: Option<SocketAddr>,
    /// The connection is TLS.
    pub(crate) encrypted: bool,
}

impl hyper::service::Service<http::Request<hyper::body::Incoming>> for ConnectionService {
    type Response = Response;
    type Error = Infallible;
    type Future = InfallibleFuture;

    fn call(&self, request: http::Request<hyper::body::Incoming>) -> Self::Future {
        InfallibleFuture {
            inner: self.app.handle_connection(request.map(Body::from), self.remote_addr, self.encrypted),
        }
    }
}

/// A [`ResponseFuture`] that resolves to `Ok`, as hyper's `Service` wants.
#[derive(Debug)]
pub(crate) struct InfallibleFuture {
    inner: ResponseFuture,
}

impl Future for InfallibleFuture {
    type Output = Result<Response, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.inner).poll(cx).map(Ok)
    }
}
