//! `actix-server PORT WORKERS`: the actix-web benchmark app on 127.0.0.1, with WORKERS actix workers
//! (each a single-threaded runtime, actix-web's own model).

use actix_web::{App, HttpServer};

fn main() -> std::io::Result<()> {
    let args = bench_servers::Args::from_command_line();
    actix_web::rt::System::new().block_on(async {
        HttpServer::new(|| App::new().configure(bench_servers::actix_app::configure))
            .workers(args.workers)
            .bind(args.address())?
            .run()
            .await
    })
}
