// Issue 21: requests whose path does not decode to UTF-8 are refused before routing, so a static segment with
// a lone `%AF` could never match; the error is at the escape, with the spellings that can.
#![allow(unused)]
use velocy::get;

#[get("/Naath%AF")]
async fn naath() {}

fn main() {}
