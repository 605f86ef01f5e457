// `#[velocy::main]` on `async fn main()`; an early `return` leaves the body.
#[velocy::main]
async fn main() {
    if std::env::args().count() > 100 {
        return;
    }
    let answer = async { 42 }.await;
    assert_eq!(answer, 42);
}
