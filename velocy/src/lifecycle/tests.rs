//! The lifecycle through the in-process client: the order of every stage, early answers, interceptors,
//! panics, completion observers, the request context and content negotiation.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use http::{Method, StatusCode};
use http_body_util::BodyExt;

use super::{Completion, Intercepted, PanicMessage, RequestSummary, ServeError};
use crate::middleware::{from_fn, Next};
use crate::test::TestClient;
use crate::{App, Body, Extension, IntoResponse, Request, Response, Route, Router};

type Log = Arc<Mutex<Vec<String>>>;

fn log() -> Log {
    Arc::new(Mutex::new(Vec::new()))
}

fn push(log: &Log, entry: impl Into<String>) {
    log.lock().unwrap().push(entry.into());
}

fn tracing_middleware(log: &Log, name: &'static str) -> impl crate::middleware::Middleware {
    let log = Arc::clone(log);
    from_fn(move |request: Request, next: Next| {
        let log = Arc::clone(&log);
        async move {
            push(&log, format!("{name} in"));
            let response = next.run(request).await;
            push(&log, format!("{name} out"));
            response
        }
    })
}

#[tokio::test]
async fn every_stage_runs_in_the_documented_order() {
    let log = log();
    let handler_log = Arc::clone(&log);
    let route = Route::new(Method::GET, "/order", move || {
        let log = Arc::clone(&handler_log);
        async move {
            push(&log, "handler");
            "done"
        }
    })
    .middleware(tracing_middleware(&log, "route"));
    let inner = Router::new().route(route).middleware(tracing_middleware(&log, "inner group"));
    let outer = Router::new().merge(inner).middleware(tracing_middleware(&log, "outer group"));
    let (before_log, first_after, second_after) = (Arc::clone(&log), Arc::clone(&log), Arc::clone(&log));
    let app = App::new()
        .merge(outer)
        .middleware(tracing_middleware(&log, "global 1"))
        .middleware(tracing_middleware(&log, "global 2"))
        .on_request(move |request: Request| {
            let log = Arc::clone(&before_log);
            async move {
                push(&log, "before");
                Ok::<_, Response>(request)
            }
        })
        .map_response(move |_: &RequestSummary, _: &mut Response| push(&first_after, "after 1"))
        .map_response(move |_: &RequestSummary, _: &mut Response| push(&second_after, "after 2"));
    TestClient::new(app).get("/order").send().await.assert_text("done");
    let expected = [
        "before",
        "global 1 in",
        "global 2 in",
        "outer group in",
        "inner group in",
        "route in",
        "handler",
        "route out",
        "inner group out",
        "outer group out",
        "global 2 out",
        "global 1 out",
        "after 2",
        "after 1",
    ];
    assert_eq!(*log.lock().unwrap(), expected);
}

#[tokio::test]
async fn middleware_can_reject_before_the_handler() {
    let log = log();
    let handler_log = Arc::clone(&log);
    let guard = from_fn(|request: Request, next: Next| async move {
        if request.headers().contains_key("x-key") {
            next.run(request).await
        } else {
            (StatusCode::UNAUTHORIZED, "no key").into_response()
        }
    });
    let route = Route::new(Method::GET, "/secret", move || {
        let log = Arc::clone(&handler_log);
        async move {
            push(&log, "handler");
            "secret"
        }
    })
    .middleware(guard);
    let client = TestClient::new(App::new().route(route));
    client.get("/secret").send().await.assert_status(401).assert_text("no key");
    assert!(log.lock().unwrap().is_empty(), "the handler must not run");
    client.get("/secret").header("x-key", "1").send().await.assert_text("secret");
}

#[tokio::test]
async fn the_first_request_hook_that_answers_ends_the_request() {
    let log = log();
    let second = Arc::clone(&log);
    let app = App::new()
        .route(Route::new(Method::GET, "/", || async { "handler" }))
        .on_request(|request: Request| async move {
            if request.uri().query() == Some("stop") {
                Err((StatusCode::SERVICE_UNAVAILABLE, "stopped"))
            } else {
                Ok(request)
            }
        })
        .on_request(move |request: Request| {
            let log = Arc::clone(&second);
            async move {
                push(&log, "second hook");
                Ok::<_, Response>(request)
            }
        })
        .middleware(tracing_middleware(&log, "global"));
    let client = TestClient::new(app);
    client.get("/?stop").send().await.assert_status(503).assert_text("stopped");
    assert!(log.lock().unwrap().is_empty(), "{:?}", log.lock().unwrap());
    client.get("/").send().await.assert_text("handler");
}

#[tokio::test]
async fn request_hooks_may_rewrite_the_target_and_later_stages_cannot() {
    let app = App::new()
        .route(
            Route::new(Method::GET, "/new", |request_uri: http::Uri| async move { request_uri.to_string() })
                .middleware(from_fn(|mut request: Request, next: Next| async move {
                    assert!(request.head_mut().is_none(), "the head is read-only after routing");
                    next.run(request).await
                })),
        )
        .on_request(|mut request: Request| async move {
            if let Some(head) = request.head_mut() {
                if head.uri.path() == "/old" {
                    head.uri = http::Uri::from_static("/new");
                }
            }
            Ok::<_, Response>(request)
        });
    TestClient::new(app).get("/old").send().await.assert_status(200).assert_text("/new");
}

#[tokio::test]
async fn interceptors_replace_framework_and_handler_responses_innermost_first() {
    let api = Router::new()
        .get("/missing", || async { crate::HttpError::not_found("no such item") })
        .on_status(StatusCode::NOT_FOUND, |intercepted: Intercepted| async move {
            let detail = intercepted.response.status();
            format!("api 404 ({detail}) for {}", intercepted.request.uri.path())
        });
    let app = App::new()
        .nest("/api", api)
        .route(Route::new(Method::GET, "/boom", || async { StatusCode::INTERNAL_SERVER_ERROR }))
        .on_status(StatusCode::NOT_FOUND, |_: Intercepted| async { (StatusCode::NOT_FOUND, "site 404") })
        .on_status(StatusCode::METHOD_NOT_ALLOWED, |intercepted: Intercepted| async move {
            let allow = intercepted.response.headers()["allow"].clone();
            (StatusCode::METHOD_NOT_ALLOWED, [("allow", allow)], "custom 405")
        });
    let client = TestClient::new(app);
    client.get("/nowhere").send().await.assert_status(404).assert_text("site 404");
    client.get("/api/missing").send().await.assert_text("api 404 (404 Not Found) for /api/missing");
    client.get("/api/unknown/path").send().await.assert_text("api 404 (404 Not Found) for /api/unknown/path");
    client
        .post("/boom")
        .send()
        .await
        .assert_status(405)
        .assert_text("custom 405")
        .assert_header("allow", "GET, HEAD, OPTIONS");
}

#[tokio::test]
async fn panics_become_500s_and_the_app_keeps_serving() {
    let completions: Arc<Mutex<Vec<Completion>>> = Arc::default();
    let sink = Arc::clone(&completions);
    let app = App::new()
        .route(Route::new(Method::GET, "/panic", || async {
            if true {
                panic!("the handler exploded");
            }
            "unreachable"
        }))
        .route(Route::new(Method::GET, "/fine", || async { "fine" }))
        .on_completion(move |completion: &Completion| sink.lock().unwrap().push(completion.clone()));
    let client = TestClient::new(app);
    let response = client.get("/panic").send().await.assert_status(500);
    assert!(!response.text().contains("exploded"), "the panic message must not reach the client");
    client.get("/fine").send().await.assert_text("fine");
    let completions = completions.lock().unwrap();
    assert_eq!(completions[0].panic.as_deref(), Some("the handler exploded"));
    assert_eq!(completions[1].status, StatusCode::OK);
}

#[tokio::test]
async fn panics_are_caught_on_the_fast_path_too() {
    let service = App::new()
        .route(Route::new(Method::GET, "/panic", || async {
            if true {
                panic!("fast path panic");
            }
        }))
        .build()
        .unwrap();
    let request = http::Request::get("/panic").header("host", "x").body(Body::empty()).unwrap();
    let response = service.handle(request, None).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(response.extensions().get::<PanicMessage>().unwrap().0, "fast path panic");
}

#[tokio::test]
async fn panics_are_caught_on_the_global_middleware_path() {
    // Global middleware and no hooks: the path between the fast one and the full lifecycle.
    let service = App::new()
        .middleware(from_fn(|request: Request, next: Next| {
            if request.uri().path() == "/panic-in-middleware" {
                panic!("middleware panic");
            }
            next.run(request)
        }))
        .route(Route::new(Method::GET, "/panic", || async {
            if true {
                panic!("handler panic");
            }
        }))
        .route(Route::new(Method::GET, "/fine", || async { "fine" }))
        .build()
        .unwrap();
    for (path, message) in [("/panic-in-middleware", "middleware panic"), ("/panic", "handler panic")] {
        let request = http::Request::get(path).header("host", "x").body(Body::empty()).unwrap();
        let response = service.handle(request, None).await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        assert_eq!(response.extensions().get::<PanicMessage>().unwrap().0, message);
    }
    let request = http::Request::get("/fine").header("host", "x").body(Body::empty()).unwrap();
    assert_eq!(service.handle(request, None).await.status(), StatusCode::OK);
}

/// Adds `x-seen: <name>` to every response of the rest of the chain, through [`Next::run_then`].
struct MarksResponses(&'static str);

impl crate::middleware::Middleware for MarksResponses {
    fn call(&self, request: Request, next: Next) -> crate::future::BoxFuture<'static, Response> {
        let name = self.0;
        next.run_then(request, move |response| {
            response.headers_mut().append("x-seen", http::HeaderValue::from_static(name));
        })
    }
}

#[tokio::test]
async fn run_then_sees_every_response_of_the_rest_of_the_chain() {
    let inner = from_fn(|request: Request, next: Next| async move {
        let mut response = next.run(request).await;
        response.headers_mut().append("x-seen", http::HeaderValue::from_static("inner"));
        response
    });
    let app = App::new()
        .middleware(MarksResponses("outer"))
        .merge(Router::new().get("/", || async { "hi" }).get("/panic", || async {
            if true {
                panic!("boom");
            }
        }))
        .merge(Router::new().get("/inner", || async { "hi" }).middleware(inner))
        .merge(Router::new().get("/last", || async { "hi" }).middleware(MarksResponses("route")));
    let client = TestClient::new(app);
    let seen = |response: &crate::test::TestResponse| -> Vec<String> {
        response.headers().get_all("x-seen").iter().map(|v| v.to_str().unwrap().to_owned()).collect()
    };
    // Last before the handler, before another middleware, on a panic's 500 and on a routing 404.
    assert_eq!(seen(&client.get("/").send().await.assert_text("hi")), ["outer"]);
    assert_eq!(seen(&client.get("/inner").send().await), ["inner", "outer"]);
    assert_eq!(seen(&client.get("/last").send().await), ["route", "outer"]);
    assert_eq!(seen(&client.get("/panic").send().await.assert_status(500)), ["outer"]);
    assert_eq!(seen(&client.get("/missing").send().await.assert_status(404)), ["outer"]);
}

#[tokio::test]
async fn completion_observers_see_status_bytes_and_route() {
    let completions: Arc<Mutex<Vec<Completion>>> = Arc::default();
    let sink = Arc::clone(&completions);
    let app = App::new()
        .route(Route::new(Method::GET, "/items/:id", || async { "twelve bytes" }))
        .on_completion(move |completion: &Completion| sink.lock().unwrap().push(completion.clone()));
    TestClient::new(app).get("/items/7").send().await.assert_status(200);
    let completion = completions.lock().unwrap().pop().unwrap();
    assert_eq!(completion.status, StatusCode::OK);
    assert_eq!(completion.bytes_sent, 12);
    assert_eq!(completion.route.as_deref(), Some("/items/:id"));
    assert_eq!(completion.uri.path(), "/items/7");
    assert!(completion.error.is_none());
}

#[tokio::test]
async fn a_request_abandoned_before_its_response_is_not_reported() {
    // The client went away while the handler ran: there is no status to report, so completion observers
    // hear nothing (rather than a made-up 200); a response dropped unsent is reported with its error.
    let completions: Arc<Mutex<Vec<Completion>>> = Arc::default();
    let sink = Arc::clone(&completions);
    let service = App::new()
        .route(Route::new(Method::GET, "/slow", || async {
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            "late"
        }))
        .route(Route::new(Method::GET, "/fast", || async { "fast" }))
        .on_completion(move |completion: &Completion| sink.lock().unwrap().push(completion.clone()))
        .build()
        .unwrap();
    let request = || http::Request::get("/slow").header("host", "x").body(crate::Body::empty()).unwrap();
    let mut pending = Box::pin(service.handle(request(), None));
    let first_poll =
        std::future::poll_fn(|cx| std::task::Poll::Ready(std::future::Future::poll(pending.as_mut(), cx)))
            .await;
    assert!(first_poll.is_pending());
    drop(pending);
    drop(service.handle(request(), None));
    assert!(completions.lock().unwrap().is_empty());

    let fast = http::Request::get("/fast").header("host", "x").body(crate::Body::empty()).unwrap();
    drop(service.handle(fast, None).await);
    let completions = completions.lock().unwrap();
    assert_eq!(completions.len(), 1);
    assert_eq!(completions[0].status, StatusCode::OK);
    assert!(completions[0].error.as_deref().is_some_and(|error| error.contains("before the body")));
}

#[tokio::test]
async fn a_body_that_fails_midway_is_reported_to_the_error_sink() {
    let errors: Arc<Mutex<Vec<ServeError>>> = Arc::default();
    let sink = Arc::clone(&errors);
    let service = App::new()
        .route(Route::new(Method::GET, "/stream", || async {
            let chunks = vec![Ok("first chunk"), Err(std::io::Error::other("disk read failed"))];
            Body::from_stream(crate::body::iter_stream(chunks))
        }))
        .on_error(move |error: &ServeError| sink.lock().unwrap().push(error.clone()))
        .build()
        .unwrap();
    let request = http::Request::get("/stream").header("host", "x").body(Body::empty()).unwrap();
    let response = service.handle(request, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.into_body().collect().await.is_err());
    let errors = errors.lock().unwrap();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("disk read failed"), "{}", errors[0]);
    assert_eq!(errors[0].uri.as_ref().unwrap().path(), "/stream");
}

#[tokio::test]
async fn middleware_passes_typed_values_to_handlers() {
    #[derive(Clone)]
    struct User(&'static str);
    let route = Route::new(Method::GET, "/me", |Extension(user): Extension<User>| async move { user.0 });
    let app = App::new().route(route).middleware(from_fn(|mut request: Request, next: Next| async move {
        request.parts_mut().extensions_mut().insert(User("ada"));
        next.run(request).await
    }));
    TestClient::new(app).get("/me").send().await.assert_text("ada");
}

#[tokio::test]
async fn the_current_request_is_reachable_from_anywhere_in_its_task() {
    fn who_is_asking() -> String {
        let request = crate::context::current().expect("inside a request");
        format!("{} {} via {}", request.method(), request.uri(), request.route().unwrap_or("-"))
    }
    let route = Route::new(Method::GET, "/ctx/:id", || async {
        let direct = who_is_asking();
        let spawned = crate::context::spawn(async { who_is_asking() }).await.unwrap();
        format!("{direct} | {spawned}")
    });
    let client = TestClient::new(App::new().request_context().route(route));
    client.get("/ctx/1").send().await.assert_text("GET /ctx/1 via /ctx/:id | GET /ctx/1 via /ctx/:id");
    assert!(crate::context::current().is_none());
}

#[tokio::test]
async fn routes_are_chosen_by_accept_and_content_type() {
    let app = App::new()
        .route(Route::new(Method::GET, "/doc", || async { "json" }).produces(["application/json"]))
        .route(Route::new(Method::GET, "/doc", || async { crate::Html("html") }).produces(["text/html"]))
        .route(Route::new(Method::POST, "/doc", || async { "took json" }).consumes(["application/json"]));
    let client = TestClient::new(app);
    client
        .get("/doc")
        .header("accept", "text/html")
        .send()
        .await
        .assert_text("html")
        .assert_header("vary", "accept");
    client.get("/doc").header("accept", "application/json").send().await.assert_text("json");
    client
        .get("/doc")
        .header("accept", "text/html;q=0.4, application/json;q=0.6")
        .send()
        .await
        .assert_text("json");
    client.get("/doc").send().await.assert_text("json");
    let refused = client.get("/doc").header("accept", "image/png").send().await.assert_status(406);
    assert!(refused.text().contains("application/json, text/html"), "{}", refused.text());
    client.post("/doc").header("content-type", "application/json").send().await.assert_text("took json");
    client.post("/doc").header("content-type", "text/plain").send().await.assert_status(415);
}

#[test]
fn overlapping_representations_conflict() {
    let error = App::new()
        .route(Route::new(Method::GET, "/doc", || async { "a" }).produces(["application/json"]))
        .route(Route::new(Method::GET, "/doc", || async { "b" }).produces(["application/json", "text/html"]))
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("route conflict"), "{error}");
}
