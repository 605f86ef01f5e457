//! What a [`TableQuery`](super::TableQuery) asks for, as plain data: its conditions, predicates, sort fields,
//! limit, offset and cursor ([`Criteria`]), which the planner reads; and the public [`Order`] and
//! [`Cursor`] it is built from.

use std::fmt;
use std::ops::Bound;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::error::{ErrorKind, StoreError};
use super::field::FieldSource;
use super::index::ValueRange;
use super::record::Record;

/// A sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

/// Bounds on primary keys.
pub(crate) type KeyBounds<K> = (Bound<K>, Bound<K>);

/// A predicate of [`TableQuery::filter`](super::TableQuery::filter).
pub(crate) type Filter<'q, R> = Box<dyn Fn(&R) -> bool + 'q>;

/// Encodes one field of a record into a buffer.
pub(crate) type Encoder<'q, R> = Box<dyn Fn(&R, &mut Vec<u8>) + 'q>;

/// A condition on one field.
pub(crate) struct Condition<'q, R: Record> {
    pub(crate) field: &'static str,
    pub(crate) source: FieldSource,
    pub(crate) range: ValueRange,
    /// Whether the condition is equality with a null value (`None`), which a unique index may hold many
    /// times.
    pub(crate) null: bool,
    /// For a condition on the primary key, its bounds as keys.
    pub(crate) keys: Option<KeyBounds<R::Key>>,
    pub(crate) encode: Encoder<'q, R>,
}

/// One sort field.
pub(crate) struct SortKey<'q, R> {
    pub(crate) field: &'static str,
    pub(crate) source: FieldSource,
    pub(crate) order: Order,
    pub(crate) encode: Encoder<'q, R>,
}

/// Everything a query asks for but the table it reads.
pub(crate) struct Criteria<'q, R: Record> {
    pub(crate) conditions: Vec<Condition<'q, R>>,
    pub(crate) filters: Vec<Filter<'q, R>>,
    pub(crate) order: Vec<SortKey<'q, R>>,
    pub(crate) limit: Option<usize>,
    pub(crate) offset: usize,
    pub(crate) after: Option<Cursor>,
}

impl<R: Record> Criteria<'_, R> {
    /// No condition, filter or order; no limit, offset or cursor.
    pub(crate) fn new() -> Self {
        Self {
            conditions: Vec::new(),
            filters: Vec::new(),
            order: Vec::new(),
            limit: None,
            offset: 0,
            after: None,
        }
    }
}

/// A position in a query's order, from [`Page::next`]: opaque, printable as a short hex string for URLs
/// (`Display` and `FromStr`), serialized as that string.
///
/// [`Page::next`]: super::Page::next
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cursor(pub(crate) Vec<u8>);

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in &self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl FromStr for Cursor {
    type Err = StoreError;

    /// Parses the hex form.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidCursor`] (400) for anything else.
    fn from_str(text: &str) -> Result<Self, StoreError> {
        let invalid = || StoreError::new(ErrorKind::InvalidCursor, "invalid pagination cursor");
        if text.len() % 2 != 0 || text.is_empty() {
            return Err(invalid());
        }
        (0..text.len())
            .step_by(2)
            .map(|at| text.get(at..at + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
            .collect::<Option<Vec<u8>>>()
            .map(Cursor)
            .ok_or_else(invalid)
    }
}

impl Serialize for Cursor {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cursor {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
