//! The hook traits: request hooks, status interceptors, response mappers and completion observers.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, Method, StatusCode, Uri, Version};

use crate::future::BoxFuture;
use crate::request::Request;
use crate::request_id::RequestId;
use crate::response::{IntoResponse, Response};

/// Runs before routing. Return `Ok(request)` to continue (possibly changed: the head is still writable
/// here), or `Err(response)` to answer at once; the first hook that answers ends the request.
///
/// Implemented for async closures `Fn(Request) -> impl Future<Output = Result<Request, R>>` where `R`
/// implements [`IntoResponse`].
pub trait RequestHook: Send + Sync + 'static {
    /// Inspects `request`.
    fn call(&self, request: Request) -> BoxFuture<'static, Result<Request, Response>>;
}

impl<F, Fut, R> RequestHook for F
where
    F: Fn(Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Request, R>> + Send + 'static,
    R: IntoResponse,
{
    fn call(&self, request: Request) -> BoxFuture<'static, Result<Request, Response>> {
        let future = self(request);
        Box::pin(async move { future.await.map_err(IntoResponse::into_response) })
    }
}

/// What a status interceptor or an response mapper knows about the request: a copy of its head taken
/// before the handler ran, and the route that matched.
#[derive(Debug, Clone)]
pub struct RequestSummary {
    /// The method.
    pub method: Method,
    /// The request target.
    pub uri: Uri,
    /// The HTTP version.
    pub version: Version,
    /// The request headers.
    pub headers: HeaderMap,
    /// The pattern of the matched route, if one matched.
    pub route: Option<Arc<str>>,
    /// The request's id, when the app gives requests ids ([`App::request_id`](crate::App::request_id)).
    pub request_id: Option<RequestId>,
}

/// A response handed to a status interceptor, with the request it answers.
#[derive(Debug)]
pub struct Intercepted {
    /// The request.
    pub request: RequestSummary,
    /// The response that has the intercepted status: return it unchanged to keep it.
    pub response: Response,
}

/// Replaces responses with a given status — custom 404 pages, uniform 500 bodies — including those the
/// framework makes itself (404, 405, 413, 415, 500 after a panic…).
///
/// Implemented for async closures `Fn(Intercepted) -> impl Future<Output = impl IntoResponse>`.
pub trait StatusInterceptor: Send + Sync + 'static {
    /// Produces the response to send instead.
    fn intercept(&self, intercepted: Intercepted) -> BoxFuture<'static, Response>;
}

impl<F, Fut, R> StatusInterceptor for F
where
    F: Fn(Intercepted) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoResponse,
{
    fn intercept(&self, intercepted: Intercepted) -> BoxFuture<'static, Response> {
        let future = self(intercepted);
        Box::pin(async move { future.await.into_response() })
    }
}

/// Runs once the response exists, before it is sent; may inspect or replace it. Response mappers run
/// in *reverse* order of registration (the last registered sees the response first), like the "late
/// handlers" of the seed frameworks.
///
/// Implemented for closures `Fn(&RequestSummary, &mut Response)`.
pub trait MapResponse: Send + Sync + 'static {
    /// Inspects or changes `response`.
    fn call(&self, request: &RequestSummary, response: &mut Response);
}

impl<F> MapResponse for F
where
    F: Fn(&RequestSummary, &mut Response) + Send + Sync + 'static,
{
    fn call(&self, request: &RequestSummary, response: &mut Response) {
        self(request, response);
    }
}

/// What happened to one request once its response was fully sent, or failed: the input of completion
/// hooks (access logs, metrics).
#[derive(Debug, Clone)]
pub struct Completion {
    /// The method.
    pub method: Method,
    /// The request target.
    pub uri: Uri,
    /// The pattern of the matched route, if one matched.
    pub route: Option<Arc<str>>,
    /// The request's id, when the app gives requests ids ([`App::request_id`](crate::App::request_id)).
    pub request_id: Option<RequestId>,
    /// The response status.
    pub status: StatusCode,
    /// Body bytes handed to the connection.
    pub bytes_sent: u64,
    /// From the start of handling to the end of the body.
    pub duration: Duration,
    /// Why the body did not finish, if it did not (a stream error, or the client went away).
    pub error: Option<String>,
    /// The panic message, if a handler or middleware panicked.
    pub panic: Option<String>,
}

/// Runs after the body was fully written to the connection (or the connection failed). It runs on the
/// connection's task as the body ends, so keep it quick: hand slow work (writing to a remote log) to a
/// channel or a spawned task. It never delays the response itself.
///
/// Implemented for closures `Fn(&Completion)`.
pub trait CompletionObserver: Send + Sync + 'static {
    /// Observes the finished request.
    fn call(&self, completion: &Completion);
}

impl<F> CompletionObserver for F
where
    F: Fn(&Completion) + Send + Sync + 'static,
{
    fn call(&self, completion: &Completion) {
        self(completion);
    }
}

/// Receives errors that happen after the response head was sent (a failing body stream, a broken
/// connection), when there is no longer a way to answer the client: the connection is aborted and the
/// error reported here.
///
/// Implemented for closures `Fn(&ServeError)`.
pub trait ErrorSink: Send + Sync + 'static {
    /// Reports `error`.
    fn report(&self, error: &ServeError);
}

impl<F> ErrorSink for F
where
    F: Fn(&ServeError) + Send + Sync + 'static,
{
    fn report(&self, error: &ServeError) {
        self(error);
    }
}

/// An error that aborted a response or a connection.
#[derive(Debug, Clone)]
pub struct ServeError {
    /// What failed.
    pub message: String,
    /// The request, when the error belongs to one.
    pub method: Option<Method>,
    /// The request target, when the error belongs to one.
    pub uri: Option<Uri>,
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.method, &self.uri) {
            (Some(method), Some(uri)) => write!(f, "{method} {uri}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}
