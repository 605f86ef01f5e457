// `routes![]` takes paths to handlers in other modules, a trailing comma, and can be empty.
use velocy::test::TestClient;
use velocy::{get, routes, App, Route};

mod users {
    #[velocy::get("/users/:id")]
    pub async fn show(id: u64) -> String {
        format!("user {id}")
    }

    pub mod admin {
        #[velocy::delete("/users/:id")]
        pub async fn remove(id: u64) -> String {
            format!("removed {id}")
        }
    }
}

#[get("/")]
async fn index() -> &'static str {
    "index"
}

#[velocy::main]
async fn main() {
    let none: Vec<Route> = routes![];
    assert!(none.is_empty());
    let client = TestClient::new(App::new().routes(routes![index, users::show, self::users::admin::remove,]));
    client.get("/").await.assert_text("index");
    client.get("/users/3").await.assert_text("user 3");
    client.delete("/users/3").await.assert_text("removed 3");
}
