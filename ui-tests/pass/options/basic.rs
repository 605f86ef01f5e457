// `#[options]` registers an OPTIONS handler.
use velocy::test::TestClient;
use velocy::{options, routes, App};

#[options("/upload")]
async fn upload_options() -> ([(&'static str, &'static str); 1], ()) {
    ([("allow", "POST, OPTIONS")], ())
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![upload_options]));
    client.options("/upload").await.assert_status(200).assert_header("allow", "POST, OPTIONS");
}
