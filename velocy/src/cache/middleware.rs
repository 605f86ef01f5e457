//! The request path of [`Cache`]: lookup, hits (with `Age`, 304 and `HEAD`), single-flight misses,
//! stale-while-revalidate, stale-if-error, storing, and invalidation after unsafe methods.

use std::sync::{Arc, PoisonError};
use std::time::Duration;

use http::header::{
    HeaderName, HeaderValue, ACCEPT, AGE, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_LOCATION, CONTENT_TYPE,
    DATE, ETAG, EXPIRES, IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE, IF_UNMODIFIED_SINCE,
    LAST_MODIFIED, RANGE, VARY,
};
use http::{HeaderMap, Method, StatusCode, Uri};
use tokio::sync::watch;

use super::body::{capture, Captured};
use super::config::{Cache, RequestDirectives, Shared};
use super::policy::{request_ask, storable, RequestAsk};
use super::status::{cache_status, Status};
use super::store::CachedResponse;
use super::vary::{secondary_key, vary_names};
use crate::body::Body;
use crate::conditional::{ETag, Preconditions, Validators};
use crate::future::BoxFuture;
use crate::middleware::{Middleware, Next};
use crate::request::Request;
use crate::response::Response;

/// `X-Cache`, the informal companion of `Cache-Status`.
pub(crate) const X_CACHE: HeaderName = HeaderName::from_static("x-cache");

/// How long a request waits for the running request of its key before running its own.
const FLIGHT_WAIT: Duration = Duration::from_secs(10);

/// The client's conditional and range fields, removed from a request whose response is to be stored
/// (the stored response must be the whole, unconditional one); they are evaluated against the entry.
const CONDITIONAL: [HeaderName; 6] =
    [IF_NONE_MATCH, IF_MODIFIED_SINCE, IF_MATCH, IF_UNMODIFIED_SINCE, IF_RANGE, RANGE];

/// The primary cache key: the path and the query exactly as sent (no normalization).
pub(crate) fn key_of(uri: &Uri) -> String {
    match uri.query() {
        Some(query) => format!("{}?{query}", uri.path()),
        None => uri.path().to_owned(),
    }
}

/// Leadership of a key's single flight: dropping it wakes the requests waiting for the key.
struct FlightGuard {
    shared: Arc<Shared>,
    key: String,
    done: watch::Sender<bool>,
}

impl Drop for FlightGuard {
    fn drop(&mut self) {
        self.shared.flights.lock().unwrap_or_else(PoisonError::into_inner).remove(&self.key);
        let _ = self.done.send(true);
    }
}

enum Flight {
    Lead(FlightGuard),
    Wait(watch::Receiver<bool>),
}

/// The result of forwarding a request to the handler.
struct Forwarded {
    response: Response,
    stored: Result<(), &'static str>,
    /// The entry stored, to evaluate the client's preconditions against.
    entry: Option<CachedResponse>,
}

impl Middleware for Cache {
    fn call(&self, request: Request, next: Next) -> BoxFuture<'static, Response> {
        let cache = self.clone();
        Box::pin(async move { cache.handle(request, next).await })
    }
}

impl Cache {
    async fn handle(self, request: Request, next: Next) -> Response {
        let method = request.method().clone();
        if method != Method::GET && method != Method::HEAD {
            return self.unsafe_method(request, next).await;
        }
        let key = key_of(request.uri());
        let ask = match self.config.request_directives {
            RequestDirectives::Honour => request_ask(request.headers()),
            RequestDirectives::Ignore => RequestAsk::Normal,
        };
        match ask {
            RequestAsk::Bypass => {
                let response = next.run(request).await;
                return self.mark(response, &Status::Forwarded { reason: "request", stored: Err("request") });
            }
            RequestAsk::Refresh => {
                let request_headers = request.headers().clone();
                let forwarded = self.forward(request, next, &key).await;
                return self.finish(&method, &request_headers, forwarded, "request");
            }
            RequestAsk::Normal => {}
        }
        let (found, had_variants) = self.lookup(&key, request.headers()).await;
        let mut stale_fallback = None;
        let found_stale = found.is_some();
        if let Some((entry, age)) = found {
            if age < entry.freshness {
                return self.serve(
                    &method,
                    request.headers(),
                    &entry,
                    age,
                    &Status::Hit { age, entry: &entry },
                );
            }
            let stale_for = age - entry.freshness;
            if stale_for < entry.stale_while_revalidate {
                let response = self.serve(
                    &method,
                    request.headers(),
                    &entry,
                    age,
                    &Status::Stale { age, entry: &entry },
                );
                // A `HEAD` never refreshes: its response has no body to store.
                if method == Method::GET {
                    self.refresh_in_background(key, request, next);
                }
                return response;
            }
            if stale_for < entry.stale_if_error {
                stale_fallback = Some(entry);
            }
        }
        let reason = match (found_stale, had_variants) {
            (true, _) => "stale",
            (false, true) => "vary-miss",
            (false, false) => "miss",
        };
        if method == Method::HEAD {
            let response = next.run(request).await;
            return self.mark(response, &Status::Forwarded { reason, stored: Err("head") });
        }
        let guard = match self.flight(&key) {
            Flight::Lead(guard) => guard,
            Flight::Wait(mut done) => {
                // A leader that takes too long (a slow or stuck handler) is not waited for.
                let _ = tokio::time::timeout(FLIGHT_WAIT, done.wait_for(|done| *done)).await;
                if let (Some((entry, age)), _) = self.lookup(&key, request.headers()).await {
                    if age < entry.freshness {
                        let status = Status::Hit { age, entry: &entry };
                        return self.serve(&method, request.headers(), &entry, age, &status);
                    }
                }
                // The leader's response was not stored (or varies otherwise): ask the handler ourselves.
                let request_headers = request.headers().clone();
                let forwarded = self.forward(request, next, &key).await;
                return self.finish(&method, &request_headers, forwarded, reason);
            }
        };
        let request_headers = request.headers().clone();
        let forwarded = self.forward(request, next, &key).await;
        drop(guard);
        if let Some(entry) = stale_fallback {
            let status = forwarded.response.status();
            if status.is_server_error() {
                let age = self.age_of(&entry);
                let status = Status::StaleIfError { age, entry: &entry, fwd_status: status };
                return self.serve(&method, &request_headers, &entry, age, &status);
            }
        }
        self.finish(&method, &request_headers, forwarded, reason)
    }

    /// The answer to a forwarded request: when its response was stored, the client's preconditions
    /// (removed before forwarding) are evaluated against the entry, as on a hit.
    fn finish(
        &self,
        method: &Method,
        request: &HeaderMap,
        forwarded: Forwarded,
        reason: &'static str,
    ) -> Response {
        let status = Status::Forwarded { reason, stored: forwarded.stored };
        if let Some(entry) = &forwarded.entry {
            if let Some(response) = self.preconditions(method, request, entry) {
                return self.mark(response, &status);
            }
        }
        self.mark(forwarded.response, &status)
    }

    /// RFC 9111 §4.4: a non-error response to an unsafe method invalidates the target URI.
    async fn unsafe_method(&self, request: Request, next: Next) -> Response {
        let path = (!request.method().is_safe()).then(|| request.uri().path().to_owned());
        let response = next.run(request).await;
        let status = response.status();
        if let Some(path) = path {
            if status.is_success() || status.is_redirection() {
                self.invalidate(&path).await;
            }
        }
        response
    }

    fn age_of(&self, entry: &CachedResponse) -> Duration {
        let resident = self.shared.clock.now().duration_since(entry.stored_at).unwrap_or(Duration::ZERO);
        entry.initial_age.saturating_add(resident)
    }

    /// The newest stored variant matching the request's secondary key, with its current age; and whether
    /// the key had any variant at all.
    async fn lookup(&self, key: &str, headers: &HeaderMap) -> (Option<(CachedResponse, Duration)>, bool) {
        let (found, had_variants) = self.shared.store.get_matching(key, headers).await;
        (found.map(|entry| (self.age_of(&entry), entry)).map(|(age, entry)| (entry, age)), had_variants)
    }

    /// Leads the key's flight, or waits for the running one.
    fn flight(&self, key: &str) -> Flight {
        let mut flights = self.shared.flights.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(done) = flights.get(key) {
            return Flight::Wait(done.clone());
        }
        let (sender, receiver) = watch::channel(false);
        flights.insert(key.to_owned(), receiver);
        Flight::Lead(FlightGuard { shared: Arc::clone(&self.shared), key: key.to_owned(), done: sender })
    }

    /// Runs the handler once in the background to refresh a stale entry, unless a request for the key
    /// is already running.
    fn refresh_in_background(&self, key: String, request: Request, next: Next) {
        let Flight::Lead(guard) = self.flight(&key) else { return };
        let cache = self.clone();
        tokio::spawn(async move {
            let forwarded = cache.forward(request, next, &key).await;
            drop(forwarded);
            drop(guard);
        });
    }

    /// Sends the request to the handler and stores the response when RFC 9111 allows it: only for `GET`
    /// (RFC 9111 §3), sent without the client's conditional and range fields, and only when no
    /// invalidation happened meanwhile.
    async fn forward(&self, mut request: Request, next: Next, key: &str) -> Forwarded {
        if request.method() != Method::GET {
            let response = next.run(request).await;
            return Forwarded { response, stored: Err("head"), entry: None };
        }
        let negotiated = request.parts().negotiated;
        for name in &CONDITIONAL {
            request.parts_mut().head.headers.remove(name);
        }
        let request_headers = request.headers().clone();
        let generation = self.shared.generation();
        let response = next.run(request).await;
        let now = self.shared.clock.now();
        let event_stream = response
            .headers()
            .get(CONTENT_TYPE)
            .is_some_and(|value| value.as_bytes().trim_ascii_start().starts_with(b"text/event-stream"));
        if event_stream {
            return Forwarded { response, stored: Err("event-stream"), entry: None };
        }
        let policy =
            match storable(&self.config, &request_headers, response.status(), response.headers(), now) {
                Ok(policy) => policy,
                Err(reason) => return Forwarded { response, stored: Err(reason), entry: None },
            };
        let (head, body) = response.into_parts();
        match capture(body, self.config.max_body_size).await {
            Captured::Passed(body) => Forwarded {
                response: Response::from_parts(head, body),
                stored: Err("too-large"),
                entry: None,
            },
            Captured::Whole(bytes) => {
                let mut headers = head.headers.clone();
                headers.remove(AGE);
                headers.remove(super::status::CACHE_STATUS);
                headers.remove(X_CACHE);
                let mut names = vary_names(&headers).unwrap_or_default();
                // A route chosen by content negotiation varies on `Accept`, added after this middleware.
                if negotiated && !names.contains(&ACCEPT) {
                    names.push(ACCEPT);
                }
                let vary = secondary_key(&request_headers, &names);
                let entry = CachedResponse {
                    status: head.status,
                    headers,
                    body: bytes.clone(),
                    stored_at: now,
                    initial_age: policy.initial_age,
                    freshness: policy.freshness,
                    stale_while_revalidate: policy.stale_while_revalidate,
                    stale_if_error: policy.stale_if_error,
                    vary,
                };
                let response = Response::from_parts(head, Body::from(bytes));
                if self.shared.generation() != generation {
                    return Forwarded { response, stored: Err("invalidated"), entry: None };
                }
                let retention = entry.retention();
                self.shared.store.put(key, entry.clone(), retention).await;
                Forwarded { response, stored: Ok(()), entry: Some(entry) }
            }
        }
    }

    /// A response from a stored entry: `304`/`412` when the request's preconditions say so (RFC 9110
    /// §13.2.2), the stored one otherwise (without a body for `HEAD`), with `Age` and `Cache-Status`.
    fn serve(
        &self,
        method: &Method,
        request: &HeaderMap,
        entry: &CachedResponse,
        age: Duration,
        status: &Status<'_>,
    ) -> Response {
        let mut response = match self.preconditions(method, request, entry) {
            Some(response) => response,
            None => {
                let mut response = Response::new(if *method == Method::HEAD {
                    Body::empty()
                } else {
                    Body::from(entry.body.clone())
                });
                *response.status_mut() = entry.status;
                *response.headers_mut() = entry.headers.clone();
                if *method == Method::HEAD && !entry.headers.contains_key(CONTENT_LENGTH) {
                    response.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(entry.body.len()));
                }
                response
            }
        };
        response.headers_mut().insert(AGE, HeaderValue::from(age.as_secs()));
        self.mark(response, status)
    }

    /// Evaluates the request's preconditions against a stored 2xx entry's `ETag` and `Last-Modified`.
    fn preconditions(
        &self,
        method: &Method,
        request: &HeaderMap,
        entry: &CachedResponse,
    ) -> Option<Response> {
        if !entry.status.is_success() {
            return None;
        }
        let preconditions = Preconditions::from_head(method, request);
        if preconditions.is_empty() {
            return None;
        }
        let mut validators = Validators::new();
        if let Some(etag) = entry.headers.get(ETAG).and_then(|value| ETag::parse_bytes(value.as_bytes()).ok())
        {
            validators = validators.etag(etag);
        }
        if let Some(modified) = entry
            .headers
            .get(LAST_MODIFIED)
            .and_then(|value| value.to_str().ok())
            .and_then(|text| httpdate::parse_http_date(text.trim()).ok())
        {
            validators = validators.last_modified(modified);
        }
        let mut response = preconditions.check(&validators).err()?;
        if response.status() == StatusCode::NOT_MODIFIED {
            // RFC 9110 §15.4.5: the fields a 200 would have carried that describe the cache behaviour.
            for name in [CACHE_CONTROL, CONTENT_LOCATION, DATE, EXPIRES, VARY, ETAG, LAST_MODIFIED] {
                response.headers_mut().remove(&name);
                for value in entry.headers.get_all(&name) {
                    response.headers_mut().append(name.clone(), value.clone());
                }
            }
        }
        Some(response)
    }

    /// Adds `Cache-Status` and `X-Cache`.
    fn mark(&self, mut response: Response, status: &Status<'_>) -> Response {
        let headers = response.headers_mut();
        if let Some(value) = cache_status(&self.config.name, status) {
            headers.insert(super::status::CACHE_STATUS, value);
        }
        if self.config.x_cache {
            headers.insert(X_CACHE, HeaderValue::from_static(status.x_cache()));
        }
        response
    }
}
