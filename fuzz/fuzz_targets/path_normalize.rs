//! Fuzz target `path_normalize`: see `velocy_fuzz::checks::path_normalize`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| velocy_fuzz::checks::path_normalize(data));
