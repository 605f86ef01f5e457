// Parameters bind by name whatever the argument order; `r#type` binds `:type`; parse failures answer 400.
use velocy::test::TestClient;
use velocy::{get, routes, App};

#[get("/orgs/:org/kinds/:type/items/:id")]
async fn item(id: u32, r#type: String, org: String) -> String {
    format!("{org}/{type}/{id}", type = r#type)
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![item]));
    client.get("/orgs/acme/kinds/tool/items/7").await.assert_text("acme/tool/7");
    client.get("/orgs/acme/kinds/tool/items/seven").await.assert_status(400);
}
