//! The key-value space's entries as plain data: [`KvData`] (the entries, and the expiring ones by
//! deadline for the sweep), [`KvEntry`], and the wall clock expiry is measured on. The [`Kv`](super::Kv)
//! handle works on them through the store's lock; recovery and snapshots read and build them directly.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;

/// How many expired entries one sweep removes at most.
pub(crate) const SWEEP_LIMIT: usize = 1000;

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_millis() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_millis() as u64)
}

/// One key-value entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KvEntry {
    pub(crate) value: Bytes,
    /// Milliseconds since the Unix epoch after which the entry is gone.
    pub(crate) expires_at: Option<u64>,
}

impl KvEntry {
    fn live(&self, now: u64) -> bool {
        self.expires_at.is_none_or(|at| at > now)
    }
}

/// The entries, and the expiring ones ordered by deadline for the sweep.
#[derive(Debug, Default)]
pub(crate) struct KvData {
    entries: BTreeMap<String, KvEntry>,
    expiry: BTreeSet<(u64, String)>,
}

impl KvData {
    /// The live entry for `key`.
    pub(crate) fn get(&self, key: &str, now: u64) -> Option<&KvEntry> {
        self.entries.get(key).filter(|entry| entry.live(now))
    }

    /// Sets `key`; returns the previous entry, live or not.
    pub(crate) fn put(&mut self, key: String, entry: KvEntry) -> Option<KvEntry> {
        let previous = self.remove(&key);
        if let Some(at) = entry.expires_at {
            self.expiry.insert((at, key.clone()));
        }
        self.entries.insert(key, entry);
        previous
    }

    /// Removes `key`; returns the entry, live or not.
    pub(crate) fn remove(&mut self, key: &str) -> Option<KvEntry> {
        let entry = self.entries.remove(key)?;
        if let Some(at) = entry.expires_at {
            self.expiry.remove(&(at, key.to_owned()));
        }
        Some(entry)
    }

    /// The earliest deadline, if any entry expires.
    pub(crate) fn next_expiry(&self) -> Option<u64> {
        self.expiry.first().map(|(at, _)| *at)
    }

    /// Removes up to `limit` entries expired by `now`; returns how many.
    pub(crate) fn sweep(&mut self, now: u64, limit: usize) -> usize {
        let mut removed = 0;
        while removed < limit {
            let Some((at, key)) = self.expiry.first().cloned() else {
                break;
            };
            if at > now {
                break;
            }
            self.expiry.remove(&(at, key.clone()));
            if self.entries.get(&key).is_some_and(|entry| entry.expires_at == Some(at)) {
                self.entries.remove(&key);
                removed += 1;
            }
        }
        removed
    }

    /// Live entries whose key starts with `prefix`, in key order.
    pub(crate) fn scan<'a>(
        &'a self,
        prefix: &'a str,
        now: u64,
    ) -> impl Iterator<Item = (&'a String, &'a KvEntry)> + 'a {
        self.entries
            .range::<str, _>((std::ops::Bound::Included(prefix), std::ops::Bound::Unbounded))
            .take_while(move |(key, _)| key.starts_with(prefix))
            .filter(move |(_, entry)| entry.live(now))
    }

    /// Every entry, live or not, in key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&String, &KvEntry)> {
        self.entries.iter()
    }

    /// How many entries are held, expired ones not swept yet included.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}
