// `#[cfg]` on a handler applies to everything generated beside it.
use velocy::{get, routes, App};

#[cfg(any())]
#[get("/never")]
async fn never() {}

#[get("/")]
async fn index() {}

fn main() {
    let service = App::new().routes(routes![index]).build().unwrap();
    assert_eq!(service.routes().count(), 1);
}
