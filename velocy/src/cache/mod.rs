//! Response caching (being built).
