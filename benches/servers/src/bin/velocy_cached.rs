//! `velocy-cached-server PORT WORKERS`: the Velocy benchmark app behind the response cache (every request
//! after the first of a path is a hit).

fn main() -> velocy::Result<()> {
    let args = bench_servers::Args::from_command_line();
    let service = bench_servers::velocy_app::app_cached().build()?;
    args.tokio_runtime().block_on(service.listen(args.address()))
}
