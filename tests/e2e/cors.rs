//! End-to-end tests of the `cors` battery (being written).
