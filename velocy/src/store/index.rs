//! [`IndexData`]: one secondary index, an ordered map from encoded entries to primary keys.
//!
//! An entry is the field's encoding followed by the primary key's, so entries are distinct and ordered by
//! value, then key, and every entry for value `v` lies in `[enc(v), successor(enc(v)))` (encodings are
//! prefix-free). A unique index is the same map with one more check on writes: no other record may have
//! an entry in that range, unless the value is null (`None`), of which a unique index accepts any number.
//! Because entries have one layout, an entry is also the sort key of its record in index order, which
//! is what cursors hold. A unique index also keeps a hash map from each non-null value to its record, for
//! one-probe lookups and uniqueness checks.
//!
//! Entries up to 32 bytes (most integers, short strings, with their key) are stored inline in the tree's
//! nodes, so comparisons while searching do not chase pointers.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use smallvec::SmallVec;

use super::encoding::prefix_successor;
use super::record::{IndexInfo, Indexable, Key};

/// The bytes of an index entry, inline up to 32.
pub(crate) type EntryBytes = SmallVec<[u8; 32]>;

/// Bounds on encoded bytes: a range of index entries or of values.
pub(crate) type ByteBounds = (Bound<Vec<u8>>, Bound<Vec<u8>>);

/// A range of encoded values: the bounds a query puts on one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ValueRange {
    /// The lower bound on the value's encoding.
    pub(crate) low: Bound<Vec<u8>>,
    /// The upper bound on the value's encoding.
    pub(crate) high: Bound<Vec<u8>>,
}

impl ValueRange {
    /// Exactly the value encoded as `value`.
    pub(crate) fn exactly(value: Vec<u8>) -> Self {
        Self { low: Bound::Included(value.clone()), high: Bound::Included(value) }
    }

    /// Whether the encoded value `value` lies in the range.
    pub(crate) fn contains(&self, value: &[u8]) -> bool {
        let above = match &self.low {
            Bound::Included(low) => value >= low.as_slice(),
            Bound::Excluded(low) => value > low.as_slice(),
            Bound::Unbounded => true,
        };
        let below = match &self.high {
            Bound::Included(high) => value <= high.as_slice(),
            Bound::Excluded(high) => value < high.as_slice(),
            Bound::Unbounded => true,
        };
        above && below
    }

    /// Whether it is a single value.
    pub(crate) fn is_point(&self) -> bool {
        matches!((&self.low, &self.high), (Bound::Included(a), Bound::Included(b)) if a == b)
    }

    /// Whether both ends are bounded.
    pub(crate) fn is_bounded(&self) -> bool {
        !matches!(self.low, Bound::Unbounded) && !matches!(self.high, Bound::Unbounded)
    }

    /// The bounds on index *entries* (value encoding, possibly followed by a key) covering every value in
    /// the range; `None` when no entry can match.
    pub(crate) fn entry_bounds(&self) -> Option<ByteBounds> {
        let low = match &self.low {
            Bound::Included(value) => Bound::Included(value.clone()),
            Bound::Excluded(value) => Bound::Included(prefix_successor(value)?),
            Bound::Unbounded => Bound::Unbounded,
        };
        let high = match &self.high {
            Bound::Included(value) => match prefix_successor(value) {
                Some(successor) => Bound::Excluded(successor),
                None => Bound::Unbounded,
            },
            Bound::Excluded(value) => Bound::Excluded(value.clone()),
            Bound::Unbounded => Bound::Unbounded,
        };
        if let (Bound::Included(low) | Bound::Excluded(low), Bound::Included(high) | Bound::Excluded(high)) =
            (&low, &high)
        {
            if low > high {
                return None;
            }
        }
        Some((low, high))
    }
}

fn as_slice(bound: &Bound<Vec<u8>>) -> Bound<&[u8]> {
    match bound {
        Bound::Included(bytes) => Bound::Included(bytes.as_slice()),
        Bound::Excluded(bytes) => Bound::Excluded(bytes.as_slice()),
        Bound::Unbounded => Bound::Unbounded,
    }
}

/// One index entry, with where its value's encoding ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The value's encoding, then the key's.
    pub(crate) bytes: EntryBytes,
    /// How many leading bytes encode the value.
    pub(crate) value_len: usize,
    /// Whether the value is null (`None`).
    pub(crate) null: bool,
}

/// One secondary index.
#[derive(Debug, Clone)]
pub(crate) struct IndexData<K> {
    info: IndexInfo,
    entries: BTreeMap<EntryBytes, K>,
    /// For a unique index: each non-null value's encoding to its record's key.
    unique: Option<HashMap<EntryBytes, K>>,
}

impl<K: Key> IndexData<K> {
    /// An empty index described by `info`.
    pub(crate) fn new(info: IndexInfo) -> Self {
        Self { info, entries: BTreeMap::new(), unique: info.is_unique().then(HashMap::new) }
    }

    /// What the index covers.
    pub(crate) fn info(&self) -> IndexInfo {
        self.info
    }

    /// The entry for a record with key `key` whose field holds `value`.
    pub(crate) fn entry(&self, value: &dyn Indexable, key: &K) -> Entry {
        let mut scratch = Vec::with_capacity(32);
        value.encode(&mut scratch);
        let value_len = scratch.len();
        key.encode(&mut scratch);
        let bytes = EntryBytes::from_vec(scratch);
        Entry { bytes, value_len, null: value.is_null() }
    }

    /// Whether adding `entry` for the record `key` would break uniqueness.
    pub(crate) fn conflicts(&self, entry: &Entry, key: &K) -> bool {
        match &self.unique {
            Some(unique) if !entry.null => {
                unique.get(&entry.bytes[..entry.value_len]).is_some_and(|owner| owner != key)
            }
            _ => false,
        }
    }

    /// The record holding the non-null value encoded as `value`, in a unique index.
    pub(crate) fn unique_lookup(&self, value: &[u8]) -> Option<&K> {
        self.unique.as_ref()?.get(value)
    }

    /// Adds `entry` for the record `key`.
    pub(crate) fn insert(&mut self, entry: Entry, key: K) {
        if let Some(unique) = &mut self.unique {
            if !entry.null {
                unique.insert(EntryBytes::from_slice(&entry.bytes[..entry.value_len]), key.clone());
            }
        }
        self.entries.insert(entry.bytes, key);
    }

    /// Removes `entry`.
    pub(crate) fn remove(&mut self, entry: &Entry) {
        if let Some(unique) = &mut self.unique {
            if !entry.null {
                unique.remove(&entry.bytes[..entry.value_len]);
            }
        }
        self.entries.remove(&entry.bytes[..]);
    }

    /// The entries within `bounds`, in order.
    pub(crate) fn range(&self, bounds: ByteBounds) -> std::collections::btree_map::Range<'_, EntryBytes, K> {
        self.entries.range::<[u8], _>((as_slice(&bounds.0), as_slice(&bounds.1)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::store::encoding::encoded;

    #[test]
    fn unique_indexes_allow_many_nulls() {
        let mut index = IndexData::<u64>::new(IndexInfo::unique("nick"));
        let none: Option<String> = None;
        let a = index.entry(&none, &1);
        let b = index.entry(&none, &2);
        assert_ne!(a, b);
        index.insert(a, 1);
        assert!(!index.conflicts(&b, &2));
        let taken = index.entry(&Some("ada".to_string()), &1);
        index.insert(taken.clone(), 1);
        assert!(index.conflicts(&index.entry(&Some("ada".to_string()), &3), &3));
        assert!(!index.conflicts(&taken, &1));
    }

    #[test]
    fn value_ranges_cover_their_entries() {
        let mut index = IndexData::<u64>::new(IndexInfo::index("age"));
        for (key, age) in [(1u64, 30u32), (2, 30), (3, 31), (4, 40)] {
            index.insert(index.entry(&age, &key), key);
        }
        let keys = |range: ValueRange| -> Vec<u64> {
            match range.entry_bounds() {
                Some(bounds) => index.range(bounds).map(|(_, key)| *key).collect(),
                None => Vec::new(),
            }
        };
        assert_eq!(keys(ValueRange::exactly(encoded(&30u32))), [1, 2]);
        let range =
            ValueRange { low: Bound::Excluded(encoded(&30u32)), high: Bound::Included(encoded(&40u32)) };
        assert_eq!(keys(range), [3, 4]);
        let empty =
            ValueRange { low: Bound::Included(encoded(&35u32)), high: Bound::Excluded(encoded(&31u32)) };
        assert_eq!(keys(empty), Vec::<u64>::new());
    }
}
