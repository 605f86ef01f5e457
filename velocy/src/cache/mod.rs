//! Response caching: the [`Cache`] middleware, a server-side shared cache in front of handlers
//! (RFC 9111), with a size-bounded in-memory store ([`MemoryStore`]) or any [`CacheStore`].
//!
//! ```
//! use std::time::Duration;
//! use velocy::cache::Cache;
//! use velocy::prelude::*;
//! use velocy::test::TestClient;
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let app = App::new()
//!     .middleware(Cache::new().ttl(Duration::from_secs(60)))
//!     .merge(Router::new().get("/time", || async { "computed once a minute" }));
//! let client = TestClient::new(app);
//! client.get("/time").send().await.assert_header("x-cache", "miss");
//! client.get("/time").send().await.assert_header("x-cache", "hit").assert_header("age", "0");
//! # }
//! ```
//!
#![doc = include_str!("../docs/cache.md")]

mod body;
mod config;
mod middleware;
mod policy;
mod status;
mod store;
mod vary;

pub use config::{Cache, RequestDirectives, DEFAULT_MAX_BODY_SIZE, DEFAULT_MAX_SIZE};
pub use status::CACHE_STATUS;
pub use store::{CacheStore, CachedResponse, MemoryStore, MAX_VARIANTS};

#[cfg(test)]
mod tests;
