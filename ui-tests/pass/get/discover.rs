// Routes register themselves; `App::discover` collects them without a list.
use velocy::test::TestClient;
use velocy::{get, App};

#[get("/discovered")]
async fn discovered() -> &'static str {
    "found"
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().discover());
    client.get("/discovered").await.assert_text("found");
}
