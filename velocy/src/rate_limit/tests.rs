#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use http::{Method, StatusCode};
use proptest::prelude::*;

use super::{Key, LimitState, ManualClock, MemoryStore, Policy, RateLimit, RateLimitKey, DEFAULT_MAX_KEYS};
use crate::middleware::{from_fn, Next};
use crate::test::{TestClient, TestResponse};
use crate::{App, Request, Route, Router};

// ---------------------------------------------------------------- models

/// The continuous-state leaky bucket of ITU-T I.371 (equivalent to virtual scheduling), in units of
/// nanoseconds × quota: increment I = period, limit L = period × (burst − 1).
struct LeakyBucket {
    x: u128,
    last: u128,
    increment: u128,
    limit: u128,
    scale: u128,
}

impl LeakyBucket {
    fn new(quota: u64, period: u64, burst: u64) -> Self {
        let increment = u128::from(period);
        Self { x: 0, last: 0, increment, limit: increment * u128::from(burst - 1), scale: u128::from(quota) }
    }

    fn offer(&mut self, now: u64) -> bool {
        let t = u128::from(now) * self.scale;
        let drained = self.x.saturating_sub(t - self.last.min(t));
        if drained > self.limit {
            return false;
        }
        self.x = drained + self.increment;
        self.last = t;
        true
    }
}

/// The fixed window as a list of accepted timestamps: a window starts with the first request at or after
/// the previous window's end; a request is admitted iff its window has admitted fewer than `limit`.
struct WindowModel {
    accepted: Vec<u64>,
    limit: u64,
    window: u64,
}

impl WindowModel {
    fn current_start(&self, now: u64) -> Option<u64> {
        let mut start: Option<u64> = None;
        for &t in &self.accepted {
            if start.is_none_or(|s| t >= s + self.window) {
                start = Some(t);
            }
        }
        start.filter(|&s| now < s + self.window)
    }

    fn offer(&mut self, now: u64) -> bool {
        let admitted = match self.current_start(now) {
            Some(start) => self.accepted.iter().filter(|&&t| t >= start).count() as u64 >= self.limit,
            None => false,
        };
        if !admitted {
            self.accepted.push(now);
        }
        !admitted
    }
}

fn at(nanos: u64) -> Duration {
    Duration::from_nanos(nanos)
}

proptest! {
    #[test]
    fn gcra_matches_the_leaky_bucket_model(
        quota in 1u64..8,
        period in 1u64..5_000,
        burst in 1u64..8,
        steps in proptest::collection::vec(0u64..2_000, 1..80),
    ) {
        let policy = Policy::gcra(quota, at(period)).with_burst(burst);
        let mut model = LeakyBucket::new(quota, period, burst);
        let mut state = None;
        let mut now = 0;
        let mut accepted = Vec::new();
        for step in steps {
            now += step;
            let (decision, next) = policy.decide(state, at(now));
            state = Some(next);
            prop_assert_eq!(decision.allowed, model.offer(now), "at {}", now);
            if decision.allowed {
                accepted.push(u128::from(now));
            } else {
                // Retry-After is exact: admitted then, not a nanosecond before.
                let retry = u64::try_from(decision.retry_after.unwrap().as_nanos()).unwrap();
                prop_assert!(retry > 0);
                prop_assert!(policy.decide(state, at(now + retry)).0.allowed);
                prop_assert!(!policy.decide(state, at(now + retry - 1)).0.allowed);
            }
            // `remaining` more requests right now are admitted, and not one more.
            let mut probe = state;
            for _ in 0..decision.remaining {
                let (d, s) = policy.decide(probe, at(now));
                prop_assert!(d.allowed);
                probe = Some(s);
            }
            prop_assert!(!policy.decide(probe, at(now)).0.allowed);
        }
        // Never more than the quota over any span: n requests span at least (n − 1)·T − τ.
        let scale = u128::from(quota);
        let (interval, tolerance) = (u128::from(period), u128::from(period) * u128::from(burst - 1));
        for i in 0..accepted.len() {
            for j in i + 1..accepted.len() {
                let n = (j - i) as u128;
                prop_assert!(n * interval <= (accepted[j] - accepted[i]) * scale + tolerance);
            }
        }
    }

    #[test]
    fn window_matches_the_timestamp_model(
        limit in 1u64..6,
        window in 1u64..3_000,
        steps in proptest::collection::vec(0u64..1_500, 1..80),
    ) {
        let policy = Policy::window(limit, at(window));
        let mut model = WindowModel { accepted: Vec::new(), limit, window };
        let mut state = None;
        let mut now = 0;
        for step in steps {
            now += step;
            let (decision, next) = policy.decide(state, at(now));
            state = Some(next);
            prop_assert_eq!(decision.allowed, model.offer(now), "at {}", now);
            if let Some(start) = model.current_start(now) {
                let in_window = model.accepted.iter().filter(|&&t| t >= start).count() as u64;
                prop_assert!(in_window <= limit);
                prop_assert_eq!(decision.remaining, limit - in_window);
            }
            if let Some(retry) = decision.retry_after {
                let retry = u64::try_from(retry.as_nanos()).unwrap();
                prop_assert!(policy.decide(state, at(now + retry)).0.allowed);
                prop_assert!(!policy.decide(state, at(now + retry - 1)).0.allowed);
            }
        }
    }

    #[test]
    fn memory_store_agrees_with_the_pure_function(
        keys in proptest::collection::vec(0u8..4, 1..60),
    ) {
        let policy = Policy::gcra(3, Duration::from_secs(1));
        let store = MemoryStore::new();
        let mut states: [Option<LimitState>; 4] = [None; 4];
        for (step, key) in keys.into_iter().enumerate() {
            let now = Duration::from_millis(step as u64 * 100);
            let bytes = [key];
            let got = store.decide_now(RateLimitKey::Bytes(&bytes), &policy, now);
            let (expected, next) = policy.decide(states[usize::from(key)], now);
            states[usize::from(key)] = Some(next);
            prop_assert_eq!(got, expected);
        }
    }
}

#[test]
fn a_full_memory_store_evicts_idle_keys_first_and_stays_bounded() {
    let policy = Policy::window(1, Duration::from_secs(10));
    let store = MemoryStore::with_max_keys(64);
    assert_eq!(store.max_keys(), 64);
    assert_eq!(MemoryStore::new().max_keys(), DEFAULT_MAX_KEYS.div_ceil(32) * 32);
    for ip in 0..1_000u32 {
        let key = RateLimitKey::Ip(std::net::Ipv4Addr::from(ip).into());
        assert!(store.decide_now(key, &policy, Duration::ZERO).allowed);
        assert!(store.len() <= 64);
    }
    // Idle keys are dropped first: at 20 s every key is idle, and a new busy key stays.
    let busy = RateLimitKey::Bytes(b"busy");
    assert!(store.decide_now(busy, &policy, Duration::from_secs(20)).allowed);
    assert!(!store.decide_now(busy, &policy, Duration::from_secs(29)).allowed, "busy key was evicted");
    assert!(store.len() <= 64);
}

#[test]
fn concurrent_requests_on_one_key_never_exceed_the_limit() {
    let store = Arc::new(MemoryStore::new());
    let policy = Arc::new(Policy::gcra(100, Duration::from_secs(60)));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (store, policy) = (Arc::clone(&store), Arc::clone(&policy));
            std::thread::spawn(move || {
                (0..50)
                    .filter(|_| store.decide_now(RateLimitKey::Global, &policy, Duration::ZERO).allowed)
                    .count()
            })
        })
        .collect();
    let admitted: usize = threads.into_iter().map(|thread| thread.join().unwrap()).sum();
    assert_eq!(admitted, 100);
}

// ---------------------------------------------------------------- through the test client

fn hello() -> Router {
    Router::new().get("/", || async { "hello" }).get("/other", || async { "other" })
}

fn client_for(limit: RateLimit) -> TestClient {
    TestClient::new(App::new().middleware(limit).merge(hello()))
}

async fn get(client: &TestClient, path: &str) -> TestResponse {
    client.get(path).send().await
}

#[tokio::test]
async fn the_quota_counts_down_exactly_and_the_next_request_is_refused() {
    let clock = ManualClock::new();
    let client = client_for(RateLimit::per_minute(3).clock(clock.clone()));
    for (remaining, reset) in [(2, 20), (1, 40), (0, 60)] {
        let response = get(&client, "/").await.assert_status(200).assert_text("hello");
        assert_eq!(response.header("ratelimit-policy"), Some("\"default\";q=3;w=60"));
        assert_eq!(
            response.header("ratelimit"),
            Some(format!("\"default\";r={remaining};t={reset}").as_str())
        );
        assert_eq!(response.header("x-ratelimit-limit"), None);
    }
    let refused = get(&client, "/").await.assert_status(429);
    assert_eq!(refused.header("retry-after"), Some("20"));
    assert_eq!(refused.header("content-type"), Some("application/problem+json"));
    assert_eq!(refused.header("ratelimit"), Some("\"default\";r=0;t=60"));
    let problem: serde_json::Value = refused.json();
    assert_eq!(problem["status"], 429);
    // Retry-After rounds up: 19.5 s later, 0.5 s are left.
    clock.advance(Duration::from_millis(19_500));
    assert_eq!(get(&client, "/").await.assert_status(429).header("retry-after"), Some("1"));
    clock.advance(Duration::from_millis(500));
    get(&client, "/").await.assert_status(200).assert_header("ratelimit", "\"default\";r=0;t=60");
}

#[tokio::test]
async fn bursts_and_the_fixed_window() {
    let clock = ManualClock::new();
    let client = client_for(RateLimit::per_second(1).burst(3).clock(clock.clone()));
    for _ in 0..3 {
        get(&client, "/").await.assert_status(200);
    }
    get(&client, "/").await.assert_status(429).assert_header("retry-after", "1");
    clock.advance(Duration::from_secs(1));
    get(&client, "/").await.assert_status(200).assert_header("ratelimit", "\"default\";r=0;t=3");

    let clock = ManualClock::new();
    let client = client_for(RateLimit::window(2, Duration::from_secs(60)).clock(clock.clone()));
    get(&client, "/").await.assert_header("ratelimit", "\"default\";r=1;t=60");
    clock.advance(Duration::from_secs(10));
    get(&client, "/").await.assert_header("ratelimit", "\"default\";r=0;t=50");
    get(&client, "/").await.assert_status(429).assert_header("retry-after", "50");
    clock.advance(Duration::from_secs(50));
    get(&client, "/").await.assert_status(200).assert_header("ratelimit", "\"default\";r=1;t=60");
}

#[tokio::test]
async fn legacy_headers_and_no_headers_on_success() {
    let client = client_for(RateLimit::per_minute(2).legacy_headers(true).clock(ManualClock::new()));
    let response = get(&client, "/").await;
    assert_eq!(response.header("x-ratelimit-limit"), Some("2"));
    assert_eq!(response.header("x-ratelimit-remaining"), Some("1"));
    assert_eq!(response.header("x-ratelimit-reset"), Some("30"));
    get(&client, "/").await.assert_header("x-ratelimit-remaining", "0");
    get(&client, "/").await.assert_status(429).assert_header("x-ratelimit-reset", "60");

    let client = client_for(RateLimit::per_minute(1).headers_on_success(false).clock(ManualClock::new()));
    let response = get(&client, "/").await.assert_status(200);
    assert_eq!(response.header("ratelimit"), None);
    assert_eq!(response.header("ratelimit-policy"), None);
    get(&client, "/").await.assert_status(429).assert_header("ratelimit", "\"default\";r=0;t=60");
}

#[tokio::test]
async fn the_most_restrictive_of_several_limits_decides() {
    let clock = ManualClock::new();
    let limit = RateLimit::per_minute(10)
        .and(RateLimit::per_second(2).name("burst"))
        .and(RateLimit::per_minute(5))
        .clock(clock.clone());
    let client = client_for(limit);
    let first = get(&client, "/").await.assert_status(200);
    let policies: Vec<_> =
        first.headers().get_all("ratelimit-policy").iter().map(|v| v.to_str().unwrap()).collect();
    assert_eq!(policies, ["\"default\";q=10;w=60", "\"burst\";q=2;w=1", "\"default-2\";q=5;w=60"]);
    assert_eq!(first.header("ratelimit"), Some("\"burst\";r=1;t=1"));
    get(&client, "/").await.assert_header("ratelimit", "\"burst\";r=0;t=1");
    get(&client, "/").await.assert_status(429).assert_header("ratelimit", "\"burst\";r=0;t=1");
    clock.advance(Duration::from_secs(1));
    get(&client, "/").await.assert_header("ratelimit", "\"burst\";r=1;t=1");
    get(&client, "/").await.assert_header("ratelimit", "\"burst\";r=0;t=1");
    clock.advance(Duration::from_secs(1));
    // "default-2" counted 4 (the refusal by "burst" stopped before it): its last one now.
    get(&client, "/").await.assert_status(200).assert_header("ratelimit", "\"default-2\";r=0;t=58");
    let refused = get(&client, "/").await.assert_status(429);
    assert_eq!(refused.header("retry-after"), Some("10"));
    assert_eq!(refused.header("ratelimit"), Some("\"default-2\";r=0;t=58"));
}

#[tokio::test]
async fn keys_by_header_with_a_missing_header_refused_or_skipped() {
    let client = client_for(RateLimit::per_minute(1).key(Key::header("x-api-key")).clock(ManualClock::new()));
    client.get("/").header("x-api-key", "a").send().await.assert_status(200);
    client.get("/").header("x-api-key", "a").send().await.assert_status(429);
    client.get("/").header("x-api-key", "b").send().await.assert_status(200);
    let missing = get(&client, "/").await.assert_status(400);
    assert!(missing.text().contains("x-api-key"), "{}", missing.text());

    let client = client_for(
        RateLimit::per_minute(1)
            .key(Key::header("x-api-key"))
            .skip_when_key_missing()
            .clock(ManualClock::new()),
    );
    for _ in 0..3 {
        let response = get(&client, "/").await.assert_status(200);
        assert_eq!(response.header("ratelimit"), None);
    }
}

#[tokio::test]
async fn keys_by_route_parameter_and_a_missing_parameter_is_a_500() {
    let limit = RateLimit::per_minute(1).key(Key::param("id")).clock(ManualClock::new());
    let app = App::new().merge(Router::new().middleware(limit).get("/users/:id", || async { "user" }));
    let client = TestClient::new(app);
    client.get("/users/1").send().await.assert_status(200);
    client.get("/users/1").send().await.assert_status(429);
    client.get("/users/2").send().await.assert_status(200);

    let limit = RateLimit::per_minute(1).key(Key::param("user")).clock(ManualClock::new());
    let client = TestClient::new(
        App::new().route(Route::new(Method::GET, "/x/:id", || async { "" }).middleware(limit)),
    );
    let response = client.get("/x/1").send().await.assert_status(500);
    assert!(response.text().contains("`user`"), "{}", response.text());
}

#[derive(Clone)]
struct User(&'static str);

#[tokio::test]
async fn keys_by_function_reading_an_extension() {
    let authenticate = from_fn(|mut request: Request, next: Next| async move {
        if let Some(user) = request.headers().get("x-user").and_then(|v| v.to_str().ok()) {
            let user = if user == "ann" { "ann" } else { "bob" };
            request.parts_mut().extensions_mut().insert(User(user));
        }
        next.run(request).await
    });
    let by_user = Key::from_fn(|parts| parts.extensions().get::<User>().map(|user| user.0.to_owned()));
    let limit = RateLimit::per_minute(1).key(by_user).skip_when_key_missing().clock(ManualClock::new());
    let client = TestClient::new(App::new().middleware(authenticate).middleware(limit).merge(hello()));
    client.get("/").header("x-user", "ann").send().await.assert_status(200);
    client.get("/").header("x-user", "ann").send().await.assert_status(429);
    client.get("/").header("x-user", "bob").send().await.assert_status(200);
    get(&client, "/").await.assert_status(200);
}

#[tokio::test]
async fn group_scope_shares_one_count_and_route_scope_counts_alone() {
    let clock = ManualClock::new();
    let group = Router::new()
        .middleware(RateLimit::per_minute(2).key(Key::global()).clock(clock.clone()))
        .get("/a", || async { "a" })
        .get("/b", || async { "b" });
    let login = Route::new(Method::POST, "/login", || async { "in" })
        .middleware(RateLimit::per_minute(1).key(Key::global()).clock(clock.clone()));
    let client = TestClient::new(
        App::new().merge(group).route(login).merge(Router::new().get("/free", || async { "" })),
    );
    client.get("/a").send().await.assert_status(200);
    client.get("/b").send().await.assert_status(200);
    client.get("/a").send().await.assert_status(429);
    client.post("/login").send().await.assert_status(200);
    client.post("/login").send().await.assert_status(429);
    for _ in 0..3 {
        let response = client.get("/free").send().await.assert_status(200);
        assert_eq!(response.header("ratelimit"), None);
    }
}

#[tokio::test]
async fn many_tasks_on_one_key_never_exceed_the_limit() {
    let client = Arc::new(client_for(RateLimit::per_minute(10).clock(ManualClock::new())));
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let client = Arc::clone(&client);
            tokio::spawn(async move { client.get("/").send().await.status() })
        })
        .collect();
    let mut admitted = 0;
    for task in tasks {
        let status = task.await.unwrap();
        assert!(status == StatusCode::OK || status == StatusCode::TOO_MANY_REQUESTS, "{status}");
        admitted += usize::from(status == StatusCode::OK);
    }
    assert_eq!(admitted, 10);
}

fn build_error(limit: RateLimit) -> String {
    match App::new().middleware(limit).merge(hello()).build() {
        Ok(_) => panic!("the app built"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn zero_numbers_and_bad_names_are_build_errors() {
    assert!(build_error(RateLimit::per_minute(0)).contains("quota of 0"));
    assert!(build_error(RateLimit::new(5, Duration::ZERO)).contains("period of 0"));
    assert!(build_error(RateLimit::per_second(5).burst(0)).contains("burst of 0"));
    assert!(build_error(RateLimit::window(0, Duration::from_secs(1))).contains("limit of 0"));
    assert!(build_error(RateLimit::window(1, Duration::ZERO)).contains("window of 0"));
    assert!(build_error(RateLimit::per_second(1).key(Key::header("bad name"))).contains("not a header name"));
    assert!(build_error(RateLimit::per_second(1).name("naïve")).contains("printable ASCII"));
    App::new().middleware(RateLimit::per_second(1)).merge(hello()).build().expect("a valid limit builds");
}

#[tokio::test]
async fn encoded_parameters_share_the_count_of_their_decoded_form() {
    let limited = crate::Router::new()
        .post("/login/:user", || async { "tried" })
        .middleware(RateLimit::per_minute(2).key(Key::param("user")));
    let client = crate::test::TestClient::new(crate::App::new().merge(limited));
    client.post("/login/ada").send().await.assert_status(200);
    client.post("/login/%61da").send().await.assert_status(200);
    client.post("/login/%61%64%61").send().await.assert_status(429);
    client.post("/login/grace").send().await.assert_status(200);
}

#[test]
fn long_keys_are_stored_as_a_fixed_size_digest() {
    let long = "k".repeat(10_000);
    let mut owned = None;
    let key = super::key::bounded(long.as_bytes(), &mut owned);
    let super::RateLimitKey::Bytes(bytes) = key else { panic!("a byte key") };
    assert_eq!(bytes.len(), 33);
    let mut again = None;
    assert_eq!(super::key::bounded(long.as_bytes(), &mut again), key, "the digest is stable");
    let mut other = None;
    let different = "k".repeat(9_999) + "j";
    assert_ne!(super::key::bounded(different.as_bytes(), &mut other), key);
    let mut short = None;
    assert_eq!(super::key::bounded(b"short", &mut short), super::RateLimitKey::Bytes(b"short"));
}

#[test]
fn huge_periods_do_not_overflow_the_header_seconds() {
    assert_eq!(super::policy::ceil_secs(std::time::Duration::MAX), u64::MAX);
}

// ---------------------------------------------------------------- stores that answer later, or fail

/// A store that answers after a round trip (one yield to the runtime), as a shared store would, counting
/// in a [`MemoryStore`]; or that fails every decision.
struct RoundTripStore {
    counts: Arc<MemoryStore>,
    fail: bool,
}

impl RoundTripStore {
    fn new() -> Self {
        Self { counts: Arc::new(MemoryStore::new()), fail: false }
    }

    fn failing() -> Self {
        Self { counts: Arc::new(MemoryStore::new()), fail: true }
    }
}

impl super::RateLimitStore for RoundTripStore {
    fn decide(&self, key: RateLimitKey<'_>, policy: &Policy, now: Duration) -> super::Decided {
        let counts = Arc::clone(&self.counts);
        let fail = self.fail;
        let owned: Option<Vec<u8>> = match key {
            RateLimitKey::Bytes(bytes) => Some(bytes.to_vec()),
            _ => None,
        };
        let fallback = key_without_bytes(key);
        let policy = policy.clone();
        super::Decided::Pending(Box::pin(async move {
            tokio::task::yield_now().await;
            if fail {
                return Err(super::StoreError("connection refused".to_owned()));
            }
            let key = owned.as_deref().map_or(fallback, RateLimitKey::Bytes);
            Ok(counts.decide_now(key, &policy, now))
        }))
    }
}

/// A key that borrows nothing, copied into a `'static` future.
fn key_without_bytes(key: RateLimitKey<'_>) -> RateLimitKey<'static> {
    match key {
        RateLimitKey::Ip(ip) => RateLimitKey::Ip(ip),
        _ => RateLimitKey::Global,
    }
}

#[tokio::test]
async fn a_store_that_answers_later_counts_and_answers_the_same() {
    let clock = ManualClock::new();
    let client = client_for(RateLimit::per_minute(3).store(RoundTripStore::new()).clock(clock.clone()));
    for remaining in [2, 1, 0] {
        get(&client, "/")
            .await
            .assert_status(200)
            .assert_text("hello")
            .assert_header("ratelimit-policy", "\"default\";q=3;w=60")
            .assert_header("ratelimit", &format!("\"default\";r={remaining};t={}", 60 - remaining * 20));
    }
    get(&client, "/").await.assert_status(429).assert_header("retry-after", "20");
    clock.advance(Duration::from_secs(20));
    get(&client, "/").await.assert_status(200);
}

#[tokio::test]
async fn checking_resumes_after_a_round_trip_with_the_limits_after_it() {
    // A round-trip limit first, then two in memory: after the store answers, the rest are checked.
    let clock = ManualClock::new();
    let limit = RateLimit::per_minute(10)
        .store(RoundTripStore::new())
        .and(RateLimit::per_minute(2).name("memory"))
        .and(RateLimit::per_minute(5).name("later").store(RoundTripStore::new()))
        .clock(clock.clone());
    let client = client_for(limit);
    let first = get(&client, "/").await.assert_status(200);
    assert_eq!(first.headers().get_all("ratelimit-policy").iter().count(), 3);
    assert_eq!(first.header("ratelimit"), Some("\"memory\";r=1;t=30"));
    get(&client, "/").await.assert_status(200).assert_header("ratelimit", "\"memory\";r=0;t=60");
    get(&client, "/").await.assert_status(429).assert_header("ratelimit", "\"memory\";r=0;t=60");
}

#[tokio::test]
async fn a_failing_store_answers_503_with_a_problem_and_never_admits() {
    for limit in [
        RateLimit::per_minute(100).store(RoundTripStore::failing()),
        RateLimit::per_minute(100)
            .and(RateLimit::per_minute(100).name("shared").store(RoundTripStore::failing())),
    ] {
        let client = client_for(limit.clock(ManualClock::new()));
        let response = get(&client, "/").await.assert_status(503);
        assert_eq!(response.header("content-type"), Some("application/problem+json"));
        let problem: serde_json::Value = response.json();
        assert_eq!(problem["status"], 503);
        assert!(problem["detail"].as_str().unwrap().contains("connection refused"), "{problem}");
    }
}

#[tokio::test]
async fn a_limit_added_to_itself_counts_once_per_store() {
    // `limit.clone().and(limit)`: two limits that must not share one memory store, or every request would
    // be counted twice in it.
    let limit = RateLimit::per_minute(2).clock(ManualClock::new());
    let client = client_for(limit.clone().and(limit));
    get(&client, "/").await.assert_status(200).assert_header("ratelimit", "\"default\";r=1;t=30");
    get(&client, "/").await.assert_status(200);
    get(&client, "/").await.assert_status(429);
}

#[test]
fn two_limits_with_one_name_are_a_build_error() {
    // `and` renames a clash, but a later `name` can make one again.
    let error = build_error(RateLimit::per_minute(1).and(RateLimit::per_second(1)).name("default"));
    assert!(error.contains("two rate limits named `default`"), "{error}");
}

#[test]
fn client_addresses_are_keyed_by_network() {
    use super::key::network;
    let ip = |text: &str| text.parse::<std::net::IpAddr>().unwrap();
    // The defaults: an IPv4 address alone, an IPv6 address with its /64, a mapped address as IPv4.
    assert_eq!(network(ip("192.0.2.77"), 32, 64), ip("192.0.2.77"));
    assert_eq!(network(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), 32, 64), ip("2001:db8:1:2::"));
    assert_eq!(network(ip("::ffff:192.0.2.77"), 32, 64), ip("192.0.2.77"));
    // Other prefixes, and the edges.
    assert_eq!(network(ip("192.0.2.77"), 24, 48), ip("192.0.2.0"));
    assert_eq!(network(ip("2001:db8:1:2::1"), 24, 48), ip("2001:db8:1::"));
    assert_eq!(network(ip("192.0.2.77"), 0, 0), ip("0.0.0.0"));
    assert_eq!(network(ip("2001:db8::1"), 32, 128), ip("2001:db8::1"));
    assert_eq!(network(ip("2001:db8::1"), 32, 0), ip("::"));
    assert_eq!(format!("{:?}", Key::client_ip()), "Key::client_ip()");
    assert_eq!(format!("{:?}", Key::client_network(200, 200)), "Key::client_network(32, 128)");
}

#[test]
fn a_flood_of_new_keys_with_none_idle_stays_bounded_and_keeps_counting() {
    let policy = Policy::window(1, Duration::from_secs(3600));
    let store = MemoryStore::with_max_keys(128);
    let mut now = Duration::ZERO;
    for ip in 0..20_000u32 {
        now += Duration::from_millis(1);
        let key = RateLimitKey::Ip(std::net::Ipv4Addr::from(ip).into());
        assert!(store.decide_now(key, &policy, now).allowed);
        assert!(store.len() <= 128);
    }
    // The last key is held (it was just inserted) and refused again within its window.
    let last = RateLimitKey::Ip(std::net::Ipv4Addr::from(19_999u32).into());
    assert!(!store.decide_now(last, &policy, now).allowed);
}
