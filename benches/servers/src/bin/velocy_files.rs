//! `velocy-files-server PORT WORKERS`: Velocy's `ServeDir` under `/static`, for the static file benchmark.
//! The directory is `$STATIC_DIR` (benches/run-http.sh creates it).
//!
//! Configuration: `App::static_files("/static", dir)`, the defaults (64 KiB read chunks, no precompressed
//! siblings, strong `ETag`, `Last-Modified`, `Range`, 256 open files at most), like the tower-http server.

fn main() -> velocy::Result<()> {
    let args = bench_servers::Args::from_command_line();
    let service = velocy::App::new().static_files("/static", bench_servers::static_dir()).build()?;
    args.tokio_runtime().block_on(service.listen(args.address()))
}
