//! Counts heap allocations per request, Velocy against raw hyper, with a counting global allocator.
//!
//! Two measurements, each for `GET /plaintext`, `GET /json`, `GET /users/:id` and `POST /echo`:
//!
//! * **in process**: the request goes straight to the app (`AppService::handle` for Velocy, the
//!   `service_fn` for hyper) and the response body is collected; no socket, no HTTP parsing. This is the
//!   framework's own cost.
//! * **over a socket**: a real HTTP/1.1 keep-alive connection on 127.0.0.1 to each server, run on a
//!   current-thread runtime; the client is a blocking thread with fixed buffers that allocates nothing, so
//!   every allocation counted is the server's: hyper's connection handling plus the app.
//!
//! Requests are built before the counted window opens. Run with
//! `cargo run --release -p alloc-count` from `benches/`.
//!
//! `alloc-count --in-process` skips the socket measurement (for running under callgrind);
//! `alloc-count --loop APP ENDPOINT N` only sends N in-process requests (APP: `velocy`, `defaults`,
//! `hyper` or `axum` — axum's `Router` called as a tower `Service`; ENDPOINT: `plaintext`, `json`, `user` or `echo`), for counting instructions per request with
//! callgrind: see `instructions.sh`;
//! `alloc-count --trace` instead prints a backtrace for every allocation of one `GET /plaintext` and one
//! `GET /users/:id` through Velocy, in process and over the socket (build with `--profile profiling` for
//! file and line numbers); `alloc-count --trace defaults` does the same for the app with its default
//! middleware on.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::Future;
use std::hint::black_box;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HOST};
use http::{Method, Request};
use http_body_util::{BodyExt, Full};
use hyper::service::{service_fn, Service};

/// Counts every allocation (and reallocation) and the bytes asked for, then defers to the system allocator.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);
/// While set, every allocation prints its backtrace (`--trace`).
static TRACE: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// Set while a backtrace is being captured and printed, whose own allocations are not traced.
    static IN_TRACE: Cell<bool> = const { Cell::new(false) };
}

fn counted(size: usize) {
    ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    BYTES.fetch_add(size as u64, Ordering::Relaxed);
    if TRACE.load(Ordering::Relaxed) {
        trace(size);
    }
}

/// Prints where an allocation of `size` bytes comes from: the first frames outside the allocator and std.
fn trace(size: usize) {
    let Ok(false) = IN_TRACE.try_with(Cell::get) else { return };
    IN_TRACE.set(true);
    let backtrace = std::backtrace::Backtrace::force_capture().to_string();
    // Frames come as "N: function" (or just "function" for inlined ones) followed by "at file:line:col".
    let mut frames = Vec::new();
    let mut lines = backtrace.lines().map(str::trim).peekable();
    while let Some(line) = lines.next() {
        let function = line.split_once(": ").map_or(line, |(_, function)| function);
        let location = lines.next_if(|next| next.starts_with("at ")).unwrap_or("");
        let ours_or_std =
            location.contains("/rustc/") || location.contains("alloc-count/src") || location.is_empty();
        if frames.is_empty() && ours_or_std {
            continue;
        }
        frames.push(format!("    {function} {}", location.trim_start_matches("at ")));
        if frames.len() == 10 {
            break;
        }
    }
    eprintln!("allocation of {size} bytes:\n{}", frames.join("\n"));
    IN_TRACE.set(false);
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so `System`'s guarantees
// carry over; the counters are plain atomics and never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        counted(layout.size());
        // SAFETY: forwarded unchanged; the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        counted(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, that is from `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        counted(new_size);
        // SAFETY: as for `dealloc`; the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const WARMUP: u64 = 1_000;
const REQUESTS: u64 = 20_000;

const ECHO_BODY: &str =
    r#"{"message":"Hello, World!","id":12345,"tags":["a","b"],"nested":{"ok":true,"n":1.5}}"#;

/// Allocations and bytes per request.
#[derive(Debug, Clone, Copy)]
struct PerRequest {
    allocations: f64,
    bytes: f64,
}

fn counters() -> (u64, u64) {
    (ALLOCATIONS.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed))
}

/// The four requests, as `(label, method, path, body)`.
const ENDPOINTS: [(&str, Method, &str, &str); 4] = [
    ("GET /plaintext", Method::GET, "/plaintext", ""),
    ("GET /json", Method::GET, "/json", ""),
    ("GET /users/:id", Method::GET, "/users/12345", ""),
    ("POST /echo", Method::POST, "/echo", ECHO_BODY),
];

fn request<B>(method: &Method, path: &'static str, body: B) -> Request<B> {
    let mut request = Request::new(body);
    *request.method_mut() = method.clone();
    *request.uri_mut() = http::Uri::from_static(path);
    request.headers_mut().insert(HOST, http::HeaderValue::from_static("127.0.0.1"));
    if *method == Method::POST {
        request.headers_mut().insert(CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    }
    request
}

/// Runs `call` on fresh requests from `make`: a warm-up, then the counted requests, counting only from just
/// after each request is built to just after its response body is collected and dropped.
async fn in_process<R, Fut>(mut make: impl FnMut() -> R, mut call: impl FnMut(R) -> Fut) -> PerRequest
where
    Fut: Future<Output = Bytes>,
{
    for _ in 0..WARMUP {
        black_box(call(make()).await);
    }
    let (mut allocations, mut bytes) = (0, 0);
    for _ in 0..REQUESTS {
        let request = make();
        let before = counters();
        black_box(call(request).await);
        let after = counters();
        allocations += after.0 - before.0;
        bytes += after.1 - before.1;
    }
    PerRequest { allocations: allocations as f64 / REQUESTS as f64, bytes: bytes as f64 / REQUESTS as f64 }
}

async fn velocy_in_process(
    app: fn() -> velocy::App,
    method: &Method,
    path: &'static str,
    body: &'static str,
) -> PerRequest {
    let service = match app().build() {
        Ok(service) => service,
        Err(error) => panic!("the velocy app does not build: {error}"),
    };
    let service = &service;
    in_process(
        || request(method, path, velocy::Body::from(body)),
        |request| async move {
            let response = service.handle(request, None).await;
            assert!(response.status().is_success(), "velocy answered {} to {path}", response.status());
            collect(response.into_body()).await
        },
    )
    .await
}

async fn hyper_in_process(method: &Method, path: &'static str, body: &'static str) -> PerRequest {
    let service = service_fn(bench_servers::hyper_app::handle::<Full<Bytes>>);
    let service = &service;
    in_process(
        || request(method, path, Full::new(Bytes::from_static(body.as_bytes()))),
        |request| async move {
            let response = match service.call(request).await {
                Ok(response) => response,
                Err(infallible) => match infallible {},
            };
            assert!(response.status().is_success(), "hyper answered {} to {path}", response.status());
            collect(response.into_body()).await
        },
    )
    .await
}

async fn collect<B>(body: B) -> Bytes
where
    B: http_body::Body<Data = Bytes>,
    B::Error: std::fmt::Debug,
{
    match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => panic!("reading the response body failed: {error:?}"),
    }
}

/// Starts a server on a current-thread runtime in its own thread and returns its address.
fn spawn_server(
    serve: impl FnOnce(tokio::net::TcpListener) -> std::pin::Pin<Box<dyn Future<Output = ()>>> + Send + 'static,
) -> SocketAddr {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
            sender.send(listener.local_addr().expect("local address")).expect("send the address");
            serve(listener).await;
        });
    });
    receiver.recv().expect("the server thread died before binding")
}

fn velocy_server(app: fn() -> velocy::App) -> SocketAddr {
    spawn_server(move |listener| {
        Box::pin(async move {
            let service = app().build().expect("the velocy app builds");
            let _ = service.serve_with_shutdown(listener, std::future::pending()).await;
        })
    })
}

fn hyper_server() -> SocketAddr {
    spawn_server(|listener| {
        Box::pin(async move {
            let builder = hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let _ = stream.set_nodelay(true);
                let builder = builder.clone();
                tokio::spawn(async move {
                    let service = service_fn(bench_servers::hyper_app::handle::<hyper::body::Incoming>);
                    let _ = builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service).await;
                });
            }
        })
    })
}

/// Sends `request` (raw bytes) on a keep-alive connection over and over, reading each response whole into a
/// fixed buffer; counts allocations from the first counted request to the last response.
fn over_socket(address: SocketAddr, request: &[u8]) -> PerRequest {
    let mut stream = TcpStream::connect(address).expect("connect to the server");
    stream.set_nodelay(true).expect("nodelay");
    let mut buffer = [0_u8; 4096];
    let mut exchange = |stream: &mut TcpStream| {
        stream.write_all(request).expect("write the request");
        read_response(stream, &mut buffer);
    };
    for _ in 0..WARMUP {
        exchange(&mut stream);
    }
    let before = counters();
    for _ in 0..REQUESTS {
        exchange(&mut stream);
    }
    let after = counters();
    PerRequest {
        allocations: (after.0 - before.0) as f64 / REQUESTS as f64,
        bytes: (after.1 - before.1) as f64 / REQUESTS as f64,
    }
}

/// Reads one response with a `Content-Length` body; panics on anything but a 2xx.
fn read_response(stream: &mut TcpStream, buffer: &mut [u8]) {
    let mut filled = 0;
    loop {
        let read = stream.read(&mut buffer[filled..]).expect("read the response");
        assert!(read > 0, "the server closed the connection");
        filled += read;
        let Some(head_end) = find(&buffer[..filled], b"\r\n\r\n") else { continue };
        let head = std::str::from_utf8(&buffer[..head_end]).expect("an ASCII response head");
        assert!(head.starts_with("HTTP/1.1 2"), "unexpected response: {head}");
        let length: usize = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse().ok())?
            })
            .expect("a Content-Length header");
        if filled >= head_end + 4 + length {
            assert_eq!(filled, head_end + 4 + length, "more bytes than one response");
            return;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

fn raw_request(method: &Method, path: &str, body: &str) -> Vec<u8> {
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    if !body.is_empty() {
        request.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    request.push_str(body);
    request.into_bytes()
}

fn print_row(label: &str, velocy: PerRequest, defaults: PerRequest, hyper: PerRequest) {
    println!(
        "| {label} | {:.2} | {:.2} | {:.2} | {:+.2} | {:.0} | {:.0} | {:.0} |",
        velocy.allocations,
        defaults.allocations,
        hyper.allocations,
        velocy.allocations - hyper.allocations,
        velocy.bytes,
        defaults.bytes,
        hyper.bytes
    );
}

const HEADER: &str = "| request | Velocy allocs/req | Velocy + defaults allocs/req | raw hyper allocs/req | Velocy − hyper | Velocy bytes/req | Velocy + defaults bytes/req | raw hyper bytes/req |\n| --- | --- | --- | --- | --- | --- | --- | --- |";

/// `--trace`: the backtrace of every allocation of one Velocy request per case, after a warm-up.
fn trace_velocy(runtime: &tokio::runtime::Runtime) {
    let app = if std::env::args().nth(2).as_deref() == Some("defaults") {
        bench_servers::velocy_app::app_with_defaults
    } else {
        bench_servers::velocy_app::app
    };
    let service = app().build().expect("the velocy app builds");
    let address = velocy_server(app);
    for (label, method, path, body) in ENDPOINTS
        .iter()
        .filter(|endpoint| endpoint.3.is_empty() && endpoint.1 == Method::GET && endpoint.2 != "/json")
    {
        runtime.block_on(async {
            for traced in [false, false, true] {
                let request = request(method, path, velocy::Body::from(*body));
                if traced {
                    eprintln!("\n=== {label}, in process ===");
                }
                TRACE.store(traced, Ordering::Relaxed);
                let response = service.handle(request, None).await;
                black_box(collect(response.into_body()).await);
                TRACE.store(false, Ordering::Relaxed);
            }
        });
        let request = raw_request(method, path, body);
        let mut stream = TcpStream::connect(address).expect("connect to the server");
        let mut buffer = [0_u8; 4096];
        for traced in [false, false, true] {
            if traced {
                eprintln!("\n=== {label}, over the socket ===");
            }
            TRACE.store(traced, Ordering::Relaxed);
            stream.write_all(&request).expect("write the request");
            read_response(&mut stream, &mut buffer);
            TRACE.store(false, Ordering::Relaxed);
        }
    }
}

/// `--loop APP ENDPOINT N`: N requests in process and nothing else.
fn request_loop(runtime: &tokio::runtime::Runtime, arguments: &[String]) {
    let [app, endpoint, count] = arguments else {
        panic!("usage: alloc-count --loop velocy|defaults|noop|limited|limited-quiet|cached|hyper|axum plaintext|json|user|echo N");
    };
    let count: u64 = count.parse().expect("N is a number");
    let (_, method, path, body) = ENDPOINTS
        .iter()
        .find(|(label, ..)| label.contains(&format!("/{endpoint}")))
        .unwrap_or_else(|| panic!("no endpoint {endpoint}"));
    runtime.block_on(async {
        match app.as_str() {
            "hyper" => {
                let service = service_fn(bench_servers::hyper_app::handle::<Full<Bytes>>);
                for _ in 0..count {
                    let request = request(method, path, Full::new(Bytes::from_static(body.as_bytes())));
                    let Ok(response) = service.call(request).await;
                    black_box(collect(response.into_body()).await);
                }
            }
            "velocy" | "defaults" | "noop" | "limited" | "limited-quiet" | "cached" => {
                let app = match app.as_str() {
                    "velocy" => bench_servers::velocy_app::app(),
                    "defaults" => bench_servers::velocy_app::app_with_defaults(),
                    // A global middleware that only calls the rest: the price of leaving the fast path, to
                    // tell it apart from the rate limiter's and the cache's own cost.
                    "noop" => bench_servers::velocy_app::app().middleware(velocy::middleware::from_fn(
                        |request: velocy::Request, next: velocy::middleware::Next| next.run(request),
                    )),
                    // Every request passes a rate limit that never refuses (one key, a quota far above the
                    // loop): what a limited route costs when the limit is not hit.
                    "limited" => bench_servers::velocy_app::app().middleware(
                        velocy::rate_limit::RateLimit::per_second(1_000_000_000)
                            .key(velocy::rate_limit::Key::global()),
                    ),
                    // The same limit without the `RateLimit` headers on allowed responses.
                    "limited-quiet" => bench_servers::velocy_app::app().middleware(
                        velocy::rate_limit::RateLimit::per_second(1_000_000_000)
                            .key(velocy::rate_limit::Key::global())
                            .headers_on_success(false),
                    ),
                    // Every request after the first is a cache hit.
                    _ => bench_servers::velocy_app::app()
                        .middleware(velocy::cache::Cache::new().ttl(std::time::Duration::from_secs(3600))),
                };
                let service = app.build().expect("the velocy app builds");
                for _ in 0..count {
                    let response =
                        service.handle(request(method, path, velocy::Body::from(*body)), None).await;
                    black_box(collect(response.into_body()).await);
                }
            }
            "axum" => {
                let mut router = bench_servers::axum_app::app();
                for _ in 0..count {
                    let request = request(method, path, axum::body::Body::from(*body));
                    let Ok(response) = tower::Service::call(&mut router, request).await;
                    black_box(collect(response.into_body()).await);
                }
            }
            other => panic!("no app {other}"),
        }
    });
}

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    if arguments.first().map(String::as_str) == Some("--loop") {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        request_loop(&runtime, &arguments[1..]);
        return;
    }
    if std::env::args().nth(1).as_deref() == Some("--trace") {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        trace_velocy(&runtime);
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    println!("In process (app only: AppService::handle vs hyper service_fn), {REQUESTS} requests each:\n");
    println!("{HEADER}");
    for (label, method, path, body) in &ENDPOINTS {
        let velocy = runtime.block_on(velocy_in_process(bench_servers::velocy_app::app, method, path, body));
        let defaults = runtime.block_on(velocy_in_process(
            bench_servers::velocy_app::app_with_defaults,
            method,
            path,
            body,
        ));
        let hyper = runtime.block_on(hyper_in_process(method, path, body));
        print_row(label, velocy, defaults, hyper);
    }

    if std::env::args().nth(1).as_deref() == Some("--in-process") {
        return;
    }
    println!("\nOver a keep-alive HTTP/1.1 connection (server on a current-thread runtime), {REQUESTS} requests each:\n");
    println!("{HEADER}");
    let velocy = velocy_server(bench_servers::velocy_app::app);
    let defaults = velocy_server(bench_servers::velocy_app::app_with_defaults);
    let hyper = hyper_server();
    for (label, method, path, body) in &ENDPOINTS {
        let request = raw_request(method, path, body);
        print_row(
            label,
            over_socket(velocy, &request),
            over_socket(defaults, &request),
            over_socket(hyper, &request),
        );
    }
}
