//! [`Timeout`]: answers for a handler that takes too long.

use std::time::Duration;

use http::StatusCode;

use super::{Middleware, Next};
use crate::future::BoxFuture;
use crate::request::Request;
use crate::response::{IntoResponse, Problem, Response};

/// Limits how long the rest of the chain (later middleware and the handler) may take to produce a
/// response. Past the limit the handler's future is dropped — it stops at its next `.await`, so work it
/// started elsewhere (a spawned task, a database query already sent) is not undone — and the client gets
/// `503 Service Unavailable` (or the status set with [`Timeout::status`], typically
/// `504 Gateway Timeout` for a proxy) with an RFC 9457 problem body naming the limit.
///
/// The limit covers producing the response head, not streaming its body. Attach it to a route
/// ([`Route::middleware`](crate::Route::middleware)), a router or the whole app.
///
/// ```
/// use std::time::Duration;
/// use velocy::middleware::Timeout;
/// use velocy::{Router, StatusCode};
///
/// let router = Router::new()
///     .get("/report", || async { "slow report" })
///     .middleware(Timeout::new(Duration::from_secs(10)).status(StatusCode::GATEWAY_TIMEOUT));
/// # let _ = router;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Timeout {
    limit: Duration,
    status: StatusCode,
}

impl Timeout {
    /// Answers `503 Service Unavailable` when the response takes longer than `limit`.
    pub fn new(limit: Duration) -> Self {
        Self { limit, status: StatusCode::SERVICE_UNAVAILABLE }
    }

    /// The status to answer with after the limit (default 503; 504 suits gateways and proxies). Any status
    /// is accepted; use an error status (4xx or 5xx).
    #[must_use]
    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// The limit.
    pub fn limit(&self) -> Duration {
        self.limit
    }
}

impl Middleware for Timeout {
    fn call(&self, request: Request, next: Next) -> BoxFuture<'static, Response> {
        let Self { limit, status } = *self;
        Box::pin(async move {
            match tokio::time::timeout(limit, next.run(request)).await {
                Ok(response) => response,
                Err(_elapsed) => {
                    let detail = format!("the request was not answered within the time limit of {limit:?}");
                    Problem::new(status, detail).into_response()
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::test::TestClient;
    use crate::{App, Method, Route, Router};

    fn slow_router() -> Router {
        Router::new()
            .get("/slow", || async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                "too late"
            })
            .get("/fast", || async { "fast" })
    }

    #[tokio::test(start_paused = true)]
    async fn answers_503_with_a_problem_after_the_limit() {
        let router = slow_router().middleware(Timeout::new(Duration::from_millis(1500)));
        let client = TestClient::new(App::new().merge(router));
        let response = client.get("/slow").await.assert_status(503);
        assert_eq!(response.header("content-type"), Some("application/problem+json"));
        let problem: serde_json::Value = response.json();
        assert_eq!(problem["status"], 503);
        assert_eq!(problem["detail"], "the request was not answered within the time limit of 1.5s");
        client.get("/fast").await.assert_status(200).assert_text("fast");
    }

    #[tokio::test(start_paused = true)]
    async fn the_status_is_configurable_and_the_body_follows_accept() {
        let route = Route::new(Method::GET, "/slow", || async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "too late"
        })
        .middleware(Timeout::new(Duration::from_secs(2)).status(StatusCode::GATEWAY_TIMEOUT));
        let client = TestClient::new(App::new().route(route));
        client
            .get("/slow")
            .header("accept", "text/plain")
            .await
            .assert_status(504)
            .assert_text("the request was not answered within the time limit of 2s\n");
    }

    #[tokio::test(start_paused = true)]
    async fn a_handler_within_the_limit_is_untouched() {
        let route = Route::new(Method::GET, "/ok", || async {
            tokio::time::sleep(Duration::from_millis(900)).await;
            "in time"
        })
        .middleware(Timeout::new(Duration::from_secs(1)));
        TestClient::new(App::new().route(route)).get("/ok").await.assert_status(200).assert_text("in time");
    }
}
