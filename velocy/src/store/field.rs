//! [`Field`]: a typed handle on one field of a [`Record`], used to build queries.

use std::fmt;

use super::record::{Indexable, Record};

/// A field of record type `R` holding a `V`, as `#[derive(Record)]` generates them: one associated constant
/// per field, named after it in upper case (`User::EMAIL` for `email`).
///
/// Queries take fields to compare and sort on: [`TableQuery::eq`](super::TableQuery::eq),
/// [`TableQuery::range`](super::TableQuery::range), [`TableQuery::order_by`](super::TableQuery::order_by). A condition on the
/// primary key or an indexed field is answered from the index; any other field is compared record by
/// record.
pub struct Field<R, V: ?Sized> {
    name: &'static str,
    source: FieldSource,
    get: fn(&R) -> &V,
}

/// What backs a [`Field`] in its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldSource {
    /// The primary key.
    Key,
    /// Secondary index number `n`, a position in [`Record::INDEXES`].
    Index(usize),
    /// No index: conditions on it are checked record by record.
    Plain,
}

impl<R, V: ?Sized> Field<R, V> {
    /// A field named `name` without an index, read with `get`.
    pub const fn plain(name: &'static str, get: fn(&R) -> &V) -> Self {
        Self { name, source: FieldSource::Plain, get }
    }

    /// The primary key field named `name`, read with `get`.
    pub const fn key(name: &'static str, get: fn(&R) -> &V) -> Self {
        Self { name, source: FieldSource::Key, get }
    }

    /// A field named `name` covered by secondary index number `index`, read with `get`.
    pub const fn indexed(name: &'static str, index: usize, get: fn(&R) -> &V) -> Self {
        Self { name, source: FieldSource::Index(index), get }
    }

    /// The field's name.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Whether it is the primary key or covered by a secondary index.
    pub const fn source(&self) -> FieldSource {
        self.source
    }

    /// The field's value in `record`.
    pub fn get<'r>(&self, record: &'r R) -> &'r V {
        (self.get)(record)
    }
}

impl<R: Record, V: Indexable + ?Sized> Field<R, V> {
    /// Appends the encoding of this field's value in `record` to `out`.
    pub(crate) fn encode_from(&self, record: &R, out: &mut Vec<u8>) {
        (self.get)(record).encode(out);
    }
}

impl<R, V: ?Sized> Clone for Field<R, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R, V: ?Sized> Copy for Field<R, V> {}

impl<R, V: ?Sized> fmt::Debug for Field<R, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Field").field("name", &self.name).field("source", &self.source).finish()
    }
}

/// A value a query can compare with a field of type `V`: a `V` itself, or a borrowed form (`&str` for a
/// `String` field, `&[u8]` for `Vec<u8>`).
pub trait QueryValue<V> {
    /// The value as a `V`.
    fn into_value(self) -> V;
}

impl<V: Indexable> QueryValue<V> for V {
    fn into_value(self) -> V {
        self
    }
}

impl QueryValue<String> for &str {
    fn into_value(self) -> String {
        self.to_owned()
    }
}

impl QueryValue<String> for &String {
    fn into_value(self) -> String {
        self.clone()
    }
}

impl QueryValue<Vec<u8>> for &[u8] {
    fn into_value(self) -> Vec<u8> {
        self.to_vec()
    }
}

impl QueryValue<Option<String>> for Option<&str> {
    fn into_value(self) -> Option<String> {
        self.map(str::to_owned)
    }
}
