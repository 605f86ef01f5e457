//! The server over real sockets: keep-alive, pipelining, h2c, standard headers and graceful shutdown.

use std::time::Duration;

use bytes::Bytes;
use http::{StatusCode, Version};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use velocy::prelude::*;
use velocy::server::ShutdownHandle;
use velocy::test::TestServer;

use crate::client::{get, read};

#[get("/s/ping")]
async fn ping() -> &'static str {
    "pong"
}

#[get("/s/slow")]
async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_millis(300)).await;
    "done"
}

#[get("/s/echo/:word")]
async fn echo(word: String) -> String {
    word
}

fn app() -> App {
    App::new().routes(routes![ping, slow, echo])
}

/// Reads from `stream` until what was received ends with `suffix` (5 s at most).
async fn read_until_suffix(stream: &mut TcpStream, suffix: &str) -> String {
    let mut received = String::new();
    let mut buffer = [0u8; 4096];
    while !received.ends_with(suffix) {
        let read =
            tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer)).await.unwrap().unwrap();
        assert!(read > 0, "connection closed early: {received}");
        received.push_str(&String::from_utf8_lossy(&buffer[..read]));
    }
    received
}

#[tokio::test]
async fn keep_alive_serves_many_requests_on_one_connection() {
    let server = TestServer::start(app()).await.unwrap();
    let mut stream = TcpStream::connect(server.address()).await.unwrap();
    for word in ["one", "two", "three"] {
        let request = format!("GET /s/echo/{word} HTTP/1.1\r\nHost: x\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let received = read_until_suffix(&mut stream, word).await;
        assert!(received.starts_with("HTTP/1.1 200 OK"), "{received}");
    }
}

#[tokio::test]
async fn pipelined_requests_are_answered_in_order() {
    let server = TestServer::start(app()).await.unwrap();
    let mut stream = TcpStream::connect(server.address()).await.unwrap();
    let pipeline = "GET /s/echo/first HTTP/1.1\r\nHost: x\r\n\r\n\
                    GET /s/slow HTTP/1.1\r\nHost: x\r\n\r\n\
                    GET /s/echo/last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    stream.write_all(pipeline.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut received)).await.unwrap().unwrap();
    let text = String::from_utf8_lossy(&received);
    let first = text.find("first").unwrap();
    let done = text.find("done").unwrap();
    let last = text.find("last").unwrap();
    assert!(first < done && done < last, "{text}");
    assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 3, "{text}");
}

#[tokio::test]
async fn http2_with_prior_knowledge() {
    let server = TestServer::start(app()).await.unwrap();
    let client = Client::builder(TokioExecutor::new()).http2_only(true).build_http::<Full<Bytes>>();
    let response = client.get(server.url("/s/ping").parse().unwrap()).await.unwrap();
    let reply = read(response).await;
    assert_eq!(reply.version, Version::HTTP_2);
    assert_eq!(reply.text(), "pong");
}

#[tokio::test]
async fn http2_responses_carry_the_request_id_and_reach_completion_observers() {
    // The report wraps the body in its own `Body` variant; over HTTP/2 it must keep the length (sent as
    // `content-length`) and report once the DATA frames are sent.
    let completions: std::sync::Arc<std::sync::Mutex<Vec<(u16, u64)>>> = Default::default();
    let sink = std::sync::Arc::clone(&completions);
    let app = app().request_id(velocy::request_id::RequestIdConfig::new()).on_completion(
        move |done: &velocy::lifecycle::Completion| {
            sink.lock().unwrap().push((done.status.as_u16(), done.bytes_sent));
        },
    );
    let server = TestServer::start(app).await.unwrap();
    let client = Client::builder(TokioExecutor::new()).http2_only(true).build_http::<Full<Bytes>>();
    let response = client.get(server.url("/s/ping").parse().unwrap()).await.unwrap();
    let reply = read(response).await;
    assert_eq!(reply.version, Version::HTTP_2);
    assert_eq!(reply.text(), "pong");
    assert_eq!(reply.header("content-length"), Some("4"));
    assert_eq!(reply.header("x-request-id").map(str::len), Some(32));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(*completions.lock().unwrap(), [(200, 4)]);
}

#[tokio::test]
async fn responses_carry_date_and_the_server_header_when_asked() {
    let server = TestServer::start(app()).await.unwrap();
    assert_eq!(get(&server.url("/s/ping")).await.header("server"), None);
    let server = TestServer::start(app().server_header(Some("velocy"))).await.unwrap();
    let reply = get(&server.url("/s/ping")).await;
    assert_eq!(reply.header("server"), Some("velocy"));
    let date = reply.header("date").unwrap();
    assert!(date.ends_with(" GMT"), "{date}");
}

#[tokio::test]
async fn graceful_shutdown_finishes_in_flight_requests_then_stops() {
    let service = app().build().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let shutdown = ShutdownHandle::new();
    let serving = tokio::spawn(service.serve_with_shutdown(listener, shutdown.signal()));

    let in_flight = tokio::spawn(async move { get(&format!("http://{address}/s/slow")).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    shutdown.shutdown();

    let reply = in_flight.await.unwrap();
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), "done");
    tokio::time::timeout(Duration::from_secs(5), serving).await.unwrap().unwrap().unwrap();
    assert!(TcpStream::connect(address).await.is_err(), "the listener must be closed after shutdown");
}
