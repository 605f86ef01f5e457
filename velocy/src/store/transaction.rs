//! [`Transaction`]: several writes, across tables, applied all together or not at all.
//!
//! A transaction runs with the store's write lock held, so readers see the state before it or after it,
//! never in between. Each change is applied at once (later reads in the same transaction see it) and
//! remembered with what undoes it; if the closure returns an error or panics, the changes are undone,
//! newest first. On success the changes become one log record (one `commit` frame), so recovery
//! replays all of them or none.
//!
//! [`Transaction::run`] runs every write of the store as one: [`Store::transaction`], the writes of the
//! [`Kv`](super::Kv) space, and the single writes of a [`Table`], which are defined here.
//!
//! [`Store::transaction`]: super::Store::transaction

use std::any::Any;
use std::borrow::Borrow;
use std::fmt;
use std::hash::Hash;
use std::sync::Arc;

use super::encoding::encoded;
use super::engine::Inner;
use super::error::{ErrorKind, StoreError};
use super::kv_data::KvEntry;
use super::log::format::OpsWriter;
use super::record::Record;
use super::rows::RowUndo;
use super::state::State;
use super::table::Table;

enum Undo {
    Row(usize, Box<dyn Any>),
    Kv(String, Option<KvEntry>),
}

/// The writes of one transaction, from [`Store::transaction`](super::Store::transaction).
///
/// Every method takes the [`Table`] handle of the table it works on, so one transaction can change any
/// number of tables:
///
/// ```
/// # use serde::{Deserialize, Serialize};
/// # use velocy::store::{Record, Store, StoreError};
/// # #[derive(Clone, Serialize, Deserialize, Record)]
/// # struct Account { #[key] name: String, balance: i64 }
/// # #[derive(Clone, Serialize, Deserialize, Record)]
/// # struct Transfer { #[key(auto)] id: u64, from: String, to: String, amount: i64 }
/// let store = Store::memory();
/// let accounts = store.table::<Account>()?;
/// let transfers = store.table::<Transfer>()?;
/// accounts.insert(Account { name: "a".into(), balance: 10 })?;
/// accounts.insert(Account { name: "b".into(), balance: 0 })?;
///
/// let result = store.transaction(|tx| {
///     tx.update(&accounts, "a", |account| account.balance -= 25)?;
///     tx.update(&accounts, "b", |account| account.balance += 25)?;
///     tx.insert(&transfers, Transfer { id: 0, from: "a".into(), to: "b".into(), amount: 25 })?;
///     if tx.get(&accounts, "a")?.is_some_and(|account| account.balance < 0) {
///         return Err(velocy::HttpError::conflict("insufficient funds")); // any error rolls back
///     }
///     Ok(())
/// });
/// assert!(result.is_err());
/// assert_eq!(accounts.get("a").map(|account| account.balance), Some(10));
/// assert_eq!(transfers.count(), 0);
/// # Ok::<(), StoreError>(())
/// ```
pub struct Transaction<'s> {
    state: &'s mut State,
    store: *const (),
    undo: Vec<Undo>,
    ops: Option<OpsWriter>,
    finished: bool,
}

impl std::fmt::Debug for Transaction<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction").field("changes", &self.undo.len()).finish_non_exhaustive()
    }
}

impl Transaction<'_> {
    /// Runs `write` as one transaction of the store `inner`: all its changes are applied and logged
    /// together, or none is. Returns once the commit is durable according to the sync policy.
    pub(crate) fn run<T, E: From<StoreError>>(
        inner: &Arc<Inner>,
        write: impl FnOnce(&mut Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut state = inner.write_lock();
        let mut transaction = Transaction::new(&mut state, inner.id(), inner.log.is_some());
        let value = match write(&mut transaction) {
            Ok(value) => value,
            Err(error) => {
                transaction.rollback();
                return Err(error);
            }
        };
        let ticket = match (&inner.log, transaction.take_ops()) {
            (Some(log), Some(ops)) => match log.writer.append(|seq| ops.finish_commit(seq)) {
                Ok(ticket) => Some((log, ticket)),
                Err(error) => {
                    // The log refused the commit (it failed earlier): undo it in memory too.
                    transaction.rollback();
                    return Err(E::from(error));
                }
            },
            _ => None,
        };
        transaction.commit();
        drop(state);
        if let Some((log, ticket)) = ticket {
            log.writer.wait(ticket)?;
        }
        Ok(value)
    }
}

impl<'s> Transaction<'s> {
    /// A transaction over `state` of the store identified by `store`; `logged` when its writes go to a
    /// log.
    pub(crate) fn new(state: &'s mut State, store: *const (), logged: bool) -> Self {
        Self { state, store, undo: Vec::new(), ops: logged.then(OpsWriter::commit), finished: false }
    }

    fn slot<R: Record>(&self, table: &Table<R>) -> Result<usize, StoreError> {
        if table.store_id() != self.store {
            return Err(StoreError::new(
                ErrorKind::TableMismatch,
                format!("the `{}` table handle belongs to another store", R::TABLE),
            ));
        }
        Ok(table.slot())
    }

    /// The JSON of `record` when the store has a log; serialized before anything changes, so a failure
    /// leaves nothing to undo.
    fn serialize<R: Record>(&self, record: &R) -> Result<Option<Vec<u8>>, StoreError> {
        if self.ops.is_none() {
            return Ok(None);
        }
        serde_json::to_vec(record).map(Some).map_err(|error| {
            StoreError::serde(format!("a `{}` record does not serialize", R::TABLE), error).in_table(R::TABLE)
        })
    }

    /// Records a change applied to table `R` at `slot`: its undo, and its log operation.
    fn applied<R: Record>(&mut self, slot: usize, undo: RowUndo<R>, put: Option<(&R, Vec<u8>)>) {
        if let (Some(ops), Some((record, value))) = (&mut self.ops, put) {
            let sequence = self.state.table::<R>(slot).sequence;
            ops.put(R::TABLE, &encoded(record.key()), &value, sequence);
        }
        self.undo.push(Undo::Row(slot, Box::new(undo)));
    }

    /// Inserts `record` into `table` and returns it as stored (with its assigned key, for an
    /// auto-increment table whose record has key `0`).
    ///
    /// # Errors
    /// [`ErrorKind::DuplicateKey`] when the key is taken, [`ErrorKind::UniqueViolation`] when a `#[unique]`
    /// value is; nothing is written.
    pub fn insert<R: Record>(&mut self, table: &Table<R>, mut record: R) -> Result<R, StoreError> {
        let slot = self.slot(table)?;
        let data = self.state.table_mut::<R>(slot);
        data.assign_key(&mut record)?;
        if data.get(record.key()).is_some() {
            return Err(StoreError::duplicate_key(R::TABLE, record.key()));
        }
        let value = self.serialize(&record)?;
        // The table keeps the caller's record (its allocations stay together); the caller gets a copy.
        let copy = record.clone();
        let undo = self.state.table_mut::<R>(slot).insert(record)?;
        self.applied(slot, undo, value.map(|value| (&copy, value)));
        Ok(copy)
    }

    /// The record of `table` with `key`, including this transaction's changes.
    ///
    /// # Errors
    /// Only a table handle from another store.
    pub fn get<R, Q>(&self, table: &Table<R>, key: &Q) -> Result<Option<R>, StoreError>
    where
        R: Record,
        R::Key: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let slot = self.slot(table)?;
        Ok(self.state.table::<R>(slot).get(key).map(|record| R::clone(record)))
    }

    /// Changes the record of `table` with `key` through `change` and returns the new record. Indexes
    /// follow the change.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] when there is no such record, [`ErrorKind::KeyChanged`] when `change`
    /// changed the key, [`ErrorKind::UniqueViolation`]; nothing is written.
    pub fn update<R, Q>(
        &mut self,
        table: &Table<R>,
        key: &Q,
        change: impl FnOnce(&mut R),
    ) -> Result<R, StoreError>
    where
        R: Record,
        R::Key: Borrow<Q>,
        Q: Hash + Eq + std::fmt::Debug + ?Sized,
    {
        let slot = self.slot(table)?;
        let Some(current) = self.state.table::<R>(slot).get(key) else {
            return Err(StoreError::not_found(R::TABLE, &key));
        };
        let mut record = R::clone(current);
        change(&mut record);
        if record.key() != current.key() {
            return Err(StoreError::new(
                ErrorKind::KeyChanged,
                format!(
                    "an update of `{}` record {:?} changed its key; delete it and insert a new one",
                    R::TABLE,
                    current.key()
                ),
            )
            .in_table(R::TABLE));
        }
        self.replace(table, record)
    }

    /// Replaces the record of `table` that has `record`'s key, and returns `record`.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] when there is no such record, [`ErrorKind::UniqueViolation`]; nothing is
    /// written.
    pub fn replace<R: Record>(&mut self, table: &Table<R>, record: R) -> Result<R, StoreError> {
        let slot = self.slot(table)?;
        let data = self.state.table::<R>(slot);
        if data.get(record.key()).is_none() {
            return Err(StoreError::not_found(R::TABLE, record.key()));
        }
        let value = self.serialize(&record)?;
        let copy = record.clone();
        let undo = self.state.table_mut::<R>(slot).replace(record)?;
        self.applied(slot, undo, value.map(|value| (&copy, value)));
        Ok(copy)
    }

    /// Inserts `record` into `table`, or replaces the record with its key; returns the replaced record.
    ///
    /// # Errors
    /// [`ErrorKind::UniqueViolation`]; nothing is written.
    pub fn upsert<R: Record>(&mut self, table: &Table<R>, record: R) -> Result<Option<R>, StoreError> {
        let slot = self.slot(table)?;
        let previous = self.state.table::<R>(slot).get(record.key()).map(|record| R::clone(record));
        if previous.is_some() {
            self.replace(table, record)?;
            Ok(previous)
        } else {
            self.insert(table, record)?;
            Ok(None)
        }
    }

    /// Deletes the record of `table` with `key`; returns it, or `None` if there was none.
    ///
    /// # Errors
    /// Only a table handle from another store.
    pub fn delete<R, Q>(&mut self, table: &Table<R>, key: &Q) -> Result<Option<R>, StoreError>
    where
        R: Record,
        R::Key: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let slot = self.slot(table)?;
        let data = self.state.table_mut::<R>(slot);
        let Some(owned_key) = data.key_of(key).cloned() else {
            return Ok(None);
        };
        let Some(removed) = data.remove(&owned_key) else {
            return Ok(None);
        };
        if let Some(ops) = &mut self.ops {
            ops.delete(R::TABLE, &encoded(&owned_key));
        }
        let copy = R::clone(&removed);
        self.undo.push(Undo::Row(slot, Box::new(RowUndo::<R>::Restore(removed))));
        Ok(Some(copy))
    }

    /// The live key-value entry `key`.
    pub(crate) fn kv_entry(&self, key: &str, now: u64) -> Option<&KvEntry> {
        self.state.kv.get(key, now)
    }

    /// Sets a key-value entry.
    pub(crate) fn kv_put(&mut self, key: String, entry: KvEntry) {
        if let Some(ops) = &mut self.ops {
            ops.kv_set(&key, &entry.value, entry.expires_at);
        }
        let previous = self.state.kv.put(key.clone(), entry);
        self.undo.push(Undo::Kv(key, previous));
    }

    /// Deletes a key-value entry.
    pub(crate) fn kv_remove(&mut self, key: &str) {
        if let Some(ops) = &mut self.ops {
            ops.kv_delete(key);
        }
        let previous = self.state.kv.remove(key);
        self.undo.push(Undo::Kv(key.to_owned(), previous));
    }

    /// The operations to log, if there are any and the store has a log.
    pub(crate) fn take_ops(&mut self) -> Option<OpsWriter> {
        self.ops.take().filter(|ops| ops.count() > 0)
    }

    /// Keeps every change.
    pub(crate) fn commit(mut self) {
        self.finished = true;
    }

    /// Undoes every change, newest first.
    pub(crate) fn rollback(mut self) {
        self.undo_all();
    }

    fn undo_all(&mut self) {
        self.finished = true;
        while let Some(undo) = self.undo.pop() {
            match undo {
                Undo::Row(slot, undo) => self.state.tables[slot].undo(undo),
                Undo::Kv(key, previous) => {
                    match previous {
                        Some(entry) => self.state.kv.put(key, entry),
                        None => self.state.kv.remove(&key),
                    };
                }
            }
        }
    }
}

impl Drop for Transaction<'_> {
    /// A transaction dropped without committing (its closure panicked) is rolled back.
    fn drop(&mut self) {
        if !self.finished {
            self.undo_all();
        }
    }
}

/// A table's single writes: each is a transaction of its own.
impl<R: Record> Table<R> {
    /// Inserts `record` and returns it as stored. In an auto-increment table (`#[key(auto)]`), a record
    /// whose key is `0` gets the next key: one more than the highest key the table ever held.
    ///
    /// # Errors
    /// [`ErrorKind::DuplicateKey`] when the key is taken,
    /// [`ErrorKind::UniqueViolation`] when a `#[unique]` value is (both
    /// answer 409); nothing is written. I/O errors of a durable store.
    pub fn insert(&self, record: R) -> Result<R, StoreError> {
        Transaction::run(self.inner(), |tx| tx.insert(self, record))
    }

    /// Changes the record with `key` through `change` and returns the new record; indexes follow.
    ///
    /// `change` runs on a copy while the store's write lock is held: keep it short.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] (404) when there is no such record,
    /// [`ErrorKind::KeyChanged`] when `change` changed the key,
    /// [`ErrorKind::UniqueViolation`] (409); nothing is written.
    pub fn update<Q>(&self, key: &Q, change: impl FnOnce(&mut R)) -> Result<R, StoreError>
    where
        R::Key: Borrow<Q>,
        Q: Hash + Eq + fmt::Debug + ?Sized,
    {
        Transaction::run(self.inner(), |tx| tx.update(self, key, change))
    }

    /// Replaces the record with `record`'s key by `record`, and returns it.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] (404) when there is no such record,
    /// [`ErrorKind::UniqueViolation`] (409); nothing is written.
    pub fn replace(&self, record: R) -> Result<R, StoreError> {
        Transaction::run(self.inner(), |tx| tx.replace(self, record))
    }

    /// Inserts `record`, or replaces the record with its key; returns the record replaced, if any.
    ///
    /// # Errors
    /// [`ErrorKind::UniqueViolation`] (409); nothing is written.
    pub fn upsert(&self, record: R) -> Result<Option<R>, StoreError> {
        Transaction::run(self.inner(), |tx| tx.upsert(self, record))
    }

    /// Deletes the record with `key`; returns it, or `None` if there was none.
    ///
    /// # Errors
    /// Only I/O errors of a durable store.
    pub fn delete<Q>(&self, key: &Q) -> Result<Option<R>, StoreError>
    where
        R::Key: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        Transaction::run(self.inner(), |tx| tx.delete(self, key))
    }
}
