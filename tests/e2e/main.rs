//! End-to-end tests: every app is served on a real loopback socket and spoken to by a real HTTP client
//! (hyper's) or by raw TCP where the bytes on the wire matter.

#![allow(clippy::unwrap_used, missing_docs, unreachable_pub)]

mod builtins;
mod cache;
mod client;
mod compression;
mod cookies;
mod cors;
mod csrf;
mod extractors;
mod files;
mod framework_answers;
mod hardening;
mod lifecycle;
mod multipart;
mod rate_limit;
mod responses;
mod routing;
mod server;
mod session;
mod tls;
