//! [`TestClient`] and [`TestRequest`]: requests sent straight to an app's service, without a socket.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use http::Method;
use http_body_util::BodyExt;
use serde::Serialize;

use super::TestResponse;
use crate::app::{App, AppService};
use crate::body::Body;

/// Sends requests to an app in-process: routing, extractors, handlers and response finishing run exactly as
/// they do behind a socket (only the connection layer is skipped).
#[derive(Debug, Clone)]
pub struct TestClient {
    service: AppService,
}

macro_rules! method_shortcut {
    ($($name:ident => $method:ident),+ $(,)?) => {
        $(
            #[doc = concat!("Starts a `", stringify!($method), "` request to `path`.")]
            pub fn $name(&self, path: &str) -> TestRequest {
                self.request(Method::$method, path)
            }
        )+
    };
}

impl TestClient {
    /// Builds `app` and wraps its service.
    ///
    /// # Panics
    /// When the app does not build (route conflicts, missing state): the panic message lists every problem.
    pub fn new(app: App) -> Self {
        match app.build() {
            Ok(service) => Self { service },
            Err(error) => panic!("the app under test does not build: {error}"),
        }
    }

    /// Wraps an already built service.
    pub fn from_service(service: AppService) -> Self {
        Self { service }
    }

    /// Starts a request with `method` to `path` (a path with optional query, such as `/users?page=2`).
    pub fn request(&self, method: Method, path: &str) -> TestRequest {
        TestRequest {
            service: self.service.clone(),
            request: http::Request::builder().method(method).uri(path),
            body: Body::empty(),
            https: false,
        }
    }

    method_shortcut!(
        get => GET, post => POST, put => PUT, patch => PATCH, delete => DELETE, head => HEAD, options => OPTIONS
    );
}

/// A request being built; `.await` it (or call [`TestRequest::send`]) to get a [`TestResponse`].
#[derive(Debug)]
#[must_use = "a request does nothing until it is sent"]
pub struct TestRequest {
    service: AppService,
    request: http::request::Builder,
    body: Body,
    https: bool,
}

impl TestRequest {
    /// Adds a header.
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        <K as TryInto<HeaderName>>::Error: Into<http::Error>,
        V: TryInto<HeaderValue>,
        <V as TryInto<HeaderValue>>::Error: Into<http::Error>,
    {
        self.request = self.request.header(name, value);
        self
    }

    /// Sends the request as if it came over TLS: [`RequestParts::is_https`](crate::RequestParts::is_https)
    /// is true (cookies get `Secure`).
    pub fn https(mut self) -> Self {
        self.https = true;
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.body = body.into();
        self
    }

    /// Sets a JSON body and `Content-Type: application/json`.
    ///
    /// # Panics
    /// When `value` does not serialize.
    pub fn json<T: Serialize + ?Sized>(self, value: &T) -> Self {
        let bytes = serde_json::to_vec(value).expect("the test request's JSON body must serialize");
        self.header(CONTENT_TYPE, "application/json").body(bytes)
    }

    /// Sets a URL-encoded form body and its `Content-Type`.
    ///
    /// # Panics
    /// When `value` does not serialize as a form.
    pub fn form<T: Serialize + ?Sized>(self, value: &T) -> Self {
        let text = serde_urlencoded::to_string(value).expect("the test request's form body must serialize");
        self.header(CONTENT_TYPE, "application/x-www-form-urlencoded").body(text)
    }

    /// Sends the request and reads the whole response. A `Host: localhost` header is added unless the
    /// request has one or an absolute URI.
    ///
    /// # Panics
    /// When the request is malformed (an invalid header or URI was given) or the response body fails.
    pub async fn send(self) -> TestResponse {
        let mut request = self.request.body(self.body).expect("the test request must be valid");
        // Like a real HTTP/1.1 client, send a `Host` unless the test set one or used an absolute URI.
        if request.uri().authority().is_none() && !request.headers().contains_key(http::header::HOST) {
            request.headers_mut().insert(http::header::HOST, HeaderValue::from_static("localhost"));
        }
        let response = self.service.handle_connection(request, None, self.https).await;
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("the response body must be readable").to_bytes();
        TestResponse::new(parts, bytes)
    }
}

impl IntoFuture for TestRequest {
    type Output = TestResponse;
    type IntoFuture = Pin<Box<dyn Future<Output = TestResponse> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
