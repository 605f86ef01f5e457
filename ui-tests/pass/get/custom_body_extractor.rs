// A user's own `FromRequest` type is a body extractor and runs after the head extractors.
use velocy::test::TestClient;
use velocy::{post, routes, App, Body, FromRequest, Method, RequestParts, Response};

struct Upper(String);

impl FromRequest for Upper {
    type Rejection = Response;

    async fn from_request(parts: &mut RequestParts, body: Body) -> Result<Self, Self::Rejection> {
        let text = String::from_request(parts, body).await.map_err(velocy::IntoResponse::into_response)?;
        Ok(Upper(text.to_uppercase()))
    }
}

#[post("/shout")]
async fn shout(Upper(text): Upper, method: Method) -> String {
    format!("{method} {text}")
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![shout]));
    client.post("/shout").body("hi").await.assert_text("POST HI");
}
