// `#[middleware]`: head extractors in any position, the request and the chain; the name becomes a value.
use velocy::middleware::Next;
use velocy::test::TestClient;
use velocy::{get, middleware, routes, App, IntoResponse, Method, Request, Response, State, StatusCode};

#[derive(Clone)]
struct ApiKey(&'static str);

/// Lets requests with the right key through.
#[middleware]
pub async fn require_key(
    State(key): State<ApiKey>,
    request: Request,
    method: Method,
    next: Next,
) -> Response {
    let allowed = request.headers().get("x-api-key").is_some_and(|value| value == key.0);
    if allowed || method == Method::OPTIONS {
        next.run(request).await
    } else {
        (StatusCode::UNAUTHORIZED, "missing key").into_response()
    }
}

/// A middleware may return anything that converts into a response.
#[middleware]
async fn pass_through(request: Request, next: Next) -> Response {
    next.run(request).await
}

#[get("/secret")]
async fn secret() -> &'static str {
    "secret"
}

#[velocy::main]
async fn main() {
    let app = App::new()
        .state(ApiKey("k"))
        .middleware(require_key)
        .middleware(pass_through)
        .routes(routes![secret]);
    let client = TestClient::new(app);
    client.get("/secret").await.assert_status(401);
    client.get("/secret").header("x-api-key", "k").await.assert_text("secret");
    // The struct is a plain value.
    let _copy = require_key;
}
