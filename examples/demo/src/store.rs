//! [`UserStore`]: the demo's users, in a table of Velocy's embedded store: durable in a directory, or in
//! memory for tests and `--memory`.

use std::path::Path;

use velocy::store::{Store, StoreError, Table};

use crate::accounts::Accounts;
use crate::model::{NewUser, User, UserPatch};

/// The users table; cloning shares the same users.
#[derive(Debug, Clone)]
pub struct UserStore {
    users: Table<User>,
    accounts: Accounts,
    store: Store,
}

impl Default for UserStore {
    /// An empty store in memory.
    fn default() -> Self {
        Self::memory()
    }
}

impl UserStore {
    /// An empty store in memory: nothing is written to disk.
    pub fn memory() -> Self {
        Self::on(Store::memory()).unwrap_or_else(|error| unreachable!("a new memory store: {error}"))
    }

    /// The store in `dir` (created if missing), with the users saved there by earlier runs. Every change
    /// is on disk before it is answered.
    ///
    /// # Errors
    /// When the directory cannot be read or written, or its files are damaged.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::on(Store::open(dir)?)
    }

    fn on(store: Store) -> Result<Self, StoreError> {
        Ok(Self { users: store.table::<User>()?, accounts: Accounts::on(&store)?, store })
    }

    /// The log-in accounts, in the same store.
    pub fn accounts(&self) -> Accounts {
        self.accounts.clone()
    }

    /// The store itself (the sessions live in its key-value space).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Users ordered by id, skipping `offset` and returning at most `limit`.
    pub fn list(&self, offset: usize, limit: usize) -> Vec<User> {
        self.users.query().offset(offset).limit(limit).all()
    }

    /// How many users exist.
    pub fn count(&self) -> usize {
        self.users.count()
    }

    /// The user with `id`.
    pub fn get(&self, id: u64) -> Option<User> {
        self.users.get(&id)
    }

    /// Creates a user with the next id.
    ///
    /// # Errors
    /// Only when a durable store cannot write.
    pub fn create(&self, new: NewUser) -> Result<User, StoreError> {
        self.users.insert(User { id: 0, name: new.name, email: new.email })
    }

    /// Replaces name and email of user `id`; `None` when absent.
    ///
    /// # Errors
    /// Only when a durable store cannot write.
    pub fn replace(&self, id: u64, new: NewUser) -> Result<Option<User>, StoreError> {
        found(self.users.update(&id, |user| {
            user.name = new.name;
            user.email = new.email;
        }))
    }

    /// Applies the given fields to user `id`; `None` when absent.
    ///
    /// # Errors
    /// Only when a durable store cannot write.
    pub fn patch(&self, id: u64, patch: UserPatch) -> Result<Option<User>, StoreError> {
        found(self.users.update(&id, |user| {
            if let Some(name) = patch.name {
                user.name = name;
            }
            if let Some(email) = patch.email {
                user.email = email;
            }
        }))
    }

    /// Deletes user `id`; whether it existed.
    ///
    /// # Errors
    /// Only when a durable store cannot write.
    pub fn delete(&self, id: u64) -> Result<bool, StoreError> {
        Ok(self.users.delete(&id)?.is_some())
    }
}

/// An update's result, with "no such user" as `None`.
fn found(result: Result<User, StoreError>) -> Result<Option<User>, StoreError> {
    match result {
        Ok(user) => Ok(Some(user)),
        Err(error) if error.is_not_found() => Ok(None),
        Err(error) => Err(error),
    }
}
