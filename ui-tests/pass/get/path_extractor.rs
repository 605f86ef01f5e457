// A `Path<T>` argument takes every path parameter, so the parameters need no argument of their own.
use velocy::extract::Path;
use velocy::test::TestClient;
use velocy::{get, routes, App};

#[derive(serde::Deserialize)]
struct PostId {
    user: String,
    post: u32,
}

#[get("/users/:user/posts/:post")]
async fn post(Path(PostId { user, post }): Path<PostId>) -> String {
    format!("{user}#{post}")
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![post]));
    client.get("/users/ada/posts/3").await.assert_text("ada#3");
}
