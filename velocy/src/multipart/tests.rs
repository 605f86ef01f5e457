//! Tests of the multipart battery through the in-process test client.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use bytes::Bytes;

use super::*;
use crate::test::{TestClient, TestResponse};
use crate::{App, Body, Method, Route};

const BOUNDARY: &str = "velocy-test-boundary";

/// One part of a test body.
enum Part<'a> {
    Text(&'a str, &'a str),
    File { name: &'a str, file_name: &'a str, content_type: &'a str, data: &'a [u8] },
}

fn body(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
                );
            }
            Part::File { name, file_name, content_type, data } => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                         Content-Type: {content_type}\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(data);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn content_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// The body as a stream of `size`-byte chunks with no length, like a chunked upload.
fn chunked(data: Vec<u8>, size: usize) -> Body {
    let chunks: Vec<Result<Bytes, std::io::Error>> =
        data.chunks(size).map(|chunk| Ok(Bytes::copy_from_slice(chunk))).collect();
    Body::from_stream(crate::body::iter_stream(chunks))
}

fn entries(dir: &Path) -> usize {
    std::fs::read_dir(dir).unwrap().count()
}

fn detail(response: &TestResponse) -> String {
    let problem: serde_json::Value = response.json();
    problem["detail"].as_str().unwrap_or_default().to_owned()
}

#[derive(FromMultipart, Debug)]
#[multipart(deny_unknown_fields)]
struct Upload {
    title: String,
    year: Option<u16>,
    #[multipart(rename = "tag")]
    tags: Vec<String>,
    #[multipart(limit = 64, content_types = ["image/*"], extensions = ["png"])]
    picture: Option<TempFile>,
    raw: Option<Vec<u8>>,
}

async fn upload(MultipartForm(form): MultipartForm<Upload>) -> String {
    let picture = form.picture.map(|file| {
        format!(
            "{}:{}:{}:{}",
            file.field_name(),
            file.file_name().unwrap_or_default(),
            file.content_type().unwrap_or_default(),
            std::fs::read(file.path()).unwrap().len()
        )
    });
    format!(
        "{}|{:?}|{:?}|{:?}|{:?}",
        form.title,
        form.year,
        form.tags,
        picture,
        form.raw.map(|raw| raw.len())
    )
}

fn app(dir: &Path, config: MultipartConfig) -> App {
    let config = config.temp_dir(dir);
    async fn raw(mut form: Multipart) -> Result<String, MultipartRejection> {
        let mut out = Vec::new();
        while let Some(field) = form.next_field().await? {
            let name = field.name().unwrap_or_default().to_owned();
            if field.is_file() {
                let file = field.into_temp_file().await?;
                out.push(format!("{name}={}b", file.size()));
            } else {
                out.push(format!("{name}={}", field.text().await?));
            }
        }
        Ok(out.join(","))
    }
    App::new()
        .route(Route::new(Method::POST, "/form", upload).middleware(config.clone()))
        .route(Route::new(Method::POST, "/raw", raw).middleware(config))
}

#[tokio::test]
async fn the_raw_extractor_streams_text_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let client = TestClient::new(app(dir.path(), MultipartConfig::new()));
    let data = body(&[
        Part::Text("title", "hello"),
        Part::File {
            name: "doc",
            file_name: "a.bin",
            content_type: "application/octet-stream",
            data: &[7; 1000],
        },
    ]);
    client
        .post("/raw")
        .header("content-type", content_type())
        .body(chunked(data, 7))
        .await
        .assert_status(200)
        .assert_text("title=hello,doc=1000b");
    assert_eq!(entries(dir.path()), 0, "temp files are deleted once dropped");
}

#[tokio::test]
async fn a_typed_form_reads_every_kind_of_field() {
    let dir = tempfile::tempdir().unwrap();
    let client = TestClient::new(app(dir.path(), MultipartConfig::new()));
    let data = body(&[
        Part::Text("title", "Cats"),
        Part::Text("year", "2024"),
        Part::Text("tag", "a"),
        Part::Text("tag", "b"),
        Part::File {
            name: "picture",
            file_name: "../../cat.png",
            content_type: "image/png",
            data: b"PNGDATA",
        },
        Part::File {
            name: "raw",
            file_name: "x",
            content_type: "application/octet-stream",
            data: b"\x00\x01",
        },
    ]);
    client
        .post("/form")
        .header("content-type", content_type())
        .body(data)
        .await
        .assert_status(200)
        .assert_text(r#"Cats|Some(2024)|["a", "b"]|Some("picture:cat.png:image/png:7")|Some(2)"#);
    assert_eq!(entries(dir.path()), 0);
}

#[tokio::test]
async fn form_errors_name_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let client = TestClient::new(app(dir.path(), MultipartConfig::new()));
    let send = |parts: Vec<Part<'static>>| {
        client.post("/form").header("content-type", content_type()).body(body(&parts))
    };
    let response = send(vec![Part::Text("year", "1")]).await.assert_status(400);
    assert_eq!(detail(&response), "the form field `title` is missing");
    let response = send(vec![Part::Text("title", "a"), Part::Text("title", "b")]).await.assert_status(400);
    assert!(detail(&response).contains("`title` was sent more than once"));
    let response = send(vec![Part::Text("title", "a"), Part::Text("other", "b")]).await.assert_status(400);
    assert_eq!(detail(&response), "the form has no field `other`");
    let response = send(vec![Part::Text("title", "a"), Part::Text("year", "soon")]).await.assert_status(422);
    assert!(detail(&response).starts_with("field `year` is not a valid `u16`"));
    let picture = |content_type: &'static str, file_name: &'static str, data: &'static [u8]| {
        vec![Part::Text("title", "a"), Part::File { name: "picture", file_name, content_type, data }]
    };
    let response = send(picture("text/html", "a.png", b"x")).await.assert_status(415);
    assert!(detail(&response).contains("field `picture` does not accept the media type `text/html`"));
    let response = send(picture("image/png", "a.exe", b"x")).await.assert_status(415);
    assert!(detail(&response).contains("allowed extensions: png"));
    let response = send(picture("image/png", "a.png", &[0; 65])).await.assert_status(413);
    assert_eq!(detail(&response), "field `picture` is larger than the limit of 64 bytes");
    assert_eq!(entries(dir.path()), 0, "no partial temp file stays behind");
}

#[tokio::test]
async fn the_same_form_reads_urlencoded_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let client = TestClient::new(app(dir.path(), MultipartConfig::new()));
    client
        .post("/form")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("title=Caf%C3%A9+au+lait&tag=x&tag=y&year=1999")
        .await
        .assert_status(200)
        .assert_text(r#"Café au lait|Some(1999)|["x", "y"]|None|None"#);
    let response = client
        .post("/form")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("title=a&picture=cat.png")
        .await
        .assert_status(400);
    assert!(detail(&response).contains("field `picture` is a file"));
    client.post("/form").header("content-type", "text/plain").body("x").await.assert_status(415);
}

#[tokio::test]
async fn limits_answer_with_their_status_and_leave_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = MultipartConfig::new()
        .total_limit(10_000)
        .file_limit(2_000)
        .text_limit(10)
        .max_parts(3)
        .max_part_header_bytes(200);
    let client = TestClient::new(app(dir.path(), config));
    let send =
        |data: Vec<u8>| client.post("/raw").header("content-type", content_type()).body(chunked(data, 100));
    let file =
        |data: &'static [u8]| Part::File { name: "doc", file_name: "a.bin", content_type: "x/y", data };

    let response = send(body(&[file(&[1; 2_001])])).await.assert_status(413);
    assert_eq!(detail(&response), "field `doc` is larger than the limit of 2000 bytes");
    let response = send(body(&[Part::Text("note", "0123456789a")])).await.assert_status(413);
    assert_eq!(detail(&response), "field `note` is larger than the limit of 10 bytes");
    let big: &'static [u8] = Box::leak(vec![1u8; 1_900].into_boxed_slice());
    let response = send(body(&[file(big), file(big), file(big)])).await;
    // 3 × 1900 bytes fit; the total limit is not reached yet.
    response.assert_status(200);
    let response = send(body(&[file(big), file(big), file(big), file(big), file(big), file(big)]))
        .await
        .assert_status(400);
    assert_eq!(detail(&response), "the multipart body has more than the limit of 3 parts");
    let huge_header = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Pad: {}\r\n\r\nv\r\n--{BOUNDARY}--\r\n", "p".repeat(300));
    let response = send(huge_header.into_bytes()).await.assert_status(400);
    assert_eq!(detail(&response), "a part's header block is larger than the limit of 200 bytes");
    let total = MultipartConfig::new().total_limit(1_000).file_limit(5_000).temp_dir(dir.path());
    let client = TestClient::new(
        App::new().route(
            Route::new(Method::POST, "/raw", |mut form: Multipart| async move {
                while let Some(field) = form.next_field().await? {
                    field.into_temp_file().await?;
                }
                Ok::<_, MultipartRejection>("ok")
            })
            .middleware(total),
        ),
    );
    let response = client
        .post("/raw")
        .header("content-type", content_type())
        .body(chunked(body(&[file(big)]), 64))
        .await
        .assert_status(413);
    assert_eq!(detail(&response), "the multipart body is larger than the limit of 1000 bytes");
    let response = client
        .post("/raw")
        .header("content-type", content_type())
        .header("content-length", "1001")
        .body(vec![0; 1001])
        .await
        .assert_status(413);
    assert_eq!(detail(&response), "the multipart body is larger than the limit of 1000 bytes");
    assert_eq!(entries(dir.path()), 0, "no partial temp file stays behind");
}

#[tokio::test]
async fn bad_heads_and_bodies_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let client = TestClient::new(app(dir.path(), MultipartConfig::new()));
    let post = |content_type: &str, data: &'static str| {
        client.post("/raw").header("content-type", content_type.to_owned()).body(data)
    };
    post("application/json", "{}").await.assert_status(415);
    post("multipart/form-data", "").await.assert_status(400);
    let long = format!("multipart/form-data; boundary={}", "b".repeat(71));
    post(&long, "").await.assert_status(400);
    let response = post(
        &content_type(),
        "--velocy-test-boundary\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\ncut",
    )
    .await
    .assert_status(400);
    assert!(detail(&response).starts_with("malformed multipart body"));
    post(&content_type(), "no boundary at all").await.assert_status(400);
}

#[tokio::test]
async fn the_config_can_come_from_app_state() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::new().state(MultipartConfig::new().text_limit(3).temp_dir(dir.path())).route(Route::new(
        Method::POST,
        "/raw",
        |mut form: Multipart| async move {
            let field = form.next_field().await?.unwrap();
            field.text().await
        },
    ));
    let client = TestClient::new(app);
    let send = |value: &'static str| {
        client.post("/raw").header("content-type", content_type()).body(body(&[Part::Text("a", value)]))
    };
    send("abc").await.assert_status(200).assert_text("abc");
    send("abcd").await.assert_status(413);
}

#[tokio::test]
async fn persist_moves_the_file_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let target_dir = tempfile::tempdir().unwrap();
    let target = target_dir.path().join("kept.bin");
    let config = MultipartConfig::new().temp_dir(dir.path());
    let target_for_handler = target.clone();
    let app = App::new().route(
        Route::new(Method::POST, "/raw", move |mut form: Multipart| {
            let target = target_for_handler.clone();
            async move {
                let field = form.next_field().await?.unwrap();
                let file = field.into_temp_file().await?;
                file.persist(&target).await.unwrap();
                Ok::<_, MultipartRejection>("kept")
            }
        })
        .middleware(config),
    );
    let client = TestClient::new(app);
    let data =
        body(&[Part::File { name: "f", file_name: "a", content_type: "x/y", data: b"persisted bytes" }]);
    client.post("/raw").header("content-type", content_type()).body(data).await.assert_status(200);
    assert_eq!(std::fs::read(&target).unwrap(), b"persisted bytes");
    assert_eq!(entries(dir.path()), 0);
}

#[test]
fn file_names_are_sanitized() {
    assert_eq!(sanitize_file_name("a/b/c.txt").as_deref(), Some("c.txt"));
    assert_eq!(sanitize_file_name("..\\..\\x.png").as_deref(), Some("x.png"));
    assert_eq!(sanitize_file_name(".hidden").as_deref(), Some("hidden"));
    assert_eq!(sanitize_file_name("nul.txt"), None);
    assert_eq!(sanitize_file_name("a\u{0}b<>.txt").as_deref(), Some("ab.txt"));
    assert_eq!(sanitize_file_name("   "), None);
    assert_eq!(sanitize_file_name(&"é".repeat(200)).map(|name| name.len()), Some(254));
    // Device names in every spelling Windows resolves.
    for device in [
        "CONIN$",
        "conout$.txt",
        "COM\u{b9}",
        "lpt\u{b2}.log",
        "COM\u{b3}",
        "CON .txt",
        "nul  .tar.gz",
        "AUX",
    ] {
        assert_eq!(sanitize_file_name(device), None, "{device:?}");
    }
    assert_eq!(sanitize_file_name("CONSOLE.txt").as_deref(), Some("CONSOLE.txt"));
    assert_eq!(sanitize_file_name("COM10").as_deref(), Some("COM10"));
    // No trailing dot or space after the 255-byte cut.
    let cut = format!("{}. x", "a".repeat(254));
    assert_eq!(sanitize_file_name(&cut).as_deref(), Some("a".repeat(254).as_str()));
    let cut = format!("{} \u{e9}", "a".repeat(253));
    assert_eq!(sanitize_file_name(&cut).as_deref(), Some("a".repeat(253).as_str()));
    // Format characters that reorder or hide text are dropped.
    assert_eq!(sanitize_file_name("invoice\u{202e}fdp.exe").as_deref(), Some("invoicefdp.exe"));
    let hidden = "a\u{200b}\u{200c}\u{200d}\u{200e}\u{200f}\u{202a}\u{202b}\u{202c}\u{202d}\u{2066}\u{2067}\u{2068}\u{2069}\u{feff}b.txt";
    assert_eq!(sanitize_file_name(hidden).as_deref(), Some("ab.txt"));
    assert_eq!(sanitize_file_name("\u{feff}.\u{200b}"), None);
    assert_eq!(sanitize_file_name("\u{202e}CON.txt"), None);
}

#[derive(FromMultipart)]
struct Batch {
    files: Vec<TempFile>,
    checksum: Bytes,
}

#[tokio::test]
async fn list_fields_take_many_files_and_a_later_failure_removes_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let config = MultipartConfig::new().temp_dir(dir.path()).file_limit(100);
    let route = Route::new(Method::POST, "/batch", |MultipartForm(batch): MultipartForm<Batch>| async move {
        let sizes: Vec<u64> = batch.files.iter().map(TempFile::size).collect();
        format!("{sizes:?} {:?}", batch.checksum)
    })
    .middleware(config);
    let client = TestClient::new(App::new().route(route));
    let file =
        |data: &'static [u8]| Part::File { name: "files", file_name: "f.bin", content_type: "x/y", data };
    let data = body(&[file(b"one"), file(b"three"), Part::Text("checksum", "abc")]);
    client
        .post("/batch")
        .header("content-type", content_type())
        .body(data)
        .await
        .assert_status(200)
        .assert_text(r#"[3, 5] b"abc""#);
    let data = body(&[file(b"one"), file(b"three"), file(&[0; 101])]);
    client.post("/batch").header("content-type", content_type()).body(data).await.assert_status(413);
    assert_eq!(entries(dir.path()), 0, "the files already received are deleted with the form");
}

#[tokio::test(start_paused = true)]
async fn a_stalled_upload_times_out_and_leaves_no_file() {
    use futures_util::StreamExt;

    let dir = tempfile::tempdir().unwrap();
    let limits = crate::server::Limits::default().body_read_timeout(std::time::Duration::from_secs(5));
    let client = TestClient::new(app(dir.path(), MultipartConfig::new()).limits(limits));
    let mut head =
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a\"\r\n\r\n")
            .into_bytes();
    head.extend_from_slice(&[1; 1000]);
    let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from(head))])
        .chain(futures_util::stream::pending());
    let response = client
        .post("/raw")
        .header("content-type", content_type())
        .body(Body::from_stream(stream))
        .await
        .assert_status(408);
    assert_eq!(detail(&response), "the request body stalled for more than 5 seconds");
    assert_eq!(entries(dir.path()), 0);
}

#[tokio::test]
async fn the_config_sets_limits_per_field_name() {
    let dir = tempfile::tempdir().unwrap();
    let config = MultipartConfig::new()
        .field("avatar", FieldLimits::new().limit(10).content_types(["image/*"]).extensions(["png"]))
        .field("bio", FieldLimits::new().limit(5));
    let client = TestClient::new(app(dir.path(), config));
    let send = |parts: Vec<Part<'static>>| {
        client.post("/raw").header("content-type", content_type()).body(body(&parts))
    };
    let avatar = |content_type: &'static str, file_name: &'static str, data: &'static [u8]| Part::File {
        name: "avatar",
        file_name,
        content_type,
        data,
    };
    send(vec![avatar("image/png", "a.png", b"0123456789"), Part::Text("other", "0123456789")])
        .await
        .assert_status(200)
        .assert_text("avatar=10b,other=0123456789");
    let response = send(vec![avatar("image/png", "a.png", b"0123456789a")]).await.assert_status(413);
    assert_eq!(detail(&response), "field `avatar` is larger than the limit of 10 bytes");
    send(vec![avatar("text/html", "a.png", b"x")]).await.assert_status(415);
    send(vec![avatar("image/png", "a.gif", b"x")]).await.assert_status(415);
    let response = send(vec![Part::Text("bio", "123456")]).await.assert_status(413);
    assert_eq!(detail(&response), "field `bio` is larger than the limit of 5 bytes");
    assert_eq!(entries(dir.path()), 0);
}

#[tokio::test]
async fn asking_for_a_field_while_holding_the_previous_one_is_a_500() {
    let route = Route::new(Method::POST, "/raw", |mut form: Multipart| async move {
        let first = form.next_field().await?;
        let second = form.next_field().await;
        drop(first);
        second.map(|_| "unreachable")
    });
    let client = TestClient::new(App::new().route(route));
    let data = body(&[Part::Text("a", "1"), Part::Text("b", "2")]);
    client.post("/raw").header("content-type", content_type()).body(data).await.assert_status(500);
}

#[tokio::test]
async fn in_memory_fields_keep_the_text_limit_even_when_sent_as_file_parts() {
    let dir = tempfile::tempdir().unwrap();
    let config = MultipartConfig::new().text_limit(10).file_limit(1_000);
    let client = TestClient::new(app(dir.path(), config));
    let as_file = |name: &'static str, data: &'static [u8]| Part::File {
        name,
        file_name: "x",
        content_type: "application/octet-stream",
        data,
    };
    let send = |parts: Vec<Part<'static>>| {
        client.post("/form").header("content-type", content_type()).body(chunked(body(&parts), 3))
    };
    // A `String` sent with a `filename` is still held in memory: the text limit, not the file limit.
    send(vec![as_file("title", b"0123456789")])
        .await
        .assert_status(200)
        .assert_text("0123456789|None|[]|None|None");
    let response = send(vec![as_file("title", b"0123456789a")]).await.assert_status(413);
    assert_eq!(detail(&response), "field `title` is larger than the limit of 10 bytes");
    let response = send(vec![Part::Text("title", "t"), as_file("raw", &[0; 11])]).await.assert_status(413);
    assert_eq!(detail(&response), "field `raw` is larger than the limit of 10 bytes");
    let response =
        send(vec![Part::Text("title", "t"), as_file("year", b"00000000001")]).await.assert_status(413);
    assert_eq!(detail(&response), "field `year` is larger than the limit of 10 bytes");

    // The raw extractor's `text`/`bytes` too; a field name's own limit still wins.
    let route = |config: MultipartConfig| {
        Route::new(Method::POST, "/text", |mut form: Multipart| async move {
            let field = form.next_field().await?.unwrap();
            let limit = field.limit();
            Ok::<_, MultipartRejection>(format!("{limit}:{}", field.bytes().await?.len()))
        })
        .middleware(config.temp_dir(dir.path()))
    };
    let config = MultipartConfig::new().text_limit(10).file_limit(1_000);
    let client = TestClient::new(App::new().route(route(config.clone())));
    let post = |client: &TestClient, data: &'static [u8]| {
        client.post("/text").header("content-type", content_type()).body(body(&[as_file("f", data)]))
    };
    let response = post(&client, &[1; 11]).await.assert_status(413);
    assert_eq!(detail(&response), "field `f` is larger than the limit of 10 bytes");
    let client = TestClient::new(App::new().route(route(config.field("f", FieldLimits::new().limit(20)))));
    post(&client, &[1; 20]).await.assert_status(200).assert_text("20:20");

    // A temp file gets the file limit, with or without a `filename`.
    let batch = Route::new(Method::POST, "/batch", |MultipartForm(batch): MultipartForm<Batch>| async move {
        format!("{:?}", batch.files.iter().map(TempFile::size).collect::<Vec<_>>())
    })
    .middleware(MultipartConfig::new().text_limit(10).file_limit(100).temp_dir(dir.path()));
    let client = TestClient::new(App::new().route(batch));
    let text: &'static str = Box::leak("x".repeat(50).into_boxed_str());
    client
        .post("/batch")
        .header("content-type", content_type())
        .body(body(&[Part::Text("files", text), Part::Text("checksum", "c")]))
        .await
        .assert_status(200)
        .assert_text("[50]");
    assert_eq!(entries(dir.path()), 0);
}

/// A body of `head` and then `tail_chunks` chunks of 1 KiB of `a`, produced only when pulled: the
/// number of bytes pulled is counted in the returned counter.
fn counted_body(head: &[u8], tail_chunks: usize) -> (Body, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let pulled = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&pulled);
    let head = Bytes::copy_from_slice(head);
    let chunks = std::iter::once(head).chain(std::iter::repeat_n(Bytes::from(vec![b'a'; 1024]), tail_chunks));
    let stream = futures_util::stream::iter(chunks.map(move |chunk| {
        counter.fetch_add(chunk.len(), Ordering::SeqCst);
        Ok::<_, std::io::Error>(chunk)
    }));
    (Body::from_stream(stream), pulled)
}

#[tokio::test]
async fn a_header_block_the_parser_would_buffer_is_refused_at_the_header_limit() {
    use std::sync::atomic::Ordering;

    let dir = tempfile::tempdir().unwrap();
    let config = MultipartConfig::new().max_part_header_bytes(400);
    let client = TestClient::new(app(dir.path(), config));
    // Each head looks like a complete header block to a scanner that counts the boundary line's CRLF,
    // or finds the first boundary only after a CRLF; the parser buffers what follows as headers.
    for head in [
        format!("--{BOUNDARY}\r\n\r\n"),
        format!("--{BOUNDARY} \t\r\n\r\n"),
        format!("x--{BOUNDARY}\r\n\r\n"),
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"a\"\r\n"),
    ] {
        let (body, pulled) = counted_body(head.as_bytes(), 4096);
        let response =
            client.post("/raw").header("content-type", content_type()).body(body).await.assert_status(400);
        assert_eq!(
            detail(&response),
            "a part's header block is larger than the limit of 400 bytes",
            "{head:?}"
        );
        let pulled = pulled.load(Ordering::SeqCst);
        assert!(pulled <= head.len() + 1024, "{head:?}: {pulled} bytes pulled before the 400");
    }
}
