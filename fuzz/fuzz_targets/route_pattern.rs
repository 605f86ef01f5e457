//! Fuzz target `route_pattern`: see `velocy_fuzz::checks::route_pattern`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| velocy_fuzz::checks::route_pattern(data));
