//! Fuzz target `trie_match`: see `velocy_fuzz::checks::trie_match`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| velocy_fuzz::checks::trie_match(data));
