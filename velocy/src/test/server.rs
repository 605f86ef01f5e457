//! [`TestServer`]: an app served on a real socket on `127.0.0.1:0`, for end-to-end tests.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::app::App;
use crate::error::{Error, Result};
use crate::server::ShutdownHandle;

/// An app served on an ephemeral loopback port; dropped, it shuts the server down.
#[derive(Debug)]
pub struct TestServer {
    address: SocketAddr,
    shutdown: ShutdownHandle,
    task: Option<JoinHandle<Result<()>>>,
}

impl TestServer {
    /// Builds `app` and serves it on `127.0.0.1` with a port the OS picks.
    ///
    /// # Errors
    /// Build errors, or failing to bind the port.
    pub async fn start(app: App) -> Result<Self> {
        let service = app.build()?;
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|error| Error::io("failed to bind 127.0.0.1:0", error))?;
        let address =
            listener.local_addr().map_err(|error| Error::io("failed to read the bound address", error))?;
        let shutdown = ShutdownHandle::new();
        let task = tokio::spawn(service.serve_with_shutdown(listener, shutdown.signal()));
        Ok(Self { address, shutdown, task: Some(task) })
    }

    /// The bound address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Shuts down gracefully and waits until the server stopped.
    ///
    /// # Errors
    /// What serving returned.
    pub async fn shutdown(mut self) -> Result<()> {
        self.shutdown.shutdown();
        match self.task.take() {
            Some(task) => task
                .await
                .map_err(|error| Error::io("the test server task failed", std::io::Error::other(error)))?,
            None => Ok(()),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown.shutdown();
    }
}
