//! The demo's front page, static assets and uploads: served files and a multipart upload that is then
//! served back, in process and over a real socket.

#![allow(clippy::unwrap_used, missing_docs)]

use demo::store::UserStore;
use demo::uploads::UploadDir;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use velocy::test::{TestClient, TestServer};

const BOUNDARY: &str = "demo-test-boundary-1b2c";

fn client() -> TestClient {
    TestClient::new(demo::app(UserStore::default(), UploadDir::temporary().unwrap()))
}

/// A multipart body with a `description` text part and a `file` part named `file_name`.
fn upload_body(file_name: &str, content_type: &str, content: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\na test file\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

#[tokio::test]
async fn the_front_page_and_its_assets_are_static_files() {
    let client = client();
    let page = client.get("/").send().await.assert_status(200);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(page.text().contains("/static/app.js"), "{}", page.text());
    let script = client.get("/static/app.js").send().await.assert_status(200);
    assert!(script.header("content-type").unwrap().starts_with("text/javascript"), "{:?}", script.headers());
    let etag = script.header("etag").unwrap().to_owned();
    client.get("/static/app.js").header("if-none-match", etag.as_str()).send().await.assert_status(304);
    client.get("/static/app.css").send().await.assert_status(200);
    client.get("/static/missing.css").send().await.assert_status(404);
    // The API still wins over the static routes.
    client.get("/health").send().await.assert_status(200);
}

#[tokio::test]
async fn an_upload_is_stored_and_served_back() {
    let client = client();
    let content: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let created = client
        .post("/api/uploads")
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(upload_body("../../My Cat.png", "image/png", &content))
        .send()
        .await
        .assert_status(201);
    let upload: Value = created.json();
    assert_eq!(upload["file_name"], "My Cat.png");
    assert_eq!(upload["size"], 70_000);
    assert_eq!(upload["content_type"], "image/png");
    assert_eq!(upload["description"], "a test file");
    let url = upload["url"].as_str().unwrap();
    assert!(url.starts_with("/uploads/") && url.ends_with("-My_Cat.png"), "{url}");
    assert_eq!(created.header("location"), Some(url));

    let served = client.get(url).send().await.assert_status(200);
    assert_eq!(served.bytes().as_ref(), content.as_slice());
    assert_eq!(served.header("content-type"), Some("image/png"));
    let part = client.get(url).header("range", "bytes=256-511").send().await.assert_status(206);
    assert_eq!(part.bytes().as_ref(), &content[256..512]);
}

#[tokio::test]
async fn bad_uploads_are_refused_with_the_reason() {
    let client = client();
    let too_big = vec![0u8; demo::uploads::MAX_UPLOAD_BYTES as usize + 1];
    let problem: Value = client
        .post("/api/uploads")
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(upload_body("big.bin", "application/octet-stream", &too_big))
        .send()
        .await
        .assert_status(413)
        .json();
    assert!(problem["detail"].as_str().unwrap().contains("file"), "{problem}");

    let no_file = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nx\r\n--{BOUNDARY}--\r\n"
    );
    let problem: Value = client
        .post("/api/uploads")
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(no_file)
        .send()
        .await
        .assert_status(400)
        .json();
    assert!(problem["detail"].as_str().unwrap().contains("file"), "{problem}");

    client.post("/api/uploads").json(&serde_json::json!({ "file": "x" })).send().await.assert_status(415);
}

#[tokio::test]
async fn an_upload_over_a_real_socket() {
    let server =
        TestServer::start(demo::app(UserStore::default(), UploadDir::temporary().unwrap())).await.unwrap();
    let body = upload_body("notes.txt", "text/plain", b"hello from a socket");
    let mut stream = tokio::net::TcpStream::connect(server.address()).await.unwrap();
    let head = format!(
        "POST /api/uploads HTTP/1.1\r\nHost: demo\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 201 Created"), "{response}");
    let json = response.split("\r\n\r\n").nth(1).unwrap();
    let upload: Value = serde_json::from_str(json).unwrap();
    let url = upload["url"].as_str().unwrap();

    let mut stream = tokio::net::TcpStream::connect(server.address()).await.unwrap();
    stream
        .write_all(format!("GET {url} HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(response.to_lowercase().contains("content-type: text/plain; charset=utf-8"), "{response}");
    assert!(response.ends_with("hello from a socket"), "{response}");
}
