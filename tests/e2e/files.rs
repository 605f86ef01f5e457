//! End-to-end tests of the `files` feature (issue 11).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::Method;
use velocy::files::{Dotfiles, ServeDir, ServeFile};
use velocy::prelude::*;
use velocy::test::TestServer;

use crate::client::{get, raw, send};

/// A directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let name =
            format!("velocy-e2e-{label}-{}-{}", std::process::id(), COUNT.fetch_add(1, Ordering::Relaxed));
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

const OUTSIDE: &[u8] = b"OUTSIDE-THE-ROOT";

/// `base/outside.txt` (outside the root) and `base/root/…` served at `/static`.
fn layout() -> TempDir {
    let base = TempDir::new("files");
    base.write("outside.txt", OUTSIDE)
        .write("root/hello.txt", b"hello, world")
        .write("root/digits.txt", b"0123456789")
        .write("root/app.js", b"console.log(1);")
        .write("root/app.js.br", b"BROTLI")
        .write("root/app.js.gz", b"GZIP")
        .write("root/app.js.zst", b"ZSTD")
        .write("root/docs/index.html", b"<h1>docs</h1>")
        .write("root/list/b.txt", b"b")
        .write("root/list/a.txt", b"a")
        .write("root/.secret", b"dotfile");
    base
}

#[get("/api/health")]
async fn health() -> &'static str {
    "ok"
}

async fn server(base: &TempDir, configure: impl FnOnce(ServeDir) -> ServeDir) -> TestServer {
    let root = base.path().join("root");
    let app = App::new()
        .routes(routes![health])
        .merge(configure(ServeDir::new(&root)).router("/static"))
        .route(ServeFile::new(root.join("hello.txt")).route("/hello"));
    TestServer::start(app).await.unwrap()
}

async fn fetch(server: &TestServer, path: &str, headers: &[(&str, &str)]) -> crate::client::Reply {
    send(Method::GET, &server.url(path), headers, Bytes::new()).await
}

#[tokio::test]
async fn files_are_served_with_their_headers_and_head_has_no_body() {
    let base = layout();
    let server = server(&base, |dir| dir).await;
    let reply = fetch(&server, "/static/hello.txt", &[]).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.text(), "hello, world");
    assert_eq!(reply.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(reply.header("content-length"), Some("12"));
    assert_eq!(reply.header("accept-ranges"), Some("bytes"));
    assert!(reply.header("etag").is_some_and(|etag| etag.starts_with('"')));
    assert!(reply.header("last-modified").is_some());
    let head = send(Method::HEAD, &server.url("/static/hello.txt"), &[], Bytes::new()).await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-length"), Some("12"));
    assert_eq!(head.header("etag"), reply.header("etag"));
    assert_eq!(get(&server.url("/hello")).await.text(), "hello, world");
    assert_eq!(get(&server.url("/api/health")).await.text(), "ok");
}

#[tokio::test]
async fn conditional_requests() {
    let base = layout();
    let server = server(&base, |dir| dir).await;
    let first = fetch(&server, "/static/hello.txt", &[]).await;
    let etag = first.header("etag").unwrap().to_owned();
    let date = first.header("last-modified").unwrap().to_owned();
    let cached = fetch(&server, "/static/hello.txt", &[("if-none-match", &etag)]).await;
    assert_eq!(cached.status, 304);
    assert!(cached.body.is_empty());
    assert_eq!(fetch(&server, "/static/hello.txt", &[("if-modified-since", &date)]).await.status, 304);
    assert_eq!(fetch(&server, "/static/hello.txt", &[("if-match", "\"nope\"")]).await.status, 412);
    assert_eq!(
        fetch(&server, "/static/hello.txt", &[("if-unmodified-since", "Mon, 01 Jan 2001 00:00:00 GMT")])
            .await
            .status,
        412
    );
}

#[tokio::test]
async fn ranges_over_the_wire() {
    let base = layout();
    let server = server(&base, |dir| dir).await;
    let one = fetch(&server, "/static/digits.txt", &[("range", "bytes=3-5")]).await;
    assert_eq!(one.status, 206);
    assert_eq!(one.body, "345");
    assert_eq!(one.header("content-range"), Some("bytes 3-5/10"));
    assert_eq!(fetch(&server, "/static/digits.txt", &[("range", "bytes=-2")]).await.body, "89");
    assert_eq!(fetch(&server, "/static/digits.txt", &[("range", "bytes=6-")]).await.body, "6789");

    let many = fetch(&server, "/static/digits.txt", &[("range", "bytes=8-9,0-0")]).await;
    assert_eq!(many.status, 206);
    let boundary = many
        .header("content-type")
        .unwrap()
        .strip_prefix("multipart/byteranges; boundary=")
        .unwrap()
        .to_owned();
    let part = |range: &str, data: &str| {
        format!("--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes {range}/10\r\n\r\n{data}")
    };
    let expected = format!("{}\r\n{}\r\n--{boundary}--\r\n", part("0-0", "0"), part("8-9", "89"));
    assert_eq!(many.text(), expected);
    assert_eq!(many.header("content-length").unwrap(), expected.len().to_string());

    let refused = fetch(&server, "/static/digits.txt", &[("range", "bytes=50-60")]).await;
    assert_eq!(refused.status, 416);
    assert_eq!(refused.header("content-range"), Some("bytes */10"));

    // A date validates a range only once the file is a second old (RFC 9110 §8.8.2.2): just touched, no.
    let touch = |time: std::time::SystemTime| {
        let file = std::fs::File::options().write(true).open(base.path().join("root/digits.txt")).unwrap();
        file.set_modified(time).unwrap();
    };
    touch(std::time::SystemTime::now());
    let date = fetch(&server, "/static/digits.txt", &[]).await.header("last-modified").unwrap().to_owned();
    let fresh = fetch(&server, "/static/digits.txt", &[("range", "bytes=0-1"), ("if-range", &date)]).await;
    assert_eq!((fresh.status.as_u16(), fresh.text()), (200, "0123456789".to_owned()));
    touch(std::time::SystemTime::now() - std::time::Duration::from_secs(60));

    let etag = fetch(&server, "/static/digits.txt", &[]).await.header("etag").unwrap().to_owned();
    let date = fetch(&server, "/static/digits.txt", &[]).await.header("last-modified").unwrap().to_owned();
    let hit = fetch(&server, "/static/digits.txt", &[("range", "bytes=0-1"), ("if-range", &etag)]).await;
    assert_eq!((hit.status.as_u16(), hit.text()), (206, "01".to_owned()));
    let by_date = fetch(&server, "/static/digits.txt", &[("range", "bytes=0-1"), ("if-range", &date)]).await;
    assert_eq!(by_date.status, 206);
    let miss =
        fetch(&server, "/static/digits.txt", &[("range", "bytes=0-1"), ("if-range", "\"stale\"")]).await;
    assert_eq!((miss.status.as_u16(), miss.text()), (200, "0123456789".to_owned()));
}

#[tokio::test]
async fn precompressed_siblings_by_q_value() {
    let base = layout();
    let server = server(&base, ServeDir::precompressed).await;
    let cases = [
        ("br, gzip, zstd", "BROTLI", Some("br")),
        ("br;q=0, gzip, zstd", "ZSTD", Some("zstd")),
        ("br;q=0, zstd;q=0.1, gzip;q=0.8", "GZIP", Some("gzip")),
        ("br;q=0, gzip;q=0, zstd;q=0", "console.log(1);", None),
    ];
    for (accept, body, encoding) in cases {
        let reply = fetch(&server, "/static/app.js", &[("accept-encoding", accept)]).await;
        assert_eq!(reply.status, 200, "{accept}");
        assert_eq!(reply.text(), body, "{accept}");
        assert_eq!(reply.header("content-encoding"), encoding, "{accept}");
        assert_eq!(reply.header("vary"), Some("accept-encoding"), "{accept}");
        assert!(reply.header("content-type").unwrap().contains("javascript"));
    }
}

#[tokio::test]
async fn index_redirect_and_listing() {
    let base = layout();
    let server = server(&base, |dir| dir).await;
    let redirect = fetch(&server, "/static/docs?page=2", &[]).await;
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.header("location"), Some("/static/docs/?page=2"));
    assert_eq!(fetch(&server, "/static/docs/", &[]).await.text(), "<h1>docs</h1>");
    assert_eq!(fetch(&server, "/static/list/", &[]).await.status, 404);
    drop(server);

    let server = self::server(&base, |dir| dir.listing(true)).await;
    let listing = fetch(&server, "/static/list/", &[]).await;
    assert_eq!(listing.status, 200);
    let html = listing.text();
    assert!(html.find("a.txt").unwrap() < html.find("b.txt").unwrap(), "{html}");
    let root = fetch(&server, "/static", &[]).await.text();
    assert!(root.contains("href=\"/static/list/\"") && !root.contains(".secret"), "{root}");
}

#[tokio::test]
async fn traversal_vectors_never_escape_the_root() {
    let base = layout();
    let server = server(&base, |dir| dir).await;
    let address = server.address();
    let vectors = [
        "/static/../outside.txt",
        "/static/%2e%2e/outside.txt",
        "/static/%2E%2E/%2E%2E/outside.txt",
        "/static/.%2e/outside.txt",
        "/static/..%2foutside.txt",
        "/static/..%2Foutside.txt",
        "/static/..%5coutside.txt",
        "/static/..\\outside.txt",
        "/static/%5c..%5coutside.txt",
        "/static/%00",
        "/static/hello.txt%00.png",
        "/static/%c0%ae%c0%ae/outside.txt",
        "/static/%c0%af",
        "/static/%e0%80%ae%e0%80%ae/outside.txt",
        "/static/C:/Windows/win.ini",
        "/static/C%3a%5cWindows",
        "/static/CON",
        "/static/nul.txt",
        "/static/COM1",
        "/static/LPT1.log",
        "/static/hello.txt::$DATA",
        "/static/....//outside.txt",
        "/static/.../outside.txt",
        "/static/%252e%252e/outside.txt",
    ];
    for vector in vectors {
        let request = format!("GET {vector} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let response = raw(address, request.as_bytes()).await;
        let status = response.get(9..12).unwrap_or("---");
        assert!(status == "400" || status == "404", "{vector}: {response}");
        assert!(!response.contains("OUTSIDE-THE-ROOT"), "{vector} escaped: {response}");
    }
}

#[tokio::test]
async fn dotfiles_are_hidden_unless_allowed() {
    let base = layout();
    let server = server(&base, |dir| dir).await;
    assert_eq!(fetch(&server, "/static/.secret", &[]).await.status, 404);
    assert_eq!(fetch(&server, "/static/%2esecret", &[]).await.status, 404);
    drop(server);
    let server = self::server(&base, |dir| dir.dotfiles(Dotfiles::Allow)).await;
    assert_eq!(fetch(&server, "/static/.secret", &[]).await.text(), "dotfile");
}

#[cfg(unix)]
#[tokio::test]
async fn a_symlink_out_of_the_root_is_refused() {
    let base = layout();
    std::os::unix::fs::symlink(base.path().join("outside.txt"), base.path().join("root/link.txt")).unwrap();
    std::os::unix::fs::symlink(base.path(), base.path().join("root/up")).unwrap();
    let server = server(&base, |dir| dir).await;
    for path in ["/static/link.txt", "/static/up/outside.txt"] {
        let reply = fetch(&server, path, &[]).await;
        assert_eq!(reply.status, 404, "{path}");
        assert!(!reply.text().contains("OUTSIDE"));
    }
}

#[tokio::test]
async fn a_large_file_is_streamed_whole_and_in_ranges() {
    let base = layout();
    let data: Vec<u8> =
        (0..8 * 1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    base.write("root/big.bin", &data);
    let server = server(&base, |dir| dir.chunk_size(64 * 1024)).await;
    let reply = fetch(&server, "/static/big.bin", &[]).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-length"), Some("8388608"));
    assert_eq!(reply.header("content-type"), Some("application/octet-stream"));
    assert!(reply.body == data[..], "the streamed bytes differ");
    let range = fetch(&server, "/static/big.bin", &[("range", "bytes=1000000-2999999")]).await;
    assert_eq!(range.status, 206);
    assert!(range.body == data[1_000_000..3_000_000]);
}

#[tokio::test]
async fn a_root_fallback_loses_to_api_routes() {
    let base = layout();
    let app = App::new().routes(routes![health]).merge(ServeDir::new(base.path().join("root")).fallback());
    let server = TestServer::start(app).await.unwrap();
    assert_eq!(get(&server.url("/api/health")).await.text(), "ok");
    assert_eq!(get(&server.url("/hello.txt")).await.text(), "hello, world");
    assert_eq!(get(&server.url("/docs/")).await.text(), "<h1>docs</h1>");
    assert_eq!(get(&server.url("/api/nothing")).await.status, 404);
    let app = App::new().static_files("/assets", base.path().join("root"));
    let server = TestServer::start(app).await.unwrap();
    assert_eq!(get(&server.url("/assets/digits.txt")).await.text(), "0123456789");
}
