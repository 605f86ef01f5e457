//! The [`Cache`] middleware value: its options (a `#[must_use]` builder) and the handle that
//! invalidates entries.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::sync::watch;

use super::store::{CacheStore, MemoryStore};

/// The default [`Cache::max_body_size`]: 1 MiB.
pub const DEFAULT_MAX_BODY_SIZE: usize = 1024 * 1024;
/// The default [`Cache::max_size`] of the in-memory store: 64 MiB.
pub const DEFAULT_MAX_SIZE: usize = 64 * 1024 * 1024;

/// What to do with a request's own `Cache-Control` (RFC 9111 §5.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RequestDirectives {
    /// `no-store` bypasses the cache (nothing read, nothing stored); `no-cache` and `max-age=0` skip the
    /// stored entry and store the handler's fresh response. The default.
    #[default]
    Honour,
    /// Requests' `Cache-Control` is ignored: a client cannot make the handler run (useful against
    /// cache-busting floods).
    Ignore,
}

/// The options of a [`Cache`].
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) ttl: Option<Duration>,
    pub(crate) default_ttl: Option<Duration>,
    pub(crate) stale_while_revalidate: Option<Duration>,
    pub(crate) stale_if_error: Option<Duration>,
    pub(crate) max_body_size: usize,
    pub(crate) allow_set_cookie: bool,
    pub(crate) request_directives: RequestDirectives,
    pub(crate) x_cache: bool,
    pub(crate) name: String,
}

/// The cache's clock: wall-clock time that follows tokio's (pausable) clock, so tests can advance it.
#[derive(Debug)]
pub(crate) struct Clock {
    base: SystemTime,
    start: tokio::time::Instant,
}

impl Clock {
    pub(crate) fn now(&self) -> SystemTime {
        self.base + self.start.elapsed()
    }
}

/// What the clones of one [`Cache`] share: the store, the requests in flight and the clock.
pub(crate) struct Shared {
    pub(crate) store: Arc<dyn CacheStore>,
    /// Keys whose handler is running (single-flight); the receiver turns `true` when it is done.
    pub(crate) flights: Mutex<HashMap<String, watch::Receiver<bool>>>,
    pub(crate) clock: Clock,
    /// Bumped by every invalidation: a response fetched across one is not stored.
    pub(crate) generation: AtomicU64,
}

impl Shared {
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    fn invalidated(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

/// The response cache middleware, a server-side shared cache in front of handlers (RFC 9111); see the
/// [module docs](super) for what it stores and why.
///
/// Use it per app ([`App::middleware`](crate::App::middleware)), router group or route. Clones share
/// their store: put a clone in the app state to invalidate entries from handlers
/// ([`Cache::invalidate`], [`Cache::invalidate_prefix`]). Options changed on a clone apply to that clone
/// only; [`Cache::max_size`] and [`Cache::store`] give the value (and the clones made from it
/// afterwards) a new store.
///
/// ```
/// use std::time::Duration;
/// use velocy::cache::Cache;
/// use velocy::prelude::*;
///
/// let cache = Cache::new().ttl(Duration::from_secs(30));
/// let app = App::new()
///     .state(cache.clone())
///     .middleware(cache)
///     .merge(Router::new().get("/news", || async { "today's news" }));
/// # let _ = app;
/// ```
#[derive(Clone)]
#[must_use]
pub struct Cache {
    pub(crate) config: Arc<Config>,
    pub(crate) shared: Arc<Shared>,
}

impl Default for Cache {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").field("config", &self.config).finish_non_exhaustive()
    }
}

impl Cache {
    /// A cache with the defaults: freshness from the responses' `Cache-Control`/`Expires` only, 1 MiB
    /// bodies at most, an in-memory store of 64 MiB, requests' `no-store`/`no-cache` honoured,
    /// `Set-Cookie` responses not stored, `Cache-Status: velocy; ..` and `X-Cache` sent.
    pub fn new() -> Self {
        Self::with_store(Arc::new(MemoryStore::new(DEFAULT_MAX_SIZE)))
    }

    fn with_store(store: Arc<dyn CacheStore>) -> Self {
        let config = Config {
            ttl: None,
            default_ttl: None,
            stale_while_revalidate: None,
            stale_if_error: None,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            allow_set_cookie: false,
            request_directives: RequestDirectives::Honour,
            x_cache: true,
            name: "velocy".to_owned(),
        };
        let clock = Clock { base: SystemTime::now(), start: tokio::time::Instant::now() };
        let shared =
            Shared { store, flights: Mutex::new(HashMap::new()), clock, generation: AtomicU64::new(0) };
        Self { config: Arc::new(config), shared: Arc::new(shared) }
    }

    fn configure(mut self, change: impl FnOnce(&mut Config)) -> Self {
        change(Arc::make_mut(&mut self.config));
        self
    }

    /// The freshness lifetime of every stored response, overriding `s-maxage`, `max-age` and `Expires`
    /// (responses that must not be stored still are not). Zero stores nothing.
    pub fn ttl(self, ttl: Duration) -> Self {
        self.configure(|config| config.ttl = Some(ttl))
    }

    /// The freshness lifetime of responses that give none (no `s-maxage`, `max-age` or `Expires`);
    /// without it such responses are not stored.
    pub fn default_ttl(self, ttl: Duration) -> Self {
        self.configure(|config| config.default_ttl = Some(ttl))
    }

    /// How long a stale entry may be served while one background request refreshes it, for responses
    /// without their own `stale-while-revalidate` (RFC 5861 §3). Default: none.
    pub fn stale_while_revalidate(self, window: Duration) -> Self {
        self.configure(|config| config.stale_while_revalidate = Some(window))
    }

    /// How long a stale entry may be served when the handler answers 5xx or panics, for responses
    /// without their own `stale-if-error` (RFC 5861 §4). Default: none.
    pub fn stale_if_error(self, window: Duration) -> Self {
        self.configure(|config| config.stale_if_error = Some(window))
    }

    /// The largest body stored, in bytes (default 1 MiB). A larger body is sent through unchanged and
    /// never held in memory beyond this many bytes.
    pub fn max_body_size(self, bytes: usize) -> Self {
        self.configure(|config| config.max_body_size = bytes)
    }

    /// A new in-memory store of at most `bytes` bytes (default 64 MiB), the least recently used entries
    /// evicted first.
    pub fn max_size(self, bytes: usize) -> Self {
        self.store(MemoryStore::new(bytes))
    }

    /// Stores entries in `store` instead of memory.
    pub fn store(self, store: impl CacheStore) -> Self {
        let config = self.config;
        Self { config, ..Self::with_store(Arc::new(store)) }
    }

    /// Whether responses with `Set-Cookie` are stored (default `false`). When allowed, the cookie is
    /// sent again with every hit, to every client: only for cookies that are the same for everyone.
    pub fn allow_set_cookie(self, allow: bool) -> Self {
        self.configure(|config| config.allow_set_cookie = allow)
    }

    /// What to do with a request's `Cache-Control` (default [`RequestDirectives::Honour`]).
    pub fn request_directives(self, directives: RequestDirectives) -> Self {
        self.configure(|config| config.request_directives = directives)
    }

    /// Whether to send `X-Cache: hit | miss | stale` besides `Cache-Status` (default `true`).
    pub fn x_cache(self, send: bool) -> Self {
        self.configure(|config| config.x_cache = send)
    }

    /// The cache's name in `Cache-Status` (RFC 9211 §2; default `velocy`). A name that is not an
    /// RFC 8941 token is sent as a string.
    pub fn name(self, name: impl Into<String>) -> Self {
        let name = name.into();
        self.configure(|config| config.name = name)
    }

    /// Removes the stored responses for `path`, whatever their query (`/users` removes `/users` and
    /// `/users?page=2`, not `/users/7`).
    pub async fn invalidate(&self, path: &str) {
        self.shared.invalidated();
        self.shared.store.remove(path).await;
        self.shared.store.remove_prefix(&format!("{path}?")).await;
    }

    /// Removes the stored responses for exactly `path_and_query` (`/users?page=2`), the cache key.
    pub async fn invalidate_key(&self, path_and_query: &str) {
        self.shared.invalidated();
        self.shared.store.remove(path_and_query).await;
    }

    /// Removes every stored response whose key (path and query) starts with `prefix`
    /// (`/api/users` removes `/api/users`, `/api/users/7` and `/api/users?page=2`).
    pub async fn invalidate_prefix(&self, prefix: &str) {
        self.shared.invalidated();
        self.shared.store.remove_prefix(prefix).await;
    }
}
