//! The full pipeline, with hooks: taken when the app has a request hooks or response mappers, global
//! middleware, a status interceptor or the request context (see the [module docs](super) for the order).

use std::sync::Arc;

use http::StatusCode;

use super::dispatch::{dispatch, Dispatched};
use super::{AppShared, Finishing};
use crate::context::{self, RequestContext};
use crate::lifecycle::{CatchPanic, Intercepted, RequestSummary, StatusInterceptor};
use crate::middleware::{Next, Terminal};
use crate::request::Request;
use crate::response::Response;

/// Runs one request through every stage, then applies `finishing`. `rejected` is the answer of a failed
/// target check: such a request skips the request hooks and routing, and its answer goes through
/// the rest.
pub(crate) async fn run(
    shared: Arc<AppShared>,
    request: Request,
    rejected: Option<Response>,
    mut finishing: Finishing,
) -> Response {
    let lifecycle = &shared.lifecycle;
    let mut summary =
        lifecycle.needs_summary(shared.table.has_scoped_interceptors()).then(|| summarize(&request));

    let mut outcome = Ok(request);
    // A request that failed the target check goes to no request hook: its head is not trusted.
    if rejected.is_none() {
        for hook in &lifecycle.request_hooks {
            let Ok(request) = outcome else { break };
            outcome = hook.call(request).await;
        }
    }

    let (mut response, interceptors) = match outcome {
        Err(response) => (response, None),
        Ok(mut request) => {
            let dispatched = match rejected {
                Some(response) => {
                    request.parts_mut().routed = true;
                    Dispatched::Ready(response)
                }
                None => dispatch(&shared, &mut request),
            };
            let interceptors = shared.table.interceptors_for(request.parts());
            let route = request.parts().matched_route_shared();
            if let Some(summary) = summary.as_mut() {
                summary.route = route.cloned();
            }
            finishing.set_route(route);
            let terminal = match dispatched {
                Dispatched::Endpoint { endpoint, vary_accept } => {
                    finishing.vary_accept = vary_accept;
                    Terminal::Endpoint(endpoint.clone())
                }
                Dispatched::Ready(response) => Terminal::Response(response),
            };
            let context = lifecycle.request_context.then(|| RequestContext::capture(&request));
            let chain = CatchPanic::new(Next::new(Arc::clone(&lifecycle.middleware), terminal).run(request));
            let response = match context {
                Some(context) => context::scope(context, chain).await,
                None => chain.await,
            };
            (response, interceptors)
        }
    };

    if let Some(summary) = &summary {
        response = intercept(response, summary, interceptors.as_deref(), &lifecycle.interceptors).await;
        for hook in lifecycle.response_mappers.iter().rev() {
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
