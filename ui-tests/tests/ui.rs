//! Runs the trybuild cases under `fail/` and `pass/`; see the crate docs.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("fail/*/*.rs");
    cases.pass("pass/*/*.rs");
}
