// Two fields cannot read the same form name.
#![allow(unused)]
use velocy::multipart::FromMultipart;

#[derive(FromMultipart)]
struct Upload {
    title: String,
    #[multipart(rename = "title")]
    heading: String,
}

fn main() {}
