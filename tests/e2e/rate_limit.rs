//! End-to-end tests of the `rate-limit` battery (being written).
