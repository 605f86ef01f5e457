//! The Velocy app, written as a Velocy user would: route macros and `routes![]`.

use velocy::{get, post, routes, App, Json};

use crate::{Message, UserId, PLAINTEXT};

#[get("/plaintext")]
async fn plaintext() -> &'static str {
    PLAINTEXT
}

#[get("/json")]
async fn json() -> Json<Message> {
    Json(Message::HELLO)
}

#[get("/users/:id")]
async fn user(id: String) -> Json<UserId<String>> {
    Json(UserId { id })
}

#[post("/echo")]
async fn echo(Json(body): Json<serde_json::Value>) -> Json<serde_json::Value> {
    Json(body)
}

/// The benchmark app, not yet built.
pub fn app() -> App {
    App::new().routes(routes![plaintext, json, user, echo])
}

/// The benchmark app with the middleware a user would keep on: a request id, an access-log hook (the line is
/// formatted but not written, to measure Velocy rather than the terminal) and a metrics hook (atomic
/// counters of requests and bytes).
pub fn app_with_defaults() -> App {
    use std::fmt::Write as _;
    use std::sync::atomic::{AtomicU64, Ordering};

    use velocy::lifecycle::Completion;
    use velocy::request_id::RequestIdConfig;

    static REQUESTS: AtomicU64 = AtomicU64::new(0);
    static BYTES: AtomicU64 = AtomicU64::new(0);
    thread_local! {
        static LINE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    app()
        .request_id(RequestIdConfig::new())
        .on_completion(|done: &Completion| {
            LINE.with(|line| {
                let mut line = line.borrow_mut();
                line.clear();
                let micros = done.duration.as_micros();
                let _ = write!(
                    line,
                    "{} {} {} {}B {micros}us",
                    done.method, done.uri, done.status, done.bytes_sent
                );
            });
        })
        .on_completion(|done: &Completion| {
            REQUESTS.fetch_add(1, Ordering::Relaxed);
            BYTES.fetch_add(done.bytes_sent, Ordering::Relaxed);
        })
}

/// The benchmark app behind a global [`RateLimit`](velocy::rate_limit::RateLimit) per client address
/// (the default key) whose quota is never reached: every request is counted, allowed and answered with
/// its draft-09 `RateLimit` and `RateLimit-Policy` headers.
pub fn app_rate_limited() -> App {
    app().middleware(velocy::rate_limit::RateLimit::per_second(1_000_000_000))
}

/// The benchmark app behind a global [`Cache`](velocy::cache::Cache) with a one-hour TTL: every request
/// after the first of each path is a hit.
pub fn app_cached() -> App {
    app().middleware(velocy::cache::Cache::new().ttl(std::time::Duration::from_secs(3600)))
}

/// [`app_rate_limited`] with the `RateLimit` headers on refusals only
/// ([`headers_on_success(false)`](velocy::rate_limit::RateLimit::headers_on_success)).
pub fn app_rate_limited_quietly() -> App {
    app().middleware(velocy::rate_limit::RateLimit::per_second(1_000_000_000).headers_on_success(false))
}
