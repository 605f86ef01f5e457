//! Shutdown triggers: the process signals, or a [`ShutdownHandle`] held by the program.

use tokio::sync::watch;

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// Triggers a graceful shutdown from inside the program: pass [`ShutdownHandle::signal`] to
/// [`AppService::serve_with_shutdown`](crate::AppService::serve_with_shutdown) and call
/// [`ShutdownHandle::shutdown`] when it is time. Clones share the trigger.
#[derive(Debug, Clone)]
pub struct ShutdownHandle {
    sender: std::sync::Arc<watch::Sender<bool>>,
}

impl Default for ShutdownHandle {
    fn default() -> Self {
        Self::new()
    }
}

impl ShutdownHandle {
    /// A new, untriggered handle.
    pub fn new() -> Self {
        Self { sender: std::sync::Arc::new(watch::channel(false).0) }
    }

    /// Starts the shutdown; every [`ShutdownHandle::signal`] future completes.
    pub fn shutdown(&self) {
        self.sender.send_replace(true);
    }

    /// A future that completes once [`ShutdownHandle::shutdown`] was called.
    pub fn signal(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut receiver = self.sender.subscribe();
        async move {
            let _ = receiver.wait_for(|triggered| *triggered).await;
        }
    }
}
