// `#[head]` registers a HEAD handler.
use velocy::test::TestClient;
use velocy::{head, routes, App};

#[head("/items/:id")]
async fn exists(id: u64) -> ([(&'static str, String); 1], ()) {
    ([("x-id", id.to_string())], ())
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![exists]));
    client.head("/items/1").await.assert_status(200).assert_header("x-id", "1");
}
