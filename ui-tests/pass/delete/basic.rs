// `#[delete]` registers a DELETE handler.
use velocy::test::TestClient;
use velocy::{delete, routes, App, StatusCode};

#[delete("/items/:id")]
async fn remove(id: u64) -> StatusCode {
    if id == 1 {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![remove]));
    client.delete("/items/1").await.assert_status(204);
    client.delete("/items/2").await.assert_status(404);
    client.get("/items/1").await.assert_status(405);
}
