//! Planning and running a [`TableQuery`](super::TableQuery), from its [`Criteria`]: which index to read, in which
//! direction, and whether the order it gives is the order asked for (then results stream out of the index
//! and stop at the limit) or records must be sorted in memory (then only the `offset + limit` smallest are
//! fully sorted).
//!
//! The order asked for is made total by appending the primary key; fields that a condition fixes to one
//! value are dropped from it, since they cannot change the order. A record's *sort key* is its sort fields'
//! encodings one after the other, each inverted for a descending field; sort keys compare as byte strings,
//! and a cursor is the sort key of the last record of a page.

use std::ops::Bound;

use smallvec::SmallVec;

use super::criteria::{Criteria, Cursor, Order};
use super::explain::{Access, Plan};
use super::field::FieldSource;
use super::index::ByteBounds;
use super::record::{Indexable, Key, Record};
use super::rows::TableData;

/// One field of the total order: a sort field of the query, or the primary key.
#[derive(Debug, Clone, Copy)]
struct OrderKey {
    /// A position in the query's `order_by` list; `None` for the primary key.
    sort: Option<usize>,
    order: Order,
}

/// Where the records come from.
#[derive(Debug)]
enum Source<K> {
    Key {
        low: Bound<K>,
        high: Bound<K>,
        point: bool,
    },
    Index {
        index: usize,
        /// `None`: the range is empty.
        bounds: Option<ByteBounds>,
        /// The value's encoding when the range is one value.
        point: Option<Vec<u8>>,
        /// Whether that one value is null (then a unique index may hold it many times).
        null: bool,
    },
}

/// A chosen way to run a query.
#[derive(Debug)]
pub(crate) struct Strategy<K> {
    source: Source<K>,
    /// The condition the source answers exactly (not checked again).
    used: Option<usize>,
    order: Vec<OrderKey>,
    /// Whether the source yields records in `order` (read backwards when `reverse`).
    streams: bool,
    reverse: bool,
}

impl<K: Key> Strategy<K> {
    /// The public description.
    pub(crate) fn describe<R: Record<Key = K>>(&self, query: &Criteria<'_, R>) -> Plan {
        let access = match &self.source {
            Source::Key { point: true, .. } => Access::KeyLookup(R::KEY_FIELD),
            Source::Key { low: Bound::Unbounded, high: Bound::Unbounded, .. } if self.used.is_none() => {
                Access::FullScan
            }
            Source::Key { .. } => Access::KeyRange(R::KEY_FIELD),
            Source::Index { index, point, .. } => {
                let field = R::INDEXES[*index].field();
                match (point, self.used) {
                    (Some(_), _) => Access::IndexLookup(field),
                    (None, Some(_)) => Access::IndexRange(field),
                    (None, None) => Access::IndexScan(field),
                }
            }
        };
        let sort = if self.streams {
            Vec::new()
        } else {
            self.order
                .iter()
                .map(|key| match key.sort {
                    Some(position) => (query.order[position].field, key.order),
                    None => (R::KEY_FIELD, key.order),
                })
                .collect()
        };
        Plan {
            access,
            reverse: self.streams && self.reverse,
            filters: query.conditions.len() - usize::from(self.used.is_some()) + query.filters.len(),
            sort,
            offset: query.offset,
            limit: query.limit,
            cursor: query.after.is_some(),
        }
    }
}

/// The total order of `query`: its sort fields without those fixed by a condition, then the key.
fn total_order<R: Record>(query: &Criteria<'_, R>) -> Vec<OrderKey> {
    let fixed = |field: &str| {
        query.conditions.iter().any(|condition| condition.field == field && condition.range.is_point())
    };
    let mut order = Vec::new();
    for (position, key) in query.order.iter().enumerate() {
        if key.source == FieldSource::Key {
            order.push(OrderKey { sort: None, order: key.order });
            return order;
        }
        if !fixed(key.field) {
            order.push(OrderKey { sort: Some(position), order: key.order });
        }
    }
    let last = order.last().map_or(Order::Asc, |key| key.order);
    order.push(OrderKey { sort: None, order: last });
    order
}

/// How useful a condition is as the source; `None` when it cannot be one.
fn score<R: Record>(query: &Criteria<'_, R>, position: usize) -> Option<u8> {
    let condition = &query.conditions[position];
    let point = condition.range.is_point();
    let bounded = condition.range.is_bounded();
    match condition.source {
        FieldSource::Key if condition.keys.is_some() => Some(if point {
            100
        } else if bounded {
            70
        } else {
            50
        }),
        FieldSource::Index(index) if index < R::INDEXES.len() => {
            let unique = R::INDEXES[index].is_unique();
            Some(match (point, unique, bounded) {
                (true, true, _) => 90,
                (true, false, _) => 80,
                (false, _, true) => 60,
                (false, _, false) => 40,
            })
        }
        _ => None,
    }
}

/// Chooses how to run `query`.
pub(crate) fn plan<R: Record>(query: &Criteria<'_, R>) -> Strategy<R::Key> {
    let order = total_order(query);
    let best = (0..query.conditions.len())
        .filter_map(|position| score(query, position).map(|score| (score, position)))
        .max_by_key(|&(score, position)| (score, std::cmp::Reverse(position)));
    let (source, used) = match best {
        Some((_, position)) => {
            let condition = &query.conditions[position];
            let source = match (condition.source, &condition.keys) {
                (FieldSource::Key, Some((low, high))) => {
                    Source::Key { low: low.clone(), high: high.clone(), point: condition.range.is_point() }
                }
                (FieldSource::Index(index), _) => Source::Index {
                    index,
                    bounds: condition.range.entry_bounds(),
                    point: match &condition.range.low {
                        Bound::Included(value) if condition.range.is_point() => Some(value.clone()),
                        _ => None,
                    },
                    null: condition.null,
                },
                _ => unreachable_source(),
            };
            (source, Some(position))
        }
        None => {
            let first_index = order.first().and_then(|key| key.sort).and_then(|position| {
                match query.order[position].source {
                    FieldSource::Index(index) if index < R::INDEXES.len() => Some(index),
                    _ => None,
                }
            });
            let source = match first_index {
                Some(index) => Source::Index {
                    index,
                    bounds: Some((Bound::Unbounded, Bound::Unbounded)),
                    point: None,
                    null: false,
                },
                None => Source::Key { low: Bound::Unbounded, high: Bound::Unbounded, point: false },
            };
            (source, None)
        }
    };
    // The order the source yields, each field in the same direction.
    let natural: Vec<Option<usize>> = match &source {
        Source::Key { .. } | Source::Index { point: Some(_), .. } => vec![None],
        Source::Index { index, .. } => vec![Some(*index), None],
    };
    let direction = order.first().map_or(Order::Asc, |key| key.order);
    let same_direction = order.iter().all(|key| key.order == direction);
    let matches_natural = order.len() == natural.len()
        && order.iter().zip(&natural).all(|(key, natural)| {
            let index = key.sort.and_then(|position| match query.order[position].source {
                FieldSource::Index(index) => Some(index),
                _ => None,
            });
            match (key.sort, natural) {
                (None, None) => true,
                (Some(_), Some(natural)) => index == Some(*natural),
                _ => false,
            }
        });
    let single = matches!(source, Source::Key { point: true, .. })
        || matches!(&source, Source::Index { index, point: Some(_), null: false, .. } if R::INDEXES[*index].is_unique());
    let streams = single || (same_direction && matches_natural);
    Strategy { source, used, order, streams, reverse: streams && !single && direction == Order::Desc }
}

/// A condition chosen as the source is always a key or index condition.
fn unreachable_source<K>() -> Source<K> {
    Source::Key { low: Bound::Unbounded, high: Bound::Unbounded, point: false }
}

/// The sort key of `record` under `order`, appended to `out`.
fn sort_key<R: Record>(query: &Criteria<'_, R>, order: &[OrderKey], record: &R, out: &mut Vec<u8>) {
    for key in order {
        let start = out.len();
        match key.sort {
            Some(position) => (query.order[position].encode)(record, out),
            None => record.key().encode(out),
        }
        if key.order == Order::Desc {
            for byte in &mut out[start..] {
                *byte = !*byte;
            }
        }
    }
}

/// Whether `record` passes every condition but the source's, and every filter.
fn passes<R: Record>(
    query: &Criteria<'_, R>,
    used: Option<usize>,
    record: &R,
    scratch: &mut Vec<u8>,
) -> bool {
    for (position, condition) in query.conditions.iter().enumerate() {
        if Some(position) == used {
            continue;
        }
        scratch.clear();
        (condition.encode)(record, scratch);
        if !condition.range.contains(scratch) {
            return false;
        }
    }
    query.filters.iter().all(|filter| filter(record))
}

fn tighter_low<T: Ord>(current: Bound<T>, candidate: Bound<T>) -> Bound<T> {
    let current_value = match &current {
        Bound::Included(value) | Bound::Excluded(value) => value,
        Bound::Unbounded => return candidate,
    };
    match &candidate {
        Bound::Included(value) | Bound::Excluded(value) if value >= current_value => candidate,
        _ => current,
    }
}

fn tighter_high<T: Ord>(current: Bound<T>, candidate: Bound<T>) -> Bound<T> {
    let current_value = match &current {
        Bound::Included(value) | Bound::Excluded(value) => value,
        Bound::Unbounded => return candidate,
    };
    match &candidate {
        Bound::Included(value) | Bound::Excluded(value) if value <= current_value => candidate,
        _ => current,
    }
}

fn valid_range<T: Ord>(low: &Bound<T>, high: &Bound<T>) -> bool {
    match (low, high) {
        (Bound::Included(low), Bound::Included(high)) => low <= high,
        (Bound::Included(low) | Bound::Excluded(low), Bound::Included(high) | Bound::Excluded(high)) => {
            low < high
        }
        _ => true,
    }
}

/// The records of the source, in its order (backwards when `reverse`), starting after `seek` when given.
fn source_records<'a, R: Record>(
    table: &'a TableData<R>,
    source: &Source<R::Key>,
    reverse: bool,
    seek: Option<&[u8]>,
) -> Box<dyn Iterator<Item = &'a R> + 'a> {
    match source {
        Source::Key { low, high, .. } => {
            let (mut low, mut high) = (low.clone(), high.clone());
            if let Some(mut seek) = seek {
                if let Some(key) = R::Key::decode(&mut seek) {
                    if reverse {
                        high = tighter_high(high, Bound::Excluded(key));
                    } else {
                        low = tighter_low(low, Bound::Excluded(key));
                    }
                }
            }
            if !valid_range(&low, &high) {
                return Box::new(std::iter::empty());
            }
            let range = table.range((low, high));
            if reverse {
                Box::new(range.rev())
            } else {
                Box::new(range)
            }
        }
        Source::Index { index, bounds, point, null } => {
            if let (Some(value), false) = (point, null) {
                if R::INDEXES[*index].is_unique() {
                    // One probe of the unique index's hash map.
                    let record = table.indexes[*index].unique_lookup(value).and_then(|key| table.get(key));
                    return Box::new(record.into_iter().map(|record| &**record));
                }
            }
            let Some((mut low, mut high)) = bounds.clone() else {
                return Box::new(std::iter::empty());
            };
            if let Some(seek) = seek {
                // For a one-value source the cursor holds only the key: prefix it with the value.
                let entry = match point {
                    Some(value) => [value.as_slice(), seek].concat(),
                    None => seek.to_vec(),
                };
                if reverse {
                    high = tighter_high(high, Bound::Excluded(entry));
                } else {
                    low = tighter_low(low, Bound::Excluded(entry));
                }
            }
            if !valid_range(&low, &high) {
                return Box::new(std::iter::empty());
            }
            let range = table.indexes[*index]
                .range((low, high))
                .filter_map(move |(_, key)| table.get(key).map(|record| &**record));
            if reverse {
                Box::new(range.rev())
            } else {
                Box::new(range)
            }
        }
    }
}

/// Runs `query` over `table`, returning at most `limit` records and the cursor after the last one when more remain.
pub(crate) fn run<R: Record>(
    table: &TableData<R>,
    query: &Criteria<'_, R>,
    limit: Option<usize>,
) -> (Vec<R>, Option<Cursor>) {
    let strategy = plan(query);
    let mut scratch = Vec::new();
    let cursor = query.after.as_ref().map(|cursor| cursor.0.as_slice());
    let wanted = limit.unwrap_or(usize::MAX);
    if wanted == 0 {
        return (Vec::new(), None);
    }

    if strategy.streams {
        // The source's order is the query's: un-invert a descending cursor to seek with it.
        let seek = cursor.map(|cursor| {
            if strategy.reverse {
                cursor.iter().map(|byte| !byte).collect::<Vec<u8>>()
            } else {
                cursor.to_vec()
            }
        });
        let mut skipped = 0;
        let mut items: Vec<&R> = Vec::new();
        let mut more = false;
        for record in source_records(table, &strategy.source, strategy.reverse, seek.as_deref()) {
            if !passes(query, strategy.used, record, &mut scratch) {
                continue;
            }
            if skipped < query.offset {
                skipped += 1;
                continue;
            }
            if items.len() == wanted {
                more = true;
                break;
            }
            items.push(record);
        }
        let next = match (more, items.last()) {
            (true, Some(last)) => {
                let mut key = Vec::new();
                sort_key(query, &strategy.order, last, &mut key);
                Some(Cursor(key))
            }
            _ => None,
        };
        return (items.into_iter().cloned().collect(), next);
    }

    // Sort keys of up to 24 bytes (most) stay inline: no allocation per candidate.
    let mut candidates: Vec<(SmallVec<[u8; 24]>, &R)> = Vec::new();
    let mut key = Vec::new();
    for record in source_records(table, &strategy.source, false, None) {
        if !passes(query, strategy.used, record, &mut scratch) {
            continue;
        }
        key.clear();
        sort_key(query, &strategy.order, record, &mut key);
        if cursor.is_some_and(|cursor| key.as_slice() <= cursor) {
            continue;
        }
        candidates.push((SmallVec::from_slice(&key), record));
    }
    let needed = query.offset.saturating_add(wanted).saturating_add(1);
    if candidates.len() > needed {
        candidates.select_nth_unstable_by(needed - 1, |a, b| a.0.cmp(&b.0));
        candidates.truncate(needed);
    }
    candidates.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut page = candidates.into_iter().skip(query.offset);
    let items: Vec<(SmallVec<[u8; 24]>, &R)> = page.by_ref().take(wanted).collect();
    let more = page.next().is_some();
    let next = match (more, items.last()) {
        (true, Some((key, _))) => Some(Cursor(key.to_vec())),
        _ => None,
    };
    (items.into_iter().map(|(_, record)| record.clone()).collect(), next)
}

/// Counts the records of `table` matching `query`'s conditions and filters.
pub(crate) fn count<R: Record>(table: &TableData<R>, query: &Criteria<'_, R>) -> usize {
    let strategy = plan(query);
    if query.conditions.is_empty() && query.filters.is_empty() {
        return table.len();
    }
    let mut scratch = Vec::new();
    source_records(table, &strategy.source, false, None)
        .filter(|record| passes(query, strategy.used, record, &mut scratch))
        .count()
}
