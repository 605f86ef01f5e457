//! [`Table`]: a typed handle on one table of a store, with its reads and queries. Its writes are
//! transactions of their own, so they are defined with [`Transaction`](super::Transaction).

use std::any::Any;
use std::borrow::Borrow;
use std::fmt;
use std::hash::Hash;
use std::marker::PhantomData;
use std::sync::Arc;

use super::engine::Inner;
use super::field::{Field, FieldSource, QueryValue};
use super::query::TableQuery;
use super::record::{Indexable, Record};

/// The table of `R` records in a store, from [`Store::table`](super::Store::table).
///
/// Cloning a handle is cheap (one reference count) and every clone works on the same table, so handles
/// go into application state and are read in handlers with [`State`](crate::State). Reads take the
/// store's lock shared and never block each other; every write is a transaction of its own (see
/// [`Store::transaction`](super::Store::transaction) to group several), durable when the call returns if
/// the store is.
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use velocy::store::{Record, Store};
///
/// #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Record)]
/// struct Book {
///     #[key(auto)]
///     id: u64,
///     #[unique]
///     isbn: String,
///     title: String,
/// }
///
/// let books = Store::memory().table::<Book>()?;
/// let dune = books.insert(Book { id: 0, isbn: "978-0441013593".into(), title: "Dune".into() })?;
/// assert_eq!(dune.id, 1);
/// assert_eq!(books.get(&1), Some(dune.clone()));
/// assert_eq!(books.get_by(Book::ISBN, "978-0441013593"), Some(dune));
///
/// books.update(&1, |book| book.title = "Dune (1965)".into())?;
/// assert!(books.insert(Book { id: 0, isbn: "978-0441013593".into(), title: "copy".into() })
///     .unwrap_err()
///     .is_conflict());
/// assert_eq!(books.delete(&1)?.map(|book| book.title), Some("Dune (1965)".into()));
/// assert_eq!(books.count(), 0);
/// # Ok::<(), velocy::store::StoreError>(())
/// ```
pub struct Table<R> {
    inner: Arc<Inner>,
    slot: usize,
    _record: PhantomData<fn() -> R>,
}

impl<R> Clone for Table<R> {
    fn clone(&self) -> Self {
        Self { inner: Arc::clone(&self.inner), slot: self.slot, _record: PhantomData }
    }
}

impl<R: Record> fmt::Debug for Table<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table").field("name", &R::TABLE).field("records", &self.count()).finish()
    }
}

impl<R: Record> Table<R> {
    pub(crate) fn new(inner: Arc<Inner>, slot: usize) -> Self {
        Self { inner, slot, _record: PhantomData }
    }

    pub(crate) fn store_id(&self) -> *const () {
        self.inner.id()
    }

    pub(crate) fn slot(&self) -> usize {
        self.slot
    }

    /// The store's core, for the writes in [`transaction`](super::transaction).
    pub(crate) fn inner(&self) -> &Arc<Inner> {
        &self.inner
    }

    /// A copy of the record with `key`.
    pub fn get<Q>(&self, key: &Q) -> Option<R>
    where
        R::Key: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.inner.read(|state| state.table::<R>(self.slot).get(key).map(|record| R::clone(record)))
    }

    /// The record with `key`, shared rather than copied: records are kept behind `Arc`, so this costs a
    /// reference count instead of a copy of the record. The `Arc` keeps the record as it was read; later
    /// writes store new ones.
    pub fn get_shared<Q>(&self, key: &Q) -> Option<Arc<R>>
    where
        R::Key: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.inner.read(|state| state.table::<R>(self.slot).get(key).cloned())
    }

    /// Whether a record has `key`.
    pub fn contains<Q>(&self, key: &Q) -> bool
    where
        R::Key: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.inner.read(|state| state.table::<R>(self.slot).get(key).is_some())
    }

    /// The first record (by primary key) whose `field` equals `value`: through the index when `field` is
    /// indexed, a single lookup for a `#[unique]` field.
    pub fn get_by<V, Q>(&self, field: Field<R, V>, value: Q) -> Option<R>
    where
        V: Indexable + 'static,
        Q: QueryValue<V>,
    {
        let value = value.into_value();
        match field.source() {
            FieldSource::Key => {
                if let Some(key) = (&value as &dyn Any).downcast_ref::<R::Key>() {
                    return self.get(key);
                }
            }
            FieldSource::Index(index)
                if R::INDEXES.get(index).is_some_and(|info| info.is_unique()) && !value.is_null() =>
            {
                // One probe of the unique index's hash map, without planning a query.
                let mut encoded = Vec::with_capacity(32);
                value.encode(&mut encoded);
                return self.inner.read(|state| {
                    let table = state.table::<R>(self.slot);
                    table.indexes[index]
                        .unique_lookup(&encoded)
                        .and_then(|key| table.get(key))
                        .map(|record| R::clone(record))
                });
            }
            _ => {}
        }
        self.query().eq(field, value).first()
    }

    /// How many records the table holds.
    pub fn count(&self) -> usize {
        self.inner.read(|state| state.table::<R>(self.slot).len())
    }

    /// A query over the table: conditions, filters, order, limit and offset, cursor pagination.
    pub fn query(&self) -> TableQuery<'_, R> {
        TableQuery::new(&self.inner, self.slot)
    }
}
