//! End-to-end tests of the `compression` feature (issue 11): compressed responses and compressed request
//! bodies over real sockets, decoded (or encoded) by the test with async-compression.

use async_compression::tokio::bufread::{
    BrotliDecoder, BrotliEncoder, GzipDecoder, GzipEncoder, ZstdDecoder, ZstdEncoder,
};
use bytes::Bytes;
use http::Method;
use tokio::io::AsyncReadExt;
use velocy::compression::{Compression, RequestDecompression};
use velocy::conditional::{ETag, Preconditions, Validators};
use velocy::test::TestServer;
use velocy::{App, Body, HeaderValue, IntoResponse, Json, Response, Router};

use crate::client::send;

async fn decode(coding: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match coding {
        "gzip" => GzipDecoder::new(bytes).read_to_end(&mut out).await.unwrap(),
        "br" => BrotliDecoder::new(bytes).read_to_end(&mut out).await.unwrap(),
        "zstd" => ZstdDecoder::new(bytes).read_to_end(&mut out).await.unwrap(),
        other => panic!("unexpected coding {other}"),
    };
    out
}

async fn encode(coding: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match coding {
        "gzip" => GzipEncoder::new(bytes).read_to_end(&mut out).await.unwrap(),
        "br" => BrotliEncoder::new(bytes).read_to_end(&mut out).await.unwrap(),
        "zstd" => ZstdEncoder::new(bytes).read_to_end(&mut out).await.unwrap(),
        other => panic!("unexpected coding {other}"),
    };
    out
}

fn page() -> String {
    "<li>a line of a page that compresses well</li>\n".repeat(400)
}

/// 4 MiB of text in 1024 chunks of 4 KiB, streamed.
fn streamed_report() -> Body {
    let chunks =
        (0..1024).map(|index| Ok::<_, std::io::Error>(format!("{index:08}: {}\n", "r".repeat(4086))));
    Body::from_stream(velocy::body::iter_stream(chunks.collect::<Vec<_>>()))
}

/// A page of `media` type with a strong `ETag`, or its `304` (with the `Content-Type` a `200` would send).
fn tagged(preconditions: Preconditions, media: &'static str) -> Response {
    let validators = Validators::new().etag(ETag::strong("t1").unwrap());
    if let Err(mut response) = preconditions.check(&validators) {
        response.headers_mut().insert("content-type", HeaderValue::from_static(media));
        return response;
    }
    (validators, [("content-type", media)], page()).into_response()
}

async fn server() -> TestServer {
    let pages = Router::new()
        .get("/page", || async { page() })
        .get("/report", || async { ([("content-type", "text/plain")], streamed_report()) })
        .get("/logo", |preconditions: Preconditions| async move { tagged(preconditions, "image/png") })
        .get("/data", |preconditions: Preconditions| async move { tagged(preconditions, "application/json") })
        .middleware(Compression::new());
    let uploads = Router::new()
        .post("/echo", |Json(value): Json<serde_json::Value>| async move { Json(value) })
        .post("/count", |body: Bytes| async move { body.len().to_string() })
        .middleware(RequestDecompression::new());
    TestServer::start(App::new().merge(pages).merge(uploads)).await.unwrap()
}

#[tokio::test]
async fn responses_are_compressed_with_each_coding() {
    let server = server().await;
    for coding in ["gzip", "br", "zstd"] {
        let reply =
            send(Method::GET, &server.url("/page"), &[("accept-encoding", coding)], Bytes::new()).await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("content-encoding"), Some(coding));
        assert_eq!(reply.header("vary"), Some("accept-encoding"));
        assert!(reply.body.len() < page().len() / 10, "{coding}: {} bytes", reply.body.len());
        assert_eq!(decode(coding, &reply.body).await, page().as_bytes(), "{coding}");
    }
    let identity = send(Method::GET, &server.url("/page"), &[], Bytes::new()).await;
    assert_eq!(identity.header("content-encoding"), None);
    assert_eq!(identity.header("content-length"), Some(page().len().to_string().as_str()));
    assert_eq!(identity.text(), page());
}

#[tokio::test]
async fn a_large_streamed_response_is_compressed_on_the_fly() {
    let server = server().await;
    let mut expected = Vec::new();
    let mut stream = streamed_report().into_data_stream();
    while let Some(chunk) = stream.next_chunk().await {
        expected.extend_from_slice(&chunk.unwrap());
    }
    for coding in ["gzip", "br", "zstd"] {
        let reply =
            send(Method::GET, &server.url("/report"), &[("accept-encoding", coding)], Bytes::new()).await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("content-encoding"), Some(coding));
        assert_eq!(reply.header("transfer-encoding"), Some("chunked"));
        assert!(reply.body.len() < expected.len() / 20, "{coding}: {} bytes", reply.body.len());
        assert_eq!(decode(coding, &reply.body).await, expected, "{coding}");
    }
}

#[tokio::test]
async fn compressed_request_bodies_reach_a_json_handler() {
    let server = server().await;
    let value = serde_json::json!({ "user": "ada", "tags": vec!["x"; 500] });
    let json = serde_json::to_vec(&value).unwrap();
    for coding in ["gzip", "br", "zstd"] {
        let body = encode(coding, &json).await;
        let headers = [("content-type", "application/json"), ("content-encoding", coding)];
        let reply = send(Method::POST, &server.url("/echo"), &headers, body).await;
        assert_eq!(reply.status, 200, "{coding}: {}", reply.text());
        assert_eq!(reply.json(), value, "{coding}");
    }
}

#[tokio::test]
async fn an_unsupported_request_coding_is_415_with_accept_encoding() {
    let server = server().await;
    let headers = [("content-type", "application/json"), ("content-encoding", "compress")];
    let reply = send(Method::POST, &server.url("/echo"), &headers, "{}").await;
    assert_eq!(reply.status, 415);
    assert_eq!(reply.header("accept-encoding"), Some("zstd, br, gzip"));
}

#[tokio::test]
async fn a_zip_bomb_is_413() {
    let server = server().await;
    // 100 gzip members of 1 MiB of zeros each: 100 MiB decoded from about 100 KiB on the wire.
    let member = encode("gzip", &vec![0u8; 1 << 20]).await;
    let bomb: Vec<u8> = member.iter().copied().cycle().take(member.len() * 100).collect();
    assert!(bomb.len() < 200 * 1024, "{} bytes", bomb.len());
    for path in ["/echo", "/count"] {
        let headers = [("content-type", "application/json"), ("content-encoding", "gzip")];
        let reply = send(Method::POST, &server.url(path), &headers, bomb.clone()).await;
        assert_eq!(reply.status, 413, "{path}: {}", reply.text());
    }
    // The same members, fewer of them, fit the 2 MiB default limit.
    let small: Vec<u8> = member.iter().copied().cycle().take(member.len() * 2).collect();
    let reply = send(Method::POST, &server.url("/count"), &[("content-encoding", "gzip")], small).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.text(), (2 << 20).to_string());
}

#[tokio::test]
async fn corrupt_gzip_is_400() {
    let server = server().await;
    let mut corrupt = encode("gzip", page().as_bytes()).await;
    let middle = corrupt.len() / 2;
    for byte in &mut corrupt[middle..middle + 16] {
        *byte ^= 0x5a;
    }
    let headers = [("content-type", "application/json"), ("content-encoding", "gzip")];
    let reply = send(Method::POST, &server.url("/echo"), &headers, corrupt).await;
    assert_eq!(reply.status, 400, "{}", reply.text());
    let reply = send(Method::POST, &server.url("/count"), &headers, "not gzip at all").await;
    assert_eq!(reply.status, 400, "{}", reply.text());
}

#[tokio::test]
async fn head_sends_the_headers_get_would() {
    let server = server().await;
    let head = send(Method::HEAD, &server.url("/data"), &[("accept-encoding", "br")], Bytes::new()).await;
    let get = send(Method::GET, &server.url("/data"), &[("accept-encoding", "br")], Bytes::new()).await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    for name in ["content-encoding", "vary", "etag", "content-length"] {
        assert_eq!(head.header(name), get.header(name), "{name}");
    }
    assert_eq!(head.header("content-encoding"), Some("br"));
    assert_eq!(head.header("etag"), Some("W/\"t1\""));
    assert_eq!(head.header("content-length"), None);
}

#[tokio::test]
async fn a_304_keeps_a_strong_etag_unless_its_200_is_compressed() {
    let server = server().await;
    let revalidate = |path: &'static str, tag: &'static str| {
        let url = server.url(path);
        async move {
            let headers = [("accept-encoding", "gzip"), ("if-none-match", tag)];
            send(Method::GET, &url, &headers, Bytes::new()).await
        }
    };
    // A PNG is never compressed: the strong tag a cache stored (and If-Range needs) stays strong.
    let logo = send(Method::GET, &server.url("/logo"), &[("accept-encoding", "gzip")], Bytes::new()).await;
    assert_eq!(logo.header("content-encoding"), None);
    assert_eq!(logo.header("etag"), Some("\"t1\""));
    let not_modified = revalidate("/logo", "\"t1\"").await;
    assert_eq!(not_modified.status, 304);
    assert_eq!(not_modified.header("etag"), Some("\"t1\""));
    assert_eq!(not_modified.header("vary"), None);
    // A JSON document is compressed: its 304 carries the weak tag and Vary of the compressed 200.
    let data = send(Method::GET, &server.url("/data"), &[("accept-encoding", "gzip")], Bytes::new()).await;
    assert_eq!(data.header("content-encoding"), Some("gzip"));
    assert_eq!(data.header("etag"), Some("W/\"t1\""));
    let not_modified = revalidate("/data", "W/\"t1\"").await;
    assert_eq!(not_modified.status, 304);
    assert_eq!(not_modified.header("etag"), Some("W/\"t1\""));
    assert_eq!(not_modified.header("vary"), Some("accept-encoding"));
}

#[tokio::test]
async fn stacked_codings_that_decode_to_nothing_are_413() {
    let server = server().await;
    // 200 000 empty gzip members (4 MB, more than the 2 MiB default limit), gzipped again to a few KB:
    // the decoded body is empty, but the inner layer would cost 4 MB of decoding work.
    let member = encode("gzip", b"").await;
    let inner: Vec<u8> = member.iter().copied().cycle().take(member.len() * 200_000).collect();
    let outer = encode("gzip", &inner).await;
    assert!(outer.len() < 100 * 1024, "{} bytes", outer.len());
    let reply = send(Method::POST, &server.url("/count"), &[("content-encoding", "gzip, gzip")], outer).await;
    assert_eq!(reply.status, 413, "{}", reply.text());
}
