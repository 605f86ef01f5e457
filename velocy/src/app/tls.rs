//! HTTPS straight from the builder: [`App::listen_tls`] and [`App::serve_tls`] (cargo feature `tls`).

use tokio::net::TcpListener;

use super::App;
use crate::error::Result;
use crate::server::TlsConfig;

#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
impl App {
    /// Builds the app, binds `address` and serves HTTPS until SIGINT or SIGTERM, then shuts down
    /// gracefully.
    ///
    /// # Errors
    /// Build errors (see [`App::build`]) and a failure to bind.
    pub async fn listen_tls(self, address: impl tokio::net::ToSocketAddrs, tls: TlsConfig) -> Result<()> {
        self.build()?.listen_tls(address, tls).await
    }

    /// Builds the app and serves HTTPS on `listener` until SIGINT or SIGTERM, then shuts down gracefully.
    ///
    /// # Errors
    /// Build errors (see [`App::build`]).
    pub async fn serve_tls(self, listener: TcpListener, tls: TlsConfig) -> Result<()> {
        self.build()?.serve_tls(listener, tls).await
    }
}
