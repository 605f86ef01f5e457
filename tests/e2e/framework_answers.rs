//! Every answer the framework makes itself — target check, routing, rejections, panics — goes through the
//! same pipeline as a handler's: the request id and the global middleware's security headers are on it, and
//! its problem body is rendered by `Accept` (problem+json by default, plain text when preferred). Raw TCP,
//! so the exact bytes are visible.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use velocy::middleware::SecurityHeaders;
use velocy::prelude::*;
use velocy::request_id::RequestIdConfig;
use velocy::server::Limits;
use velocy::test::TestServer;

use crate::client::raw;

#[get("/fa/items/:id")]
async fn item(id: u64) -> String {
    id.to_string()
}

#[get("/fa/negotiated", produces = "application/json")]
async fn negotiated() -> Json<u32> {
    Json(1)
}

#[post("/fa/json", consumes = "application/json")]
async fn json_only(body: String) -> String {
    body
}

#[post("/fa/upload")]
async fn upload(body: bytes::Bytes) -> String {
    body.len().to_string()
}

#[get("/fa/panic")]
async fn panics() -> &'static str {
    panic!("the handler fell over")
}

async fn server() -> TestServer {
    let app = App::new()
        .request_id(RequestIdConfig::new())
        .middleware(SecurityHeaders::new())
        .limits(Limits::default().max_uri_length(256).body_read_timeout(Duration::from_millis(300)))
        .body_limit(16)
        .routes(routes![item, negotiated, json_only, upload, panics]);
    TestServer::start(app).await.unwrap()
}

/// The parts of a raw response the assertions read.
struct Answer {
    status: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn parse(text: &str) -> Self {
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((text, ""));
        let mut lines = head.lines();
        let status = lines.next().unwrap_or_default().get(9..12).unwrap_or("---").to_owned();
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
            .collect();
        Self { status, headers, body: body.to_owned() }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(candidate, _)| candidate == name).map(|(_, value)| value.as_str())
    }

    /// The request id and the security headers are on the answer.
    fn assert_pipeline_headers(&self, case: &str) {
        let id = self.header("x-request-id").unwrap_or_else(|| panic!("{case}: no x-request-id"));
        assert_eq!(id.len(), 32, "{case}: a generated id");
        assert_eq!(self.header("x-content-type-options"), Some("nosniff"), "{case}: no security headers");
        assert_eq!(self.header("x-frame-options"), Some("DENY"), "{case}: no security headers");
    }
}

/// Sends `request_line`, `extra` header lines and `body`, with and without `Accept: text/plain`; checks
/// both answers have `status`, the pipeline's headers, a problem+json body by default and a text body
/// mentioning `detail` when text is preferred.
async fn check(address: SocketAddr, request_line: &str, extra: &str, body: &str, status: &str, detail: &str) {
    for accept in ["", "Accept: text/plain, application/json;q=0.5\r\n"] {
        let request = format!(
            "{request_line}\r\nHost: localhost\r\n{extra}{accept}Connection: close\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let answer = Answer::parse(&raw(address, request.as_bytes()).await);
        let case = format!("{request_line} (accept {accept:?})");
        assert_eq!(answer.status, status, "{case}: {}", answer.body);
        answer.assert_pipeline_headers(&case);
        if accept.is_empty() {
            assert_eq!(answer.header("content-type"), Some("application/problem+json"), "{case}");
            let problem: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
            assert_eq!(problem["status"].as_u64().map(|code| code.to_string()), Some(status.to_owned()));
            let text = problem["detail"].as_str().unwrap_or_default();
            assert!(text.contains(detail), "{case}: {text:?} does not mention {detail:?}");
        } else {
            assert_eq!(answer.header("content-type"), Some("text/plain; charset=utf-8"), "{case}");
            assert!(answer.body.contains(detail), "{case}: {:?} does not mention {detail:?}", answer.body);
        }
    }
}

#[tokio::test]
async fn framework_answers_carry_the_request_id_and_security_headers_and_follow_accept_10() {
    let server = server().await;
    let address = server.address();
    // The target check (before routing).
    check(address, "GET /fa/%zz HTTP/1.1", "", "", "400", "percent-encoding").await;
    let long = format!("GET /fa/{} HTTP/1.1", "a".repeat(300));
    check(address, &long, "", "", "414", "").await;
    // Routing.
    check(address, "GET /fa/nothing HTTP/1.1", "", "", "404", "no route for GET /fa/nothing").await;
    check(address, "DELETE /fa/items/1 HTTP/1.1", "", "", "405", "DELETE is not allowed").await;
    check(address, "FOOBAR /fa/items/1 HTTP/1.1", "", "", "501", "FOOBAR is not implemented").await;
    check(address, "get /fa/items/1 HTTP/1.1", "", "", "501", "get is not implemented").await;
    check(address, "POST /fa/json HTTP/1.1", "Content-Type: text/plain\r\n", "x", "415", "application/json")
        .await;
    // Extractor rejections and panics.
    check(address, "GET /fa/items/seven HTTP/1.1", "", "", "400", "id").await;
    check(address, "POST /fa/upload HTTP/1.1", "", "0123456789abcdefXYZ", "413", "16 bytes").await;
    check(address, "GET /fa/panic HTTP/1.1", "", "", "500", "").await;
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn not_acceptable_carries_vary_and_the_pipeline_headers_10() {
    let server = server().await;
    let request =
        "GET /fa/negotiated HTTP/1.1\r\nHost: localhost\r\nAccept: text/plain\r\nConnection: close\r\n\r\n";
    let answer = Answer::parse(&raw(server.address(), request.as_bytes()).await);
    assert_eq!(answer.status, "406", "{}", answer.body);
    answer.assert_pipeline_headers("406");
    assert_eq!(answer.header("vary"), Some("accept"));
    // The client asked for text: the problem comes as text, listing what is available.
    assert_eq!(answer.header("content-type"), Some("text/plain; charset=utf-8"));
    assert!(answer.body.contains("available: application/json"), "{}", answer.body);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_body_too_slow_is_408_with_the_pipeline_headers_10() {
    let server = server().await;
    let mut stream = TcpStream::connect(server.address()).await.unwrap();
    let head =
        "POST /fa/upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\nConnection: close\r\n\r\nab";
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut received)).await;
    let answer = Answer::parse(&String::from_utf8_lossy(&received));
    assert_eq!(answer.status, "408", "{}", answer.body);
    answer.assert_pipeline_headers("408");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_invalid_host_is_400_with_the_pipeline_headers_10() {
    let server = server().await;
    let request = "GET /fa/items/1 HTTP/1.1\r\nHost: a b/../c\r\nConnection: close\r\n\r\n";
    let answer = Answer::parse(&raw(server.address(), request.as_bytes()).await);
    assert_eq!(answer.status, "400", "{}", answer.body);
    answer.assert_pipeline_headers("invalid Host");
    assert!(answer.body.contains("Host"), "{}", answer.body);
    server.shutdown().await.unwrap();
}
