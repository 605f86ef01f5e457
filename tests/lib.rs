//! Velocy's end-to-end test package. The tests live in `e2e/`; this library is intentionally empty.
