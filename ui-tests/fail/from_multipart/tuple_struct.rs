// The derive needs named fields: each one is a form field.
#![allow(unused)]
use velocy::multipart::FromMultipart;

#[derive(FromMultipart)]
struct Upload(String);

fn main() {}
