// A catch-all takes the rest of the path, slashes included.
use velocy::test::TestClient;
use velocy::{get, routes, App};

#[get("/files/*path")]
async fn file(path: String) -> String {
    path
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![file]));
    client.get("/files/a/b/c.txt").await.assert_text("a/b/c.txt");
}
