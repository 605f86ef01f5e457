// A misspelt option is reported at its key, with the closest known one.
#![allow(unused)]
use velocy::multipart::FromMultipart;

#[derive(FromMultipart)]
struct Upload {
    #[multipart(renam = "file")]
    title: String,
}

fn main() {}
