// `limit` is a number of bytes, written as an integer literal.
#![allow(unused)]
use velocy::multipart::{FromMultipart, TempFile};

#[derive(FromMultipart)]
struct Upload {
    #[multipart(limit = "10MB")]
    file: TempFile,
}

fn main() {}
