//! HTTPS: a real client (hyper over tokio-rustls) speaks HTTP/1.1 and HTTP/2 (negotiated with ALPN) to an app
//! served with `serve_tls_with_shutdown`, with certificates from a throwaway CA made at test time.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, StatusCode, Version};
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;
use velocy::prelude::*;
use velocy::server::{Limits, ShutdownHandle, TlsConfig};

#[get("/tls/hello")]
async fn hello() -> &'static str {
    "hello over tls"
}

/// A throwaway certificate authority.
struct Authority {
    cert: rcgen::Certificate,
    key: KeyPair,
}

impl Authority {
    fn new(name: &str) -> Self {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let cert = params.self_signed(&key).unwrap();
        Self { cert, key }
    }

    /// A certificate for `localhost` signed by this authority: (chain PEM, key PEM).
    fn issue(&self) -> (String, String) {
        let key = KeyPair::generate().unwrap();
        let params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        let cert = params.signed_by(&key, &self.cert, &self.key).unwrap();
        (format!("{}{}", cert.pem(), self.cert.pem()), key.serialize_pem())
    }

    fn der(&self) -> CertificateDer<'static> {
        self.cert.der().clone()
    }
}

struct Server {
    address: SocketAddr,
    _shutdown: ShutdownHandle,
}

async fn serve(app: App, tls: TlsConfig) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let shutdown = ShutdownHandle::new();
    let service = app.build().unwrap();
    tokio::spawn(service.serve_tls_with_shutdown(listener, tls, shutdown.signal()));
    Server { address, _shutdown: shutdown }
}

fn app() -> App {
    App::new().routes(routes![hello])
}

/// A TLS client trusting only `authority`, offering `alpn`.
async fn connect(
    address: SocketAddr,
    authority: &Authority,
    alpn: &[&[u8]],
) -> std::io::Result<TlsStream<TcpStream>> {
    let mut roots = RootCertStore::empty();
    roots.add(authority.der()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|protocol| protocol.to_vec()).collect();
    let tcp = TcpStream::connect(address).await?;
    let name = ServerName::try_from("localhost").unwrap();
    TlsConnector::from(Arc::new(config)).connect(name, tcp).await
}

fn negotiated(stream: &TlsStream<TcpStream>) -> Option<Vec<u8>> {
    stream.get_ref().1.alpn_protocol().map(<[u8]>::to_vec)
}

/// Sends GET `path` over HTTP/1.1 on an established TLS stream.
async fn get_http1(stream: TlsStream<TcpStream>, path: &str) -> (StatusCode, Version, String) {
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(connection);
    let request = Request::get(path).header("host", "localhost").body(Empty::<Bytes>::new()).unwrap();
    let response = sender.send_request(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    (parts.status, parts.version, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn http1_over_tls_is_negotiated_with_alpn() {
    let authority = Authority::new("velocy test CA");
    let (chain, key) = authority.issue();
    let server = serve(app(), TlsConfig::from_pem(chain.as_bytes(), key.as_bytes()).unwrap()).await;
    let stream = connect(server.address, &authority, &[b"http/1.1"]).await.unwrap();
    assert_eq!(negotiated(&stream).as_deref(), Some(&b"http/1.1"[..]));
    let (status, version, body) = get_http1(stream, "/tls/hello").await;
    assert_eq!((status, version, body.as_str()), (StatusCode::OK, Version::HTTP_11, "hello over tls"));
}

#[tokio::test]
async fn a_client_without_alpn_gets_http1() {
    let authority = Authority::new("velocy test CA");
    let (chain, key) = authority.issue();
    let server = serve(app(), TlsConfig::from_pem(chain.as_bytes(), key.as_bytes()).unwrap()).await;
    let stream = connect(server.address, &authority, &[]).await.unwrap();
    assert_eq!(negotiated(&stream), None);
    let (status, _, body) = get_http1(stream, "/tls/hello").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "hello over tls"));
}

#[tokio::test]
async fn http2_over_tls_is_negotiated_with_alpn_and_multiplexes() {
    let authority = Authority::new("velocy test CA");
    let (chain, key) = authority.issue();
    let server = serve(app(), TlsConfig::from_pem(chain.as_bytes(), key.as_bytes()).unwrap()).await;
    let stream = connect(server.address, &authority, &[b"h2", b"http/1.1"]).await.unwrap();
    assert_eq!(negotiated(&stream).as_deref(), Some(&b"h2"[..]));
    let (sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream)).await.unwrap();
    tokio::spawn(connection);
    let mut requests = Vec::new();
    for _ in 0..5 {
        let mut sender = sender.clone();
        requests.push(tokio::spawn(async move {
            let request = Request::get("https://localhost/tls/hello").body(Empty::<Bytes>::new()).unwrap();
            let response = sender.send_request(request).await.unwrap();
            let version = response.version();
            let status = response.status();
            let body = response.into_body().collect().await.unwrap().to_bytes();
            (status, version, body)
        }));
    }
    for request in requests {
        let (status, version, body) = request.await.unwrap();
        assert_eq!((status, version), (StatusCode::OK, Version::HTTP_2));
        assert_eq!(&body[..], b"hello over tls");
    }
}

#[tokio::test]
async fn reloading_the_certificate_applies_to_new_handshakes_only() {
    let first = Authority::new("first CA");
    let second = Authority::new("second CA");
    let directory = std::env::temp_dir().join(format!("velocy-tls-reload-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let (cert_path, key_path) = (directory.join("cert.pem"), directory.join("key.pem"));
    let (chain, key) = first.issue();
    std::fs::write(&cert_path, chain).unwrap();
    std::fs::write(&key_path, key).unwrap();
    let tls = TlsConfig::from_pem_files(&cert_path, &key_path).unwrap();
    let server = serve(app(), tls.clone()).await;

    // Established under the first certificate, kept open across the reload.
    let old = connect(server.address, &first, &[b"http/1.1"]).await.unwrap();
    let (mut old_sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(old)).await.unwrap();
    tokio::spawn(connection);
    assert!(connect(server.address, &second, &[]).await.is_err(), "the second CA is not trusted yet");

    let (chain, key) = second.issue();
    std::fs::write(&cert_path, chain).unwrap();
    std::fs::write(&key_path, key).unwrap();
    tls.reload_from_pem_files(&cert_path, &key_path).unwrap();
    // A broken file does not replace the working certificate.
    std::fs::write(&key_path, "not a key").unwrap();
    assert!(tls.reload_from_pem_files(&cert_path, &key_path).is_err());
    std::fs::remove_dir_all(&directory).unwrap();

    let fresh = connect(server.address, &second, &[]).await.unwrap();
    assert_eq!(get_http1(fresh, "/tls/hello").await.0, StatusCode::OK);
    assert!(connect(server.address, &first, &[]).await.is_err(), "new handshakes use the new certificate");
    let request = Request::get("/tls/hello").header("host", "localhost").body(Empty::<Bytes>::new()).unwrap();
    let response = old_sender.send_request(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "the old connection keeps working");
}

#[tokio::test]
async fn a_stalled_handshake_is_cut_at_the_header_read_timeout() {
    let authority = Authority::new("velocy test CA");
    let (chain, key) = authority.issue();
    let limits = Limits::default().header_read_timeout(Duration::from_millis(300));
    let server =
        serve(app().limits(limits), TlsConfig::from_pem(chain.as_bytes(), key.as_bytes()).unwrap()).await;
    let mut silent = TcpStream::connect(server.address).await.unwrap();
    let mut buffer = [0u8; 64];
    let closed = tokio::time::timeout(Duration::from_secs(5), silent.read(&mut buffer)).await;
    assert!(matches!(closed, Ok(Ok(0) | Err(_))), "the server closes a connection that never says hello");
    // The server still serves.
    let stream = connect(server.address, &authority, &[]).await.unwrap();
    assert_eq!(get_http1(stream, "/tls/hello").await.0, StatusCode::OK);
}

#[tokio::test]
async fn plaintext_http_on_the_tls_port_is_dropped_without_harm() {
    let authority = Authority::new("velocy test CA");
    let (chain, key) = authority.issue();
    let server = serve(app(), TlsConfig::from_pem(chain.as_bytes(), key.as_bytes()).unwrap()).await;
    let mut plain = TcpStream::connect(server.address).await.unwrap();
    plain.write_all(b"GET /tls/hello HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
    let mut received = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), plain.read_to_end(&mut received)).await.unwrap();
    assert!(!String::from_utf8_lossy(&received).contains("hello over tls"));
    let stream = connect(server.address, &authority, &[b"h2", b"http/1.1"]).await.unwrap();
    assert_eq!(negotiated(&stream).as_deref(), Some(&b"h2"[..]));
}
