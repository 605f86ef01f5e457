//! Fuzz target `accept`: see `velocy_fuzz::checks::accept`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| velocy_fuzz::checks::accept(data));
