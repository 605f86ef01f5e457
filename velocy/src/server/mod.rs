//! The server: accepting TCP connections and driving HTTP/1.1 and HTTP/2 on each with hyper.
//!
//! * HTTP/1.1 with keep-alive and pipelining (responses are flushed in order, batched when pipelined);
//! * HTTP/2 over cleartext (h2c) with prior knowledge, detected per connection from the client preface;
//! * `Date` on every response (by hyper) and `Server` (by Velocy, configurable);
//! * graceful shutdown on SIGINT/SIGTERM or a [`ShutdownHandle`]: stop accepting, let in-flight requests
//!   finish up to the app's shutdown timeout, then close.

use std::future::Future;
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use crate::app::{AppService, ConnectionService};
use crate::error::Result;

mod shutdown;

pub use shutdown::{shutdown_signal, ShutdownHandle};

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
        let builder = connection_builder();
        let graceful = GracefulShutdown::new();
        let timeout = self.shared.config.shutdown_timeout;
        tokio::pin!(signal);
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let (stream, remote_addr) = match accepted {
                        Ok(accepted) => accepted,
                        Err(error) => {
                            accept_backoff(&error).await;
                            continue;
                        }
                    };
                    let _ = stream.set_nodelay(true);
                    let service = ConnectionService { app: self.clone(), remote_addr: Some(remote_addr) };
                    let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
                    let connection = graceful.watch(connection.into_owned());
                    tokio::spawn(async move {
                        // A connection error (client reset, malformed request) ends only that connection;
                        // hyper has already answered what it could.
                        let _ = connection.await;
                    });
                }
                () = &mut signal => break,
            }
        }
        drop(listener);
        tokio::select! {
            () = graceful.shutdown() => {}
            () = tokio::time::sleep(timeout) => {}
        }
        Ok(())
    }
}

fn connection_builder() -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .keep_alive(true)
        .half_close(false)
        .timer(hyper_util::rt::TokioTimer::new());
    builder.http2().timer(hyper_util::rt::TokioTimer::new());
    builder
}

/// Accept errors such as too many open files are transient: wait a little instead of spinning.
async fn accept_backoff(error: &std::io::Error) {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::Interrupted => {}
        _ => tokio::time::sleep(Duration::from_millis(50)).await,
    }
}
