//! `axum-governor-server PORT WORKERS`: the axum benchmark app behind `tower_governor`, configured as its
//! documentation shows for axum: `GovernorLayer` keyed by the peer address (`PeerIpKeyExtractor`, the
//! default, with `into_make_service_with_connect_info`), `use_headers()` for its `x-ratelimit-*` headers, and
//! a quota that is never reached.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::serve::ListenerExt;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::GovernorLayer;

fn main() -> std::io::Result<()> {
    let args = bench_servers::Args::from_command_line();
    args.tokio_runtime().block_on(async {
        let config = GovernorConfigBuilder::default()
            .per_nanosecond(1)
            .burst_size(1_000_000_000)
            .use_headers()
            .finish()
            .expect("a valid governor configuration");
        let app = bench_servers::axum_app::app().layer(GovernorLayer::new(Arc::new(config)));
        let listener = tokio::net::TcpListener::bind(args.address()).await?.tap_io(|stream| {
            let _ = stream.set_nodelay(true);
        });
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await
    })
}
