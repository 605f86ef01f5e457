//! csrf (being built).
