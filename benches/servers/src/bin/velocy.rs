//! `velocy-server PORT WORKERS`: the Velocy benchmark app on 127.0.0.1.

fn main() -> velocy::Result<()> {
    let args = bench_servers::Args::from_command_line();
    let service = bench_servers::velocy_app::app().build()?;
    args.tokio_runtime().block_on(service.listen(args.address()))
}
