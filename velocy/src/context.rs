//! The current request, reachable from anywhere in the task that handles it.
//!
//! Enable it with [`App::request_context`](crate::App::request_context); then
//! [`current()`] returns the request being handled from any code running in its task — a repository
//! function, a logging helper — without passing the request down. Use [`spawn`] (or wrap a future with
//! [`propagate`]) to carry it into tasks you start.
//!
//! **Cost.** When enabled, each request pays one allocation for the shared context and a copy of its
//! header map (header values are reference-counted, so the copy is cheap but not free); requests of an app
//! that does not enable it pay nothing. The value is a snapshot taken after routing and before middleware
//! runs: changes middleware makes to extensions later are not reflected. The request id
//! ([`App::request_id`](crate::App::request_id)) is decided before routing, so the snapshot holds it.
//!
//! ```
//! use velocy::context;
//!
//! fn audit(action: &str) -> String {
//!     match context::current() {
//!         Some(request) => format!("{action} by {} {}", request.method(), request.uri()),
//!         None => format!("{action} outside a request"),
//!     }
//! }
//! assert_eq!(audit("delete"), "delete outside a request");
//! ```

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use http::{Extensions, HeaderMap, Method, Uri, Version};

use crate::request::Request;
use crate::request_id::RequestId;

tokio::task_local! {
    static CURRENT: Arc<RequestContext>;
}

/// A snapshot of the request being handled; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct RequestContext {
    method: Method,
    uri: Uri,
    version: Version,
    headers: HeaderMap,
    extensions: Extensions,
    route: Option<String>,
    remote_addr: Option<SocketAddr>,
    request_id: Option<RequestId>,
}

impl RequestContext {
    /// Captures `request` (after routing).
    pub(crate) fn capture(request: &Request) -> Arc<Self> {
        let parts = request.parts();
        Arc::new(Self {
            method: parts.method().clone(),
            uri: parts.uri().clone(),
            version: parts.version(),
            headers: parts.headers().clone(),
            extensions: parts.extensions().clone(),
            route: parts.matched_route().map(str::to_owned),
            remote_addr: parts.remote_addr(),
            request_id: parts.request_id().cloned(),
        })
    }

    /// The request's id, when the app gives requests ids ([`App::request_id`](crate::App::request_id)).
    pub fn request_id(&self) -> Option<&RequestId> {
        self.request_id.as_ref()
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The request target.
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// The HTTP version.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The request headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request's extensions as they were after routing (a request id set by a request hook is
    /// here).
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    /// The pattern of the matched route.
    pub fn route(&self) -> Option<&str> {
        self.route.as_deref()
    }

    /// The peer address.
    pub fn remote_addr(&self) -> Option<SocketAddr> {
        self.remote_addr
    }
}

/// The request handled by the current task, if request context is enabled and the code runs inside a
/// request's task.
pub fn current() -> Option<Arc<RequestContext>> {
    CURRENT.try_with(Arc::clone).ok()
}

/// Runs `future` with `context` as the current request.
pub(crate) async fn scope<F: Future>(context: Arc<RequestContext>, future: F) -> F::Output {
    CURRENT.scope(context, future).await
}

/// Wraps `future` so it sees the current request (if any) as its own, wherever it runs.
pub fn propagate<F>(future: F) -> impl Future<Output = F::Output> + Send
where
    F: Future + Send,
{
    let context = current();
    async move {
        match context {
            Some(context) => CURRENT.scope(context, future).await,
            None => future.await,
        }
    }
}

/// `tokio::spawn` that carries the current request into the new task.
pub fn spawn<F>(future: F) -> tokio::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(propagate(future))
}
