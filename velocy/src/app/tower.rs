//! Tower interop for the whole app: [`AppService`] is a [`tower_service::Service`], and [`App::layer`]
//! wraps every request in a tower [`Layer`](tower_layer::Layer). Requires the `tower` feature (on by default).
//!
//! ```
//! use tower::ServiceExt;
//! use velocy::{App, Body, Router};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let service = App::new().merge(Router::new().get("/", || async { "hello" })).build().unwrap();
//! let request = http::Request::get("/").header("host", "localhost").body(Body::empty()).unwrap();
//! let response = service.oneshot(request).await.unwrap();
//! assert_eq!(response.status(), 200);
//! # }
//! ```

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use tower_service::Service;

use super::{App, AppService, ResponseFuture};

use crate::error::BoxError;
use crate::middleware::tower::into_body;
use crate::middleware::TowerLayer;
use crate::response::Response;

/// An app answers any `http::Request` whose body yields [`Bytes`], like a hyper connection or a tower
/// stack would hand it: the request is answered exactly as [`AppService::handle`] answers it (with no peer
/// address), and the service is always ready and never fails (errors are responses).
///
/// Request bodies that are a velocy [`Body`](crate::Body) or hyper's `Incoming` are used as they are; others are boxed.
impl<B> Service<http::Request<B>> for AppService
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = ServiceFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> ServiceFuture {
        ServiceFuture { inner: self.handle(request.map(into_body), None) }
    }
}

/// The future of [`AppService`]'s tower `Service::call`: the app's [`ResponseFuture`], always `Ok`.
pub struct ServiceFuture {
    inner: ResponseFuture,
}

impl fmt::Debug for ServiceFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceFuture").finish_non_exhaustive()
    }
}

impl Future for ServiceFuture {
    type Output = Result<Response, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.inner).poll(cx).map(Ok)
    }
}

impl App {
    /// Wraps every request in a tower [`Layer`](tower_layer::Layer) (such as tower-http's `CorsLayer`, `CompressionLayer` or
    /// `TimeoutLayer`): it runs like a global middleware added at this point ([`App::middleware`]), so it
    /// sees every request — 404s, 405s and automatic `OPTIONS` answers included, which is where CORS
    /// preflights belong — after routing and outside every router and route layer. The layer wraps
    /// [`NextService`](crate::middleware::NextService), the rest of the chain; see [`from_layer`](crate::middleware::from_layer) for how it runs and what its errors
    /// become.
    ///
    /// Requires the `tower` feature (on by default).
    ///
    /// ```
    /// use velocy::{App, Router};
    /// use tower_http::cors::CorsLayer;
    ///
    /// let app = App::new()
    ///     .merge(Router::new().get("/api/items", || async { "[]" }))
    ///     .layer(CorsLayer::permissive());
    /// # let _ = app;
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
    pub fn layer(self, layer: impl TowerLayer) -> Self {
        self.middleware(layer.into_shared_middleware())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::time::Duration;

    use ::tower::ServiceExt;
    use http::{Method, StatusCode};
    use http_body_util::BodyExt;
    use tower_http::compression::CompressionLayer;
    use tower_http::cors::CorsLayer;
    use tower_http::timeout::TimeoutLayer;

    use super::*;
    use crate::extract::Path;
    use crate::test::TestClient;
    use crate::Body;
    use crate::{Route, Router};

    const LONG_TEXT: &str = "every response of this app is long enough to be compressed by the layer";

    fn routes() -> Router {
        Router::new().get("/text", || async { LONG_TEXT }).get("/slow", || async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            "late"
        })
    }

    #[tokio::test]
    async fn cors_compression_and_timeout_work_on_the_whole_app() {
        let app =
            App::new().merge(routes()).layer(CompressionLayer::new()).layer(CorsLayer::permissive()).layer(
                TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_millis(50)),
            );
        let client = TestClient::new(app);

        let response = client
            .get("/text")
            .header("accept-encoding", "gzip")
            .header("origin", "https://example.com")
            .await
            .assert_status(200)
            .assert_header("content-encoding", "gzip")
            .assert_header("access-control-allow-origin", "*");
        assert_eq!(&response.bytes()[..2], &[0x1f, 0x8b]);

        // A preflight for a path that has no OPTIONS route: answered by the layer, not by routing.
        client
            .options("/text")
            .header("origin", "https://example.com")
            .header("access-control-request-method", "PUT")
            .await
            .assert_status(200)
            .assert_header("access-control-allow-origin", "*")
            .assert_header("access-control-allow-methods", "*");
        // 404s pass through app layers too.
        client
            .get("/missing")
            .header("origin", "https://example.com")
            .await
            .assert_status(404)
            .assert_header("access-control-allow-origin", "*");
        client.get("/slow").await.assert_status(503);
    }

    #[tokio::test]
    async fn app_service_is_a_tower_service() {
        let router = Router::new()
            .get("/hello/:name", |Path(name): Path<String>| async move { format!("hello {name}") })
            .route(Route::new(Method::POST, "/echo", |body: String| async move { body }));
        let service = App::new().server_header(Some("velocy")).merge(router).build().unwrap();

        let request =
            http::Request::get("/hello/tower").header("host", "localhost").body(Body::empty()).unwrap();
        let response = service.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["server"], "velocy");
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body, "hello tower");

        // Any body type whose chunks are `Bytes`.
        let full = http_body_util::Full::new(Bytes::from_static(b"echoed"));
        let request = http::Request::post("/echo").header("host", "localhost").body(full).unwrap();
        let response = service.clone().oneshot(request).await.unwrap();
        assert_eq!(response.into_body().collect().await.unwrap().to_bytes(), "echoed");

        let request = http::Request::get("/nowhere").header("host", "localhost").body(Body::empty()).unwrap();
        assert_eq!(service.oneshot(request).await.unwrap().status(), StatusCode::NOT_FOUND);
    }

    #[tokio::test(start_paused = true)]
    async fn app_service_can_be_wrapped_in_tower_layers_from_outside() {
        let service = App::new().merge(routes()).build().unwrap();
        let wrapped = ::tower::ServiceBuilder::new()
            .layer(TimeoutLayer::with_status_code(StatusCode::GATEWAY_TIMEOUT, Duration::from_secs(1)))
            .service(service);
        let request = http::Request::get("/slow").header("host", "localhost").body(Body::empty()).unwrap();
        assert_eq!(wrapped.clone().oneshot(request).await.unwrap().status(), StatusCode::GATEWAY_TIMEOUT);
        let request = http::Request::get("/text").header("host", "localhost").body(Body::empty()).unwrap();
        assert_eq!(wrapped.oneshot(request).await.unwrap().status(), StatusCode::OK);
    }
}
