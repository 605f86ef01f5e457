//! `axum-files-server PORT WORKERS`: tower-http's `ServeDir` under `/static`, served by axum, for the static
//! file benchmark. The directory is `$STATIC_DIR` (benches/files.sh creates it).
//!
//! Configuration: `ServeDir::new(dir)` with its defaults (64 KiB read chunks, no precompressed variants,
//! `Last-Modified` and `Range` support), mounted with `nest_service` as the tower-http docs show.

use axum::serve::ListenerExt;
use tower_http::services::ServeDir;

fn main() -> std::io::Result<()> {
    let args = bench_servers::Args::from_command_line();
    let dir = bench_servers::static_dir();
    args.tokio_runtime().block_on(async {
        let listener = tokio::net::TcpListener::bind(args.address()).await?.tap_io(|stream| {
            let _ = stream.set_nodelay(true);
        });
        let app = axum::Router::new().nest_service("/static", ServeDir::new(dir));
        axum::serve(listener, app).await
    })
}
