// The struct takes only `deny_unknown_fields`.
#![allow(unused)]
use velocy::multipart::FromMultipart;

#[derive(FromMultipart)]
#[multipart(deny_unknown)]
struct Upload {
    title: String,
}

fn main() {}
