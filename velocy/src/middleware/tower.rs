//! Tower layers inside Velocy's middleware chain: [`from_layer`], and through it [`Route::layer`](crate::Route::layer),
//! [`Router::layer`](crate::Router::layer) and [`App::layer`](crate::App::layer).
//!
//! A tower layer wraps a service; here the wrapped service is [`NextService`], "the rest of the velocy
//! chain" (later middleware, then the handler). The layered service is built once, when the layer is
//! added, and runs as a middleware at the scope it was added to, in the same order as velocy middleware.
//!
//! Per request, the velocy [`Request`] becomes an `http::Request<Body>` for the layer: its head and body go
//! to the `http` request, and what routing learned (the matched route, path parameters, the app, the peer
//! address, the body limit) travels with the rest of the chain in one request extension, taken back out
//! by [`NextService`]. Only requests that pass through a tower layer pay for this (one allocation); routes
//! without layers are untouched.

use std::any::Any;
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use http::StatusCode;
use tower_layer::Layer;
use tower_service::Service;

use super::{Middleware, Next};
use crate::body::Body;
use crate::error::{BoxError, HttpError};
use crate::future::BoxFuture;
use crate::request::{Request, RequestParts};
use crate::response::{IntoResponse, Problem, Response};

/// The service a tower layer added with [`from_layer`], [`Route::layer`](crate::Route::layer), [`Router::layer`](crate::Router::layer) or
/// [`App::layer`](crate::App::layer) wraps: the rest of the velocy chain for the request (later middleware,
/// then the handler). It never fails.
///
/// It finds the rest of the chain in an extension of the request the layer hands it, so a layer must pass
/// on the request's extensions (every tower-http layer does); a request that lost them is answered
/// `500 Internal Server Error`. The method and target are those routing saw: a layer that rewrites them
/// does not re-route the request, and the handler sees the originals. Headers, extensions and the body a
/// layer changes are seen by the rest of the chain. The rest of the chain runs once per request: a layer
/// that calls the inner service again for the same request (a retry) gets a 500 from the extra call.
#[derive(Debug, Clone, Copy, Default)]
pub struct NextService {
    _private: (),
}

/// The future of [`NextService`]: the rest of the chain's response, never an error.
pub struct NextFuture {
    inner: BoxFuture<'static, Response>,
}

impl fmt::Debug for NextFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NextFuture").finish_non_exhaustive()
    }
}

impl Future for NextFuture {
    type Output = Result<Response, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx).map(Ok)
    }
}

/// What a request leaves behind while a tower layer holds it: the rest of the chain and the routing data
/// of its [`RequestParts`] (whose head holds only the method and target routing saw). `Mutex` makes it
/// `Sync` and `Option` lets [`NextService`] take it out of a shared extension.
#[derive(Clone)]
struct Continuation(Arc<Mutex<Option<(Next, RequestParts)>>>);

impl Continuation {
    fn take(&self) -> Option<(Next, RequestParts)> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// A head with only `method` and `uri` (no headers or extensions: nothing is allocated).
fn bare_head(method: http::Method, uri: http::Uri) -> http::request::Parts {
    let (mut head, ()) = http::Request::new(()).into_parts();
    head.method = method;
    head.uri = uri;
    head
}

/// Hands `request` to a tower layer: its head and body become an `http::Request`, and `next` with the
/// routing data rides along in an extension.
fn to_http(request: Request, next: Next) -> http::Request<Body> {
    let (mut parts, body) = request.into_parts();
    let routed = bare_head(parts.head.method.clone(), parts.head.uri.clone());
    let head = std::mem::replace(&mut parts.head, routed);
    let mut request = http::Request::from_parts(head, body);
    request.extensions_mut().insert(Continuation(Arc::new(Mutex::new(Some((next, parts))))));
    request
}

impl Service<http::Request<Body>> for NextService {
    type Response = Response;
    type Error = Infallible;
    type Future = NextFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> NextFuture {
        let (mut head, body) = request.into_parts();
        let carried = head.extensions.remove::<Continuation>().and_then(|carried| carried.take());
        let Some((next, mut parts)) = carried else {
            let problem = Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "a tower layer did not pass on the request's extensions, so the request cannot continue",
            );
            return NextFuture { inner: Box::pin(std::future::ready(problem.into_response())) };
        };
        let routed = std::mem::replace(&mut parts.head, head);
        parts.head.method = routed.method;
        parts.head.uri = routed.uri;
        NextFuture { inner: next.run(Request::from_parts(parts, body)) }
    }
}

/// A body of any type as a velocy [`Body`], without boxing one that already is (or hyper's request body).
pub(crate) fn into_body<B>(body: B) -> Body
where
    B: http_body::Body + Send + 'static,
    B::Data: Into<Bytes>,
    B::Error: Into<BoxError>,
{
    let mut slot = Some(body);
    if let Some(velocy) = (&mut slot as &mut dyn Any).downcast_mut::<Option<Body>>() {
        return velocy.take().unwrap_or_default();
    }
    if let Some(incoming) = (&mut slot as &mut dyn Any).downcast_mut::<Option<hyper::body::Incoming>>() {
        return incoming.take().map(Body::from).unwrap_or_default();
    }
    slot.map(Body::new).unwrap_or_default()
}

/// A 500 for a tower service's error; the error is kept in the response's
/// [`ErrorSource`](crate::ErrorSource) extension, never sent to the client.
pub(crate) fn error_response(error: BoxError) -> Response {
    HttpError::internal(error).into_response()
}

/// A tower service running as a velocy middleware; see [`from_layer`].
struct LayerMiddleware<S> {
    service: S,
}

impl<S, ResBody> Middleware for LayerMiddleware<S>
where
    S: Service<http::Request<Body>, Response = http::Response<ResBody>> + Clone + Send + Sync + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    ResBody: http_body::Body + Send + 'static,
    ResBody::Data: Into<Bytes>,
    ResBody::Error: Into<BoxError>,
{
    fn call(&self, request: Request, next: Next) -> BoxFuture<'static, Response> {
        let mut service = self.service.clone();
        let request = to_http(request, next);
        Box::pin(async move {
            if let Err(error) = std::future::poll_fn(|cx| service.poll_ready(cx)).await {
                return error_response(error.into());
            }
            match service.call(request).await {
                Ok(response) => response.map(into_body),
                Err(error) => error_response(error.into()),
            }
        })
    }
}

/// Makes a velocy middleware from any tower [`Layer`] (such as tower-http's `CorsLayer`,
/// `CompressionLayer` or `TimeoutLayer`): the layer wraps [`NextService`], the rest of the chain, and runs
/// where the middleware is attached, in the usual order (see [`crate::middleware`](mod@crate::middleware)). Use it with
/// `#[get(.., middleware = [..])]` or [`Route::middleware`](crate::Route::middleware); [`Route::layer`](crate::Route::layer)(crate::Route::layer), [`Router::layer`](crate::Router::layer) and
/// [`App::layer`](crate::App::layer) call it for you.
///
/// The layered service is built once and cloned for each request (tower's convention), then polled for
/// readiness and called. Its response body may be any [`http_body::Body`] (it is boxed into a [`Body`]);
/// an error from the service, or from its readiness, answers `500 Internal Server Error` with a generic
/// problem body, the error itself kept in the response's [`ErrorSource`](crate::ErrorSource) extension.
///
/// Requires the `tower` feature (on by default).
///
/// ```
/// use velocy::middleware::from_layer;
/// use velocy::{Method, Route};
/// use tower_http::cors::CorsLayer;
///
/// let route = Route::new(Method::GET, "/", || async { "hi" }).middleware(from_layer(CorsLayer::permissive()));
/// # let _ = route;
/// ```
pub fn from_layer(layer: impl TowerLayer) -> Arc<dyn Middleware> {
    layer.into_shared_middleware()
}

/// A tower [`Layer`] that can wrap Velocy routes: its service takes `http::Request<Body>` and answers with
/// any body whose chunks convert into [`Bytes`]. Implemented for every such layer; `Route::layer`,
/// `Router::layer` and `App::layer` take it.
pub trait TowerLayer: Layer<NextService> {
    /// The layer as a shared middleware (see [`from_layer`]).
    fn into_shared_middleware(self) -> Arc<dyn Middleware>;
}

impl<L, ResBody> TowerLayer for L
where
    L: Layer<NextService>,
    L::Service:
        Service<http::Request<Body>, Response = http::Response<ResBody>> + Clone + Send + Sync + 'static,
    <L::Service as Service<http::Request<Body>>>::Error: Into<BoxError>,
    <L::Service as Service<http::Request<Body>>>::Future: Send + 'static,
    ResBody: http_body::Body + Send + 'static,
    ResBody::Data: Into<Bytes>,
    ResBody::Error: Into<BoxError>,
{
    fn into_shared_middleware(self) -> Arc<dyn Middleware> {
        Arc::new(LayerMiddleware { service: self.layer(NextService::default()) })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use http::{HeaderValue, Method};
    use tower_http::compression::CompressionLayer;
    use tower_http::cors::{Any, CorsLayer};
    use tower_http::timeout::TimeoutLayer;

    use crate::{Route, Router};

    use super::*;
    use crate::extract::Path;
    use crate::middleware::from_fn;
    use crate::test::TestClient;
    use crate::{App, Extension};

    const LONG_TEXT: &str = "velocy compresses this sentence because it is long enough, velocy velocy velocy";

    fn cors() -> CorsLayer {
        CorsLayer::new().allow_origin(Any).allow_methods([Method::GET, Method::POST])
    }

    fn slow() -> Route {
        Route::new(Method::GET, "/slow", || async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            "late"
        })
    }

    fn assert_gzip(response: &crate::test::TestResponse) {
        assert_eq!(response.header("content-encoding"), Some("gzip"));
        assert_eq!(&response.bytes()[..2], &[0x1f, 0x8b], "a gzip stream starts with its magic bytes");
    }

    #[tokio::test]
    async fn cors_compression_and_timeout_work_on_a_route() {
        let text = Route::new(Method::GET, "/text", || async { LONG_TEXT }).layer(CompressionLayer::new());
        let shared = Route::new(Method::GET, "/shared", || async { "shared" }).layer(cors());
        let plain = Route::new(Method::GET, "/plain", || async { LONG_TEXT });
        let timed = slow()
            .layer(TimeoutLayer::with_status_code(StatusCode::GATEWAY_TIMEOUT, Duration::from_millis(50)));
        let client = TestClient::new(App::new().route(text).route(shared).route(plain).route(timed));

        let compressed = client.get("/text").header("accept-encoding", "gzip").await.assert_status(200);
        assert_gzip(&compressed);
        let identity = client.get("/text").await.assert_text(LONG_TEXT);
        assert!(identity.header("content-encoding").is_none());
        let other = client.get("/plain").header("accept-encoding", "gzip").await.assert_text(LONG_TEXT);
        assert!(other.header("content-encoding").is_none(), "layers apply to their own route only");

        let shared = client.get("/shared").header("origin", "https://example.com").await;
        shared.assert_text("shared").assert_header("access-control-allow-origin", "*");

        client.get("/slow").await.assert_status(504);
    }

    #[tokio::test]
    async fn cors_compression_and_timeout_work_on_a_router() {
        let router = Router::new()
            .get("/text", || async { LONG_TEXT })
            .route(slow())
            .route(
                Route::new(Method::GET, "/preflight", || async { "ok" })
                    .with_methods([Method::GET, Method::OPTIONS]),
            )
            .layer(CompressionLayer::new())
            .layer(cors())
            .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_millis(50)));
        let outside = Router::new().get("/outside", || async { LONG_TEXT });
        let client = TestClient::new(App::new().nest("/api", router).merge(outside));

        let response = client
            .get("/api/text")
            .header("accept-encoding", "gzip")
            .header("origin", "https://example.com")
            .await
            .assert_status(200)
            .assert_header("access-control-allow-origin", "*");
        assert_gzip(&response);
        let preflight = client
            .options("/api/preflight")
            .header("origin", "https://example.com")
            .header("access-control-request-method", "POST")
            .await
            .assert_status(200)
            .assert_header("access-control-allow-origin", "*");
        assert_eq!(preflight.header("access-control-allow-methods"), Some("GET,POST"));
        client.get("/api/slow").await.assert_status(408);
        let outside =
            client.get("/outside").header("origin", "https://example.com").await.assert_text(LONG_TEXT);
        assert!(outside.header("access-control-allow-origin").is_none());
    }

    #[derive(Clone)]
    struct Tag(&'static str);

    type Log = Arc<Mutex<Vec<String>>>;

    fn logging(log: &Log, name: &'static str) -> impl Middleware {
        let log = Arc::clone(log);
        from_fn(move |request: Request, next: Next| {
            log.lock().unwrap().push(name.to_owned());
            next.run(request)
        })
    }

    #[tokio::test]
    async fn layers_run_in_middleware_order() {
        let log: Log = Arc::default();
        let (layer_log, handler_log) = (Arc::clone(&log), Arc::clone(&log));
        let route = Route::new(Method::GET, "/", move || {
            handler_log.lock().unwrap().push("handler".to_owned());
            async { "ok" }
        })
        .middleware(logging(&log, "route 1"))
        .layer(::tower::util::MapRequestLayer::new(move |request: http::Request<Body>| {
            layer_log.lock().unwrap().push("layer".to_owned());
            request
        }))
        .middleware(logging(&log, "route 2"));
        let router = Router::new().route(route).middleware(logging(&log, "group"));
        TestClient::new(App::new().merge(router)).get("/").await.assert_text("ok");
        assert_eq!(*log.lock().unwrap(), ["group", "route 1", "layer", "route 2", "handler"]);
    }

    #[tokio::test]
    async fn the_chain_keeps_routing_data_and_extensions_through_a_layer() {
        let rewrite = ::tower::util::MapRequestLayer::new(|mut request: http::Request<Body>| {
            *request.uri_mut() = http::Uri::from_static("/rewritten");
            *request.method_mut() = Method::DELETE;
            request.headers_mut().insert("x-added", HeaderValue::from_static("by the layer"));
            request
        });
        let check = from_fn(|mut request: Request, next: Next| {
            assert!(request.head_mut().is_none(), "the head stays read-only after routing");
            let parts = request.parts();
            assert_eq!(parts.matched_route(), Some("/users/:id/files/*path"));
            assert_eq!(parts.param("id"), Some("7"));
            assert_eq!(parts.body_limit(), 5);
            next.run(request)
        });
        let route = Route::new(
            Method::GET,
            "/users/:id/files/*path",
            |Path((id, path)): Path<(u32, String)>,
             Extension(tag): Extension<Tag>,
             method: Method,
             uri: http::Uri,
             headers: http::HeaderMap| async move {
                let added =
                    headers.get("x-added").and_then(|value| value.to_str().ok()).unwrap_or("-").to_owned();
                format!("{id} {path} {} {method} {} {added}", tag.0, uri.path())
            },
        )
        .middleware(crate::middleware::BodyLimit::new(5))
        .middleware(from_fn(|mut request: Request, next: Next| {
            request.parts_mut().extensions_mut().insert(Tag("tagged"));
            next.run(request)
        }))
        .layer(rewrite)
        .middleware(check);
        TestClient::new(App::new().route(route))
            .get("/users/7/files/a/b.txt")
            .await
            .assert_status(200)
            .assert_text("7 a/b.txt tagged GET /users/7/files/a/b.txt by the layer");
    }

    #[tokio::test]
    async fn a_layer_that_drops_extensions_or_fails_answers_500() {
        let dropping = ::tower::util::MapRequestLayer::new(|request: http::Request<Body>| {
            let (mut head, body) = request.into_parts();
            head.extensions.clear();
            http::Request::from_parts(head, body)
        });
        let failing = ::tower::util::MapResultLayer::new(|_: Result<Response, Infallible>| {
            Err::<Response, BoxError>("the layer broke".into())
        });
        let app = App::new()
            .route(Route::new(Method::GET, "/dropping", || async { "unreachable" }).layer(dropping))
            .route(Route::new(Method::GET, "/failing", || async { "lost" }).layer(failing));
        let client = TestClient::new(app);
        let dropped = client.get("/dropping").await.assert_status(500);
        let problem: serde_json::Value = dropped.json();
        assert!(problem["detail"].as_str().unwrap().contains("extensions"), "{problem}");
        let failed = client.get("/failing").await.assert_status(500);
        let problem: serde_json::Value = failed.json();
        assert_eq!(problem["detail"], "internal server error");
    }

    #[tokio::test]
    async fn the_error_of_a_failing_layer_is_kept_for_hooks() {
        let failing = ::tower::util::MapResultLayer::new(|_: Result<Response, Infallible>| {
            Err::<Response, BoxError>("the layer broke".into())
        });
        let seen: Log = Arc::default();
        let hook_log = Arc::clone(&seen);
        let app = App::new()
            .route(Route::new(Method::GET, "/failing", || async { "lost" }).layer(failing))
            .map_response(move |_: &crate::lifecycle::RequestSummary, response: &mut Response| {
                if let Some(source) = response.extensions().get::<crate::ErrorSource>() {
                    hook_log.lock().unwrap().push(source.0.to_string());
                }
            });
        TestClient::new(app).get("/failing").await.assert_status(500);
        assert_eq!(*seen.lock().unwrap(), ["the layer broke"]);
    }
}
