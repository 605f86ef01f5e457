//! `velocy-full-server PORT WORKERS`: the Velocy benchmark app with its default middleware on (request id,
//! access-log hook, metrics hook).

fn main() -> velocy::Result<()> {
    let args = bench_servers::Args::from_command_line();
    let service = bench_servers::velocy_app::app_with_defaults().build()?;
    args.tokio_runtime().block_on(service.listen(args.address()))
}
