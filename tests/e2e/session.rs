//! End-to-end tests of the `session` battery (being written).
