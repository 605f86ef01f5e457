// Issue 21: static segments with escapes that decode to UTF-8 match their requests, in either spelling a
// client may send (lowercase hex is normalized to uppercase); a route built by hand with a lone `%AF` fails
// the app's build with the grammar's error, as the macro fails the compilation.
use velocy::test::TestClient;
use velocy::{get, routes, App, Method, Route};

#[get("/Naath%C2%AF")]
async fn macron() -> &'static str {
    "macron"
}

#[get("/Naath%25AF")]
async fn percent_text() -> &'static str {
    "text"
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![macron, percent_text]));
    client.get("/Naath%C2%AF").await.assert_text("macron");
    client.get("/Naath%c2%af").await.assert_text("macron");
    client.get("/Naath%25AF").await.assert_text("text");
    client.get("/Naath%AF").await.assert_status(400);

    let by_hand = App::new().route(Route::new(Method::GET, "/Naath%AF", || async { "never" }));
    let error = by_hand.build().err().expect("the route can never match").to_string();
    assert!(error.contains("`%AF` does not decode to UTF-8: the route can never match"), "{error}");
    assert!(error.contains("write `%C2%AF`"), "{error}");
}
