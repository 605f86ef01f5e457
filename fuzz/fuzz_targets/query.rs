//! Fuzz target `query`: see `velocy_fuzz::checks::query`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| velocy_fuzz::checks::query(data));
