//! The server: accepting TCP connections and driving HTTP/1.1 and HTTP/2 on each with hyper.
//!
//! * HTTP/1.1 with keep-alive and pipelining (responses are flushed in order);
//! * HTTP/2 over cleartext (h2c) with prior knowledge, detected per connection from the client preface;
//! * HTTPS with rustls behind the `tls` feature (`TlsConfig`, `App::listen_tls`): ALPN `h2` and
//!   `http/1.1`, certificate reload without a restart;
//! * `Date` on every response (by hyper) and `Server` (by Velocy, configurable);
//! * [`Limits`] on connections, heads, targets, bodies and HTTP/2 streams, each with a safe default;
//! * graceful shutdown on SIGINT/SIGTERM or a [`ShutdownHandle`]: stop accepting, let in-flight requests
//!   finish up to the app's shutdown timeout, then close.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::error::Result;
use crate::pipeline::{AppService, ConnectionService};

mod shutdown;
#[cfg(feature = "tls")]
mod tls;
pub(crate) mod transport;

pub use crate::limits::Limits;
pub use shutdown::{shutdown_signal, ShutdownHandle};
#[cfg(feature = "tls")]
#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
pub use tls::{rustls, TlsConfig};
use transport::{PlainTcp, Transport};

impl AppService {
    /// Binds `address` and serves until SIGINT or SIGTERM, then shuts down gracefully.
    ///
    /// # Errors
    /// Failing to bind ([`Error::is_io`](crate::Error::is_io)).
    pub async fn listen(self, address: impl tokio::net::ToSocketAddrs) -> Result<()> {
        let listener = TcpListener::bind(address)
            .await
            .map_err(|error| crate::Error::io("failed to bind the address", error))?;
        self.serve(listener).await
    }

    /// Serves `listener` until SIGINT or SIGTERM, then shuts down gracefully.
    ///
    /// # Errors
    /// None today; the `Result` leaves room for listener failures that end serving.
    pub async fn serve(self, listener: TcpListener) -> Result<()> {
        self.serve_with_shutdown(listener, shutdown_signal()).await
    }

    /// Serves `listener` until `signal` completes, then shuts down gracefully: no new connections, idle
    /// keep-alive connections closed, in-flight requests given the app's shutdown timeout to finish.
    ///
    /// # Errors
    /// None today; see [`AppService::serve`].
    pub async fn serve_with_shutdown(
        self,
        listener: TcpListener,
        signal: impl Future<Output = ()> + Send,
    ) -> Result<()> {
        serve_connections(self, listener, PlainTcp, signal).await
    }
}

/// The accept loop, generic over the transport (plain TCP or TLS).
pub(crate) async fn serve_connections<T: Transport>(
    app: AppService,
    listener: TcpListener,
    transport: T,
    signal: impl Future<Output = ()> + Send,
) -> Result<()> {
    let limits = &app.shared.config.limits;
    let builder = Arc::new(connection_builder(limits));
    let graceful = GracefulShutdown::new();
    let timeout = app.shared.config.shutdown_timeout;
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    tokio::pin!(signal);
    loop {
        // Backpressure: at the connection limit, stop accepting until a connection closes.
        let permit = tokio::select! {
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut signal => break,
        };
        let (stream, remote_addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    report_accept_error(&app, &error);
                    accept_backoff(&error).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        let _ = stream.set_nodelay(true);
        let service =
            ConnectionService { app: app.clone(), remote_addr: Some(remote_addr), encrypted: T::ENCRYPTED };
        let builder = Arc::clone(&builder);
        let transport = transport.clone();
        let watcher = graceful.watcher();
        let app_for_errors = app.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let io = match transport.establish(stream).await {
                Ok(io) => io,
                Err(error) => {
                    app_for_errors.report_connection_error(format!("connection setup failed: {error}"));
                    return;
                }
            };
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(io), service);
            if let Err(error) = watcher.watch(connection.into_owned()).await {
                // hyper has already answered what it could (400, 431, …); the error ends only this
                // connection. Failures of a response body were reported when they happened.
                let from_body = error.downcast_ref::<hyper::Error>().is_some_and(hyper::Error::is_user);
                if !from_body {
                    app_for_errors
                        .report_connection_error(format!("connection from {remote_addr} failed: {error}"));
                }
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(timeout) => {}
    }
    Ok(())
}

fn connection_builder(limits: &Limits) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .keep_alive(true)
        .half_close(false)
        // Not `pipeline_flush(true)`: it batches pipelined responses into fewer writes, but hyper 1.12 then
        // loses the final response of a connection it closes (a 400 to a malformed request never reaches
        // the client; tests/e2e/hardening.rs catches it).
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_head_bytes.max(8 * 1024))
        .max_headers(limits.max_headers);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(limits.http2_max_concurrent_streams)
        .max_pending_accept_reset_streams(limits.http2_max_pending_accept_reset_streams)
        .max_local_error_reset_streams(limits.http2_max_local_error_reset_streams)
        .max_header_list_size(limits.http2_max_header_list_bytes);
    builder
}

fn report_accept_error(app: &AppService, error: &std::io::Error) {
    app.report_connection_error(format!("accepting a connection failed: {error}"));
}

/// Accept errors such as too many open files are transient: wait a little instead of spinning.
async fn accept_backoff(error: &std::io::Error) {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::Interrupted => {}
        _ => tokio::time::sleep(Duration::from_millis(50)).await,
    }
}
