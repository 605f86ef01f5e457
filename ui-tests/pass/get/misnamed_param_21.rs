// Issue 21: a parameter bound to an argument of another name goes through `Path<T>`; by name, the argument
// is called like the parameter.
use velocy::extract::Path;
use velocy::test::TestClient;
use velocy::{get, routes, App};

#[get("/bookmarks/:id")]
async fn show_bookmark(Path(bookmark_id): Path<u64>) -> String {
    format!("bookmark {bookmark_id}")
}

#[get("/notes/:id")]
async fn show_note(id: u64) -> String {
    format!("note {id}")
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![show_bookmark, show_note]));
    client.get("/bookmarks/7").await.assert_text("bookmark 7");
    client.get("/bookmarks/seven").await.assert_status(400);
    client.get("/notes/8").await.assert_text("note 8");
}
