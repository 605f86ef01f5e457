//! The request lifecycle: hooks and middleware around every request, in one fixed order.
//!
#![doc = include_str!("../docs/lifecycle.md")]

use std::sync::Arc;

use http::StatusCode;

use crate::app::Finishing;
use crate::middleware::{Middleware, Next, Terminal};
use crate::request::Request;
use crate::response::Response;

mod completion;
mod hooks;
mod panic;

pub(crate) use completion::CompletionBody;
pub use hooks::{
    AfterResponse, BeforeRequest, Completion, ErrorSink, Intercepted, PostResponse, RequestSummary,
    ServeError, StatusInterceptor,
};
pub use panic::PanicMessage;
pub(crate) use panic::{poll_catching, CatchPanic};

/// Status interceptors, by status, in the order they apply (innermost scope first).
pub(crate) type Interceptors = Arc<[(StatusCode, Arc<dyn StatusInterceptor>)]>;

/// Everything an app runs around its routes.
pub(crate) struct Lifecycle {
    pub(crate) before_request: Vec<Arc<dyn BeforeRequest>>,
    pub(crate) middleware: Arc<[Arc<dyn Middleware>]>,
    pub(crate) interceptors: Vec<(StatusCode, Arc<dyn StatusInterceptor>)>,
    pub(crate) after_response: Vec<Arc<dyn AfterResponse>>,
    pub(crate) post_response: Vec<Arc<dyn PostResponse>>,
    pub(crate) error_sinks: Vec<Arc<dyn ErrorSink>>,
    pub(crate) request_context: bool,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Self {
            before_request: Vec::new(),
            middleware: Arc::from(Vec::new()),
            interceptors: Vec::new(),
            after_response: Vec::new(),
            post_response: Vec::new(),
            error_sinks: Vec::new(),
            request_context: false,
        }
    }
}

impl Lifecycle {
    /// Whether a request needs nothing around its route's own chain but the finishing touches (which
    /// include the post-response report): then the fast path runs, without the lifecycle's boxed future.
    pub(crate) fn is_trivial(&self, has_scoped_interceptors: bool) -> bool {
        self.before_request.is_empty()
            && self.middleware.is_empty()
            && self.interceptors.is_empty()
            && self.after_response.is_empty()
            && !self.request_context
            && !has_scoped_interceptors
    }

    /// Whether hooks need a copy of the request head: interceptors and after-response hooks read it.
    fn needs_summary(&self, has_scoped_interceptors: bool) -> bool {
        !self.interceptors.is_empty() || has_scoped_interceptors || !self.after_response.is_empty()
    }
}

impl std::fmt::Debug for Lifecycle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lifecycle")
            .field("before_request", &self.before_request.len())
            .field("middleware", &self.middleware.len())
            .field("interceptors", &self.interceptors.len())
            .field("after_response", &self.after_response.len())
            .field("post_response", &self.post_response.len())
            .field("error_sinks", &self.error_sinks.len())
            .field("request_context", &self.request_context)
            .finish()
    }
}

/// Runs one request through the whole lifecycle (the slow path, taken when a hook around the handler,
/// global middleware, an interceptor or the request context exists), then applies `finishing`.
pub(crate) async fn run(app: crate::app::AppService, request: Request, mut finishing: Finishing) -> Response {
    let shared = Arc::clone(&app.shared);
    let lifecycle = &shared.lifecycle;
    let mut summary =
        lifecycle.needs_summary(shared.table.has_scoped_interceptors()).then(|| summarize(&request));

    let mut outcome = Ok(request);
    for hook in &lifecycle.before_request {
        let Ok(request) = outcome else { break };
        outcome = hook.call(request).await;
    }

    let (mut response, interceptors) = match outcome {
        Err(response) => (response, None),
        Ok(mut request) => {
            let dispatched = app.route(&mut request);
            let interceptors = shared.table.interceptors_for(request.parts());
            let route = request.parts().matched_route_shared();
            if let Some(summary) = summary.as_mut() {
                summary.route = route.cloned();
            }
            finishing.set_route(route);
            let terminal = match dispatched {
                crate::app::Dispatched::Endpoint { endpoint, vary_accept } => {
                    finishing.vary_accept = vary_accept;
                    Terminal::Endpoint(endpoint.clone())
                }
                crate::app::Dispatched::Ready(response) => Terminal::Response(response),
            };
            let context =
                lifecycle.request_context.then(|| crate::context::RequestContext::capture(&request));
            let chain = CatchPanic::new(Next::new(Arc::clone(&lifecycle.middleware), terminal).run(request));
            let response = match context {
                Some(context) => crate::context::scope(context, chain).await,
                None => chain.await,
            };
            (response, interceptors)
        }
    };

    if let Some(summary) = &summary {
        response = intercept(response, summary, interceptors.as_deref(), &lifecycle.interceptors).await;
        for hook in lifecycle.after_response.iter().rev() {
            hook.call(summary, &mut response);
        }
    }
    finishing.apply(response)
}

/// A copy of the request head for the hooks.
fn summarize(request: &Request) -> RequestSummary {
    let parts = request.parts();
    let head = parts.head();
    RequestSummary {
        method: head.method.clone(),
        uri: head.uri.clone(),
        version: head.version,
        headers: head.headers.clone(),
        route: None,
        request_id: parts.request_id().cloned(),
    }
}

/// Applies the first interceptor for the response's status: scoped ones (innermost router first), then
/// the app's.
async fn intercept(
    response: Response,
    summary: &RequestSummary,
    scoped: Option<&[(StatusCode, Arc<dyn StatusInterceptor>)]>,
    global: &[(StatusCode, Arc<dyn StatusInterceptor>)],
) -> Response {
    let status = response.status();
    let found = scoped
        .into_iter()
        .flatten()
        .chain(global.iter())
        .find(|(intercepted, _)| *intercepted == status)
        .map(|(_, interceptor)| Arc::clone(interceptor));
    match found {
        Some(interceptor) => {
            let intercepted = Intercepted { request: summary.clone(), response };
            let future = CatchPanic::new(interceptor.intercept(intercepted));
            future.await
        }
        None => response,
    }
}

#[cfg(test)]
mod tests;
