//! `#[velocy::test]` run for real (trybuild and doc tests build without `--test`, which drops test
//! functions): async tests on Velocy's runtime, with `velocy::test::TestClient`, returning `Result`, and
//! keeping `#[should_panic]`.

#![allow(missing_docs)]

use std::time::Duration;

use velocy::prelude::*;
use velocy::test::TestClient;

#[get("/hello/:name")]
async fn hello(name: String) -> String {
    format!("Hello, {name}!")
}

#[velocy::test]
async fn runs_a_test_client_21() {
    let client = TestClient::new(App::new().routes(routes![hello]));
    client.get("/hello/ada").await.assert_status(200).assert_text("Hello, ada!");
}

#[velocy::test]
async fn runs_on_a_current_thread_runtime_with_timers_and_io_21() {
    let flavor = tokio::runtime::Handle::current().runtime_flavor();
    assert_eq!(flavor, tokio::runtime::RuntimeFlavor::CurrentThread);
    tokio::time::sleep(Duration::from_millis(1)).await;
    assert!(tokio::net::TcpListener::bind("127.0.0.1:0").await.is_ok());
}

#[velocy::test]
async fn returns_a_result_21() -> Result<(), std::num::ParseIntError> {
    let n: u32 = "42".parse()?;
    let client = TestClient::new(App::new().routes(routes![hello]));
    client.get(&format!("/hello/{n}")).await.assert_text("Hello, 42!");
    Ok(())
}

#[velocy::test]
#[should_panic(expected = "wrong greeting")]
async fn keeps_should_panic_21() {
    let client = TestClient::new(App::new().routes(routes![hello]));
    let response = client.get("/hello/bo").await;
    assert_eq!(response.text(), "Bye", "wrong greeting");
}

mod nested {
    // A test next to an import of the module `velocy::test`: the generated `#[test]` is the built-in one.
    use velocy::test::TestClient;

    #[velocy::test]
    async fn in_a_module_21() {
        let client = TestClient::new(velocy::App::new());
        client.get("/missing").await.assert_status(404);
    }
}
