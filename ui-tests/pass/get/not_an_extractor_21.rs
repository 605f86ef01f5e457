// Issue 21: a plain struct is read through an extractor: `Query<T>`, or a derived `FromRequestParts`.
use velocy::test::TestClient;
use velocy::{get, routes, App, FromRequestParts, Query};

#[derive(serde::Deserialize)]
struct PlainParams {
    q: String,
}

#[get("/search")]
async fn search(Query(params): Query<PlainParams>) -> String {
    params.q
}

#[derive(FromRequestParts)]
struct Derived {
    #[query]
    q: String,
}

#[get("/find")]
async fn find(params: Derived) -> String {
    params.q
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![search, find]));
    client.get("/search?q=rust").await.assert_text("rust");
    client.get("/find?q=tokio").await.assert_text("tokio");
    client.get("/find").await.assert_status(400);
}
