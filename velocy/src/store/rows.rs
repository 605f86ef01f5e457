//! [`TableData`]: one table's records by primary key and its secondary indexes, kept in step.
//! [`RawTable`]: a table recovered from disk whose record type is not known yet, which
//! [`TableData::from_raw`] decodes once the table is opened.
//!
//! Records live behind `Arc` in a hash map by key, so a point lookup is one probe (the common case) and a
//! reader can share a record without copying it; an ordered set of the keys serves key ranges and ordered
//! scans.
//!
//! Every change checks all constraints (primary key, unique indexes) before touching anything, so a failed
//! change leaves the table as it was. Each successful change returns what undoes it; a transaction keeps
//! those to roll back.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::Hash;
use std::ops::Bound;
use std::sync::Arc;

use super::encoding::encoded;
use super::error::{ErrorKind, StoreError};
use super::index::{Entry, IndexData};
use super::record::{Key, Record};

/// A table recovered from disk whose record type is not known yet: encoded keys to JSON records.
#[derive(Debug, Default, Clone)]
pub(crate) struct RawTable {
    pub(crate) sequence: u64,
    pub(crate) rows: BTreeMap<Vec<u8>, Vec<u8>>,
}

/// The records of table `R` and their indexes.
#[derive(Debug)]
pub(crate) struct TableData<R: Record> {
    rows: HashMap<R::Key, Arc<R>>,
    order: BTreeSet<R::Key>,
    pub(crate) indexes: Vec<IndexData<R::Key>>,
    /// The highest integer key the table has held: auto-increment keys continue after it.
    pub(crate) sequence: u64,
}

/// What undoes one change.
#[derive(Debug)]
pub(crate) enum RowUndo<R: Record> {
    /// Remove the record that was inserted, and put the auto-increment mark back to what it was.
    Remove(R::Key, u64),
    /// Put back the record as it was (after an update or a delete).
    Restore(Arc<R>),
}

impl<R: Record> TableData<R> {
    /// An empty table.
    pub(crate) fn new() -> Self {
        Self {
            rows: HashMap::new(),
            order: BTreeSet::new(),
            indexes: R::INDEXES.iter().map(|info| IndexData::new(*info)).collect(),
            sequence: 0,
        }
    }

    /// The record with `key`.
    pub(crate) fn get<Q>(&self, key: &Q) -> Option<&Arc<R>>
    where
        R::Key: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.rows.get(key)
    }

    /// The stored key equal to `key`.
    pub(crate) fn key_of<Q>(&self, key: &Q) -> Option<&R::Key>
    where
        R::Key: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.rows.get_key_value(key).map(|(key, _)| key)
    }

    /// How many records there are.
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// The records with keys within `bounds`, in key order.
    pub(crate) fn range(
        &self,
        bounds: (Bound<R::Key>, Bound<R::Key>),
    ) -> impl DoubleEndedIterator<Item = &R> + '_ {
        self.order.range(bounds).filter_map(|key| self.rows.get(key).map(|record| &**record))
    }

    /// Every record, in key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&R::Key, &R)> + '_ {
        self.order.iter().filter_map(|key| self.rows.get(key).map(|record| (key, &**record)))
    }

    fn put(&mut self, key: R::Key, record: Arc<R>) -> Option<Arc<R>> {
        self.order.insert(key.clone());
        self.rows.insert(key, record)
    }

    /// The table rebuilt from recovered rows: each record is decoded and indexed.
    pub(crate) fn from_raw(raw: &RawTable) -> Result<Self, StoreError> {
        let mut table = Self::new();
        table.sequence = raw.sequence;
        for (key_bytes, value) in &raw.rows {
            let record: R = serde_json::from_slice(value).map_err(|error| {
                StoreError::serde(
                    format!(
                        "a stored `{}` record does not deserialize into `{}`",
                        R::TABLE,
                        std::any::type_name::<R>()
                    ),
                    error,
                )
                .in_table(R::TABLE)
            })?;
            if encoded(record.key()) != *key_bytes {
                return Err(StoreError::new(
                    ErrorKind::Serde,
                    format!(
                        "a stored `{}` record's key {:?} does not match the key it was stored under; \
                         did the key's type change?",
                        R::TABLE,
                        record.key()
                    ),
                )
                .in_table(R::TABLE));
            }
            table.insert(record)?;
        }
        Ok(table)
    }

    /// Gives `record` the next auto-increment key if the table has them and its key is unset.
    pub(crate) fn assign_key(&mut self, record: &mut R) -> Result<(), StoreError> {
        if R::AUTO_INCREMENT && record.key().is_unset() {
            let next = self.sequence.checked_add(1).and_then(R::Key::from_sequence);
            match next {
                Some(key) => *record.key_mut() = key,
                None => {
                    return Err(StoreError::new(
                        ErrorKind::KeysExhausted,
                        format!("table `{}` has no auto-increment keys left", R::TABLE),
                    )
                    .in_table(R::TABLE))
                }
            }
        }
        Ok(())
    }

    /// The index entries of `record`, one per index.
    fn entries(&self, record: &R) -> Vec<Entry> {
        let key = record.key();
        self.indexes
            .iter()
            .enumerate()
            .map(|(position, index)| match record.index_value(position) {
                Some(value) => index.entry(value, key),
                None => index.entry(&None::<u8>, key),
            })
            .collect()
    }

    fn check_unique(&self, entries: &[Entry], key: &R::Key) -> Result<(), StoreError> {
        for (index, entry) in self.indexes.iter().zip(entries) {
            if index.conflicts(entry, key) {
                return Err(StoreError::unique_violation(R::TABLE, index.info().field()));
            }
        }
        Ok(())
    }

    fn bump_sequence(&mut self, key: &R::Key) {
        if let Some(sequence) = key.to_sequence() {
            self.sequence = self.sequence.max(sequence);
        }
    }

    /// Inserts a new record (its key already assigned).
    ///
    /// # Errors
    /// [`ErrorKind::DuplicateKey`] or [`ErrorKind::UniqueViolation`], with nothing changed.
    pub(crate) fn insert(&mut self, record: R) -> Result<RowUndo<R>, StoreError> {
        if self.rows.contains_key(record.key()) {
            return Err(StoreError::duplicate_key(R::TABLE, record.key()));
        }
        let entries = self.entries(&record);
        self.check_unique(&entries, record.key())?;
        let key = record.key().clone();
        for (index, entry) in self.indexes.iter_mut().zip(entries) {
            index.insert(entry, key.clone());
        }
        let sequence = self.sequence;
        self.bump_sequence(&key);
        self.put(key.clone(), Arc::new(record));
        Ok(RowUndo::Remove(key, sequence))
    }

    /// Replaces the record with the same key; returns the undo (which holds the old record).
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] or [`ErrorKind::UniqueViolation`], with nothing changed.
    pub(crate) fn replace(&mut self, record: R) -> Result<RowUndo<R>, StoreError> {
        let Some(old) = self.rows.get(record.key()) else {
            return Err(StoreError::not_found(R::TABLE, record.key()));
        };
        let old_entries = self.entries(old);
        let new_entries = self.entries(&record);
        for ((index, old_entry), new_entry) in self.indexes.iter().zip(&old_entries).zip(&new_entries) {
            if old_entry != new_entry && index.conflicts(new_entry, record.key()) {
                return Err(StoreError::unique_violation(R::TABLE, index.info().field()));
            }
        }
        let key = record.key().clone();
        for ((index, old_entry), new_entry) in self.indexes.iter_mut().zip(old_entries).zip(new_entries) {
            if old_entry != new_entry {
                index.remove(&old_entry);
                index.insert(new_entry, key.clone());
            }
        }
        // The key is already in `order`.
        let old = self.rows.insert(key, Arc::new(record));
        match old {
            Some(old) => Ok(RowUndo::Restore(old)),
            None => Err(StoreError::new(ErrorKind::NotFound, "record vanished during replace")),
        }
    }

    /// Deletes the record with `key`; `None` if there is none.
    pub(crate) fn remove(&mut self, key: &R::Key) -> Option<Arc<R>> {
        self.order.remove(key);
        let record = self.rows.remove(key)?;
        let entries = self.entries(&record);
        for (index, entry) in self.indexes.iter_mut().zip(entries) {
            index.remove(&entry);
        }
        Some(record)
    }

    /// Reverts one change. Undoes run newest first, so they cannot conflict.
    pub(crate) fn undo(&mut self, undo: RowUndo<R>) {
        match undo {
            RowUndo::Remove(key, sequence) => {
                self.remove(&key);
                self.sequence = sequence;
            }
            RowUndo::Restore(record) => {
                self.remove(&record.key().clone());
                let entries = self.entries(&record);
                let key = record.key().clone();
                for (index, entry) in self.indexes.iter_mut().zip(entries) {
                    index.insert(entry, key.clone());
                }
                self.put(key, record);
            }
        }
    }
}
