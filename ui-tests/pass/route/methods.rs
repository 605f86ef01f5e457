// `#[route]` with several methods, the route as `path = ...`.
use velocy::test::TestClient;
use velocy::{route, routes, App, Method};

#[route(method = ["GET", "POST"], path = "/search")]
async fn search(method: Method) -> String {
    method.to_string()
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![search]));
    client.get("/search").await.assert_text("GET");
    client.post("/search").await.assert_text("POST");
    client.put("/search").await.assert_status(405);
}
