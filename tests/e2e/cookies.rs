//! End-to-end tests of the `cookies` battery (being written).
