// Media types are `type/subtype` or `type/*`; extensions have no dot.
#![allow(unused)]
use velocy::multipart::{FromMultipart, TempFile};

#[derive(FromMultipart)]
struct Upload {
    #[multipart(content_types = ["png"], extensions = [".png"])]
    file: TempFile,
}

fn main() {}
