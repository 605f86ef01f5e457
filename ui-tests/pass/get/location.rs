// The route records the handler's file and line for conflict reports and route listings.
use velocy::{get, routes, App};

#[get("/")]
async fn index() {}

fn main() {
    let service = App::new().routes(routes![index]).build().unwrap();
    let location = service.routes().next().unwrap().location.unwrap();
    assert!(location.file.ends_with("location.rs"), "{}", location.file);
    assert_eq!(location.line, 5);
}
