// Every field kind and option of `#[derive(FromMultipart)]`.
#![allow(unused)]
use velocy::multipart::{FromMultipart, MultipartForm, TempFile};
use velocy::prelude::*;

#[derive(FromMultipart)]
#[multipart(deny_unknown_fields)]
struct Upload {
    title: String,
    r#type: Option<String>,
    year: u16,
    ratio: Option<f64>,
    public: bool,
    #[multipart(rename = "tag", limit = 64)]
    tags: Vec<String>,
    raw: Vec<u8>,
    #[multipart(limit = 10_485_760, content_types = ["image/png", "image/*"], extensions = ["png", "JPG"])]
    picture: TempFile,
    attachments: Vec<TempFile>,
}

#[derive(FromMultipart)]
struct Empty {}

#[post("/upload")]
async fn upload(MultipartForm(form): MultipartForm<Upload>) -> String {
    form.title
}

#[post("/empty")]
async fn empty(MultipartForm(_form): MultipartForm<Empty>) -> &'static str {
    "ok"
}

fn main() {
    let _ = App::new().routes(routes![upload, empty]);
}
