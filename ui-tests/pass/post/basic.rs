// `#[post]` registers a POST handler; other methods on the route answer 405.
use velocy::test::TestClient;
use velocy::{post, routes, App, Json};

#[post("/items")]
async fn create(Json(items): Json<Vec<u8>>) -> String {
    items.len().to_string()
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![create]));
    client.post("/items").json(&[1, 2]).await.assert_status(200).assert_text("2");
    client.get("/items").await.assert_status(405);
}
