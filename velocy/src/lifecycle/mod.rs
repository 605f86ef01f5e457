//! The request lifecycle: hooks and middleware around every request, in one fixed order.
//!
#![doc = include_str!("../docs/lifecycle.md")]

use std::sync::Arc;

use http::StatusCode;

use crate::middleware::Middleware;

mod completion;
mod hooks;

pub use crate::handler::panic::PanicMessage;
pub(crate) use crate::handler::panic::{poll_catching, CatchPanic};
pub(crate) use completion::CompletionBody;
pub use hooks::{
    AfterResponse, BeforeRequest, Completion, ErrorSink, Intercepted, PostResponse, RequestSummary,
    ServeError, StatusInterceptor,
};

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
    pub(crate) fn needs_summary(&self, has_scoped_interceptors: bool) -> bool {
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

#[cfg(test)]
mod tests;
