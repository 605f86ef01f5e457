//! Sessions (cargo feature `session`): the [`Sessions`] middleware, the [`Session`] extractor, and
//! [`SessionStore`] with two stores, [`MemoryStore`] and (cargo feature `store`) [`StoreSessionStore`]
//! on the embedded store.
//!
//! The guide: `velocy/src/docs/session.md` (included below).
//!
#![doc = include_str!("../docs/session.md")]

mod handle;
#[cfg(feature = "store")]
mod kv_store;
mod memory;
mod middleware;
mod rejection;
mod store;

#[cfg(test)]
mod tests;

pub use handle::Session;
#[cfg(feature = "store")]
#[cfg_attr(docsrs, doc(cfg(feature = "store")))]
pub use kv_store::{StoreSessionStore, DEFAULT_KEY_PREFIX};
pub use memory::{MemoryStore, DEFAULT_MAX_SESSIONS};
pub use middleware::{Sessions, DEFAULT_ABSOLUTE_LIFETIME, DEFAULT_COOKIE_NAME, DEFAULT_IDLE_TIMEOUT};
pub use rejection::{
    MissingSessionMiddleware, SessionError, SessionIdUnavailable, SessionStoreFailed, SessionValueInvalid,
};
pub use store::{SessionChanges, SessionRecord, SessionStore, SessionStoreError, StoreResult};
