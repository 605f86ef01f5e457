// Same route with different methods, or constrained and unconstrained parameters, do not overlap.
use velocy::{get, post, routes, App};

#[get("/users/:id")]
async fn show(id: String) -> String {
    id
}

#[post("/users/:id")]
async fn update(id: String) -> String {
    id
}

#[get(r"/users/:id(\d+)")]
async fn show_numeric(id: u64) -> String {
    id.to_string()
}

fn main() {
    let service = App::new().routes(routes![show, update, show_numeric]).build().unwrap();
    assert_eq!(service.routes().count(), 3);
}
