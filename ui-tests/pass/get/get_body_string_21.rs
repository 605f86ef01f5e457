// Issue 21: the ways to read a value on a GET route: `Query<T>`, a `#[query]` field of a derived extractor,
// and, for the rare GET with a body, an argument marked `#[body]`.
use velocy::test::TestClient;
use velocy::{get, post, routes, App, FromRequestParts, Query};

#[derive(serde::Deserialize)]
struct Search {
    q: String,
}

#[get("/search")]
async fn search(Query(Search { q }): Query<Search>) -> String {
    format!("searching {q}")
}

#[derive(FromRequestParts)]
struct Page {
    #[query]
    page: Option<u32>,
}

#[get("/list")]
async fn list(page: Page) -> String {
    format!("page {}", page.page.unwrap_or(1))
}

#[get("/echo")]
async fn echo(#[body] text: String) -> String {
    text
}

#[post("/notes")]
async fn create_note(text: String) -> String {
    format!("noted {text}")
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![search, list, echo, create_note]));
    client.get("/search?q=rust").await.assert_text("searching rust");
    client.get("/list?page=2").await.assert_text("page 2");
    client.get("/echo").body("hello").await.assert_text("hello");
    client.post("/notes").body("milk").await.assert_text("noted milk");
    assert_eq!(echo("direct".to_owned()).await, "direct");
}
