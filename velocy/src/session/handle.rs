//! [`Session`]: the extractor handlers read and change the session through, loaded on first use.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::OnceCell;

use super::rejection::{MissingSessionMiddleware, SessionError};
use super::store::{SessionChanges, SessionStore};
use crate::extract::{FromRequestParts, Requirements};
use crate::request::RequestParts;

/// The session of the request, inserted by the [`Sessions`](super::Sessions) middleware. Cheap to clone
/// (an `Arc`): clones share one session.
///
/// The record is loaded from the store on the first call that needs it (`get`, `insert`, …), so a
/// handler that takes a `Session` and never uses it costs nothing. Values are stored as JSON
/// (`serde_json`); changes are kept in memory and written once, after the handler answered.
///
/// ```
/// use velocy::session::{Session, SessionError};
///
/// async fn visits(session: Session) -> Result<String, SessionError> {
///     let count: u64 = session.get("visits").await?.unwrap_or(0) + 1;
///     session.insert("visits", &count).await?;
///     Ok(format!("visit number {count}"))
/// }
/// # let _ = visits;
/// ```
///
/// # Rejections
/// [`MissingSessionMiddleware`] (500) when no `Sessions` middleware runs for the route.
#[derive(Clone)]
pub struct Session(Arc<Inner>);

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the id: it is a credential.
        f.debug_struct("Session").field("loaded", &self.0.loaded.initialized()).finish_non_exhaustive()
    }
}

struct Inner {
    store: Arc<dyn SessionStore>,
    idle_timeout: Duration,
    absolute_lifetime: Duration,
    /// The id the request's cookie carried, verified.
    cookie_id: Option<String>,
    loaded: OnceCell<()>,
    state: Mutex<State>,
}

/// The session as this request sees it.
#[derive(Debug, Default)]
pub(crate) struct State {
    /// The id of the stored session; `None` for a new one.
    pub(crate) id: Option<String>,
    pub(crate) created_at: Option<SystemTime>,
    pub(crate) updated_at: Option<SystemTime>,
    pub(crate) values: HashMap<String, Value>,
    pub(crate) changes: SessionChanges,
    /// `cycle_id` was called.
    pub(crate) cycle: bool,
    /// `flush` was called.
    pub(crate) flushed: bool,
    /// A session to delete after the handler: flushed, or expired by its absolute lifetime.
    pub(crate) delete: Option<String>,
}

impl Session {
    pub(crate) fn new(
        store: Arc<dyn SessionStore>,
        idle_timeout: Duration,
        absolute_lifetime: Duration,
        cookie_id: Option<String>,
    ) -> Self {
        Self(Arc::new(Inner {
            store,
            idle_timeout,
            absolute_lifetime,
            cookie_id,
            loaded: OnceCell::new(),
            state: Mutex::new(State::default()),
        }))
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        // Every change under the lock is a single assignment or map operation: never half done.
        self.0.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The store the session lives in.
    pub(crate) fn store(&self) -> Arc<dyn SessionStore> {
        Arc::clone(&self.0.store)
    }

    /// Whether the record was loaded (or the session flushed) during the request.
    pub(crate) fn is_loaded(&self) -> bool {
        self.0.loaded.initialized()
    }

    /// Loads the record once; later calls return at once.
    pub(crate) async fn load(&self) -> Result<(), SessionError> {
        self.0.loaded.get_or_try_init(|| self.load_from_store()).await.map(|_| ())
    }

    async fn load_from_store(&self) -> Result<(), SessionError> {
        let id = match &self.0.cookie_id {
            Some(id) if !self.state().flushed => id.as_str(),
            _ => return Ok(()),
        };
        let record = self.0.store.load(id).await?;
        let now = SystemTime::now();
        let mut state = self.state();
        if state.flushed {
            return Ok(());
        }
        match record {
            Some(record)
                if !expired(record.created_at, self.0.absolute_lifetime, now)
                    && !expired(record.updated_at, self.0.idle_timeout, now) =>
            {
                state.id = Some(id.to_owned());
                state.created_at = Some(record.created_at);
                state.updated_at = Some(record.updated_at);
                // Changes made before the load (none: every method loads first) would win.
                let mut values = record.values;
                state.changes.apply(&mut values);
                state.values = values;
            }
            // Past its lifetime (the store's TTL may not have caught up): a new session, the old deleted.
            Some(_) => state.delete = Some(id.to_owned()),
            // Unknown, expired or deleted: a new session, which gets a fresh id when saved.
            None => {}
        }
        Ok(())
    }

    /// The value under `key`, deserialized; `None` when the session has none.
    ///
    /// # Errors
    /// [`SessionError::Store`] when the store fails to load the session; [`SessionError::Value`] when
    /// the stored value is not a `T`.
    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, SessionError> {
        self.load().await?;
        let value = self.state().values.get(key).cloned();
        value
            .map(|value| serde_json::from_value(value).map_err(|error| SessionError::value(key, &error)))
            .transpose()
    }

    /// Sets `key` to `value` (serialized to JSON); saved after the handler answered.
    ///
    /// # Errors
    /// [`SessionError::Store`] when the store fails to load the session; [`SessionError::Value`] when
    /// `value` does not serialize.
    pub async fn insert<T: Serialize + ?Sized>(&self, key: &str, value: &T) -> Result<(), SessionError> {
        let value = serde_json::to_value(value).map_err(|error| SessionError::value(key, &error))?;
        self.load().await?;
        let mut state = self.state();
        state.values.insert(key.to_owned(), value.clone());
        state.changes.insert(key, value);
        Ok(())
    }

    /// Removes `key`, returning its value if it had one. The key is removed even when its value is not
    /// a `T` (then the error says so).
    ///
    /// # Errors
    /// [`SessionError::Store`] when the store fails to load the session; [`SessionError::Value`] when
    /// the removed value is not a `T`.
    pub async fn remove<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, SessionError> {
        self.load().await?;
        let removed = {
            let mut state = self.state();
            let removed = state.values.remove(key);
            if removed.is_some() {
                state.changes.remove(key);
            }
            removed
        };
        removed
            .map(|value| serde_json::from_value(value).map_err(|error| SessionError::value(key, &error)))
            .transpose()
    }

    /// Whether the session has a value under `key`.
    ///
    /// # Errors
    /// [`SessionError::Store`] when the store fails to load the session.
    pub async fn contains(&self, key: &str) -> Result<bool, SessionError> {
        self.load().await?;
        Ok(self.state().values.contains_key(key))
    }

    /// Removes every value, keeping the session (and its id). To end a session, use
    /// [`flush`](Self::flush).
    ///
    /// # Errors
    /// [`SessionError::Store`] when the store fails to load the session.
    pub async fn clear(&self) -> Result<(), SessionError> {
        self.load().await?;
        let mut state = self.state();
        state.values.clear();
        state.changes.clear();
        Ok(())
    }

    /// The session's id; `None` for a new session (one gets its id when first saved, after the
    /// handler). After [`cycle_id`](Self::cycle_id) this is still the old id during the request.
    ///
    /// # Errors
    /// [`SessionError::Store`] when the store fails to load the session.
    pub async fn id(&self) -> Result<Option<String>, SessionError> {
        self.load().await?;
        Ok(self.state().id.clone())
    }

    /// Gives the session a new id after the handler, keeping its values: the old id stops working.
    /// Call it whenever privileges change (after login, sudo, a password change) so an id an attacker
    /// planted or saw before is worthless (session fixation, OWASP Session Management Cheat Sheet).
    pub fn cycle_id(&self) {
        self.state().cycle = true;
    }

    /// Ends the session (logout): deletes its record from the store and sends a removal cookie. Values
    /// inserted afterwards in the same request start a new session with a new id.
    pub fn flush(&self) {
        let mut state = self.state();
        let stored = if self.is_loaded() { state.id.take() } else { self.0.cookie_id.clone() };
        state.delete = stored.or(state.delete.take());
        state.flushed = true;
        state.id = None;
        state.created_at = None;
        state.updated_at = None;
        state.values.clear();
        state.changes = SessionChanges::new();
        state.cycle = false;
        drop(state);
        // Nothing left to load: later reads see the new, empty session.
        let _ = self.0.loaded.set(());
    }
}

/// Whether `since + lifetime` has passed at `now`.
pub(crate) fn expired(since: SystemTime, lifetime: Duration, now: SystemTime) -> bool {
    since.checked_add(lifetime).is_some_and(|deadline| deadline <= now)
}

impl FromRequestParts for Session {
    type Rejection = MissingSessionMiddleware;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        parts.extensions().get::<Session>().cloned().ok_or_else(|| {
            MissingSessionMiddleware::new(
                "the handler uses a session but no sessions middleware runs for this route; add \
                 `.middleware(Sessions::new(..))` to the App or the route's Router",
            )
        })
    }

    fn requirements(requirements: &mut Requirements) {
        requirements.secret_key();
    }
}
