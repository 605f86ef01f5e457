//! [`Record`]: what a table stores; [`Indexable`] and [`Key`]: the values keys, indexes, sorts and cursors
//! are made of. Their encodings for the standard types are in `encoding.rs`.

use std::fmt::Debug;
use std::hash::Hash;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A type stored in a [`Table`](super::Table): a serde struct with a primary key and optional secondary
/// indexes.
///
/// Derive it with [`#[derive(Record)]`](derive@super::Record); a hand-written implementation is possible but
/// must keep [`Record::INDEXES`] and [`Record::index_value`] in step.
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use velocy::store::Record;
///
/// #[derive(Clone, Serialize, Deserialize, Record)]
/// struct User {
///     #[key(auto)]
///     id: u64,
///     #[unique]
///     email: String,
///     #[index]
///     age: u32,
///     name: String,
/// }
///
/// assert_eq!(<User as Record>::TABLE, "User");
/// assert_eq!(User::EMAIL.name(), "email");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a store record",
    label = "does not implement `Record`",
    note = "add `#[derive(Record)]` (with `Serialize`, `Deserialize` and `Clone`) and mark the primary key `#[key]`"
)]
pub trait Record: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    /// The primary key's type.
    type Key: Key;

    /// The table's name, which is also its name in the store's files: renaming it orphans stored data.
    /// The derive uses the struct's name unless `#[record(table = "...")]` says otherwise.
    const TABLE: &'static str;

    /// The primary key's field name, for messages and [`explain`](super::TableQuery::explain).
    const KEY_FIELD: &'static str;

    /// Whether [`Table::insert`](super::Table::insert) assigns the key when the record's key is the
    /// default value (`0`): the next value after the highest key the table ever held.
    const AUTO_INCREMENT: bool = false;

    /// The secondary indexes, in the order [`Record::index_value`] numbers them.
    const INDEXES: &'static [IndexInfo] = &[];

    /// The primary key.
    fn key(&self) -> &Self::Key;

    /// The primary key, to assign an auto-increment key.
    fn key_mut(&mut self) -> &mut Self::Key;

    /// The value of index number `index` (a position in [`Record::INDEXES`]); `None` past the end.
    fn index_value(&self, index: usize) -> Option<&dyn Indexable> {
        let _ = index;
        None
    }
}

/// One secondary index of a [`Record`]: the field it covers and whether values must be unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexInfo {
    field: &'static str,
    unique: bool,
}

impl IndexInfo {
    /// A non-unique index on `field` (`#[index]`).
    pub const fn index(field: &'static str) -> Self {
        Self { field, unique: false }
    }

    /// A unique index on `field` (`#[unique]`): two records may not share a value, except `None`.
    pub const fn unique(field: &'static str) -> Self {
        Self { field, unique: true }
    }

    /// The indexed field's name.
    pub const fn field(&self) -> &'static str {
        self.field
    }

    /// Whether values must be unique.
    pub const fn is_unique(&self) -> bool {
        self.unique
    }
}

/// A value that can be indexed, used as a key, sorted on and compared in queries: it has an
/// order-preserving, prefix-free byte encoding.
///
/// The encoding's byte order is the value's order, and no encoding is a prefix of another, so a
/// concatenation of encodings orders like the tuple of values (index entries are the field's encoding
/// followed by the primary key's). It is part of the file format: keys are stored encoded.
///
/// | type | encoding |
/// | --- | --- |
/// | `u8`…`u128`, `usize` | big-endian, fixed width (`usize` as 8 bytes) |
/// | `i8`…`i128`, `isize` | big-endian with the sign bit flipped |
/// | `f32`, `f64` | IEEE 754 bits, negatives inverted, positives with the sign bit set (total order, `-0.0 < 0.0`, NaN last) |
/// | `bool` | one byte, 0 or 1 |
/// | `char` | its scalar value as a `u32` |
/// | `String`, `str`, `Vec<u8>`, `[u8]` | the bytes with each `0x00` written `0x00 0xFF`, then `0x00 0x01` |
/// | `[u8; N]` | the N bytes |
/// | `Option<T>` | `0x00` for `None`, `0x01` then `T` for `Some` |
/// | `(A, B)`, `(A, B, C)` | the encodings one after the other |
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be indexed",
    label = "not an indexable type",
    note = "keys, indexes and sorts work on integers, floats, `bool`, `char`, `String`, `Vec<u8>`, `[u8; N]`, \
            `Option<T>` and tuples of two or three of them"
)]
pub trait Indexable {
    /// Appends the encoding of `self` to `out`.
    fn encode(&self, out: &mut Vec<u8>);

    /// Whether this is an absent value (`None`): a unique index accepts any number of them.
    fn is_null(&self) -> bool {
        false
    }
}

/// A primary key type: indexable, ordered, hashable, and decodable from its encoding (for cursors and
/// recovery).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a primary key",
    label = "not a key type",
    note = "primary keys are integers, `String`, `Vec<u8>`, `[u8; N]`, `bool`, `char` or tuples of two or three of them"
)]
pub trait Key: Indexable + Ord + Hash + Clone + Debug + Send + Sync + 'static {
    /// Reads one encoded value from the front of `input`, advancing it; `None` if malformed.
    fn decode(input: &mut &[u8]) -> Option<Self>;

    /// For integer keys: the key with sequence number `sequence`, `None` if it does not fit.
    fn from_sequence(sequence: u64) -> Option<Self> {
        let _ = sequence;
        None
    }

    /// For integer keys: this key as a sequence number (`None` for negative or non-integer keys).
    fn to_sequence(&self) -> Option<u64> {
        None
    }

    /// Whether this key asks an auto-increment table to assign one (the integer `0`).
    fn is_unset(&self) -> bool {
        false
    }
}

/// An integer key type that `#[key(auto)]` can assign.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an auto-increment key",
    label = "not an integer type",
    note = "`#[key(auto)]` needs an integer key: `u32`, `u64`, `i32`, `i64`, `usize`…"
)]
pub trait AutoIncrement: Key {}
