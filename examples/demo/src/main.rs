//! Runs the demo on 127.0.0.1:3000 (`PORT` overrides the port) and prints its route table. Users are kept
//! in `./data` and uploads in `./uploads` (created if missing) so they survive a restart; `--memory`
//! keeps users in RAM and uploads in a temporary directory removed at exit.

use demo::store::UserStore;
use demo::uploads::UploadDir;

#[velocy::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = match std::env::var("PORT") {
        Ok(text) => text.parse().map_err(|_| format!("PORT {text:?} is not a port number"))?,
        Err(_) => 3000,
    };
    // Users are kept in `./data` and survive a restart; `--memory` keeps them in RAM only.
    let durable = !std::env::args().skip(1).any(|arg| arg == "--memory");
    let (store, uploads, kept) = if !durable {
        (UserStore::memory(), UploadDir::temporary()?, "in memory".to_owned())
    } else {
        (
            UserStore::open("./data")?,
            UploadDir::open("./uploads")?,
            "in ./data, uploads in ./uploads".to_owned(),
        )
    };
    // Signed cookies (sessions, CSRF) need a secret that survives restarts: `$VELOCY_SECRET_KEY`, else
    // one kept in the data directory. `--memory` keeps nothing, so a random key per run is right there.
    let mut app = demo::app(store, uploads);
    if durable {
        app = app.secret_key(demo::secret::load_or_create(std::path::Path::new("./data/secret-key"))?);
    } else {
        app = app.secret_key(velocy::cookies::SecretKey::generate());
    }
    let service = demo::with_access_log(app).build()?;
    println!(
        "velocy demo listening on http://127.0.0.1:{port} (users kept {kept})\n\n{}",
        service.route_table()
    );
    service.listen(("127.0.0.1", port)).await?;
    Ok(())
}
