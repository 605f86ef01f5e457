//! The raw hyper baseline: one `service_fn` that matches the path by hand, and an accept loop on
//! hyper-util's auto (HTTP/1.1 + HTTP/2) connection builder.

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use percent_encoding::percent_decode_str;
use serde::Serialize;

use crate::{Message, UserId, PLAINTEXT, TEXT_PLAIN};

const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// Answers one request. Generic over the body so the allocation counter can call it without a socket.
pub async fn handle<B>(request: Request<B>) -> Result<Response<Full<Bytes>>, Infallible>
where
    B: http_body::Body,
{
    let response = match (request.method(), request.uri().path()) {
        (&Method::GET, "/plaintext") => {
            with_type(Bytes::from_static(PLAINTEXT.as_bytes()), HeaderValue::from_static(TEXT_PLAIN))
        }
        (&Method::GET, "/json") => json(&Message::HELLO),
        (&Method::GET, path) => match user_id(path) {
            Some(id) => match percent_decode_str(id).decode_utf8() {
                Ok(id) => json(&UserId { id }),
                Err(_) => status(StatusCode::BAD_REQUEST),
            },
            None => status(StatusCode::NOT_FOUND),
        },
        (&Method::POST, "/echo") => echo(request.into_body()).await,
        _ => status(StatusCode::NOT_FOUND),
    };
    Ok(response)
}

/// The `:id` of `/users/:id`: one non-empty segment.
fn user_id(path: &str) -> Option<&str> {
    path.strip_prefix("/users/").filter(|id| !id.is_empty() && !id.contains('/'))
}

async fn echo<B: http_body::Body>(body: B) -> Response<Full<Bytes>> {
    let Ok(collected) = body.collect().await else {
        return status(StatusCode::BAD_REQUEST);
    };
    match serde_json::from_slice::<serde_json::Value>(&collected.to_bytes()) {
        Ok(value) => json(&value),
        Err(_) => status(StatusCode::BAD_REQUEST),
    }
}

fn json<T: Serialize>(value: &T) -> Response<Full<Bytes>> {
    match serde_json::to_vec(value) {
        Ok(bytes) => with_type(Bytes::from(bytes), APPLICATION_JSON),
        Err(_) => status(StatusCode::INTERNAL_SERVER_ERROR),
    }
}

fn with_type(body: Bytes, content_type: HeaderValue) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    response.headers_mut().insert(CONTENT_TYPE, content_type);
    response
}

fn status(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    response
}

/// Accepts connections on `address` forever, each served on its own task.
///
/// # Errors
/// Binding fails.
pub async fn serve(address: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(address).await?;
    // Default settings. `http1().pipeline_flush(true)` would reach the 1.33 M pipelined requests/s,
    // but hyper then drops the last response of a connection it closes (see BENCHMARKS.md), so neither the
    // baseline nor Velocy uses it.
    let builder = auto::Builder::new(TokioExecutor::new());
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let _ = stream.set_nodelay(true);
        let builder = builder.clone();
        tokio::spawn(async move {
            let _ = builder.serve_connection(TokioIo::new(stream), service_fn(handle)).await;
        });
    }
}
