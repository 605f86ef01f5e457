//! Tests of the file services through the in-process test client.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http::StatusCode;

use super::*;
use crate::test::{TestClient, TestResponse};
use crate::App;

/// A directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("velocy-files-{}-{}", std::process::id(), COUNT.fetch_add(1, Ordering::Relaxed));
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    fn write(&self, name: &str, content: &[u8]) -> &Self {
        let path = self.0.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
        self
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn site() -> TempDir {
    let dir = TempDir::new();
    dir.write("hello.txt", b"hello, world")
        .write("data.json", b"{}")
        .write("app.js", b"let a;")
        .write("image.png", b"\x89PNG")
        .write("docs/index.html", b"<h1>docs</h1>")
        .write("empty/.keep", b"")
        .write(".env", b"SECRET=1")
        .write("digits.txt", b"0123456789");
    dir
}

fn client(service: ServeDir) -> TestClient {
    TestClient::new(App::new().merge(service.router("/static")))
}

async fn get(client: &TestClient, path: &str, headers: &[(&'static str, &str)]) -> TestResponse {
    let mut request = client.get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await
}

#[tokio::test]
async fn a_file_comes_with_its_headers() {
    let dir = site();
    let client = client(ServeDir::new(dir.path()));
    let response = get(&client, "/static/hello.txt", &[]).await.assert_status(200);
    assert_eq!(response.text(), "hello, world");
    assert_eq!(response.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(response.header("content-length"), Some("12"));
    assert_eq!(response.header("accept-ranges"), Some("bytes"));
    assert_eq!(response.header("cache-control"), Some("public, max-age=0"));
    assert!(response.header("last-modified").is_some());
    let etag = response.header("etag").unwrap();
    assert!(etag.starts_with("\"c-"), "{etag}");
    assert_eq!(response.header("vary"), None);
    let types =
        [("/static/data.json", "application/json; charset=utf-8"), ("/static/image.png", "image/png")];
    for (path, expected) in types {
        assert_eq!(get(&client, path, &[]).await.header("content-type"), Some(expected));
    }
    let js = get(&client, "/static/app.js", &[]).await;
    assert!(js.header("content-type").unwrap().ends_with("javascript; charset=utf-8"));
}

#[tokio::test]
async fn head_has_the_headers_and_no_body() {
    let dir = site();
    let client = client(ServeDir::new(dir.path()));
    let response = client.head("/static/hello.txt").send().await.assert_status(200);
    assert!(response.bytes().is_empty());
    assert_eq!(response.header("content-length"), Some("12"));
    assert!(response.header("etag").is_some());
}

#[tokio::test]
async fn conditional_requests_answer_304_and_412() {
    let dir = site();
    let client = client(ServeDir::new(dir.path()));
    let first = get(&client, "/static/hello.txt", &[]).await;
    let etag = first.header("etag").unwrap().to_owned();
    let modified = first.header("last-modified").unwrap().to_owned();
    let cached = get(&client, "/static/hello.txt", &[("if-none-match", &etag)]).await.assert_status(304);
    assert!(cached.bytes().is_empty());
    assert_eq!(cached.header("etag"), Some(etag.as_str()));
    assert_eq!(cached.header("cache-control"), Some("public, max-age=0"));
    get(&client, "/static/hello.txt", &[("if-modified-since", &modified)]).await.assert_status(304);
    get(&client, "/static/hello.txt", &[("if-none-match", "\"other\"")]).await.assert_status(200);
    get(&client, "/static/hello.txt", &[("if-match", "\"other\"")]).await.assert_status(412);
    get(&client, "/static/hello.txt", &[("if-match", &etag)]).await.assert_status(200);
}

#[tokio::test]
async fn ranges_single_multiple_unsatisfiable_and_if_range() {
    let dir = site();
    let client = client(ServeDir::new(dir.path()));
    let one = get(&client, "/static/digits.txt", &[("range", "bytes=2-4")]).await.assert_status(206);
    assert_eq!(one.text(), "234");
    assert_eq!(one.header("content-range"), Some("bytes 2-4/10"));
    assert_eq!(one.header("content-length"), Some("3"));
    assert_eq!(get(&client, "/static/digits.txt", &[("range", "bytes=-3")]).await.text(), "789");
    assert_eq!(get(&client, "/static/digits.txt", &[("range", "bytes=7-")]).await.text(), "789");

    let many = get(&client, "/static/digits.txt", &[("range", "bytes=0-1, 8-")]).await.assert_status(206);
    let content_type = many.header("content-type").unwrap().to_owned();
    let boundary = content_type.strip_prefix("multipart/byteranges; boundary=").unwrap();
    let expected = format!(
        "--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 0-1/10\r\n\r\n01\r\n\
         --{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 8-9/10\r\n\r\n89\r\n\
         --{boundary}--\r\n"
    );
    assert_eq!(many.text(), expected);
    assert_eq!(many.header("content-length").unwrap(), expected.len().to_string());

    // Overlapping ranges coalesce into one part.
    let merged = get(&client, "/static/digits.txt", &[("range", "bytes=0-3, 2-5")]).await.assert_status(206);
    assert_eq!(merged.text(), "012345");

    let refused = get(&client, "/static/digits.txt", &[("range", "bytes=10-")]).await.assert_status(416);
    assert_eq!(refused.header("content-range"), Some("bytes */10"));

    let etag = get(&client, "/static/digits.txt", &[]).await.header("etag").unwrap().to_owned();
    let matching = get(&client, "/static/digits.txt", &[("range", "bytes=0-0"), ("if-range", &etag)]).await;
    assert_eq!((matching.status(), matching.text()), (StatusCode::PARTIAL_CONTENT, "0".to_owned()));
    let stale = get(&client, "/static/digits.txt", &[("range", "bytes=0-0"), ("if-range", "\"old\"")]).await;
    assert_eq!((stale.status(), stale.text()), (StatusCode::OK, "0123456789".to_owned()));

    // More than the cap: ignored, the whole file.
    let seventeen = (0..17).map(|i| format!("{i}-{i}")).collect::<Vec<_>>().join(",");
    let range = format!("bytes={seventeen}");
    let client = self::client(ServeDir::new(dir.path()).max_ranges(16));
    get(&client, "/static/digits.txt", &[("range", &range)]).await.assert_status(200);
}

#[tokio::test]
async fn precompressed_siblings_follow_q_values() {
    let dir = site();
    dir.write("app.js.br", b"BR").write("app.js.gz", b"GZ").write("app.js.zst", b"ZSTD");
    let client = client(ServeDir::new(dir.path()).precompressed());
    let cases = [
        ("gzip, br, zstd", "BR", Some("br")),
        ("gzip, zstd", "ZSTD", Some("zstd")),
        ("br;q=0.5, gzip;q=0.9", "GZ", Some("gzip")),
        ("br;q=0, gzip;q=0", "let a;", None),
        ("identity", "let a;", None),
        ("gzip;q=0.5, identity", "let a;", None),
    ];
    let mut etags = Vec::new();
    for (accept, body, encoding) in cases {
        let response =
            get(&client, "/static/app.js", &[("accept-encoding", accept)]).await.assert_status(200);
        assert_eq!(response.text(), body, "{accept}");
        assert_eq!(response.header("content-encoding"), encoding, "{accept}");
        assert!(response.header("content-type").unwrap().contains("javascript"));
        assert_eq!(response.header("vary"), Some("accept-encoding"));
        etags.push(response.header("etag").unwrap().to_owned());
    }
    assert_ne!(etags[0], etags[1]);
    assert_ne!(etags[0], etags[3]);
    // No header at all: the original.
    assert_eq!(get(&client, "/static/app.js", &[]).await.text(), "let a;");
    // Only gzip enabled: the .br file is never sent.
    let client = self::client(ServeDir::new(dir.path()).precompressed_gzip());
    assert_eq!(get(&client, "/static/app.js", &[("accept-encoding", "br, gzip")]).await.text(), "GZ");
}

#[tokio::test]
async fn index_files_redirects_and_listings() {
    let dir = site();
    let client = client(ServeDir::new(dir.path()));
    let redirect = get(&client, "/static/docs?x=1", &[]).await.assert_status(308);
    assert_eq!(redirect.header("location"), Some("/static/docs/?x=1"));
    get(&client, "/static/docs/", &[]).await.assert_status(200).assert_text("<h1>docs</h1>");
    get(&client, "/static/empty/", &[]).await.assert_status(404);
    get(&client, "/static/hello.txt/", &[]).await.assert_status(404);

    dir.write("list/b <tag>.txt", b"")
        .write("list/a&b.txt", b"")
        .write("list/sub/x", b"")
        .write("list/.hidden", b"");
    let client =
        self::client(ServeDir::new(dir.path()).listing(true).redirect_status(StatusCode::MOVED_PERMANENTLY));
    get(&client, "/static/list", &[]).await.assert_status(301);
    let listing = get(&client, "/static/list/", &[]).await.assert_status(200);
    let html = listing.text();
    assert_eq!(listing.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(html.contains("<a href=\"/static/list/a%26b.txt\">a&amp;b.txt</a>"), "{html}");
    assert!(html.contains("b &lt;tag&gt;.txt"), "{html}");
    assert!(html.contains("href=\"/static/list/sub/\">sub/</a>"), "{html}");
    assert!(!html.contains("hidden"), "{html}");
    let (a, b, sub) =
        (html.find("a&amp;b").unwrap(), html.find("b &lt;").unwrap(), html.find(">sub/").unwrap());
    assert!(a < b && b < sub);
    // The mount root itself, without a trailing slash.
    assert!(get(&client, "/static", &[]).await.assert_status(200).text().contains("hello.txt"));
}

#[tokio::test]
async fn traversal_dotfiles_and_reserved_names_are_refused() {
    let dir = site();
    let client = client(ServeDir::new(dir.path().join("docs")));
    for path in [
        "/static/%2e%2e/hello.txt",
        "/static/..%2fhello.txt",
        "/static/..%5chello.txt",
        "/static/C:%5cx",
        "/static/%c0%ae%c0%ae/hello.txt",
    ] {
        let response = get(&client, path, &[]).await;
        assert!(matches!(response.status().as_u16(), 400 | 404), "{path}: {}", response.status());
        assert!(!response.text().contains("hello, world"), "{path}");
    }
    let client = self::client(ServeDir::new(dir.path()));
    get(&client, "/static/.env", &[]).await.assert_status(404);
    get(&client, "/static/empty/.keep", &[]).await.assert_status(404);
    get(&client, "/static/CON", &[]).await.assert_status(404);
    let client = self::client(ServeDir::new(dir.path()).dotfiles(Dotfiles::Allow));
    get(&client, "/static/.env", &[]).await.assert_status(200).assert_text("SECRET=1");
}

#[cfg(unix)]
#[tokio::test]
async fn symlinks_follow_the_policy() {
    let outside = TempDir::new();
    outside.write("secret.txt", b"top secret");
    let dir = site();
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), dir.path().join("escape.txt")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("hello.txt"), dir.path().join("inside.txt")).unwrap();
    let default = client(ServeDir::new(dir.path()));
    get(&default, "/static/escape.txt", &[]).await.assert_status(404);
    get(&default, "/static/inside.txt", &[]).await.assert_status(200).assert_text("hello, world");
    let deny = client(ServeDir::new(dir.path()).symlinks(Symlinks::Deny));
    get(&deny, "/static/inside.txt", &[]).await.assert_status(404);
    get(&deny, "/static/hello.txt", &[]).await.assert_status(200);
    let follow = client(ServeDir::new(dir.path()).symlinks(Symlinks::Follow));
    get(&follow, "/static/escape.txt", &[]).await.assert_status(200).assert_text("top secret");
}

#[tokio::test]
async fn cache_control_options() {
    let dir = site();
    dir.write("app.3f9a1c2b.js", b"x");
    let client =
        client(ServeDir::new(dir.path()).immutable_when(is_hashed_name).cache_control(Some("no-cache")));
    let hashed = get(&client, "/static/app.3f9a1c2b.js", &[]).await;
    assert_eq!(hashed.header("cache-control"), Some("public, max-age=31536000, immutable"));
    assert_eq!(get(&client, "/static/hello.txt", &[]).await.header("cache-control"), Some("no-cache"));
    let client = self::client(ServeDir::new(dir.path()).cache_control(None));
    assert_eq!(get(&client, "/static/hello.txt", &[]).await.header("cache-control"), None);
    let client = self::client(ServeDir::new(dir.path()).immutable());
    let header = get(&client, "/static/hello.txt", &[]).await.header("cache-control").map(str::to_owned);
    assert_eq!(header.as_deref(), Some("public, max-age=31536000, immutable"));
}

#[tokio::test]
async fn fallback_loses_to_api_routes_and_serve_file_works() {
    let dir = site();
    let app = App::new()
        .route(crate::Route::new(http::Method::GET, "/api/ping", || async { "pong" }))
        .route(ServeFile::new(dir.path().join("hello.txt")).route("/greeting"))
        .merge(ServeDir::new(dir.path()).fallback());
    let client = TestClient::new(app);
    get(&client, "/api/ping", &[]).await.assert_text("pong");
    get(&client, "/hello.txt", &[]).await.assert_text("hello, world");
    get(&client, "/greeting", &[]).await.assert_text("hello, world");
    get(&client, "/docs/", &[]).await.assert_text("<h1>docs</h1>");
    get(&client, "/missing", &[]).await.assert_status(404);
    client.post("/hello.txt").send().await.assert_status(405);
    let client = TestClient::new(App::new().static_files("/s", dir.path()));
    get(&client, "/s/hello.txt", &[]).await.assert_text("hello, world");
}

#[tokio::test]
async fn open_files_are_bounded() {
    let dir = site();
    let client = client(ServeDir::new(dir.path()).max_open_files(1).open_timeout(Duration::from_millis(50)));
    // Hold the only slot by keeping a body unread: a body larger than one chunk streams from the open
    // file.
    let streamed = |timeout: Duration| {
        App::new()
            .merge(
                ServeDir::new(dir.path())
                    .max_open_files(1)
                    .chunk_size(4)
                    .open_timeout(timeout)
                    .router("/static"),
            )
            .build()
            .unwrap()
    };
    let service = streamed(Duration::from_millis(50));
    let request = |method: http::Method, headers: &[(&str, &str)]| {
        let mut request = http::Request::builder().method(method).uri("/static/hello.txt");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.header("host", "localhost").body(crate::Body::empty()).unwrap()
    };
    let held = service.handle(request(http::Method::GET, &[]), None).await;
    assert_eq!(held.status(), 200);
    let etag = held.headers()["etag"].to_str().unwrap().to_owned();
    let busy = service.handle(request(http::Method::GET, &[]), None).await;
    assert_eq!(busy.status(), 503);
    assert_eq!(busy.headers()["retry-after"], "1");
    // `HEAD` and `304` open no file, so they need no slot.
    assert_eq!(service.handle(request(http::Method::HEAD, &[]), None).await.status(), 200);
    let revalidated = service.handle(request(http::Method::GET, &[("if-none-match", &etag)]), None).await;
    assert_eq!(revalidated.status(), 304);
    drop(held);
    assert_eq!(service.handle(request(http::Method::GET, &[]), None).await.status(), 200);

    // A request that waits for the slot is served once it is released.
    let service = Arc::new(streamed(Duration::from_secs(5)));
    let held = service.handle(request(http::Method::GET, &[]), None).await;
    let waiting = {
        let service = Arc::clone(&service);
        tokio::spawn(async move { service.handle(request(http::Method::GET, &[]), None).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!waiting.is_finished());
    drop(held);
    let served = waiting.await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(
        http_body_util::BodyExt::collect(served.into_body()).await.unwrap().to_bytes(),
        "hello, world"
    );

    // A body that fits in one chunk is read at once: it holds no slot while it is sent.
    let small =
        App::new().merge(ServeDir::new(dir.path()).max_open_files(1).router("/static")).build().unwrap();
    let first = small.handle(request(http::Method::GET, &[]), None).await;
    let second = small.handle(request(http::Method::GET, &[]), None).await;
    assert_eq!((first.status(), second.status()), (StatusCode::OK, StatusCode::OK));
    // The test client reads each body to the end, releasing the slot.
    for _ in 0..3 {
        get(&client, "/static/hello.txt", &[]).await.assert_status(200);
    }
}

#[tokio::test]
async fn missing_files_and_roots_are_404() {
    let dir = site();
    let client = client(ServeDir::new(dir.path()));
    get(&client, "/static/nope.txt", &[]).await.assert_status(404);
    get(&client, "/static/hello.txt/more", &[]).await.assert_status(404);
    let client = self::client(ServeDir::new(dir.path().join("no-such-root")));
    let response = get(&client, "/static/hello.txt", &[]).await.assert_status(404);
    assert!(!response.text().contains(dir.path().to_str().unwrap()));
}

#[test]
fn hashed_names() {
    assert!(is_hashed_name("a/b/chunk.8f7e6d5c4b3a.mjs"));
    assert!(!is_hashed_name("a/b/20240101.log"));
    assert!(!is_hashed_name("readme"));
}

#[tokio::test]
async fn file_bodies_are_read_in_bounded_chunks_with_an_exact_length() {
    use http_body_util::BodyExt;

    let dir = TempDir::new();
    let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
    dir.write("data.bin", &data);
    let file = std::fs::File::open(dir.path().join("data.bin")).unwrap();
    let permit = Arc::new(Semaphore::new(1)).acquire_owned().await.unwrap();
    let pieces = vec![
        body::Piece::File { start: 9_000, length: 1_000 },
        body::Piece::Fixed(bytes::Bytes::from_static(b"--")),
        body::Piece::File { start: 0, length: 2_500 },
    ];
    let mut body = body::FileBody::new(file, 0, pieces, 1_000, permit);
    assert_eq!(http_body::Body::size_hint(&body).exact(), Some(3_502));
    let mut received = Vec::new();
    while let Some(frame) = body.frame().await {
        let chunk = frame.unwrap().into_data().unwrap();
        assert!(chunk.len() <= 1_000, "a chunk of {} bytes", chunk.len());
        received.extend_from_slice(&chunk);
    }
    let mut expected = data[9_000..].to_vec();
    expected.extend_from_slice(b"--");
    expected.extend_from_slice(&data[..2_500]);
    assert_eq!(received, expected);
    assert!(http_body::Body::is_end_stream(&body));
}

#[tokio::test]
async fn an_empty_file_ignores_ranges() {
    let dir = TempDir::new();
    dir.write("empty.txt", b"");
    let client = client(ServeDir::new(dir.path()));
    let response = get(&client, "/static/empty.txt", &[("range", "bytes=0-")]).await.assert_status(200);
    assert_eq!(response.header("content-length"), Some("0"));
    assert!(response.bytes().is_empty());
}

#[test]
fn extreme_limits_are_clamped_instead_of_panicking() {
    let dir = ServeDir::new("public").max_open_files(usize::MAX).chunk_size(usize::MAX).max_ranges(0);
    assert_eq!(dir.config.max_open_files, Semaphore::MAX_PERMITS);
    assert_eq!(dir.config.chunk_size, 16 * 1024 * 1024);
    assert_eq!(dir.config.max_ranges, 1);
    let _router = dir.router("/static");
    let _route = ServeFile::new("a.txt").max_open_files(0).route("/a");
}

#[tokio::test]
async fn bodies_larger_than_a_chunk_stream_the_same_bytes() {
    let dir = site();
    let ranges = ["", "bytes=2-8", "bytes=-4", "bytes=0-1, 4-8", "bytes=0-0, 3-3, 6-9"];
    let reference = client(ServeDir::new(dir.path()));
    let mut expected = Vec::new();
    for range in ranges {
        let headers: &[(&str, &str)] = if range.is_empty() { &[] } else { &[("range", range)] };
        let response = get(&reference, "/static/digits.txt", headers).await;
        expected.push((
            response.status(),
            response.header("content-type").unwrap().to_owned(),
            response.text(),
        ));
    }
    assert_eq!(expected[1].2, "2345678");
    for chunk in 1..=11 {
        let client = client(ServeDir::new(dir.path()).chunk_size(chunk));
        for (range, (status, content_type, text)) in ranges.iter().zip(&expected) {
            let headers: &[(&str, &str)] = if range.is_empty() { &[] } else { &[("range", range)] };
            let response = get(&client, "/static/digits.txt", headers).await;
            assert_eq!(response.status(), *status, "chunk {chunk}, {range}");
            let body = response.text();
            assert_eq!(response.header("content-length").unwrap(), body.len().to_string());
            if content_type.starts_with("multipart/") {
                // Each multipart answer has its own boundary.
                let boundary = |t: &str| t.trim_start_matches("multipart/byteranges; boundary=").to_owned();
                let ours = boundary(response.header("content-type").unwrap());
                assert_eq!(body.replace(&ours, "B"), text.replace(&boundary(content_type), "B"));
            } else {
                assert_eq!(&body, text, "chunk {chunk}, {range}");
            }
        }
    }
}

#[tokio::test]
async fn only_file_answers_carry_the_cache_policy() {
    let dir = site();
    let client = client(ServeDir::new(dir.path()).immutable());
    let immutable = Some("public, max-age=31536000, immutable");
    let etag = get(&client, "/static/digits.txt", &[]).await.header("etag").unwrap().to_owned();
    let failed = get(&client, "/static/digits.txt", &[("if-match", "\"other\"")]).await.assert_status(412);
    assert_eq!(failed.header("cache-control"), None);
    let refused = get(&client, "/static/digits.txt", &[("range", "bytes=50-")]).await.assert_status(416);
    assert_eq!(refused.header("cache-control"), None);
    assert_eq!(refused.header("content-range"), Some("bytes */10"));
    let partial = get(&client, "/static/digits.txt", &[("range", "bytes=1-2")]).await.assert_status(206);
    assert_eq!(partial.header("cache-control"), immutable);
    let cached = get(&client, "/static/digits.txt", &[("if-none-match", &etag)]).await.assert_status(304);
    assert_eq!(cached.header("cache-control"), immutable);
    let head = client.head("/static/digits.txt").send().await.assert_status(200);
    assert_eq!(head.header("cache-control"), immutable);
}

#[cfg(unix)]
#[tokio::test]
async fn a_link_to_a_dot_directory_is_hidden() {
    let dir = site();
    dir.write(".git/config", b"[core]");
    std::os::unix::fs::symlink(dir.path().join(".git"), dir.path().join("cfg")).unwrap();
    std::os::unix::fs::symlink(dir.path().join(".env"), dir.path().join("env.txt")).unwrap();
    let hidden = client(ServeDir::new(dir.path()));
    get(&hidden, "/static/cfg/config", &[]).await.assert_status(404);
    get(&hidden, "/static/env.txt", &[]).await.assert_status(404);
    // An index file reached through such a link is refused too.
    dir.write(".private/index.html", b"private");
    std::os::unix::fs::symlink(dir.path().join(".private"), dir.path().join("pages")).unwrap();
    get(&hidden, "/static/pages/", &[]).await.assert_status(404);
    let allowed = client(ServeDir::new(dir.path()).dotfiles(Dotfiles::Allow));
    get(&allowed, "/static/cfg/config", &[]).await.assert_status(200).assert_text("[core]");
    get(&allowed, "/static/pages/", &[]).await.assert_status(200).assert_text("private");
}

#[cfg(unix)]
#[tokio::test]
async fn a_swapped_root_link_is_seen_within_a_second() {
    let base = TempDir::new();
    base.write("v1/index.txt", b"one").write("v2/index.txt", b"two");
    let link = base.path().join("public");
    std::os::unix::fs::symlink(base.path().join("v1"), &link).unwrap();
    let client = client(ServeDir::new(&link));
    get(&client, "/static/index.txt", &[]).await.assert_text("one");
    // The deploy: an atomic rename of a new link over the old one.
    let next = base.path().join("public.next");
    std::os::unix::fs::symlink(base.path().join("v2"), &next).unwrap();
    std::fs::rename(&next, &link).unwrap();
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    get(&client, "/static/index.txt", &[]).await.assert_status(200).assert_text("two");
}

#[test]
fn an_opened_file_must_be_the_checked_one() {
    let dir = site();
    let hello = std::fs::metadata(dir.path().join("hello.txt")).unwrap();
    let opened = std::fs::File::open(dir.path().join("hello.txt")).unwrap().metadata().unwrap();
    assert!(serve::same_file(&hello, &opened));
    let other = std::fs::File::open(dir.path().join("digits.txt")).unwrap().metadata().unwrap();
    assert_eq!(serve::same_file(&hello, &other), !cfg!(unix));
    let directory = std::fs::File::open(dir.path().join("docs")).map(|file| file.metadata().unwrap());
    if let Ok(directory) = directory {
        let checked = std::fs::metadata(dir.path().join("docs")).unwrap();
        assert!(!serve::same_file(&checked, &directory));
    }
}
