//! [`Replay`]: the state rebuilt by applying logged operations, shared by recovery (which replays the
//! logs) and snapshots (whose batches are operations too).

use std::collections::BTreeMap;

use super::format::Op;
use crate::store::kv_data::{now_millis, KvEntry};
use crate::store::rows::RawTable;
use crate::store::state::State;

/// Builds the state by applying operations, type-free: records stay JSON until their table is opened.
#[derive(Debug, Default)]
pub(crate) struct Replay {
    pub(crate) tables: BTreeMap<String, RawTable>,
    pub(crate) kv: BTreeMap<String, KvEntry>,
}

impl Replay {
    /// Applies one operation.
    pub(crate) fn apply(&mut self, op: Op<'_>) {
        match op {
            Op::Put { table, key, value, sequence } => {
                let table = self.table(table);
                table.sequence = table.sequence.max(sequence);
                table.rows.insert(key.to_vec(), value.to_vec());
            }
            Op::Delete { table, key } => {
                self.table(table).rows.remove(key);
            }
            Op::KvSet { key, value, expires_at } => {
                self.kv.insert(
                    key.to_owned(),
                    KvEntry { value: bytes::Bytes::copy_from_slice(value), expires_at },
                );
            }
            Op::KvDelete { key } => {
                self.kv.remove(key);
            }
            Op::Table { table, sequence } => {
                let table = self.table(table);
                table.sequence = table.sequence.max(sequence);
            }
        }
    }

    fn table(&mut self, name: &str) -> &mut RawTable {
        if !self.tables.contains_key(name) {
            self.tables.insert(name.to_owned(), RawTable::default());
        }
        self.tables.get_mut(name).expect("the table was inserted just above")
    }

    /// The state: tables stay raw until opened; expired entries are dropped.
    pub(crate) fn into_state(self) -> State {
        let mut state = State { raw: self.tables.into_iter().collect(), ..State::default() };
        let now = now_millis();
        for (key, entry) in self.kv {
            if entry.expires_at.is_none_or(|at| at > now) {
                state.kv.put(key, entry);
            }
        }
        state
    }
}
