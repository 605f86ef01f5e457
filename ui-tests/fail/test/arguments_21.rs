// `#[velocy::test]` takes no attribute arguments, and the test none either.
#![allow(unused)]

#[velocy::test(flavor = "multi_thread")]
async fn with_flavor() {}

#[velocy::test]
async fn with_argument(port: u16) {}

#[velocy::test]
#[test]
async fn twice() {}

fn main() {}
