// The hidden route type has the function's visibility, so `routes![module::handler]` works.
mod pages {
    #[velocy::get("/about")]
    pub async fn about() -> &'static str {
        "about"
    }
}

fn main() {
    let routes = velocy::routes![pages::about];
    assert_eq!(routes.len(), 1);
}
