//! cors (being built).
