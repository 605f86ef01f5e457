// `#[get]`: a parameter bound by name, a head extractor, and the function still callable directly.
use velocy::test::TestClient;
use velocy::{get, routes, App, State};

#[derive(Clone)]
struct Greeting(&'static str);

#[get("/hello/:name")]
async fn hello(State(greeting): State<Greeting>, name: String) -> String {
    format!("{}, {name}!", greeting.0)
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().state(Greeting("Hello")).routes(routes![hello]));
    client.get("/hello/ada").await.assert_status(200).assert_text("Hello, ada!");
    client.get("/hello/J%C3%BCrgen").await.assert_text("Hello, Jürgen!");
    assert_eq!(hello(State(Greeting("Hi")), "bob".into()).await, "Hi, bob!");
}
