//! `velocy-upload-server PORT WORKERS`: `POST /upload` takes a multipart form (a `file` part streamed to a
//! temporary file in `$UPLOAD_DIR`, and a `description` text part) and answers its size, for
//! `benches/upload-rss.py`, which measures the server's peak memory during a large upload.
//!
//! Limits are raised for the benchmark (2 GiB total and per file); everything else is the default.

use velocy::multipart::{FromMultipart, MultipartConfig, MultipartForm, TempFile};
use velocy::prelude::*;
use velocy::Method;

#[derive(FromMultipart)]
struct Upload {
    file: TempFile,
    description: Option<String>,
}

async fn upload(MultipartForm(form): MultipartForm<Upload>) -> String {
    format!("{} bytes ({})", form.file.size(), form.description.as_deref().unwrap_or("-"))
}

fn main() -> velocy::Result<()> {
    let args = bench_servers::Args::from_command_line();
    let dir = std::env::var_os("UPLOAD_DIR").map_or_else(std::env::temp_dir, std::path::PathBuf::from);
    let limit = 2 * 1024 * 1024 * 1024;
    let config = MultipartConfig::new().total_limit(limit).file_limit(limit).temp_dir(dir);
    let service = App::new().route(Route::new(Method::POST, "/upload", upload).middleware(config)).build()?;
    args.tokio_runtime().block_on(service.listen(args.address()))
}
