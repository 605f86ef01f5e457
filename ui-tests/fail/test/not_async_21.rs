// Issue 21: `#[velocy::test]` runs an `async fn` on a runtime; a synchronous test is an error at `fn`.
#![allow(unused)]

#[velocy::test]
fn adds_up() {
    assert_eq!(1 + 1, 2);
}

fn main() {}
