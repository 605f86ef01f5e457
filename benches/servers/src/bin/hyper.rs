//! `hyper-server PORT WORKERS`: the raw hyper baseline on 127.0.0.1.

fn main() -> std::io::Result<()> {
    let args = bench_servers::Args::from_command_line();
    args.tokio_runtime().block_on(bench_servers::hyper_app::serve(args.address()))
}
