// Routes with the same method and shape but disjoint `produces` are told apart by `Accept`: they do not
// overlap.
use velocy::test::TestClient;
use velocy::{get, routes, App};

#[get("/report", produces = "text/html")]
async fn report_html() -> &'static str {
    "<p>report</p>"
}

#[get("/report", produces = "application/json")]
async fn report_json() -> &'static str {
    "{\"report\":true}"
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![report_html, report_json]));
    client.get("/report").header("accept", "application/json").await.assert_text("{\"report\":true}");
    client.get("/report").header("accept", "text/html").await.assert_text("<p>report</p>");
}
