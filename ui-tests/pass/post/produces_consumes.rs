// `consumes` and `produces` declare media types: requests with another `Content-Type` are refused, and
// routes differing only by them are told apart by negotiation.
use velocy::test::TestClient;
use velocy::{post, routes, App};

#[post("/echo", consumes = "application/json", produces = ["application/json"])]
async fn echo_json(body: String) -> String {
    body
}

#[post("/upload", consumes = ["text/plain", "text/csv"])]
async fn upload(body: String) -> String {
    format!("{} bytes", body.len())
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![echo_json, upload]));
    client.post("/echo").json(&[1]).await.assert_status(200).assert_text("[1]");
    client.post("/echo").header("content-type", "text/plain").body("x").await.assert_status(415);
    client.post("/upload").header("content-type", "text/csv").body("a,b").await.assert_text("3 bytes");
}
