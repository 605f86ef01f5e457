// The derive needs a struct.
#![allow(unused)]
use velocy::multipart::FromMultipart;

#[derive(FromMultipart)]
enum Upload {
    Text(String),
}

fn main() {}
