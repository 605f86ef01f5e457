// `#[patch]` registers a PATCH handler.
use velocy::test::TestClient;
use velocy::{patch, routes, App, Form};

#[derive(serde::Serialize, serde::Deserialize)]
struct Rename {
    name: String,
}

#[patch("/items/:id")]
async fn rename(id: u64, Form(change): Form<Rename>) -> String {
    format!("{id}:{}", change.name)
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![rename]));
    let change = Rename { name: "x".into() };
    client.patch("/items/1").form(&change).await.assert_status(200).assert_text("1:x");
    client.get("/items/1").await.assert_status(405);
}
