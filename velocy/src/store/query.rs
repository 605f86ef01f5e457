//! [`TableQuery`]: conditions, filters, order, limit and offset, and cursor pagination over one table.
//!
//! Conditions on fields ([`TableQuery::eq`], [`TableQuery::range`]) are answered from an index when the field is the
//! primary key or indexed; the planner picks one (see [`TableQuery::explain`]) and checks the others record by
//! record, with the arbitrary predicates of [`TableQuery::filter`]. Results come in the order of
//! [`TableQuery::order_by`], then by primary key (ascending, or in the direction of the last sort field), so the
//! order is total and pages never overlap. Without `order_by`, results come by primary key.

use std::any::Any;
use std::fmt;
use std::ops::{Bound, RangeBounds};

use serde::{Deserialize, Serialize};

use super::criteria::{Condition, Criteria, Cursor, Encoder, KeyBounds, Order, SortKey};
use super::encoding::encoded;
use super::engine::Inner;
use super::explain::Plan;
use super::field::{Field, FieldSource, QueryValue};
use super::index::ValueRange;
use super::plan;
use super::record::{Indexable, Record};
use super::rows::TableData;

/// A query over a [`Table`], from [`Table::query`]. Build it, then run it with [`TableQuery::all`],
/// [`TableQuery::first`], [`TableQuery::count`] or [`TableQuery::page`]; [`TableQuery::explain`] tells how it would run.
///
/// The whole query runs under one shared lock: it sees one consistent state and never blocks other
/// readers.
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use velocy::store::{Order, Record, Store};
///
/// #[derive(Debug, Clone, Serialize, Deserialize, Record)]
/// struct User {
///     #[key(auto)]
///     id: u64,
///     #[index]
///     age: u32,
///     name: String,
/// }
///
/// let users = Store::memory().table::<User>()?;
/// for (age, name) in [(31, "Ada"), (25, "Brendan"), (42, "Grace"), (36, "Linus")] {
///     users.insert(User { id: 0, age, name: name.into() })?;
/// }
///
/// let query = users
///     .query()
///     .range(User::AGE, 30..40)
///     .filter(|user| user.name != "Nobody")
///     .order_by(User::AGE, Order::Desc)
///     .limit(10);
/// assert_eq!(query.explain().to_string(), "index range on `age`, reversed; 1 filter; limit 10");
/// let names: Vec<String> = query.all().into_iter().map(|user| user.name).collect();
/// assert_eq!(names, ["Linus", "Ada"]);
///
/// // Cursor pagination: each page continues after the last record of the previous one.
/// let first = users.query().order_by(User::NAME, Order::Asc).limit(3).page();
/// assert_eq!(first.items.len(), 3);
/// let cursor = first.next.expect("a fourth user remains");
/// let second = users.query().order_by(User::NAME, Order::Asc).limit(3).after(cursor).page();
/// assert_eq!(second.items.len(), 1);
/// assert!(second.next.is_none());
/// # Ok::<(), velocy::store::StoreError>(())
/// ```
///
/// [`Table`]: super::Table
/// [`Table::query`]: super::Table::query
#[must_use]
pub struct TableQuery<'t, R: Record> {
    inner: &'t Inner,
    slot: usize,
    criteria: Criteria<'t, R>,
}

impl<R: Record> fmt::Debug for TableQuery<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TableQuery")
            .field("table", &R::TABLE)
            .field("plan", &self.explain().to_string())
            .finish()
    }
}

fn encoder<'q, R: Record, V: Indexable + 'static>(field: Field<R, V>) -> Encoder<'q, R> {
    Box::new(move |record: &R, out: &mut Vec<u8>| field.encode_from(record, out))
}

fn as_key<R: Record, V: 'static>(value: &V) -> Option<R::Key> {
    (value as &dyn Any).downcast_ref::<R::Key>().cloned()
}

impl<'t, R: Record> TableQuery<'t, R> {
    /// A query over the table at `slot` of the store `inner`.
    pub(crate) fn new(inner: &'t Inner, slot: usize) -> Self {
        Self { inner, slot, criteria: Criteria::new() }
    }

    /// Runs `read` on the table, under the store's shared lock.
    fn read<T>(&self, read: impl FnOnce(&TableData<R>) -> T) -> T {
        self.inner.read(|state| read(state.table::<R>(self.slot)))
    }

    /// Keeps records whose `field` equals `value`. Uses the index when `field` is the key or indexed.
    pub fn eq<V, Q>(self, field: Field<R, V>, value: Q) -> Self
    where
        V: Indexable + 'static,
        Q: QueryValue<V>,
    {
        let value = value.into_value();
        let keys = match field.source() {
            FieldSource::Key => {
                as_key::<R, V>(&value).map(|key| (Bound::Included(key.clone()), Bound::Included(key)))
            }
            _ => None,
        };
        let null = value.is_null();
        let mut query = self.condition(field, ValueRange::exactly(encoded(&value)), keys);
        if let Some(condition) = query.criteria.conditions.last_mut() {
            condition.null = null;
        }
        query
    }

    /// Keeps records whose `field` lies in `range` (`18..65`, `"a".."n"`, `..=limit`). Uses the index
    /// when `field` is the key or indexed.
    pub fn range<V, Q>(self, field: Field<R, V>, range: impl RangeBounds<Q>) -> Self
    where
        V: Indexable + 'static,
        Q: QueryValue<V> + Clone,
    {
        let convert = |bound: Bound<&Q>| -> Bound<V> {
            match bound {
                Bound::Included(value) => Bound::Included(value.clone().into_value()),
                Bound::Excluded(value) => Bound::Excluded(value.clone().into_value()),
                Bound::Unbounded => Bound::Unbounded,
            }
        };
        let (low, high) = (convert(range.start_bound()), convert(range.end_bound()));
        let encode = |bound: &Bound<V>| match bound {
            Bound::Included(value) => Bound::Included(encoded(value)),
            Bound::Excluded(value) => Bound::Excluded(encoded(value)),
            Bound::Unbounded => Bound::Unbounded,
        };
        let values = ValueRange { low: encode(&low), high: encode(&high) };
        let keys = match field.source() {
            FieldSource::Key => {
                let key = |bound: &Bound<V>| match bound {
                    Bound::Included(value) => as_key::<R, V>(value).map(Bound::Included),
                    Bound::Excluded(value) => as_key::<R, V>(value).map(Bound::Excluded),
                    Bound::Unbounded => Some(Bound::Unbounded),
                };
                key(&low).zip(key(&high))
            }
            _ => None,
        };
        self.condition(field, values, keys)
    }

    fn condition<V: Indexable + 'static>(
        mut self,
        field: Field<R, V>,
        range: ValueRange,
        keys: Option<KeyBounds<R::Key>>,
    ) -> Self {
        let source = match (field.source(), &keys) {
            (FieldSource::Key, None) => FieldSource::Plain,
            (source, _) => source,
        };
        self.criteria.conditions.push(Condition {
            field: field.name(),
            source,
            range,
            null: false,
            keys,
            encode: encoder(field),
        });
        self
    }

    /// Keeps records for which `predicate` is true; checked record by record, after the conditions.
    pub fn filter(mut self, predicate: impl Fn(&R) -> bool + 't) -> Self {
        self.criteria.filters.push(Box::new(predicate));
        self
    }

    /// Sorts by `field` in `order`; call again for further fields, which break ties in turn. Sorting by an
    /// indexed field (or the key) with no better index to use reads the index in order instead of
    /// sorting.
    pub fn order_by<V: Indexable + 'static>(mut self, field: Field<R, V>, order: Order) -> Self {
        self.criteria.order.push(SortKey {
            field: field.name(),
            source: field.source(),
            order,
            encode: encoder(field),
        });
        self
    }

    /// Returns at most `limit` records.
    pub fn limit(mut self, limit: usize) -> Self {
        self.criteria.limit = Some(limit);
        self
    }

    /// Skips the first `offset` records (after the cursor, if any).
    pub fn offset(mut self, offset: usize) -> Self {
        self.criteria.offset = offset;
        self
    }

    /// Starts after the record `cursor` points at: the [`Page::next`] of the previous page of the same
    /// query. Unlike an offset, a cursor stays correct when records are added or removed in between, and
    /// costs nothing to skip when the order comes from an index.
    pub fn after(mut self, cursor: Cursor) -> Self {
        self.criteria.after = Some(cursor);
        self
    }

    /// How the query would run: the index it uses, whether it sorts in memory.
    pub fn explain(&self) -> Plan {
        plan::plan(&self.criteria).describe(&self.criteria)
    }

    /// Every matching record, in order, within the limit and offset.
    pub fn all(&self) -> Vec<R> {
        self.read(|table| plan::run(table, &self.criteria, self.criteria.limit)).0
    }

    /// The first matching record in order.
    pub fn first(&self) -> Option<R> {
        self.read(|table| plan::run(table, &self.criteria, Some(1))).0.into_iter().next()
    }

    /// How many records match the conditions and filters (ignoring limit, offset and cursor).
    pub fn count(&self) -> usize {
        self.read(|table| plan::count(table, &self.criteria))
    }

    /// One page: up to the limit (all if none), and the cursor to continue after it when more remain.
    pub fn page(&self) -> Page<R> {
        let (items, next) = self.read(|table| plan::run(table, &self.criteria, self.criteria.limit));
        Page { items, next }
    }
}

/// One page of a query's results, from [`TableQuery::page`]. Serializes as `{"items": [...], "next": "..."}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page<R> {
    /// The records of this page.
    pub items: Vec<R>,
    /// Where the next page starts ([`TableQuery::after`]); `None` on the last page.
    pub next: Option<Cursor>,
}
