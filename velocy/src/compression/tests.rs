#![allow(clippy::unwrap_used)]

use std::time::Duration;

use async_compression::tokio::bufread::{
    BrotliDecoder, BrotliEncoder, GzipDecoder, GzipEncoder, ZstdDecoder, ZstdEncoder,
};
use bytes::Bytes;
use http::header::{HeaderMap, CONTENT_ENCODING, CONTENT_LENGTH, VARY};
use http_body_util::BodyExt;
use tokio::io::AsyncReadExt;

use super::*;
use crate::conditional::{ETag, Preconditions, Validators};
use crate::extract::rejection::PayloadTooLarge;
use crate::extract::Path;
use crate::test::{TestClient, TestResponse};
use crate::{App, Body, HeaderValue, IntoResponse, Json, Method, Response, Route, Router, StatusCode};

/// 8 KiB of text that compresses well.
fn page() -> String {
    "<p>Velocy compresses this paragraph.</p>\n".repeat(200)
}

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

fn client(compression: Compression) -> TestClient {
    let router = Router::new()
        .get("/page", || async { page() })
        .get("/small", || async { "tiny" })
        .get("/typed/:kind", |Path(kind): Path<String>| async move {
            let media = kind.replace('~', "/");
            ([("content-type", media)], page()).into_response()
        })
        .get("/headers", |headers: HeaderMap| async move {
            let header = |name: &str| {
                headers.get(format!("x-set-{name}")).map(|value| value.to_str().unwrap().to_owned())
            };
            let mut response = page().into_response();
            for name in
                ["vary", "etag", "cache-control", "content-encoding", "content-range", "accept-ranges"]
            {
                if let Some(value) = header(name) {
                    response.headers_mut().append(name, HeaderValue::from_str(&value).unwrap());
                }
            }
            response
        })
        .get("/status/:code", |Path(code): Path<u16>| async move {
            (StatusCode::from_u16(code).unwrap(), page()).into_response()
        });
    TestClient::new(App::new().middleware(compression).merge(router))
}

async fn fetch(client: &TestClient, path: &str, accept_encoding: Option<&str>) -> TestResponse {
    let request = client.get(path);
    match accept_encoding {
        Some(value) => request.header("accept-encoding", value).await,
        None => request.await,
    }
}

fn encoding(response: &TestResponse) -> Option<&str> {
    response.header("content-encoding")
}

#[tokio::test]
async fn each_coding_round_trips() {
    let client = client(Compression::new());
    for (accept, coding) in [("gzip", "gzip"), ("x-gzip", "gzip"), ("br", "br"), ("zstd", "zstd")] {
        let response = fetch(&client, "/page", Some(accept)).await.assert_status(200);
        assert_eq!(encoding(&response), Some(coding), "for {accept}");
        assert!(response.header("content-length").is_none());
        assert_eq!(response.header("vary"), Some("accept-encoding"));
        assert!(response.bytes().len() < page().len() / 4, "{coding} should shrink the page");
        assert_eq!(decode(coding, response.bytes()).await, page().as_bytes());
    }
}

#[tokio::test]
async fn compressed_responses_drop_length_and_ranges() {
    let client = client(Compression::new());
    let request = || client.get("/headers").header("x-set-accept-ranges", "bytes");
    let compressed = request().header("accept-encoding", "br").await;
    assert_eq!(encoding(&compressed), Some("br"));
    assert!(compressed.header("accept-ranges").is_none());
    assert!(compressed.header("content-length").is_none());
    let identity = request().await;
    assert_eq!(identity.header("accept-ranges"), Some("bytes"));
}

#[tokio::test]
async fn quality_values_choose_the_coding() {
    let client = client(Compression::new());
    let cases = [
        ("gzip;q=0.5, br;q=0.8", Some("br")),
        ("gzip, br, zstd", Some("zstd")),
        ("gzip, br", Some("br")),
        ("*", Some("zstd")),
        ("*;q=0.5, gzip", Some("gzip")),
        ("zstd;q=0, *", Some("br")),
        ("br;q=0, zstd;q=0, *;q=0.2", Some("gzip")),
        ("gzip;q=0.5, identity", None),
        ("zstd;q=0, br;q=0, gzip;q=0", None),
        ("identity;q=0", None),
        ("deflate, compress", None),
        ("", None),
    ];
    for (accept, expected) in cases {
        let response = fetch(&client, "/page", Some(accept)).await.assert_status(200);
        assert_eq!(encoding(&response), expected, "for `{accept}`");
        assert_eq!(response.header("vary"), Some("accept-encoding"), "for `{accept}`");
        if expected.is_none() {
            assert_eq!(response.text(), page());
        }
    }
    // No Accept-Encoding: identity, still varying.
    let response = fetch(&client, "/page", None).await;
    assert_eq!(encoding(&response), None);
    assert_eq!(response.header("vary"), Some("accept-encoding"));
}

#[tokio::test]
async fn codings_can_be_switched_off_and_levels_set() {
    let client = client(Compression::new().zstd(false).brotli(false).gzip_level(9));
    let response = fetch(&client, "/page", Some("zstd, br, gzip;q=0.1")).await;
    assert_eq!(encoding(&response), Some("gzip"));
    assert_eq!(decode("gzip", response.bytes()).await, page().as_bytes());
    let response = fetch(&client, "/page", Some("zstd, br")).await;
    assert_eq!(encoding(&response), None);
    let none = client_of(Compression::new().gzip(false).brotli(false).zstd(false));
    assert_eq!(encoding(&fetch(&none, "/page", Some("gzip")).await), None);
    let fast = client_of(Compression::new().brotli_quality(0).zstd_level(1));
    for coding in ["br", "zstd"] {
        let response = fetch(&fast, "/page", Some(coding)).await;
        assert_eq!(decode(coding, response.bytes()).await, page().as_bytes());
    }
}

fn client_of(compression: Compression) -> TestClient {
    client(compression)
}

#[tokio::test]
async fn small_and_empty_bodies_are_not_compressed() {
    let client = client(Compression::new());
    let response = fetch(&client, "/small", Some("gzip")).await;
    assert_eq!(encoding(&response), None);
    assert!(response.header("vary").is_none(), "a body never compressed does not vary");
    assert_eq!(response.text(), "tiny");
    let lowered = client_of(Compression::new().min_size(1));
    let response = fetch(&lowered, "/small", Some("gzip")).await;
    assert_eq!(encoding(&response), Some("gzip"));
    assert_eq!(decode("gzip", response.bytes()).await, b"tiny");
}

#[tokio::test]
async fn head_and_bodiless_statuses_are_not_compressed() {
    let client = client(Compression::new());
    // HEAD gets the headers GET would, without a body: the coding, Vary, the weak tag, no length.
    let head = client.head("/headers").header("accept-encoding", "gzip").header("x-set-etag", "\"h\"");
    let response = head.await.assert_status(200);
    assert_eq!(encoding(&response), Some("gzip"));
    assert_eq!(response.header("vary"), Some("accept-encoding"));
    assert_eq!(response.header("etag"), Some("W/\"h\""));
    assert!(response.header("content-length").is_none(), "{:?}", response.headers());
    assert!(response.bytes().is_empty());
    let get = client.get("/headers").header("accept-encoding", "gzip").header("x-set-etag", "\"h\"").await;
    assert_eq!(encoding(&get), Some("gzip"));
    assert_eq!(get.header("etag"), Some("W/\"h\""));
    assert!(get.header("content-length").is_none());
    // Without a coding, HEAD keeps the identity headers.
    let response = client.head("/page").await.assert_status(200);
    assert_eq!(encoding(&response), None);
    assert_eq!(response.header("vary"), Some("accept-encoding"));
    assert_eq!(response.header("content-length"), Some(page().len().to_string().as_str()));
    // A HEAD for a response that is never compressed keeps its length.
    let response = client.head("/small").header("accept-encoding", "gzip").await.assert_status(200);
    assert_eq!(encoding(&response), None);
    assert_eq!(response.header("content-length"), Some("4"));
    for code in [204, 304] {
        let response = fetch(&client, &format!("/status/{code}"), Some("gzip")).await.assert_status(code);
        assert_eq!(encoding(&response), None, "for {code}");
    }
    let response = fetch(&client, "/status/206", Some("gzip")).await.assert_status(206);
    assert_eq!(encoding(&response), None);
    // Error pages of a handler's own are compressed like any page.
    let response = fetch(&client, "/status/500", Some("gzip")).await.assert_status(500);
    assert_eq!(encoding(&response), Some("gzip"));
}

#[tokio::test]
async fn headers_that_forbid_compression_are_respected() {
    let client = client(Compression::new());
    let cases = [
        ("x-set-content-encoding", "br"),
        ("x-set-content-range", "bytes 0-9/100"),
        ("x-set-cache-control", "public, No-Transform"),
    ];
    for (name, value) in cases {
        let response = client.get("/headers").header("accept-encoding", "gzip").header(name, value).await;
        let expected = (name == "x-set-content-encoding").then_some("br");
        assert_eq!(encoding(&response), expected, "for {name}");
        assert_eq!(response.bytes().len(), page().len(), "for {name}");
        assert!(response.header("vary").is_none());
    }
}

#[tokio::test]
async fn incompressible_media_types_are_skipped() {
    let client = client(Compression::new());
    let skipped = [
        "image~png",
        "image~jpeg",
        "video~mp4",
        "audio~ogg",
        "font~woff2",
        "application~zip",
        "application~gzip",
        "application~grpc",
        "application~octet-stream",
        "text~event-stream",
    ];
    for kind in skipped {
        let response = fetch(&client, &format!("/typed/{kind}"), Some("gzip")).await;
        assert_eq!(encoding(&response), None, "for {kind}");
    }
    let compressed = ["image~svg+xml", "text~html;charset=utf-8", "application~json", "font~ttf", "TEXT~CSS"];
    for kind in compressed {
        let response = fetch(&client, &format!("/typed/{kind}"), Some("gzip")).await;
        assert_eq!(encoding(&response), Some("gzip"), "for {kind}");
    }
    let opted_in = client_of(Compression::new().event_stream(true).octet_stream(true));
    for kind in ["text~event-stream", "application~octet-stream"] {
        let response = fetch(&opted_in, &format!("/typed/{kind}"), Some("gzip")).await;
        assert_eq!(encoding(&response), Some("gzip"), "for {kind}");
    }
}

#[tokio::test]
async fn a_predicate_can_refuse() {
    let compression =
        Compression::new().predicate(|response: &Response| !response.headers().contains_key("x-raw"));
    let router = Router::new()
        .get("/raw", || async { ([("x-raw", "1")], page()) })
        .get("/cooked", || async { page() });
    let client = TestClient::new(App::new().middleware(compression).merge(router));
    assert_eq!(client.get("/raw").header("accept-encoding", "gzip").await.header("content-encoding"), None);
    let cooked = client.get("/cooked").header("accept-encoding", "gzip").await;
    assert_eq!(cooked.header("content-encoding"), Some("gzip"));
}

#[tokio::test]
async fn vary_is_merged_without_duplicates() {
    let client = client(Compression::new());
    let vary = |response: &TestResponse| -> Vec<String> {
        response.headers().get_all(VARY).iter().map(|value| value.to_str().unwrap().to_owned()).collect()
    };
    let response =
        client.get("/headers").header("accept-encoding", "gzip").header("x-set-vary", "origin").await;
    assert_eq!(vary(&response), ["origin, accept-encoding"]);
    let response = client
        .get("/headers")
        .header("accept-encoding", "gzip")
        .header("x-set-vary", "Accept-Encoding")
        .await;
    assert_eq!(vary(&response), ["Accept-Encoding"]);
    assert_eq!(encoding(&response), Some("gzip"));
    let response = client.get("/headers").header("accept-encoding", "br").header("x-set-vary", "*").await;
    assert_eq!(vary(&response), ["*"]);
    let response = client.get("/headers").header("x-set-vary", "origin, cookie").await;
    assert_eq!(vary(&response), ["origin, cookie, accept-encoding"]);
}

#[tokio::test]
async fn a_strong_etag_becomes_weak_and_still_revalidates() {
    let route = Route::new(Method::GET, "/report", |preconditions: Preconditions| async move {
        let validators = Validators::new().etag(ETag::strong("v1").unwrap());
        if let Err(response) = preconditions.check(&validators) {
            return response;
        }
        (validators, page()).into_response()
    });
    let client = TestClient::new(App::new().middleware(Compression::new()).route(route));
    let response = client.get("/report").header("accept-encoding", "gzip").await.assert_status(200);
    assert_eq!(encoding(&response), Some("gzip"));
    let etag = response.header("etag").unwrap().to_owned();
    assert_eq!(etag, "W/\"v1\"");
    let revalidated =
        client.get("/report").header("accept-encoding", "gzip").header("if-none-match", &etag).await;
    let revalidated = revalidated.assert_status(304).assert_header("etag", "W/\"v1\"");
    assert_eq!(revalidated.header("vary"), Some("accept-encoding"));
    // A client revalidating the strong tag holds an identity copy: its 304 keeps the strong tag.
    let strong =
        client.get("/report").header("accept-encoding", "gzip").header("if-none-match", "\"v1\"").await;
    strong.assert_status(304).assert_header("etag", "\"v1\"");
    // Uncompressed, the tag stays strong.
    let identity = client.get("/report").await.assert_status(200);
    assert_eq!(identity.header("etag"), Some("\"v1\""));
    client.get("/report").header("if-none-match", "\"v1\"").await.assert_status(304);
    // A weak tag is kept as it is.
    let weak = client_of(Compression::new());
    let response = weak.get("/headers").header("accept-encoding", "br").header("x-set-etag", "W/\"w\"").await;
    assert_eq!(response.header("etag"), Some("W/\"w\""));
}

/// A `304` whose headers (RFC 9110 §15.4.5) are picked by the path: `kind` is `png`, `json`, `encoded`
/// (a precompressed sibling's, with `Content-Encoding`), `short` (JSON below the minimum size) or `bare`
/// (no `Content-Type`).
fn not_modified_client() -> TestClient {
    let route = Route::new(Method::GET, "/304/:kind", |Path(kind): Path<String>| async move {
        let mut response = Validators::new().etag(ETag::strong("t").unwrap()).not_modified();
        let headers = response.headers_mut();
        let mut set = |name: &'static str, value: &'static str| {
            headers.insert(name, HeaderValue::from_static(value));
        };
        match kind.as_str() {
            "png" => set("content-type", "image/png"),
            "json" => set("content-type", "application/json"),
            "encoded" => {
                set("content-type", "text/css");
                set("content-encoding", "br");
            }
            "short" => {
                set("content-type", "application/json");
                set("content-length", "12");
            }
            _ => {}
        }
        response
    });
    TestClient::new(App::new().middleware(Compression::new()).route(route))
}

#[tokio::test]
async fn a_304_is_weakened_only_when_its_200_would_be_compressed() {
    let client = not_modified_client();
    let revalidate = |kind: &str, if_none_match: &str| {
        let request = client.get(&format!("/304/{kind}")).header("accept-encoding", "gzip, br");
        request.header("if-none-match", if_none_match.to_owned())
    };
    // Never compressed: the strong tag a cache stored stays strong, and no Vary is added.
    for kind in ["png", "encoded", "short"] {
        for if_none_match in ["\"t\"", "W/\"t\""] {
            let response = revalidate(kind, if_none_match).await.assert_status(304);
            assert_eq!(response.header("etag"), Some("\"t\""), "{kind}, {if_none_match}");
            assert!(response.header("vary").is_none(), "{kind}, {if_none_match}");
        }
    }
    // A compressible JSON: the weak tag and Vary of its compressed 200.
    for if_none_match in ["\"t\"", "W/\"t\""] {
        let response = revalidate("json", if_none_match).await.assert_status(304);
        response.assert_header("etag", "W/\"t\"").assert_header("vary", "accept-encoding");
    }
    // Its 200 would be identity without a coding: Vary, but the strong tag.
    let response = client.get("/304/json").header("if-none-match", "\"t\"").await.assert_status(304);
    response.assert_header("etag", "\"t\"").assert_header("vary", "accept-encoding");
    // Unknown media type: weakened only when the client revalidates the weak tag alone.
    let response = revalidate("bare", "W/\"t\"").await.assert_status(304);
    response.assert_header("etag", "W/\"t\"").assert_header("vary", "accept-encoding");
    for if_none_match in ["\"t\"", "\"t\", W/\"t\"", "\"other\""] {
        let response = revalidate("bare", if_none_match).await.assert_status(304);
        assert_eq!(response.header("etag"), Some("\"t\""), "{if_none_match}");
        assert!(response.header("vary").is_none(), "{if_none_match}");
    }
}

#[tokio::test]
async fn zstd_at_level_22_fits_an_8_mib_window() {
    use async_compression::zstd::DParameter;
    async fn decode_within_8_mib(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let params = [DParameter::window_log_max(23)];
        ZstdDecoder::with_params(bytes, &params).read_to_end(&mut out).await?;
        Ok(out)
    }
    // The decoder used here does refuse a level-22 stream with zstd's own window (128 MiB).
    let mut wide = Vec::new();
    let mut encoder = async_compression::tokio::write::ZstdEncoder::with_quality(
        Vec::new(),
        async_compression::Level::Precise(22),
    );
    tokio::io::AsyncWriteExt::write_all(&mut encoder, page().as_bytes()).await.unwrap();
    tokio::io::AsyncWriteExt::shutdown(&mut encoder).await.unwrap();
    wide.extend_from_slice(encoder.get_ref());
    assert!(decode_within_8_mib(&wide).await.is_err());
    for level in [19, 20, 22] {
        let client = client_of(Compression::new().zstd_level(level));
        let response = fetch(&client, "/page", Some("zstd")).await.assert_status(200);
        assert_eq!(encoding(&response), Some("zstd"));
        assert_eq!(decode_within_8_mib(response.bytes()).await.unwrap(), page().as_bytes(), "level {level}");
    }
}

#[tokio::test]
async fn streamed_bodies_are_compressed_chunk_by_chunk() {
    let (sender, receiver) = tokio::sync::mpsc::channel::<Bytes>(1);
    let receiver = std::sync::Arc::new(std::sync::Mutex::new(Some(receiver)));
    let route = Route::new(Method::GET, "/stream", move || {
        let receiver = receiver.lock().unwrap().take().unwrap();
        async move {
            let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
                receiver.recv().await.map(|chunk| (Ok::<_, std::io::Error>(chunk), receiver))
            });
            Body::from_stream(stream)
        }
    });
    let service = App::new().middleware(Compression::new()).route(route).build().unwrap();
    let request = http::Request::get("/stream")
        .header("host", "localhost")
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .unwrap();
    let response = service.handle(request, None).await;
    assert_eq!(response.headers()[CONTENT_ENCODING], "gzip");
    let mut body = response.into_body();
    // A streaming decoder sees each chunk as soon as it was produced.
    let mut decoder = async_compression::tokio::write::GzipDecoder::new(Vec::new());
    for index in 0..3 {
        let chunk = format!("event {index}: {}\n", "x".repeat(100));
        sender.send(Bytes::from(chunk.clone())).await.unwrap();
        let frame =
            tokio::time::timeout(Duration::from_secs(5), body.frame()).await.unwrap().unwrap().unwrap();
        let data = frame.into_data().unwrap();
        tokio::io::AsyncWriteExt::write_all(&mut decoder, &data).await.unwrap();
        tokio::io::AsyncWriteExt::flush(&mut decoder).await.unwrap();
        assert_eq!(std::mem::take(decoder.get_mut()), chunk.as_bytes(), "chunk {index}");
    }
    drop(sender);
    while let Some(frame) = body.frame().await {
        let data = frame.unwrap().into_data().unwrap();
        tokio::io::AsyncWriteExt::write_all(&mut decoder, &data).await.unwrap();
    }
    tokio::io::AsyncWriteExt::shutdown(&mut decoder).await.unwrap();
    assert!(decoder.get_ref().is_empty());
}

#[tokio::test]
async fn a_large_always_ready_stream_round_trips() {
    let chunks: std::sync::Arc<Vec<Bytes>> = std::sync::Arc::new(
        (0..3000)
            .map(|index| Bytes::from(format!("line {index:05} of a large report\n").repeat(30)))
            .collect(),
    );
    let expected: Vec<u8> = chunks.iter().flat_map(|chunk| chunk.to_vec()).collect();
    let route = Route::new(Method::GET, "/large", move || {
        let chunks: Vec<_> = chunks.iter().map(|chunk| Ok::<_, std::io::Error>(chunk.clone())).collect();
        let body = Body::from_stream(crate::body::iter_stream(chunks));
        async move { body }
    });
    let client = TestClient::new(App::new().middleware(Compression::new()).route(route));
    for coding in ["gzip", "br", "zstd"] {
        let response = client.get("/large").header("accept-encoding", coding).await.assert_status(200);
        assert_eq!(encoding(&response), Some(coding));
        assert_eq!(decode(coding, response.bytes()).await, expected, "{coding}");
    }
}

#[tokio::test]
async fn route_router_and_app_scopes() {
    let route = Route::new(Method::GET, "/route", || async { page() }).middleware(Compression::new());
    let group = Router::new().get("/group", || async { page() }).middleware(Compression::new().zstd(false));
    let plain = Router::new().get("/plain", || async { page() });
    let client = TestClient::new(App::new().route(route).merge(group).merge(plain));
    assert_eq!(encoding(&fetch(&client, "/route", Some("zstd, gzip")).await), Some("zstd"));
    assert_eq!(encoding(&fetch(&client, "/group", Some("zstd, gzip")).await), Some("gzip"));
    assert_eq!(encoding(&fetch(&client, "/plain", Some("zstd, gzip")).await), None);
    let global = client_of(Compression::new());
    assert_eq!(encoding(&fetch(&global, "/page", Some("br")).await), Some("br"));
    // The framework's own problem answers are rendered later by `Accept`, so they stay uncompressed.
    let missing =
        global.get("/missing").header("accept-encoding", "gzip").header("accept", "text/plain").await;
    let missing = missing.assert_status(404);
    assert_eq!(encoding(&missing), None);
}

// --- request decompression ---

fn upload_client(decompression: RequestDecompression, limit: usize) -> TestClient {
    let router = Router::new()
        .post("/json", |Json(value): Json<serde_json::Value>| async move { Json(value) })
        .post("/headers", |headers: HeaderMap| async move {
            let has = |name| headers.contains_key(name);
            format!("encoding={} length={}", has(CONTENT_ENCODING), has(CONTENT_LENGTH))
        })
        .post("/stream", |body: Body| async move {
            let mut stream = body.into_data_stream();
            let mut total = 0;
            while let Some(chunk) = stream.next_chunk().await {
                match chunk {
                    Ok(chunk) => total += chunk.len(),
                    Err(error) => {
                        return match error.downcast::<PayloadTooLarge>() {
                            Ok(rejection) => rejection.into_response(),
                            Err(_) => StatusCode::BAD_REQUEST.into_response(),
                        }
                    }
                }
            }
            total.to_string().into_response()
        })
        .middleware(decompression);
    TestClient::new(App::new().body_limit(limit).merge(router))
}

#[tokio::test]
async fn each_coding_is_decoded_for_the_handler() {
    let client = upload_client(RequestDecompression::new(), 1 << 20);
    let value = serde_json::json!({ "name": "Ada", "notes": "n".repeat(5000) });
    let json = serde_json::to_vec(&value).unwrap();
    for coding in ["gzip", "br", "zstd"] {
        let body = encode(coding, &json).await;
        let response = client
            .post("/json")
            .header("content-type", "application/json")
            .header("content-encoding", coding)
            .body(body)
            .await
            .assert_status(200);
        assert_eq!(response.json::<serde_json::Value>(), value, "{coding}");
    }
    let gzip = encode("gzip", b"hello").await;
    client
        .post("/headers")
        .header("content-encoding", "gzip")
        .header("content-length", gzip.len().to_string())
        .body(gzip)
        .await
        .assert_text("encoding=false length=false");
    let plain = client.post("/headers").header("content-length", "5").body("plain").await;
    plain.assert_text("encoding=false length=true");
}

#[tokio::test]
async fn stacked_codings_are_decoded_in_reverse_order() {
    let client = upload_client(RequestDecompression::new(), 1 << 20);
    let inner = encode("gzip", b"{\"stacked\":true}").await;
    let outer = encode("br", &inner).await;
    client
        .post("/json")
        .header("content-type", "application/json")
        .header("content-encoding", "gzip, identity, br")
        .body(outer)
        .await
        .assert_status(200)
        .assert_text("{\"stacked\":true}");
    let too_many = client.post("/json").header("content-encoding", "gzip, gzip, gzip, gzip").body("x").await;
    too_many.assert_status(415);
}

#[tokio::test]
async fn an_unsupported_coding_is_415_with_accept_encoding() {
    let client = upload_client(RequestDecompression::new(), 1 << 20);
    let response =
        client.post("/json").header("content-encoding", "deflate").body("x").await.assert_status(415);
    assert_eq!(response.header("accept-encoding"), Some("zstd, br, gzip"));
    let gzip_only = upload_client(RequestDecompression::new().brotli(false).zstd(false), 1 << 20);
    let body = encode("zstd", b"{}").await;
    let response = gzip_only.post("/json").header("content-encoding", "zstd").body(body).await;
    response.assert_status(415).assert_header("accept-encoding", "gzip");
}

#[tokio::test]
async fn corrupt_or_truncated_data_is_400() {
    let client = upload_client(RequestDecompression::new(), 1 << 20);
    for coding in ["gzip", "br", "zstd"] {
        let response = client
            .post("/json")
            .header("content-type", "application/json")
            .header("content-encoding", coding)
            .body(Bytes::from_static(b"this is not compressed at all, not even a little"))
            .await
            .assert_status(400);
        let problem: serde_json::Value = response.json();
        assert!(problem["detail"].as_str().unwrap().contains(coding), "{coding}: {problem}");
    }
    let mut truncated = encode("gzip", page().as_bytes()).await;
    truncated.truncate(truncated.len() / 2);
    client
        .post("/json")
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(truncated)
        .await
        .assert_status(400);
}

#[tokio::test]
async fn the_limit_applies_to_the_decoded_size() {
    let client = upload_client(RequestDecompression::new(), 64 * 1024);
    let zeros = vec![0u8; 1 << 20];
    let bomb = encode("gzip", &zeros).await;
    assert!(bomb.len() < 64 * 1024);
    let response = client
        .post("/json")
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(bomb.clone())
        .await
        .assert_status(413);
    let problem: serde_json::Value = response.json();
    assert_eq!(problem["detail"], "the decoded request body is larger than the limit of 65536 bytes");
    client.post("/stream").header("content-encoding", "gzip").body(bomb.clone()).await.assert_status(413);
    // An explicit limit replaces the request's.
    let raised = upload_client(RequestDecompression::new().max_decoded_size(2 << 20), 64 * 1024);
    raised
        .post("/stream")
        .header("content-encoding", "gzip")
        .body(bomb)
        .await
        .assert_status(200)
        .assert_text("1048576");
}

/// `count` empty gzip members, one after another: a valid gzip body that decodes to nothing.
async fn empty_gzip_members(count: usize) -> Vec<u8> {
    let member = encode("gzip", b"").await;
    member.iter().copied().cycle().take(member.len() * count).collect()
}

#[tokio::test]
async fn stacked_codings_are_limited_at_every_layer() {
    let client = upload_client(RequestDecompression::new(), 64 * 1024);
    // The inner layer is 100 000 empty gzip members (2 MB), which gzip shrinks to a few kilobytes: the
    // decoded body is empty, but decoding the inner layer is work for 2 MB of input.
    let inner = empty_gzip_members(100_000).await;
    assert!(inner.len() > 1 << 20);
    let outer = encode("gzip", &inner).await;
    assert!(outer.len() < 64 * 1024, "{} bytes", outer.len());
    for path in ["/stream", "/json"] {
        let request = client.post(path).header("content-type", "application/json");
        let response = request.header("content-encoding", "gzip, gzip").body(outer.clone()).await;
        let response = response.assert_status(413);
        let problem: serde_json::Value = response.json();
        let detail = problem["detail"].as_str().unwrap().to_owned();
        assert!(detail.starts_with("a decoded layer of the request body"), "{path}: {detail}");
    }
    // A few members, within the limit at every layer, still decode (to nothing).
    let small = encode("gzip", &empty_gzip_members(100).await).await;
    let response = client.post("/stream").header("content-encoding", "gzip, gzip").body(small).await;
    response.assert_status(200).assert_text("0");
}

#[tokio::test]
async fn the_compressed_body_is_limited_too() {
    let client = upload_client(RequestDecompression::new(), 64 * 1024);
    // 100 KiB of empty gzip members: over the limit as received, although it decodes to nothing.
    let members = empty_gzip_members(5000).await;
    assert!(members.len() > 64 * 1024);
    let response = client.post("/stream").header("content-encoding", "gzip").body(members).await;
    let response = response.assert_status(413);
    let problem: serde_json::Value = response.json();
    assert_eq!(problem["detail"], "the compressed request body is larger than the limit of 65536 bytes");
    let within = empty_gzip_members(1000).await;
    assert!(within.len() < 64 * 1024);
    client.post("/stream").header("content-encoding", "gzip").body(within).await.assert_text("0");
}

#[tokio::test]
async fn a_zstd_frame_with_a_window_above_8_mib_is_refused() {
    use async_compression::zstd::CParameter;
    let client = upload_client(RequestDecompression::new(), 1 << 20);
    let params = [CParameter::window_log(27)];
    let mut body = Vec::new();
    let level = async_compression::Level::Default;
    let mut encoder = ZstdEncoder::with_quality_and_params(&b"{\"wide\":true}"[..], level, &params);
    encoder.read_to_end(&mut body).await.unwrap();
    // Valid zstd (a decoder without the limit reads it); only the window is too large.
    assert_eq!(decode("zstd", &body).await, b"{\"wide\":true}");
    let response = client
        .post("/json")
        .header("content-type", "application/json")
        .header("content-encoding", "zstd")
        .body(body)
        .await
        .assert_status(400);
    assert!(response.text().contains("zstd"), "{}", response.text());
    // The same data with an ordinary window decodes.
    let ordinary = encode("zstd", b"{\"wide\":true}").await;
    let request = client.post("/json").header("content-type", "application/json");
    request.header("content-encoding", "zstd").body(ordinary).await.assert_status(200);
}

#[tokio::test]
async fn trailers_follow_the_compressed_stream() {
    let route = Route::new(Method::GET, "/trailers", || async {
        let mut trailers = HeaderMap::new();
        trailers.insert("x-checksum", HeaderValue::from_static("abc"));
        let frames = vec![
            Ok::<_, std::io::Error>(http_body::Frame::data(Bytes::from(page()))),
            Ok(http_body::Frame::trailers(trailers)),
        ];
        let stream = futures_util::stream::iter(frames);
        Body::new(http_body_util::StreamBody::new(stream))
    });
    let service = App::new().middleware(Compression::new()).route(route).build().unwrap();
    let request = http::Request::get("/trailers")
        .header("host", "localhost")
        .header("accept-encoding", "zstd")
        .body(Body::empty())
        .unwrap();
    let response = service.handle(request, None).await;
    assert_eq!(response.headers()[CONTENT_ENCODING], "zstd");
    let collected = response.into_body().collect().await.unwrap();
    assert_eq!(collected.trailers().unwrap()["x-checksum"], "abc");
    assert_eq!(decode("zstd", &collected.to_bytes()).await, page().as_bytes());
}
