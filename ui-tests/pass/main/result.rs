// `#[velocy::main]` keeps the return type, so `?` works in the body.
use std::num::ParseIntError;

async fn parse(text: &str) -> Result<u32, ParseIntError> {
    text.parse()
}

#[velocy::main]
async fn main() -> Result<(), ParseIntError> {
    let answer = parse("42").await?;
    assert_eq!(answer, 42);
    Ok(())
}
