//! `axum-server PORT WORKERS`: the axum benchmark app on 127.0.0.1.

use axum::serve::ListenerExt;

fn main() -> std::io::Result<()> {
    let args = bench_servers::Args::from_command_line();
    args.tokio_runtime().block_on(async {
        let listener = tokio::net::TcpListener::bind(args.address()).await?.tap_io(|stream| {
            let _ = stream.set_nodelay(true);
        });
        axum::serve(listener, bench_servers::axum_app::app()).await
    })
}
