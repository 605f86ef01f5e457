//! HTTPS with rustls: [`TlsConfig`], and the `*_tls` ways to serve an app.
//!
//! * Certificates and keys from PEM files or PEM bytes, or a whole [`rustls::ServerConfig`] of your own.
//! * ALPN offers `h2` then `http/1.1` (RFC 7301), so HTTP/2 clients negotiate HTTP/2 over TLS and the rest
//!   speak HTTP/1.1; the crypto provider is rustls's `ring` (TLS 1.2 and 1.3, rustls's safe defaults).
//! * Certificate reload without a restart: [`TlsConfig::reload_from_pem_files`] swaps the configuration
//!   atomically, so every handshake after it uses the new certificate while established connections
//!   keep theirs.
//! * The handshake runs on the connection's own task, never in the accept loop, and must finish within
//!   [`Limits::header_read_timeout`](crate::server::Limits::header_read_timeout) (default 10 s); clients
//!   that stall it are disconnected like slowloris clients are.

use std::fmt;
use std::future::Future;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

pub use tokio_rustls::rustls;

use super::shutdown::shutdown_signal;
use super::transport::Transport;
use crate::error::{Error, Result};
use crate::pipeline::AppService;

/// The TLS settings of a server: certificate chain, private key, protocols, and ALPN `h2` + `http/1.1`.
///
/// Clones share one configuration: reloading through any clone (for example one kept by a task that
/// watches the certificate files, or handles `SIGHUP`) changes what the server uses for new handshakes.
///
/// ```no_run
/// use velocy::prelude::*;
/// use velocy::server::TlsConfig;
///
/// #[get("/")]
/// async fn index() -> &'static str {
///     "over TLS"
/// }
///
/// #[velocy::main]
/// async fn main() -> velocy::Result<()> {
///     let tls = TlsConfig::from_pem_files("cert.pem", "key.pem")?;
///     let reloader = tls.clone();
///     tokio::spawn(async move {
///         loop {
///             tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
///             // A renewed certificate: new handshakes use it; a failed reload keeps the old one.
///             if let Err(error) = reloader.reload_from_pem_files("cert.pem", "key.pem") {
///                 eprintln!("certificate reload failed: {error}");
///             }
///         }
///     });
///     App::new().routes(routes![index]).listen_tls("0.0.0.0:443", tls).await
/// }
/// ```
#[derive(Clone)]
pub struct TlsConfig {
    current: Arc<ArcSwap<ServerConfig>>,
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let current = self.current.load();
        let alpn: Vec<String> = current
            .alpn_protocols
            .iter()
            .map(|protocol| String::from_utf8_lossy(protocol).into_owned())
            .collect();
        f.debug_struct("TlsConfig").field("alpn", &alpn).finish_non_exhaustive()
    }
}

/// The ALPN protocols offered, in order of preference (RFC 7301; RFC 9113 §3.2 names HTTP/2 over TLS `h2`).
fn default_alpn() -> Vec<Vec<u8>> {
    vec![b"h2".to_vec(), b"http/1.1".to_vec()]
}

impl TlsConfig {
    /// Reads a PEM certificate chain (the server's certificate first, then intermediates) and a PEM private
    /// key (PKCS #8, PKCS #1 or SEC1) from files.
    ///
    /// # Errors
    /// A file cannot be read ([`Error::is_io`]); the PEM holds no certificate or no key, or the key does
    /// not match the certificate ([`Error::is_build`]).
    pub fn from_pem_files(cert_chain: impl AsRef<Path>, private_key: impl AsRef<Path>) -> Result<Self> {
        Ok(Self::from_rustls(config_from_pem_files(cert_chain.as_ref(), private_key.as_ref())?))
    }

    /// Builds the configuration from PEM text in memory: a certificate chain and a private key.
    ///
    /// # Errors
    /// As [`TlsConfig::from_pem_files`], except reading.
    pub fn from_pem(cert_chain: &[u8], private_key: &[u8]) -> Result<Self> {
        Ok(Self::from_rustls(config_from_pem(cert_chain, private_key)?))
    }

    /// Uses a rustls configuration as is (client authentication, custom certificate resolvers, session
    /// storage…). When its ALPN list is empty it gets `h2` and `http/1.1`; a list you set is kept, so
    /// leave `h2` out to serve HTTP/1.1 only.
    pub fn from_rustls(mut config: ServerConfig) -> Self {
        if config.alpn_protocols.is_empty() {
            config.alpn_protocols = default_alpn();
        }
        Self { current: Arc::new(ArcSwap::from_pointee(config)) }
    }

    /// Replaces the certificate and key with those in the PEM files. Handshakes that start afterwards use
    /// them; connections already established are not affected.
    ///
    /// # Errors
    /// As [`TlsConfig::from_pem_files`]; on error the current configuration stays in use.
    pub fn reload_from_pem_files(
        &self,
        cert_chain: impl AsRef<Path>,
        private_key: impl AsRef<Path>,
    ) -> Result<()> {
        let config = config_from_pem_files(cert_chain.as_ref(), private_key.as_ref())?;
        self.current.store(Arc::new(config));
        Ok(())
    }

    /// Replaces the certificate and key with those in PEM text; see [`TlsConfig::reload_from_pem_files`].
    ///
    /// # Errors
    /// As [`TlsConfig::from_pem`]; on error the current configuration stays in use.
    pub fn reload_from_pem(&self, cert_chain: &[u8], private_key: &[u8]) -> Result<()> {
        let config = config_from_pem(cert_chain, private_key)?;
        self.current.store(Arc::new(config));
        Ok(())
    }

    /// Replaces the whole rustls configuration (ALPN defaults as in [`TlsConfig::from_rustls`]).
    pub fn reload_from_rustls(&self, mut config: ServerConfig) {
        if config.alpn_protocols.is_empty() {
            config.alpn_protocols = default_alpn();
        }
        self.current.store(Arc::new(config));
    }

    /// The configuration new handshakes use now.
    pub fn server_config(&self) -> Arc<ServerConfig> {
        self.current.load_full()
    }
}

fn read_pem_file(path: &Path, context: &'static str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|error| {
        let error = io::Error::new(error.kind(), format!("{}: {error}", path.display()));
        Error::io(context, error)
    })
}

fn config_from_pem_files(cert_chain: &Path, private_key: &Path) -> Result<ServerConfig> {
    let certs = read_pem_file(cert_chain, "failed to read the TLS certificate chain")?;
    let key = read_pem_file(private_key, "failed to read the TLS private key")?;
    config_from_pem(&certs, &key)
}

fn config_from_pem(cert_chain: &[u8], private_key: &[u8]) -> Result<ServerConfig> {
    let certs = CertificateDer::pem_slice_iter(cert_chain)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|error| Error::config(format!("the TLS certificate chain is not valid PEM: {error}")))?;
    if certs.is_empty() {
        return Err(Error::config("the TLS certificate chain holds no `CERTIFICATE` PEM block"));
    }
    let key = PrivateKeyDer::from_pem_slice(private_key).map_err(|error| {
        Error::config(format!("the TLS private key holds no PKCS #8, PKCS #1 or SEC1 private key: {error}"))
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| Error::config(format!("the TLS protocol versions are not supported: {error}")))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|error| Error::config(format!("the TLS certificate or key is not usable: {error}")))?;
    config.alpn_protocols = default_alpn();
    Ok(config)
}

/// TLS over TCP: the handshake, with a deadline, on the connection's own task.
#[derive(Clone)]
struct Tls {
    config: TlsConfig,
    handshake_timeout: Duration,
}

impl Transport for Tls {
    type Io = TlsStream<TcpStream>;
    const ENCRYPTED: bool = true;

    async fn establish(&self, stream: TcpStream) -> io::Result<Self::Io> {
        // One load per handshake: a reload in between takes effect from the next connection.
        let acceptor = TlsAcceptor::from(self.config.current.load_full());
        match tokio::time::timeout(self.handshake_timeout, acceptor.accept(stream)).await {
            Ok(established) => established,
            Err(_) => Err(io::Error::new(io::ErrorKind::TimedOut, "the TLS handshake timed out")),
        }
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
impl AppService {
    /// Binds `address` and serves HTTPS until SIGINT or SIGTERM, then shuts down gracefully.
    ///
    /// # Errors
    /// Failing to bind ([`Error::is_io`]).
    pub async fn listen_tls(self, address: impl tokio::net::ToSocketAddrs, tls: TlsConfig) -> Result<()> {
        let listener = TcpListener::bind(address)
            .await
            .map_err(|error| Error::io("failed to bind the address", error))?;
        self.serve_tls(listener, tls).await
    }

    /// Serves HTTPS on `listener` until SIGINT or SIGTERM, then shuts down gracefully.
    ///
    /// # Errors
    /// None today; the `Result` leaves room for listener failures that end serving.
    pub async fn serve_tls(self, listener: TcpListener, tls: TlsConfig) -> Result<()> {
        self.serve_tls_with_shutdown(listener, tls, shutdown_signal()).await
    }

    /// Serves HTTPS on `listener` until `signal` completes, then shuts down gracefully (see
    /// [`AppService::serve_with_shutdown`]). Connections whose handshake fails or outlasts
    /// [`Limits::header_read_timeout`](crate::server::Limits::header_read_timeout) are dropped and reported
    /// to the app's error sinks.
    ///
    /// # Errors
    /// None today; see [`AppService::serve_tls`].
    pub async fn serve_tls_with_shutdown(
        self,
        listener: TcpListener,
        tls: TlsConfig,
        signal: impl Future<Output = ()> + Send,
    ) -> Result<()> {
        let handshake_timeout = self.shared.config.limits.header_read_timeout;
        super::serve_connections(self, listener, Tls { config: tls, handshake_timeout }, signal).await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn self_signed(name: &str) -> (String, String) {
        let certified = rcgen::generate_simple_self_signed(vec![name.to_owned()]).unwrap();
        (certified.cert.pem(), certified.key_pair.serialize_pem())
    }

    #[test]
    fn pem_in_memory_builds_a_config_offering_h2_and_http1() {
        let (cert, key) = self_signed("localhost");
        let tls = TlsConfig::from_pem(cert.as_bytes(), key.as_bytes()).unwrap();
        assert_eq!(tls.server_config().alpn_protocols, vec![b"h2".to_vec(), b"http/1.1".to_vec()]);
        assert!(format!("{tls:?}").contains("http/1.1"));
    }

    #[test]
    fn invalid_pem_is_a_build_error_that_says_what_is_missing() {
        let (cert, key) = self_signed("localhost");
        let no_cert = TlsConfig::from_pem(b"", key.as_bytes()).unwrap_err();
        assert!(no_cert.is_build() && no_cert.to_string().contains("no `CERTIFICATE`"), "{no_cert}");
        let no_key = TlsConfig::from_pem(cert.as_bytes(), b"not pem").unwrap_err();
        assert!(no_key.is_build() && no_key.to_string().contains("private key"), "{no_key}");
        let (_, other_key) = self_signed("other");
        let mismatch = TlsConfig::from_pem(cert.as_bytes(), other_key.as_bytes()).unwrap_err();
        assert!(mismatch.is_build(), "{mismatch}");
    }

    #[test]
    fn missing_files_are_io_errors_naming_the_path() {
        let error = TlsConfig::from_pem_files("/nonexistent/cert.pem", "/nonexistent/key.pem").unwrap_err();
        assert!(error.is_io());
        assert!(error.to_string().contains("/nonexistent/cert.pem"), "{error}");
    }

    #[test]
    fn reload_swaps_the_config_for_every_clone_and_a_failed_reload_keeps_it() {
        let (cert, key) = self_signed("one.test");
        let tls = TlsConfig::from_pem(cert.as_bytes(), key.as_bytes()).unwrap();
        let clone = tls.clone();
        let before = tls.server_config();
        let (cert, key) = self_signed("two.test");
        clone.reload_from_pem(cert.as_bytes(), key.as_bytes()).unwrap();
        let after = tls.server_config();
        assert!(!Arc::ptr_eq(&before, &after));
        assert!(clone.reload_from_pem(b"", b"").is_err());
        assert!(Arc::ptr_eq(&after, &tls.server_config()));
    }

    #[test]
    fn a_custom_rustls_config_keeps_its_alpn() {
        let (cert, key) = self_signed("localhost");
        let mut config = config_from_pem(cert.as_bytes(), key.as_bytes()).unwrap();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let tls = TlsConfig::from_rustls(config);
        assert_eq!(tls.server_config().alpn_protocols, vec![b"http/1.1".to_vec()]);
        let mut empty = config_from_pem(cert.as_bytes(), key.as_bytes()).unwrap();
        empty.alpn_protocols.clear();
        tls.reload_from_rustls(empty);
        assert_eq!(tls.server_config().alpn_protocols.len(), 2);
    }
}
