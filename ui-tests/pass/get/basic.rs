// `#[get]` with a path parameter bound by name, a head extractor and the function still callable.
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
    // The function is unchanged and still callable.
    assert_eq!(hello(State(Greeting("Hi")), "bob".into()).await, "Hi, bob!");
}
