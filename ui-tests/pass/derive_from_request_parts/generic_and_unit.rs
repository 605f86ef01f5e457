// Generic structs get the bounds their fields need; unit structs extract nothing.
use velocy::extract::FromParam;
use velocy::test::TestClient;
use velocy::{get, routes, App, FromRequestParts};

#[derive(FromRequestParts)]
struct Id<T: FromParam + Send + 'static> {
    #[query]
    id: T,
}

#[derive(FromRequestParts)]
struct Nothing;

#[get("/")]
async fn index(Id { id }: Id<u16>, _nothing: Nothing) -> String {
    id.to_string()
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![index]));
    client.get("/?id=7").await.assert_text("7");
}
