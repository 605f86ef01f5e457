// A field's type must implement `FromField`; the error points at it.
#![allow(unused)]
use velocy::multipart::FromMultipart;

struct Color;

#[derive(FromMultipart)]
struct Upload {
    title: String,
    color: Option<Color>,
}

fn main() {}
