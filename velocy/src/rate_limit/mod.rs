//! Rate limiting (being built).
