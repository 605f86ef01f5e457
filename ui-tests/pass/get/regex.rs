// Constrained parameters: the regex must match the whole segment.
use velocy::test::TestClient;
use velocy::{get, routes, App};

#[get(r"/posts/:id(\d+)")]
async fn by_id(id: u64) -> String {
    format!("id {id}")
}

#[get("/posts/:slug([a-z-]+)")]
async fn by_slug(slug: String) -> String {
    format!("slug {slug}")
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![by_id, by_slug]));
    client.get("/posts/42").await.assert_text("id 42");
    client.get("/posts/hello-world").await.assert_text("slug hello-world");
    client.get("/posts/Hello").await.assert_status(404);
}
