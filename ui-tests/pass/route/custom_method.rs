// `#[route]` with one custom method given as a string, the route first, and a name.
use velocy::test::TestClient;
use velocy::{route, routes, App, Method};

#[route("/dav/*path", method = "PROPFIND", name = "webdav listing")]
async fn propfind(path: String) -> String {
    format!("listing {path}")
}

#[velocy::main]
async fn main() {
    let app = App::new().routes(routes![propfind]);
    let client = TestClient::new(app);
    let method = Method::from_bytes(b"PROPFIND").unwrap();
    client.request(method, "/dav/a/b").await.assert_text("listing a/b");
}
