//! [`Plan`]: how a query runs, as [`TableQuery::explain`](super::TableQuery::explain) reports it.

use std::fmt;

use super::criteria::Order;

/// How a query reads its table, from [`Plan::access`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Access {
    /// One primary key, looked up.
    KeyLookup(&'static str),
    /// A range of primary keys.
    KeyRange(&'static str),
    /// Every record, in primary key order.
    FullScan,
    /// One value of an indexed field.
    IndexLookup(&'static str),
    /// A range of values of an indexed field.
    IndexRange(&'static str),
    /// A whole index, read for its order.
    IndexScan(&'static str),
}

/// How a query runs, from [`TableQuery::explain`](super::TableQuery::explain). Its `Display` reads like
/// ``index range on `age`, reversed; 1 filter; limit 10``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub(crate) access: Access,
    pub(crate) reverse: bool,
    pub(crate) filters: usize,
    pub(crate) sort: Vec<(&'static str, Order)>,
    pub(crate) offset: usize,
    pub(crate) limit: Option<usize>,
    pub(crate) cursor: bool,
}

impl Plan {
    /// How the table is read.
    pub fn access(&self) -> Access {
        self.access
    }

    /// The field whose index (or primary key) the query reads; `None` for a full scan.
    pub fn index(&self) -> Option<&'static str> {
        match self.access {
            Access::FullScan => None,
            Access::KeyLookup(field)
            | Access::KeyRange(field)
            | Access::IndexLookup(field)
            | Access::IndexRange(field)
            | Access::IndexScan(field) => Some(field),
        }
    }

    /// Whether the index is read backwards (for a descending order).
    pub fn is_reversed(&self) -> bool {
        self.reverse
    }

    /// How many conditions and predicates are checked record by record.
    pub fn filters(&self) -> usize {
        self.filters
    }

    /// Whether results are sorted in memory rather than read in order from the index.
    pub fn sorts_in_memory(&self) -> bool {
        !self.sort.is_empty()
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.access {
            Access::KeyLookup(field) => write!(f, "key lookup on `{field}`")?,
            Access::KeyRange(field) => write!(f, "key range on `{field}`")?,
            Access::FullScan => f.write_str("full scan")?,
            Access::IndexLookup(field) => write!(f, "index lookup on `{field}`")?,
            Access::IndexRange(field) => write!(f, "index range on `{field}`")?,
            Access::IndexScan(field) => write!(f, "index scan on `{field}`")?,
        }
        if self.reverse {
            f.write_str(", reversed")?;
        }
        match self.filters {
            0 => {}
            1 => f.write_str("; 1 filter")?,
            n => write!(f, "; {n} filters")?,
        }
        if !self.sort.is_empty() {
            f.write_str("; sort by ")?;
            for (position, (field, order)) in self.sort.iter().enumerate() {
                let separator = if position == 0 { "" } else { ", " };
                let order = match order {
                    Order::Asc => "asc",
                    Order::Desc => "desc",
                };
                write!(f, "{separator}`{field}` {order}")?;
            }
        }
        if self.cursor {
            f.write_str("; after cursor")?;
        }
        if self.offset > 0 {
            write!(f, "; offset {}", self.offset)?;
        }
        if let Some(limit) = self.limit {
            write!(f, "; limit {limit}")?;
        }
        Ok(())
    }
}
