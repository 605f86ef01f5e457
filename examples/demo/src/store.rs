//! [`UserStore`]: the demo's users, in memory, shared by every request.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use crate::model::{NewUser, User, UserPatch};

/// Users by id, behind a lock; cloning shares the same users.
#[derive(Debug, Clone, Default)]
pub struct UserStore {
    inner: Arc<RwLock<Users>>,
}

#[derive(Debug, Default)]
struct Users {
    next_id: u64,
    by_id: BTreeMap<u64, User>,
}

impl UserStore {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Users> {
        self.inner
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Users> {
        self.inner
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Users ordered by id, skipping `offset` and returning at most `limit`.
    pub fn list(&self, offset: usize, limit: usize) -> Vec<User> {
        self.read()
            .by_id
            .values()
            .skip(offset)
            .take(limit)
            .cloned()
            .collect()
    }

    /// How many users exist.
    pub fn count(&self) -> usize {
        self.read().by_id.len()
    }

    /// The user with `id`.
    pub fn get(&self, id: u64) -> Option<User> {
        self.read().by_id.get(&id).cloned()
    }

    /// Creates a user with the next id.
    pub fn create(&self, new: NewUser) -> User {
        let mut users = self.write();
        users.next_id += 1;
        let user = User {
            id: users.next_id,
            name: new.name,
            email: new.email,
        };
        users.by_id.insert(user.id, user.clone());
        user
    }

    /// Replaces name and email of user `id`; `None` when absent.
    pub fn replace(&self, id: u64, new: NewUser) -> Option<User> {
        let mut users = self.write();
        let user = users.by_id.get_mut(&id)?;
        user.name = new.name;
        user.email = new.email;
        Some(user.clone())
    }

    /// Applies the given fields to user `id`; `None` when absent.
    pub fn patch(&self, id: u64, patch: UserPatch) -> Option<User> {
        let mut users = self.write();
        let user = users.by_id.get_mut(&id)?;
        if let Some(name) = patch.name {
            user.name = name;
        }
        if let Some(email) = patch.email {
            user.email = email;
        }
        Some(user.clone())
    }

    /// Deletes user `id`; whether it existed.
    pub fn delete(&self, id: u64) -> bool {
        self.write().by_id.remove(&id).is_some()
    }
}
