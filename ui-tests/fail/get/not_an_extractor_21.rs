// Issue 21: a plain struct is no extractor; the error suggests `Query<_>`, `Json<_>` and the derive, and
// names only public traits.
#![allow(unused)]
use velocy::get;

#[derive(serde::Deserialize)]
struct PlainParams {
    q: String,
}

#[get("/search")]
async fn search(params: PlainParams) {}

fn main() {}
