// `#[derive(FromRequest)]`: head fields read first, then the `#[body]` field, whatever the field order.
use velocy::test::TestClient;
use velocy::{post, routes, App, FromRequest, Json};

#[derive(serde::Deserialize, serde::Serialize)]
struct NewUser {
    name: String,
}

#[derive(FromRequest)]
struct CreateUser {
    #[body]
    input: Json<NewUser>,
    #[header("idempotency-key")]
    key: Option<String>,
    #[query]
    notify: bool,
}

#[post("/users")]
async fn create(request: CreateUser) -> String {
    format!("{} key={:?} notify={}", request.input.0.name, request.key, request.notify)
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![create]));
    let user = NewUser { name: "ada".into() };
    client
        .post("/users?notify=true")
        .header("idempotency-key", "k1")
        .json(&user)
        .await
        .assert_text("ada key=Some(\"k1\") notify=true");
    // The head is checked before the body is read.
    client.post("/users").body("not json").await.assert_status(400);
}
