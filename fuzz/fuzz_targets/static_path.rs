//! Fuzz target `static_path`: see `velocy_fuzz::checks::static_path`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| velocy_fuzz::checks::static_path(data));
