// `#[put]` registers a PUT handler.
use velocy::test::TestClient;
use velocy::{put, routes, App};

#[put("/items/:id")]
async fn replace(id: u64, text: String) -> String {
    format!("{id}={text}")
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![replace]));
    client.put("/items/1").body("new").await.assert_status(200).assert_text("1=new");
    client.get("/items/1").await.assert_status(405);
}
