//! HTTP correctness and hardening against raw TCP: request smuggling vectors, malformed heads, limits, slow
//! clients, connection limits, target normalization and HTTP/1.0 connection rules. Each case writes exact
//! bytes and reads what the server answers.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use velocy::prelude::*;
use velocy::server::Limits;
use velocy::test::TestServer;

use crate::client::raw;

#[get("/h/echo-host")]
async fn echo_host(velocy::extract::Host(host): velocy::extract::Host) -> String {
    host
}

#[post("/h/upload")]
async fn upload(body: bytes::Bytes) -> String {
    body.len().to_string()
}

#[get("/h/users")]
async fn users_list() -> &'static str {
    "users"
}

#[get("/h/query")]
async fn query_pairs(Query(pairs): Query<HashMap<String, String>>) -> String {
    pairs.len().to_string()
}

fn limits() -> Limits {
    Limits::default()
        .header_read_timeout(Duration::from_millis(500))
        .body_read_timeout(Duration::from_millis(500))
        .max_query_pairs(4)
}

async fn server() -> TestServer {
    let app = App::new().limits(limits()).body_limit(1024).routes(routes![
        echo_host,
        upload,
        users_list,
        query_pairs
    ]);
    TestServer::start(app).await.unwrap()
}

fn status_of(response: &str) -> &str {
    response.get(9..12).unwrap_or("---")
}

/// Sends `request` and returns the status code the server answered with.
async fn status(address: SocketAddr, request: &str) -> String {
    status_of(&raw(address, request.as_bytes()).await).to_owned()
}

#[tokio::test]
async fn smuggling_vectors_are_refused() {
    let server = server().await;
    let address = server.address();
    let cases = [
        (
            "transfer-encoding not ending in chunked",
            "POST /h/upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabcd",
        ),
        (
            "conflicting content-lengths",
            "POST /h/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
        ),
        ("a content-length list", "POST /h/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4, 5\r\n\r\nabcde"),
        ("a non-numeric content-length", "POST /h/upload HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"),
        ("a signed content-length", "POST /h/upload HTTP/1.1\r\nHost: x\r\nContent-Length: +4\r\n\r\nabcd"),
        ("whitespace before the colon", "GET /h/users HTTP/1.1\r\nHost : x\r\n\r\n"),
        ("an obs-folded header", "GET /h/users HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n"),
        ("a NUL in a header value", "GET /h/users HTTP/1.1\r\nHost: x\r\nX-Bad: a\0b\r\n\r\n"),
        ("a bare CR in a header value", "GET /h/users HTTP/1.1\r\nHost: x\r\nX-Bad: a\rb\r\n\r\n"),
        ("a missing Host on HTTP/1.1", "GET /h/users HTTP/1.1\r\n\r\n"),
        ("two Host headers", "GET /h/users HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
    ];
    for (name, request) in cases {
        let response = raw(address, request.as_bytes()).await;
        assert_eq!(status_of(&response), "400", "{name}: {response:?}");
    }
}

#[tokio::test]
async fn content_length_with_transfer_encoding_cannot_smuggle_a_request() {
    // hyper frames such a request by Transfer-Encoding, ignores Content-Length and closes the connection
    // after the response (RFC 9112 §6.1 allows this instead of a 400): bytes a front proxy might have
    // framed by Content-Length are never parsed as a second request.
    let server = server().await;
    for order in [
        "Content-Length: 40\r\nTransfer-Encoding: chunked",
        "Transfer-Encoding: chunked\r\nContent-Length: 40",
    ] {
        let request = format!(
            "POST /h/upload HTTP/1.1\r\nHost: x\r\n{order}\r\n\r\n0\r\n\r\nGET /h/users HTTP/1.1\r\nHost: x\r\n\r\n"
        );
        let response = raw(server.address(), request.as_bytes()).await;
        assert_eq!(response.matches("HTTP/1.1 ").count(), 1, "{response}");
        assert!(response.contains("connection: close"), "{response}");
        assert!(response.ends_with("\r\n\r\n0"), "the body is framed by chunked encoding: {response}");
    }
}

#[tokio::test]
async fn a_refused_framing_error_closes_the_connection() {
    let server = server().await;
    // A second request pipelined after a missing Host must not be answered: the connection is closed.
    let response =
        raw(server.address(), b"GET /h/users HTTP/1.1\r\n\r\nGET /h/users HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    assert!(!response.contains("HTTP/1.1 200"), "the pipelined request must not be answered: {response}");
}

#[tokio::test]
async fn head_and_target_limits() {
    let server = server().await;
    let address = server.address();
    let huge_header = format!("GET /h/users HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "a".repeat(40 * 1024));
    assert_eq!(status(address, &huge_header).await, "431");
    let many: String = (0..150).map(|index| format!("X-H{index}: v\r\n")).collect();
    assert_eq!(status(address, &format!("GET /h/users HTTP/1.1\r\nHost: x\r\n{many}\r\n")).await, "431");
    let long_target = format!("GET /h/users?{} HTTP/1.1\r\nHost: x\r\n\r\n", "q".repeat(9 * 1024));
    assert_eq!(status(address, &long_target).await, "414");
    let many_pairs = "GET /h/query?a=1&b=2&c=3&d=4&e=5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    assert_eq!(status(address, many_pairs).await, "400");
    let few_pairs = "GET /h/query?a=1&b=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    assert!(raw(address, few_pairs.as_bytes()).await.ends_with("\r\n\r\n2"));
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_100_continue() {
    let server = server().await;
    let response = raw(
        server.address(),
        b"POST /h/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(!response.contains("100 Continue"), "{response}");
    let accepted = raw(
        server.address(),
        b"POST /h/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",
    )
    .await;
    assert!(accepted.ends_with("\r\n\r\n3"), "{accepted}");
}

#[tokio::test]
async fn slow_clients_are_cut_off() {
    let server = server().await;
    // Slowloris: a head that never finishes.
    let mut stream = TcpStream::connect(server.address()).await.unwrap();
    stream.write_all(b"GET /h/users HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut buffer)).await;
    assert!(read.is_ok(), "the server must close a connection whose head never completes");
    // A body that stalls: 408 once the body read timeout passes.
    let mut stream = TcpStream::connect(server.address()).await.unwrap();
    stream.write_all(b"POST /h/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab").await.unwrap();
    let mut buffer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut buffer)).await;
    let response = String::from_utf8_lossy(&buffer);
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
}

#[tokio::test]
async fn the_connection_limit_applies_backpressure() {
    let app = App::new().limits(Limits::default().max_connections(1)).routes(routes![users_list]);
    let server = TestServer::start(app).await.unwrap();
    let mut first = TcpStream::connect(server.address()).await.unwrap();
    first.write_all(b"GET /h/users HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut buffer = [0u8; 1024];
    let read = first.read(&mut buffer).await.unwrap();
    assert!(String::from_utf8_lossy(&buffer[..read]).starts_with("HTTP/1.1 200"));
    // The first connection is still open: the second waits in the backlog, unanswered.
    let mut second = TcpStream::connect(server.address()).await.unwrap();
    second.write_all(b"GET /h/users HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    let waiting = tokio::time::timeout(Duration::from_millis(300), second.read(&mut buffer)).await;
    assert!(waiting.is_err(), "the second connection must wait while the first is open");
    drop(first);
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), second.read_to_end(&mut response)).await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&response).starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn targets_are_normalized_before_routing() {
    let server = server().await;
    let address = server.address();
    let ok = |path: &str| format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    for path in ["/h/x/../users", "/h/./users", "//h//users", "/h/%75sers", "/%68/users"] {
        let response = raw(address, ok(path).as_bytes()).await;
        assert!(response.ends_with("\r\n\r\nusers"), "{path}: {response}");
    }
    for path in ["/..", "/h/../../users", "/h/users%00", "/h/%zz", "/h/%C3%28"] {
        assert_eq!(status(address, &ok(path)).await, "400", "{path}");
    }
    // An absolute-form target's authority replaces Host.
    let absolute = "GET http://example.org/h/echo-host HTTP/1.1\r\nHost: other\r\nConnection: close\r\n\r\n";
    assert!(raw(address, absolute.as_bytes()).await.ends_with("example.org"));
    // The asterisk form only with OPTIONS.
    assert_eq!(status(address, "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await, "204");
    assert_eq!(status(address, "GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await, "400");
}

#[tokio::test]
async fn http_1_0_and_connection_close_rules() {
    let server = server().await;
    // HTTP/1.0 without keep-alive: one response, then the server closes.
    let response = raw(server.address(), b"GET /h/users HTTP/1.0\r\n\r\nGET /h/users HTTP/1.0\r\n\r\n").await;
    assert_eq!(response.matches("HTTP/1.0 200").count(), 1, "{response}");
    // HTTP/1.0 with keep-alive: both answered on one connection.
    let response = raw(
        server.address(),
        b"GET /h/users HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /h/users HTTP/1.0\r\n\r\n",
    )
    .await;
    assert_eq!(response.matches("HTTP/1.0 200").count(), 2, "{response}");
    // Connection: close on HTTP/1.1 ends the connection after the response.
    let response = raw(
        server.address(),
        b"GET /h/users HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /h/users HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    .await;
    assert_eq!(response.matches("HTTP/1.1 200").count(), 1, "{response}");
}

#[tokio::test]
async fn invalid_host_value_is_400_10() {
    // RFC 9112 §3.2: a `Host` that is not `uri-host [ ":" port ]` is a 400, although this app has no
    // virtual hosts (it used to be routed, and answered 404 or 200).
    let server = server().await;
    let cases = [
        ("a b/../c", "contains characters a host may not have"),
        ("a/b", "contains characters a host may not have"),
        ("user@x", "contains characters a host may not have"),
        ("x%zz", "invalid percent-encoding"),
        ("x:http", "is not a number from 0 to 65535"),
        ("[::1", "unclosed `[`"),
        ("[nope]", "is not a valid IPv6 literal"),
        ("", "the host is empty"),
    ];
    for (host, reason) in cases {
        let request = format!("GET /h/users HTTP/1.1\r\nHost: {host}\r\n\r\n");
        let response = raw(server.address(), request.as_bytes()).await;
        assert!(response.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{host:?}: {response}");
        assert!(
            response.contains("invalid `Host` header: "),
            "{host:?}: the body says what is wrong: {response}"
        );
        assert!(response.contains(reason), "{host:?}: {response}");
    }
    // Valid hosts still reach the route: a name, a name with a port or an empty port, IP addresses.
    for host in ["x", "Example.COM:8080", "example.com:", "127.0.0.1:80", "[::1]:3000", "a-b.c_d~"] {
        let request = format!("GET /h/users HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        let response = raw(server.address(), request.as_bytes()).await;
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{host:?}: {response}");
    }
}

#[tokio::test]
async fn chunked_twice_is_400_and_closes_10() {
    // RFC 9112 §6.1: chunked may be applied only once. hyper accepts it twice (it looks only at the last
    // coding) and would reuse the connection; the target check answers 400 and closes it, so the request
    // pipelined after it is never read.
    let server = server().await;
    for codings in
        ["Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked", "Transfer-Encoding: chunked, chunked"]
    {
        let request = format!(
            "POST /h/upload HTTP/1.1\r\nHost: x\r\n{codings}\r\n\r\n4\r\nabcd\r\n0\r\n\r\n\
             GET /h/users HTTP/1.1\r\nHost: x\r\n\r\n"
        );
        let mut stream = TcpStream::connect(server.address()).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut received = Vec::new();
        tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut received))
            .await
            .expect("the server closes the connection: a read returns EOF")
            .unwrap();
        let response = String::from_utf8_lossy(&received);
        assert!(response.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{codings}: {response}");
        assert!(response.contains("connection: close\r\n"), "{codings}: {response}");
        assert!(response.contains("`chunked` more than once"), "{codings}: the body says why: {response}");
        assert_eq!(
            response.matches("HTTP/1.1 ").count(),
            1,
            "{codings}: nothing else is answered: {response}"
        );
        assert_eq!(stream.read(&mut [0; 16]).await.unwrap(), 0, "{codings}: the connection stays at EOF");
    }
}
