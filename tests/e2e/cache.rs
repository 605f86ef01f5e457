//! End-to-end tests of the `cache` battery (being written).
