// `middleware = [..]` attaches middleware to one route, outermost first; elements are expressions.
use velocy::middleware::{Next, Timeout};
use velocy::test::TestClient;
use velocy::{get, middleware, routes, App, Request, Response};

/// Tags the response.
#[middleware]
async fn tag(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response.headers_mut().insert("x-tagged", "yes".parse().unwrap());
    response
}

#[get("/tagged", middleware = [tag, Timeout::new(std::time::Duration::from_secs(5))])]
async fn tagged() -> &'static str {
    "tagged"
}

#[get("/plain")]
async fn plain() -> &'static str {
    "plain"
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![tagged, plain]));
    client.get("/tagged").await.assert_text("tagged").assert_header("x-tagged", "yes");
    let plain = client.get("/plain").await;
    assert!(plain.header("x-tagged").is_none());
}
