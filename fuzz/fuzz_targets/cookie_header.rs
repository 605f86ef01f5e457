//! Fuzz target `cookie_header`: see `velocy_fuzz::checks::cookie_header`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| velocy_fuzz::checks::cookie_header(data));
