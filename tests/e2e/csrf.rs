//! End-to-end tests of the `csrf` battery (being written).
