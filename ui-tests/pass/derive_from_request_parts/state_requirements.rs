// A derived extractor declares what its fields need, so a missing state is reported when the app is built.
use velocy::{get, routes, App, FromRequestParts, State};

#[derive(Clone)]
struct Db;

#[derive(FromRequestParts)]
struct Context {
    #[allow(dead_code)]
    db: State<Db>,
}

#[get("/")]
async fn index(_context: Context) {}

fn main() {
    let error = App::new().routes(routes![index]).build().unwrap_err().to_string();
    assert!(error.contains("Db"), "{error}");
    App::new().state(Db).routes(routes![index]).build().unwrap();
}
