//! [`State`]: everything the store holds in memory, behind its one lock: typed tables, tables recovered
//! from disk but not opened yet, and the key-value entries.

use std::any::{Any, TypeId};
use std::collections::HashMap;

use super::encoding::encoded;
use super::error::{ErrorKind, StoreError};
use super::kv_data::KvData;
use super::log::format::OpsWriter;
use super::record::Record;
use super::rows::{RawTable, RowUndo, TableData};

/// A typed table, seen without its type.
pub(crate) trait AnyTable: Send + Sync {
    /// The table, to downcast to `TableData<R>`.
    fn as_any(&self) -> &dyn Any;
    /// The table, to downcast to `TableData<R>`.
    fn as_any_mut(&mut self) -> &mut dyn Any;
    /// The record type's `TypeId`.
    fn record_type(&self) -> TypeId;
    /// The record type's name, for messages.
    fn record_type_name(&self) -> &'static str;
    /// Reverts a change; `undo` is a `RowUndo<R>`.
    fn undo(&mut self, undo: Box<dyn Any>);
    /// Writes the table (name, sequence, every record) into a snapshot.
    fn snapshot(
        &self,
        name: &str,
        sink: &mut dyn FnMut(&mut OpsWriter) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
}

impl<R: Record> AnyTable for TableData<R> {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }

    fn record_type(&self) -> TypeId {
        TypeId::of::<R>()
    }

    fn record_type_name(&self) -> &'static str {
        std::any::type_name::<R>()
    }

    fn undo(&mut self, undo: Box<dyn Any>) {
        if let Ok(undo) = undo.downcast::<RowUndo<R>>() {
            TableData::undo(self, *undo);
        }
    }

    fn snapshot(
        &self,
        name: &str,
        sink: &mut dyn FnMut(&mut OpsWriter) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut ops = OpsWriter::default();
        ops.table(name, self.sequence);
        sink(&mut ops)?;
        for (key, record) in self.iter() {
            let mut ops = OpsWriter::default();
            let value = serde_json::to_vec(record)
                .map_err(|error| StoreError::serde(format!("a `{name}` record does not serialize"), error))?;
            ops.put(name, &encoded(key), &value, 0);
            sink(&mut ops)?;
        }
        Ok(())
    }
}

/// Everything in memory.
#[derive(Default)]
pub(crate) struct State {
    /// Opened tables; a [`Table`](super::Table) handle keeps its position here.
    pub(crate) tables: Vec<Box<dyn AnyTable>>,
    /// Table name to position in `tables`.
    pub(crate) by_name: HashMap<&'static str, usize>,
    /// Tables recovered from disk and not opened yet, by name.
    pub(crate) raw: HashMap<String, RawTable>,
    /// The key-value entries.
    pub(crate) kv: KvData,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("tables", &self.by_name.keys().collect::<Vec<_>>())
            .field("raw", &self.raw.keys().collect::<Vec<_>>())
            .field("kv", &self.kv.len())
            .finish()
    }
}

impl State {
    /// The position of table `R`, opening it (decoding recovered rows) on first use.
    ///
    /// # Errors
    /// [`ErrorKind::TableMismatch`] when another record type uses the same table name; a decoding error
    /// when recovered records do not fit `R`.
    pub(crate) fn open<R: Record>(&mut self) -> Result<usize, StoreError> {
        if let Some(&slot) = self.by_name.get(R::TABLE) {
            let table = &self.tables[slot];
            if table.record_type() != TypeId::of::<R>() {
                return Err(StoreError::new(
                    ErrorKind::TableMismatch,
                    format!(
                        "table `{}` holds `{}` records, not `{}`",
                        R::TABLE,
                        table.record_type_name(),
                        std::any::type_name::<R>()
                    ),
                )
                .in_table(R::TABLE));
            }
            return Ok(slot);
        }
        let table = match self.raw.get(R::TABLE) {
            Some(raw) => {
                let table = TableData::<R>::from_raw(raw)?;
                self.raw.remove(R::TABLE);
                table
            }
            None => TableData::<R>::new(),
        };
        let slot = self.tables.len();
        self.tables.push(Box::new(table));
        self.by_name.insert(R::TABLE, slot);
        Ok(slot)
    }

    /// Table `R` at `slot`, as opened by [`State::open`].
    pub(crate) fn table<R: Record>(&self, slot: usize) -> &TableData<R> {
        self.tables[slot]
            .as_any()
            .downcast_ref()
            .expect("a table handle points at a table of its own record type")
    }

    /// Table `R` at `slot`, mutable.
    pub(crate) fn table_mut<R: Record>(&mut self, slot: usize) -> &mut TableData<R> {
        self.tables[slot]
            .as_any_mut()
            .downcast_mut()
            .expect("a table handle points at a table of its own record type")
    }
}
