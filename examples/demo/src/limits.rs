//! Rate limits on the writes that attract abuse, and the short-lived cache of the users list.
//!
//! | what | where | policy |
//! | --- | --- | --- |
//! | log-in attempts | `POST /api/login`, `POST /login` (one shared count) | 10 per minute per client IP (GCRA, bursts of 10) |
//! | user writes | `POST /api/users` | 60 per minute per client IP |
//! | users list cache | `GET /api/users` (JSON) | 5 s, dropped by every successful write to `/api/users…` |

use std::time::Duration;

use velocy::cache::Cache;
use velocy::prelude::*;
use velocy::rate_limit::RateLimit;

/// How long the users list is served from the cache.
pub const USERS_CACHE_TTL: Duration = Duration::from_secs(5);

/// The demo's limits and cache, one set per app (so tests that build their own apps never share counts).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Log-in attempts per client IP, shared by the JSON and the HTML log-in.
    pub login: RateLimit,
    /// User creations per client IP.
    pub user_writes: RateLimit,
    /// The cache of `GET /api/users`, also in the app state for [`refresh_users_cache`].
    pub users_cache: UsersCache,
}

impl Limits {
    /// The demo's settings (see the module table).
    pub fn new() -> Self {
        Self {
            login: RateLimit::per_minute(10).name("login"),
            user_writes: RateLimit::per_minute(60).name("user-writes"),
            users_cache: UsersCache(Cache::new().ttl(USERS_CACHE_TTL)),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::new()
    }
}

/// The cache in front of the users list; clones share its entries.
#[derive(Debug, Clone)]
pub struct UsersCache(pub Cache);

/// Route middleware on every write to users: once the write succeeded, the cached lists are dropped, so the
/// next `GET /api/users` sees it.
#[middleware]
pub async fn refresh_users_cache(State(cache): State<UsersCache>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status().is_success() {
        cache.0.invalidate_prefix("/api/users").await;
    }
    response
}
