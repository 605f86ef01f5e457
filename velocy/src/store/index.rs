//! [`IndexData`]: one secondary index, an ordered map from encoded entries to primary keys.
//!
//! An entry is the field's encoding followed by the primary key's, so entries are distinct and ordered by
//! value, then key, and every entry for value `v` lies in `[enc(v), successor(enc(v)))` (encodings are
//! prefix-free). A unique index is the same map with one more check on writes: no other record may have
//! an entry in that range, unless the value is null (`None`), of which a unique index accepts any number.
//! Because entries have one layout, an entry is also the sort key of its record in index order, which
//! is what cursors hold.

use std::collections::BTreeMap;
use std::ops::Bound;

use super::record::{prefix_successor, IndexInfo, Indexable, Key};

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
        Self {
            low: Bound::Included(value.clone()),
            high: Bound::Included(value),
        }
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
    pub(crate) fn entry_bounds(&self) -> Option<(Bound<Vec<u8>>, Bound<Vec<u8>>)> {
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
        if let (
            Bound::Included(low) | Bound::Excluded(low),
            Bound::Included(high) | Bound::Excluded(high),
        ) = (&low, &high)
        {
            if low > high {
                return None;
            }
        }
        Some((low, high))
    }
}

/// One index entry, with where its value's encoding ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The value's encoding, then the key's.
    pub(crate) bytes: Vec<u8>,
    /// How many leading bytes encode the value.
    pub(crate) value_len: usize,
    /// Whether the value is null (`None`).
    pub(crate) null: bool,
}

/// One secondary index.
#[derive(Debug, Clone)]
pub(crate) struct IndexData<K> {
    info: IndexInfo,
    entries: BTreeMap<Vec<u8>, K>,
}

impl<K: Key> IndexData<K> {
    /// An empty index described by `info`.
    pub(crate) fn new(info: IndexInfo) -> Self {
        Self {
            info,
            entries: BTreeMap::new(),
        }
    }

    /// What the index covers.
    pub(crate) fn info(&self) -> IndexInfo {
        self.info
    }

    /// The entry for a record with key `key` whose field holds `value`.
    pub(crate) fn entry(&self, value: &dyn Indexable, key: &K) -> Entry {
        let mut bytes = Vec::with_capacity(32);
        value.encode(&mut bytes);
        let value_len = bytes.len();
        key.encode(&mut bytes);
        Entry {
            bytes,
            value_len,
            null: value.is_null(),
        }
    }

    /// Whether adding `entry` for the record `key` would break uniqueness.
    pub(crate) fn conflicts(&self, entry: &Entry, key: &K) -> bool {
        if !self.info.is_unique() || entry.null {
            return false;
        }
        let prefix = &entry.bytes[..entry.value_len];
        let successor = prefix_successor(prefix);
        let high = match &successor {
            Some(successor) => Bound::Excluded(successor.as_slice()),
            None => Bound::Unbounded,
        };
        self.entries
            .range::<[u8], _>((Bound::Included(prefix), high))
            .any(|(_, owner)| owner != key)
    }

    /// Adds an entry.
    pub(crate) fn insert(&mut self, entry: Vec<u8>, key: K) {
        self.entries.insert(entry, key);
    }

    /// Removes an entry.
    pub(crate) fn remove(&mut self, entry: &[u8]) {
        self.entries.remove(entry);
    }

    /// The entries within `bounds`, in order.
    pub(crate) fn range(
        &self,
        bounds: (Bound<Vec<u8>>, Bound<Vec<u8>>),
    ) -> std::collections::btree_map::Range<'_, Vec<u8>, K> {
        self.entries.range(bounds)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::store::record::encoded;

    #[test]
    fn unique_indexes_allow_many_nulls() {
        let mut index = IndexData::<u64>::new(IndexInfo::unique("nick"));
        let none: Option<String> = None;
        let a = index.entry(&none, &1);
        let b = index.entry(&none, &2);
        assert_ne!(a, b);
        index.insert(a.bytes, 1);
        assert!(!index.conflicts(&b, &2));
        let taken = index.entry(&Some("ada".to_string()), &1);
        index.insert(taken.bytes.clone(), 1);
        assert!(index.conflicts(&index.entry(&Some("ada".to_string()), &3), &3));
        assert!(!index.conflicts(&taken, &1));
    }

    #[test]
    fn value_ranges_cover_their_entries() {
        let mut index = IndexData::<u64>::new(IndexInfo::index("age"));
        for (key, age) in [(1u64, 30u32), (2, 30), (3, 31), (4, 40)] {
            index.insert(index.entry(&age, &key).bytes, key);
        }
        let keys = |range: ValueRange| -> Vec<u64> {
            match range.entry_bounds() {
                Some(bounds) => index.range(bounds).map(|(_, key)| *key).collect(),
                None => Vec::new(),
            }
        };
        assert_eq!(keys(ValueRange::exactly(encoded(&30u32))), [1, 2]);
        let range = ValueRange {
            low: Bound::Excluded(encoded(&30u32)),
            high: Bound::Included(encoded(&40u32)),
        };
        assert_eq!(keys(range), [3, 4]);
        let empty = ValueRange {
            low: Bound::Included(encoded(&35u32)),
            high: Bound::Excluded(encoded(&31u32)),
        };
        assert_eq!(keys(empty), Vec::<u64>::new());
    }
}
