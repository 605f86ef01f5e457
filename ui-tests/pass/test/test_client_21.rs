// Issue 21: `#[velocy::test]` makes an async test without a tokio dependency, next to the
// `velocy::test::TestClient` module of the same name. (trybuild builds without `--test`, so the test functions
// are only expanded here; `velocy-macros/tests/test_attribute.rs` runs them.)
#![allow(dead_code)]
use velocy::test::TestClient;
use velocy::{get, routes, App};

#[get("/hello/:name")]
async fn hello(name: String) -> String {
    format!("Hello, {name}!")
}

#[velocy::test]
async fn greets_by_name() {
    let client = TestClient::new(App::new().routes(routes![hello]));
    client.get("/hello/ada").await.assert_status(200).assert_text("Hello, ada!");
}

#[velocy::test]
async fn returns_a_result() -> Result<(), std::num::ParseIntError> {
    let client = TestClient::new(App::new().routes(routes![hello]));
    let n: u32 = "42".parse()?;
    client.get(&format!("/hello/{n}")).await.assert_text("Hello, 42!");
    Ok(())
}

#[velocy::test]
#[should_panic(expected = "boom")]
async fn may_panic() {
    panic!("boom");
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![hello]));
    client.get("/hello/bo").await.assert_text("Hello, bo!");
}
