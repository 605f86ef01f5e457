//! [`Transport`]: what turns an accepted TCP stream into the byte stream HTTP runs on — the stream itself,
//! or a TLS session over it.

use std::future::Future;
use std::io;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// Establishes the connection HTTP runs on, once per accepted TCP stream, on that connection's own task
/// (so a slow TLS handshake never blocks accepting).
pub(crate) trait Transport: Clone + Send + Sync + 'static {
    /// The established byte stream.
    type Io: AsyncRead + AsyncWrite + Unpin + Send + 'static;

    /// Whether the established stream is encrypted (TLS): requests over it are `https`
    /// ([`RequestParts::is_https`](crate::RequestParts::is_https)).
    const ENCRYPTED: bool;

    /// Establishes the connection; an error drops it.
    fn establish(&self, stream: TcpStream) -> impl Future<Output = io::Result<Self::Io>> + Send;
}

/// Plain TCP: HTTP/1.1, or HTTP/2 with prior knowledge (h2c).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PlainTcp;

impl Transport for PlainTcp {
    type Io = TcpStream;
    const ENCRYPTED: bool = false;

    async fn establish(&self, stream: TcpStream) -> io::Result<TcpStream> {
        Ok(stream)
    }
}
