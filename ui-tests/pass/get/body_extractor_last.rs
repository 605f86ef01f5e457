// The body extractor runs after the head extractors whatever the argument order, so a failing head
// extractor answers without the body being read.
use velocy::test::TestClient;
use velocy::{post, routes, App, FromRequestParts, Json, RequestParts, StatusCode};

struct Authorized;

impl FromRequestParts for Authorized {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        match parts.headers().get("authorization") {
            Some(_) => Ok(Authorized),
            None => Err(StatusCode::UNAUTHORIZED),
        }
    }
}

#[post("/numbers")]
async fn add(Json(numbers): Json<Vec<i64>>, _auth: Authorized) -> String {
    numbers.iter().sum::<i64>().to_string()
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![add]));
    // Not JSON, but the missing authorization is what is reported.
    client.post("/numbers").body("not json").await.assert_status(401);
    client
        .post("/numbers")
        .header("authorization", "yes")
        .json(&[1, 2, 3])
        .await
        .assert_status(200)
        .assert_text("6");
}
