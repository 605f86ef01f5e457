//! Fuzz target `multipart_scan`: see `velocy_fuzz::checks::multipart_scan`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| velocy_fuzz::checks::multipart_scan(data));
