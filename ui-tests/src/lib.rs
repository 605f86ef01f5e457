//! Compile-time tests of Velocy's macros, run by `tests/ui.rs` with trybuild.
//!
//! * `fail/<macro>/<case>.rs` must fail to compile with exactly the committed `<case>.stderr`: one case per
//!   diagnostic, so a change in where an error points or what it says shows up in review.
//! * `pass/<macro>/<case>.rs` must compile: one case per option of each macro.
//!
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite cargo test -p ui-tests`, then review where each
//! caret points before committing. The toolchain is pinned (`rust-toolchain.toml`) because rustc's output
//! changes between releases.
