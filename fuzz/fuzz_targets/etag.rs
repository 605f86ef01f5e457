//! Fuzz target `etag`: see `velocy_fuzz::checks::etag`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| velocy_fuzz::checks::etag(data));
