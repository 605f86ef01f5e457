//! `velocy-limited-quiet-server PORT WORKERS`: the Velocy benchmark app behind a rate limit per client
//! address that is never reached, with the `RateLimit` headers on refusals only.

fn main() -> velocy::Result<()> {
    let args = bench_servers::Args::from_command_line();
    let service = bench_servers::velocy_app::app_rate_limited_quietly().build()?;
    args.tokio_runtime().block_on(service.listen(args.address()))
}
