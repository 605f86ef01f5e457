//! Runs the demo on 127.0.0.1:3000 (`PORT` overrides the port) and prints its route table.

use demo::store::UserStore;

#[velocy::main]
async fn main() -> velocy::Result<()> {
    let port: u16 = match std::env::var("PORT") {
        Ok(text) => text.parse().map_err(|_| {
            velocy::Error::bad_request(format!("PORT {text:?} is not a port number"))
        })?,
        Err(_) => 3000,
    };
    let service = demo::with_access_log(demo::app(UserStore::default())).build()?;
    println!(
        "velocy demo listening on http://127.0.0.1:{port}\n\n{}",
        service.route_table()
    );
    service.listen(("127.0.0.1", port)).await
}
