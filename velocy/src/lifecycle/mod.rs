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
    Completion, CompletionObserver, ErrorSink, Intercepted, MapResponse, RequestHook, RequestSummary,
    ServeError, StatusInterceptor,
};

/// Status interceptors, by status, in the order they apply (innermost scope first).
pub(crate) type Interceptors = Arc<[(StatusCode, Arc<dyn StatusInterceptor>)]>;

/// How an app's requests go through the [pipeline](crate::pipeline), decided once when it is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PipelinePath {
    /// Nothing around the route's chain: the handler is called straight from `AppService::handle`.
    Fast,
    /// Only global middleware: routing runs at once, then the global chain, without the full pipeline's
    /// boxed future.
    GlobalMiddleware,
    /// Request hooks, interceptors, response mappers or the request context: the full pipeline.
    Full,
}

/// Everything an app runs around its routes.
pub(crate) struct Lifecycle {
    pub(crate) request_hooks: Vec<Arc<dyn RequestHook>>,
    pub(crate) middleware: Arc<[Arc<dyn Middleware>]>,
    pub(crate) interceptors: Vec<(StatusCode, Arc<dyn StatusInterceptor>)>,
    pub(crate) response_mappers: Vec<Arc<dyn MapResponse>>,
    pub(crate) completion_observers: Vec<Arc<dyn CompletionObserver>>,
    pub(crate) error_sinks: Vec<Arc<dyn ErrorSink>>,
    pub(crate) request_context: bool,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Self {
            request_hooks: Vec::new(),
            middleware: Arc::from(Vec::new()),
            interceptors: Vec::new(),
            response_mappers: Vec::new(),
            completion_observers: Vec::new(),
            error_sinks: Vec::new(),
            request_context: false,
        }
    }
}

impl Lifecycle {
    /// Which path requests take: the fast path when nothing runs around the route's own chain but the
    /// finishing touches (which include the completion report), the global-middleware path when only
    /// global middleware does, the full pipeline (one boxed future) otherwise.
    pub(crate) fn path(&self, has_scoped_interceptors: bool) -> PipelinePath {
        let hooks = !self.request_hooks.is_empty()
            || !self.interceptors.is_empty()
            || !self.response_mappers.is_empty()
            || self.request_context
            || has_scoped_interceptors;
        match (hooks, self.middleware.is_empty()) {
            (true, _) => PipelinePath::Full,
            (false, true) => PipelinePath::Fast,
            (false, false) => PipelinePath::GlobalMiddleware,
        }
    }

    /// Whether hooks need a copy of the request head: interceptors and response mappers read it.
    pub(crate) fn needs_summary(&self, has_scoped_interceptors: bool) -> bool {
        !self.interceptors.is_empty() || has_scoped_interceptors || !self.response_mappers.is_empty()
    }
}

impl std::fmt::Debug for Lifecycle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lifecycle")
            .field("request_hooks", &self.request_hooks.len())
            .field("middleware", &self.middleware.len())
            .field("interceptors", &self.interceptors.len())
            .field("response_mappers", &self.response_mappers.len())
            .field("completion_observers", &self.completion_observers.len())
            .field("error_sinks", &self.error_sinks.len())
            .field("request_context", &self.request_context)
            .finish()
    }
}

#[cfg(test)]
mod tests;
