//! End-to-end tests of the `multipart` feature (issue 11): uploads over real sockets, sent by hand as
//! raw HTTP/1.1 so that chunked transfer, limits and a disconnect mid-upload happen on the wire.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use velocy::multipart::{
    FromMultipart, Multipart, MultipartConfig, MultipartForm, MultipartRejection, TempFile,
};
use velocy::test::TestServer;
use velocy::{App, HttpError, Method, Route};

const BOUNDARY: &str = "----e2e-boundary-7MA4YWxkTrZu0gW";

/// A fresh, empty directory under the system temp dir, removed when dropped.
struct Dir(PathBuf);

impl Dir {
    fn new(label: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("velocy-e2e-multipart-{}-{label}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn entries(&self) -> usize {
        std::fs::read_dir(&self.0).unwrap().count()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn text_part(name: &str, value: &str) -> Vec<u8> {
    format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").into_bytes()
}

fn file_head(name: &str, file_name: &str, content_type: &str) -> Vec<u8> {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
         Content-Type: {content_type}\r\n\r\n"
    )
    .into_bytes()
}

fn file_part(name: &str, file_name: &str, content_type: &str, data: &[u8]) -> Vec<u8> {
    let mut part = file_head(name, file_name, content_type);
    part.extend_from_slice(data);
    part.extend_from_slice(b"\r\n");
    part
}

fn closing() -> Vec<u8> {
    format!("--{BOUNDARY}--\r\n").into_bytes()
}

fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// A parsed response.
struct Reply {
    status: u16,
    body: String,
}

impl Reply {
    fn detail(&self) -> String {
        let problem: serde_json::Value = serde_json::from_str(&self.body).unwrap_or_default();
        problem["detail"].as_str().unwrap_or_default().to_owned()
    }
}

/// Reads a whole `Connection: close` response and decodes a chunked body.
async fn read_reply(stream: &mut TcpStream) -> Reply {
    let mut received = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut received)).await;
    let text = String::from_utf8_lossy(&received).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        let mut decoded = String::new();
        let mut rest = body;
        while let Some((size, after)) = rest.split_once("\r\n") {
            let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if size == 0 || after.len() < size {
                break;
            }
            decoded.push_str(&after[..size]);
            rest = after[size..].trim_start_matches("\r\n");
        }
        decoded
    } else {
        body.to_owned()
    };
    Reply { status, body }
}

/// Sends `body` with `Content-Length`.
async fn post(address: SocketAddr, path: &str, content_type: &str, body: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body).await;
    read_reply(&mut stream).await
}

/// Sends the pieces of `body` as the chunks of a chunked request.
async fn post_chunked(address: SocketAddr, path: &str, pieces: impl IntoIterator<Item = Vec<u8>>) -> Reply {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: {}\r\n\
         Transfer-Encoding: chunked\r\n\r\n",
        multipart_type()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    for piece in pieces {
        if piece.is_empty() {
            continue;
        }
        let mut chunk = format!("{:x}\r\n", piece.len()).into_bytes();
        chunk.extend_from_slice(&piece);
        chunk.extend_from_slice(b"\r\n");
        if stream.write_all(&chunk).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    read_reply(&mut stream).await
}

/// A deterministic byte pattern.
fn pattern(offset: usize, len: usize) -> Vec<u8> {
    (offset..offset + len).map(|index| (index * 31 % 251) as u8).collect()
}

#[derive(FromMultipart)]
struct Upload {
    title: String,
    #[multipart(content_types = ["image/*", "application/octet-stream"], extensions = ["png", "bin"])]
    file: TempFile,
    note: Option<String>,
}

/// Persists the file into `store` and answers `title:size:name`.
fn upload_route(store: PathBuf, config: MultipartConfig) -> Route {
    Route::new(Method::POST, "/upload", move |MultipartForm(form): MultipartForm<Upload>| {
        let store = store.clone();
        async move {
            let name = form.file.file_name().unwrap_or_else(|| "upload".to_owned());
            let size = form.file.size();
            form.file.persist(store.join(&name)).await.map_err(HttpError::internal)?;
            Ok::<_, HttpError>(format!("{}:{size}:{name}:{}", form.title, form.note.unwrap_or_default()))
        }
    })
    .middleware(config)
}

/// Streams every part to a temp file or text, reporting sizes.
fn raw_route(config: MultipartConfig) -> Route {
    Route::new(Method::POST, "/raw", |mut form: Multipart| async move {
        let mut sizes = Vec::new();
        while let Some(field) = form.next_field().await? {
            if field.is_file() {
                sizes.push(field.into_temp_file().await?.size().to_string());
            } else {
                sizes.push(field.text().await?);
            }
        }
        Ok::<_, MultipartRejection>(sizes.join(","))
    })
    .middleware(config)
}

#[tokio::test]
async fn a_file_and_a_text_field_round_trip() {
    let temp = Dir::new("round-trip-temp");
    let store = Dir::new("round-trip-store");
    let config = MultipartConfig::new().temp_dir(temp.path());
    let server =
        TestServer::start(App::new().route(upload_route(store.path().to_owned(), config))).await.unwrap();
    let data = pattern(0, 100_000);
    let mut body = text_part("title", "holiday");
    body.extend(file_part("file", "C:\\photos\\beach.png", "image/png", &data));
    body.extend(closing());
    let reply = post(server.address(), "/upload", &multipart_type(), &body).await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "holiday:100000:beach.png:"));
    assert_eq!(
        std::fs::read(store.path().join("beach.png")).unwrap(),
        data,
        "the persisted bytes are the sent ones"
    );
    assert_eq!(temp.entries(), 0, "persisting moved the temp file away");
}

#[tokio::test]
async fn a_20_mib_file_streams_in_chunks_to_disk() {
    const SIZE: usize = 20 * 1024 * 1024;
    const PIECE: usize = 64 * 1024;
    let temp = Dir::new("big-temp");
    let store = Dir::new("big-store");
    let config = MultipartConfig::new()
        .temp_dir(temp.path())
        .total_limit(64 * 1024 * 1024)
        .file_limit(32 * 1024 * 1024);
    let server =
        TestServer::start(App::new().route(upload_route(store.path().to_owned(), config))).await.unwrap();
    let mut pieces =
        vec![text_part("title", "big"), file_head("file", "big.bin", "application/octet-stream")];
    pieces.extend((0..SIZE).step_by(PIECE).map(|offset| pattern(offset, PIECE.min(SIZE - offset))));
    pieces.push(b"\r\n".to_vec());
    pieces.push(text_part("note", "after"));
    pieces.push(closing());
    let reply = post_chunked(server.address(), "/upload", pieces).await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "big:20971520:big.bin:after"));
    let stored = std::fs::read(store.path().join("big.bin")).unwrap();
    assert_eq!(stored.len(), SIZE);
    assert!(stored == pattern(0, SIZE), "the 20 MiB arrived intact");
    assert_eq!(temp.entries(), 0);
}

#[tokio::test]
async fn every_limit_answers_its_status_names_field_and_limit_and_leaves_no_file() {
    let temp = Dir::new("limits");
    let config = MultipartConfig::new()
        .temp_dir(temp.path())
        .total_limit(30_000)
        .file_limit(10_000)
        .text_limit(100)
        .max_parts(4)
        .max_part_header_bytes(300)
        .allowed_content_types(["image/*"]);
    let server = TestServer::start(App::new().route(raw_route(config))).await.unwrap();
    let address = server.address();
    let send = |parts: Vec<Vec<u8>>| async move {
        let mut body: Vec<u8> = parts.concat();
        body.extend(closing());
        post_chunked(address, "/raw", body.chunks(1000).map(<[u8]>::to_vec).collect::<Vec<_>>()).await
    };

    let reply = send(vec![file_part("photo", "a.png", "image/png", &pattern(0, 10_001))]).await;
    assert_eq!(
        (reply.status, reply.detail()),
        (413, "field `photo` is larger than the limit of 10000 bytes".into())
    );
    assert_eq!(temp.entries(), 0, "the half-written temp file is gone");

    let reply = send(vec![text_part("comment", &"x".repeat(101))]).await;
    assert_eq!(
        (reply.status, reply.detail()),
        (413, "field `comment` is larger than the limit of 100 bytes".into())
    );

    let files: Vec<Vec<u8>> =
        (0..4).map(|_| file_part("photo", "a.png", "image/png", &pattern(0, 9_000))).collect();
    let reply = send(files).await;
    assert_eq!(reply.status, 413, "four 9 kB files exceed the 30 kB total: {}", reply.body);
    assert_eq!(reply.detail(), "the multipart body is larger than the limit of 30000 bytes");
    assert_eq!(temp.entries(), 0);

    let reply = post(address, "/raw", &multipart_type(), &vec![b'x'; 30_001]).await;
    assert_eq!(
        (reply.status, reply.detail()),
        (413, "the multipart body is larger than the limit of 30000 bytes".into())
    );

    let parts: Vec<Vec<u8>> = (0..5).map(|index| text_part(&format!("f{index}"), "v")).collect();
    let reply = send(parts).await;
    assert_eq!(
        (reply.status, reply.detail()),
        (400, "the multipart body has more than the limit of 4 parts".into())
    );

    let padded = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Padding: {}\r\n\r\nv\r\n",
        "p".repeat(400)
    );
    let reply = send(vec![padded.into_bytes()]).await;
    assert_eq!(
        (reply.status, reply.detail()),
        (400, "a part's header block is larger than the limit of 300 bytes".into())
    );

    let reply = send(vec![file_part("doc", "a.html", "text/html", b"<p>")]).await;
    assert_eq!(reply.status, 415);
    assert_eq!(reply.detail(), "field `doc` does not accept the media type `text/html`; allowed: image/*");
    assert_eq!(temp.entries(), 0, "no limit leaves a temp file behind");
}

#[tokio::test]
async fn the_typed_form_refuses_a_wrong_type_and_a_missing_file() {
    let temp = Dir::new("typed");
    let store = Dir::new("typed-store");
    let config = MultipartConfig::new().temp_dir(temp.path());
    let server =
        TestServer::start(App::new().route(upload_route(store.path().to_owned(), config))).await.unwrap();
    let mut body = text_part("title", "t");
    body.extend(file_part("file", "evil.exe", "image/png", b"MZ"));
    body.extend(closing());
    let reply = post(server.address(), "/upload", &multipart_type(), &body).await;
    assert_eq!(reply.status, 415);
    assert!(
        reply.detail().contains("field `file` does not accept the file name `evil.exe`"),
        "{}",
        reply.body
    );
    let mut body = text_part("title", "t");
    body.extend(closing());
    let reply = post(server.address(), "/upload", &multipart_type(), &body).await;
    assert_eq!((reply.status, reply.detail()), (400, "the form field `file` is missing".into()));
    assert_eq!(temp.entries(), 0);
}

#[tokio::test]
async fn malformed_boundaries_and_bodies_are_400() {
    let temp = Dir::new("malformed");
    let server = TestServer::start(App::new().route(raw_route(MultipartConfig::new().temp_dir(temp.path()))))
        .await
        .unwrap();
    let address = server.address();
    let reply = post(address, "/raw", "multipart/form-data", b"--x\r\n\r\n").await;
    assert_eq!(reply.status, 400, "no boundary");
    let reply =
        post(address, "/raw", &format!("multipart/form-data; boundary={}", "b".repeat(71)), b"").await;
    assert_eq!(reply.status, 400, "a boundary longer than 70 characters");
    let reply =
        post(address, "/raw", &multipart_type(), b"--other-boundary\r\n\r\nv\r\n--other-boundary--\r\n")
            .await;
    assert_eq!(reply.status, 400, "the body uses another boundary");
    let mut cut = file_part("doc", "a.png", "image/png", &pattern(0, 5000));
    cut.truncate(3000);
    let reply = post(address, "/raw", &multipart_type(), &cut).await;
    assert_eq!(reply.status, 400, "a body cut short: {}", reply.body);
    assert_eq!(temp.entries(), 0);
    let reply = post(address, "/raw", "text/plain", b"hello").await;
    assert_eq!(reply.status, 415);
}

#[tokio::test]
async fn a_urlencoded_body_fills_the_same_struct() {
    #[derive(FromMultipart)]
    struct Profile {
        name: String,
        age: u8,
        avatar: Option<TempFile>,
    }
    let route =
        Route::new(Method::POST, "/profile", |MultipartForm(profile): MultipartForm<Profile>| async move {
            format!("{} is {}, avatar: {}", profile.name, profile.age, profile.avatar.is_some())
        });
    let server = TestServer::start(App::new().route(route)).await.unwrap();
    let urlencoded = "application/x-www-form-urlencoded";
    let reply = post(server.address(), "/profile", urlencoded, b"name=Ada+L&age=36").await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "Ada L is 36, avatar: false"));
    let mut body = text_part("name", "Ada L");
    body.extend(text_part("age", "36"));
    body.extend(closing());
    let reply = post(server.address(), "/profile", &multipart_type(), &body).await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "Ada L is 36, avatar: false"));
    let reply = post(server.address(), "/profile", urlencoded, b"name=Ada").await;
    assert_eq!((reply.status, reply.detail()), (400, "the form field `age` is missing".into()));
}

#[tokio::test]
async fn a_client_that_disconnects_mid_upload_leaves_no_temp_file() {
    let temp = Dir::new("disconnect");
    let server = TestServer::start(App::new().route(raw_route(MultipartConfig::new().temp_dir(temp.path()))))
        .await
        .unwrap();
    let mut stream = TcpStream::connect(server.address()).await.unwrap();
    let head = format!(
        "POST /raw HTTP/1.1\r\nHost: localhost\r\nContent-Type: {}\r\nContent-Length: 10000000\r\n\r\n",
        multipart_type()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&file_head("doc", "a.bin", "application/octet-stream")).await.unwrap();
    stream.write_all(&pattern(0, 256 * 1024)).await.unwrap();
    let mut appeared = false;
    for _ in 0..200 {
        if temp.entries() > 0 {
            appeared = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(appeared, "the upload is being written to a temp file");
    drop(stream);
    let mut cleaned = false;
    for _ in 0..300 {
        if temp.entries() == 0 {
            cleaned = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(cleaned, "the partial temp file is deleted once the client is gone");
}
