// `name = "..."` sets the route's display name.
use velocy::{get, routes, App};

#[get("/", name = "home page")]
async fn index() -> &'static str {
    "home"
}

fn main() {
    let service = App::new().routes(routes![index]).build().unwrap();
    let route = service.routes().next().unwrap();
    assert_eq!(route.name, "home page");
}
