// The return type must implement `IntoResponse`; the error is on the return type.
#![allow(unused)]
use velocy::get;

struct Page;

#[get("/")]
async fn index() -> Page {
    Page
}

fn main() {}
