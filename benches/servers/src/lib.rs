//! The four benchmark servers share this crate: each framework's app lives in its own module, and the
//! binaries under `src/bin/` only read `PORT WORKERS` and start it.
//!
//! Every app serves exactly the same routes with the same bodies and content types:
//!
//! | route | response |
//! | --- | --- |
//! | `GET /plaintext` | `Hello, World!`, `text/plain; charset=utf-8` |
//! | `GET /json` | `{"message":"Hello, World!"}`, `application/json` |
//! | `GET /users/:id` | `{"id":"<id>"}` (the id percent-decoded), `application/json` |
//! | `POST /echo` | the JSON request body parsed into `serde_json::Value` and serialized again |
//! | anything else | `404 Not Found` |

pub mod actix_app;
pub mod axum_app;
pub mod hyper_app;
pub mod velocy_app;

use serde::Serialize;

/// The body of `GET /plaintext`.
pub const PLAINTEXT: &str = "Hello, World!";

/// The `Content-Type` of `GET /plaintext` in every app (what Velocy, axum and actix-web send for a `&str`).
pub const TEXT_PLAIN: &str = "text/plain; charset=utf-8";

/// The body of `GET /json`, serialized on every request as the frameworks' JSON responders do.
#[derive(Debug, Serialize)]
pub struct Message {
    /// Always [`PLAINTEXT`].
    pub message: &'static str,
}

impl Message {
    /// The one message every app sends.
    pub const HELLO: Message = Message { message: PLAINTEXT };
}

/// The body of `GET /users/:id`.
#[derive(Debug, Serialize)]
pub struct UserId<S> {
    /// The path parameter, percent-decoded.
    pub id: S,
}

/// The directory the static file servers serve under `/static`: `$STATIC_DIR`, else `benches/target/static`
/// (created by `benches/files.sh` with `1k.bin` and `1m.bin`).
pub fn static_dir() -> std::path::PathBuf {
    std::env::var_os("STATIC_DIR").map_or_else(
        || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/static"),
        std::path::PathBuf::from,
    )
}

/// The command line every server takes: `PORT WORKERS`.
#[derive(Debug, Clone, Copy)]
pub struct Args {
    /// The TCP port on 127.0.0.1.
    pub port: u16,
    /// How many worker threads serve connections.
    pub workers: usize,
}

impl Args {
    /// Reads `PORT WORKERS` from the command line (defaults: 8080 and 1); prints the usage and exits on
    /// anything else.
    pub fn from_command_line() -> Self {
        let mut args = std::env::args().skip(1);
        let port = args.next().map_or(Ok(8080), |text| text.parse());
        let workers = args.next().map_or(Ok(1), |text| text.parse());
        match (port, workers, args.next()) {
            (Ok(port), Ok(workers), None) if workers > 0 => Self { port, workers },
            _ => {
                let program = std::env::args().next().unwrap_or_else(|| "server".to_owned());
                eprintln!("usage: {program} [PORT] [WORKERS]   (defaults: 8080 1)");
                std::process::exit(2);
            }
        }
    }

    /// The address to bind: loopback only.
    pub fn address(&self) -> std::net::SocketAddr {
        std::net::SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// A multi-threaded tokio runtime with [`Args::workers`] worker threads, as the three tokio-based
    /// servers (Velocy, hyper, axum) all use.
    ///
    /// # Panics
    /// When the runtime cannot be created (the OS refuses threads): a benchmark server cannot go on.
    pub fn tokio_runtime(&self) -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(self.workers)
            .enable_all()
            .build()
            .expect("failed to build the tokio runtime")
    }
}
