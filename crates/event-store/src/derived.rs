//! Tables derived from the log, for analysts: written next to the events, after a run, from
//! what the log folds into (residents, card records, measures, notifications), so that a
//! question is one `SELECT` instead of a replay of forty event types.
//!
//! They are **not the log**: the events and the run's metadata are the record, and these
//! tables can always be rebuilt from them (the log hash does not cover them, and replay never
//! reads them). Each is replaced whole in one transaction, so a table is either the previous
//! one or the new one, never half of each. The store knows nothing of what the rows mean: a
//! [`TableSpec`] names the columns, their types and what each holds, and the caller streams the
//! rows (the simulator builds them; docs/analysis.md documents them).

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{OptionalExtension, ToSql, params_from_iter};

use crate::{EventRecord, EventStore, STORE_TABLES, StoreError};

/// The SQL type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// A whole number (counts, indexes, booleans as 0/1).
    Integer,
    /// Text: ids, machine names, dates as `YYYY-MM-DD`, times as `YYYY-MM-DDTHH:MM`.
    Text,
    /// 0 or 1.
    Boolean,
}

impl ColumnType {
    fn sql(self) -> &'static str {
        match self {
            ColumnType::Integer | ColumnType::Boolean => "INTEGER",
            ColumnType::Text => "TEXT",
        }
    }
}

/// One column of a derived table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Its name: lower snake case.
    pub name: &'static str,
    /// Its type.
    pub kind: ColumnType,
    /// What it holds, for the documentation.
    pub doc: &'static str,
}

/// A derived table: its name, what a row is, and its columns in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSpec {
    /// The table's name (lower snake case, not `events`, `run_meta` or a name SQLite reserves).
    pub name: &'static str,
    /// What one row is.
    pub doc: &'static str,
    /// The columns.
    pub columns: &'static [Column],
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// No value (SQL NULL).
    Null,
    /// An integer (or a boolean as 0/1).
    Int(i64),
    /// Text.
    Text(String),
}

impl ToSql for Cell {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Cell::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Cell::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Cell::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

/// Whether `name` is plain (lower snake case), so it needs no escaping in SQL.
fn plain(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A derived table's name must be plain and none of the store's own tables and views
/// ([`STORE_TABLES`]) nor SQLite's.
fn check_name(name: &str) -> Result<(), StoreError> {
    if !plain(name) || STORE_TABLES.contains(&name) || name.starts_with("sqlite_") {
        return Err(StoreError::Derived {
            reason: format!("`{name}` cannot be the name of a derived table"),
        });
    }
    Ok(())
}

/// `"name"`: an identifier quoted for SQL (names are checked to be plain anyway).
fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

impl EventStore {
    /// Replaces the derived table `spec` with `rows`, in one transaction: the table as it was,
    /// or all of the new rows. Each row must have one cell per column. Returns the number of
    /// rows written. The events and the run's metadata are not touched.
    pub fn write_derived(
        &mut self,
        spec: &TableSpec,
        rows: impl IntoIterator<Item = Vec<Cell>>,
    ) -> Result<u64, StoreError> {
        self.replace_derived(spec, |insert| rows.into_iter().try_for_each(insert))
    }

    /// Replaces the derived table `spec` like [`EventStore::write_derived`], with rows made
    /// from this log's own events as they are read: `rows_of` turns each event, in `global_seq`
    /// order, into none, one or several rows (pushed onto the vector it is given). The events
    /// are read and the rows inserted in the same transaction, one event at a time, so a table
    /// derived from a log of any length is written in bounded memory, and it is the table as
    /// it was or all of the new rows. Reading checks the log as [`EventStore::for_each`] does.
    pub fn write_derived_from_events<E, F>(
        &mut self,
        spec: &TableSpec,
        mut rows_of: F,
    ) -> Result<u64, E>
    where
        E: From<StoreError>,
        F: FnMut(EventRecord, &mut Vec<Vec<Cell>>) -> Result<(), E>,
    {
        let mut rows = Vec::new();
        self.replace_derived(spec, |insert| {
            self.for_each(|record| {
                rows_of(record, &mut rows)?;
                rows.drain(..).try_for_each(&mut *insert)?;
                Ok::<(), E>(())
            })
        })
    }

    /// Drops and re-creates the table `spec` and inserts the rows `fill` hands to the inserter
    /// it is given, all in one transaction, committed only if `fill` and every insert succeed.
    /// Returns the number of rows written.
    fn replace_derived<E: From<StoreError>>(
        &self,
        spec: &TableSpec,
        fill: impl FnOnce(&mut dyn FnMut(Vec<Cell>) -> Result<(), StoreError>) -> Result<(), E>,
    ) -> Result<u64, E> {
        check_name(spec.name)?;
        if let Some(c) = spec.columns.iter().find(|c| !plain(c.name)) {
            return Err(StoreError::Derived {
                reason: format!("`{}` cannot be the name of a column", c.name),
            }
            .into());
        }
        let table = quoted(spec.name);
        let columns: Vec<String> = spec
            .columns
            .iter()
            .map(|c| {
                let check = match c.kind {
                    ColumnType::Boolean => format!(" CHECK ({} IN (0, 1))", quoted(c.name)),
                    _ => String::new(),
                };
                format!("{} {}{check}", quoted(c.name), c.kind.sql())
            })
            .collect();
        // Unchecked only in that it takes `&self`: the public callers hold `&mut self`, so no
        // other transaction of this store can be open.
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(StoreError::from)?;
        tx.execute_batch(&format!(
            "DROP TABLE IF EXISTS {table};\nCREATE TABLE {table} ({}) STRICT;",
            columns.join(", ")
        ))
        .map_err(StoreError::from)?;
        let mut written = 0u64;
        {
            let marks = vec!["?"; spec.columns.len()].join(", ");
            let mut insert = tx
                .prepare(&format!("INSERT INTO {table} VALUES ({marks})"))
                .map_err(StoreError::from)?;
            fill(&mut |row: Vec<Cell>| {
                if row.len() != spec.columns.len() {
                    return Err(StoreError::Derived {
                        reason: format!(
                            "a row of `{}` has {} cells for {} columns",
                            spec.name,
                            row.len(),
                            spec.columns.len()
                        ),
                    });
                }
                insert.execute(params_from_iter(row.iter()))?;
                written += 1;
                Ok(())
            })?;
        }
        tx.commit().map_err(StoreError::from)?;
        Ok(written)
    }

    /// Whether the derived table `name` exists in this log.
    pub fn has_derived(&self, name: &str) -> Result<bool, StoreError> {
        check_name(name)?;
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                [name],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Reads the derived table `spec` row by row, in the order written, handing each to `f`.
    /// The table must have `spec`'s columns (a log written by another version may not: then
    /// this is an error, and the caller rebuilds the rows from the events).
    pub fn read_derived<E, F>(&self, spec: &TableSpec, mut f: F) -> Result<(), E>
    where
        E: From<StoreError>,
        F: FnMut(Vec<Cell>) -> Result<(), E>,
    {
        check_name(spec.name)?;
        let names: Vec<String> = spec.columns.iter().map(|c| quoted(c.name)).collect();
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {} FROM {} ORDER BY rowid",
                names.join(", "),
                quoted(spec.name)
            ))
            .map_err(StoreError::from)?;
        let mut rows = stmt.query([]).map_err(StoreError::from)?;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            let mut cells = Vec::with_capacity(spec.columns.len());
            for i in 0..spec.columns.len() {
                cells.push(cell(row.get_ref(i).map_err(StoreError::from)?));
            }
            f(cells)?;
        }
        Ok(())
    }

    /// Runs one read-only SQL statement an analyst wrote (a `SELECT` over the events, the
    /// readable view or the derived tables) and hands each row to `f`. A statement that would
    /// write is refused before it runs: reading a log never changes it.
    pub fn select<E, F>(&self, sql: &str, mut f: F) -> Result<(), E>
    where
        E: From<StoreError>,
        F: FnMut(Vec<Cell>) -> Result<(), E>,
    {
        let mut stmt = self.conn.prepare(sql).map_err(StoreError::from)?;
        if !stmt.readonly() {
            return Err(StoreError::Derived {
                reason: "only a statement that reads (SELECT) can be run on a log".into(),
            }
            .into());
        }
        let n = stmt.column_count();
        let mut rows = stmt.query([]).map_err(StoreError::from)?;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            let mut cells = Vec::with_capacity(n);
            for i in 0..n {
                cells.push(cell(row.get_ref(i).map_err(StoreError::from)?));
            }
            f(cells)?;
        }
        Ok(())
    }
}

/// A stored value as a cell (a real or a blob, which derived tables never hold, as text).
fn cell(v: ValueRef<'_>) -> Cell {
    match v {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(v) => Cell::Int(v),
        ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Real(v) => Cell::Text(v.to_string()),
        ValueRef::Blob(b) => Cell::Text(b.iter().map(|x| format!("{x:02x}")).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: TableSpec = TableSpec {
        name: "people",
        doc: "one row per person",
        columns: &[
            Column {
                name: "id",
                kind: ColumnType::Text,
                doc: "",
            },
            Column {
                name: "visits",
                kind: ColumnType::Integer,
                doc: "",
            },
            Column {
                name: "usable",
                kind: ColumnType::Boolean,
                doc: "",
            },
        ],
    };

    fn rows(n: i64) -> Vec<Vec<Cell>> {
        (0..n)
            .map(|i| vec![Cell::Text(format!("R{i}")), Cell::Int(i), Cell::Int(i % 2)])
            .collect()
    }

    fn read(store: &EventStore) -> Vec<Vec<Cell>> {
        let mut out = Vec::new();
        store
            .read_derived(&SPEC, |r| {
                out.push(r);
                Ok::<(), StoreError>(())
            })
            .unwrap();
        out
    }

    #[test]
    fn a_derived_table_is_replaced_whole_and_read_back_in_order() {
        let mut store = EventStore::open_in_memory().unwrap();
        assert!(!store.has_derived("people").unwrap());
        assert_eq!(store.write_derived(&SPEC, rows(3)).unwrap(), 3);
        assert_eq!(read(&store), rows(3));
        store.write_derived(&SPEC, rows(2)).unwrap();
        assert_eq!(read(&store), rows(2), "replaced, not appended");
        assert!(store.has_derived("people").unwrap());
        assert_eq!(store.count().unwrap(), 0, "the events are untouched");
    }

    #[test]
    fn a_bad_row_leaves_the_previous_table() {
        let mut store = EventStore::open_in_memory().unwrap();
        store.write_derived(&SPEC, rows(2)).unwrap();
        let mut bad = rows(3);
        bad[2].pop();
        assert!(store.write_derived(&SPEC, bad).is_err());
        assert_eq!(read(&store), rows(2));
        // A boolean column takes only 0 or 1.
        let not_bool = vec![vec![Cell::Text("x".into()), Cell::Int(1), Cell::Int(2)]];
        assert!(store.write_derived(&SPEC, not_bool).is_err());
        assert_eq!(read(&store), rows(2));
    }

    /// Event `n` of resident `resident`'s bureau stream (its version `version`).
    fn event(n: u64, resident: u32, version: u32) -> crate::NewEvent {
        use model::envelope::StreamId;
        crate::NewEvent {
            record: EventRecord {
                global_seq: 0,
                event_id: uuid::Uuid::from_u64_pair(n, 1),
                stream: StreamId {
                    service: model::service::Service::ImmigrationBureau,
                    resident: model::ids::ResidentId(resident),
                },
                stream_version: version,
                event_type: "PeriodOfStayExtended".into(),
                schema_version: 2,
                occurred_at: chrono::NaiveDate::from_ymd_opt(2026, 7, 1)
                    .and_then(|d| d.and_hms_opt(9, 0, 0))
                    .expect("time"),
                effective_on: None,
                correlation_id: uuid::Uuid::from_u64_pair(2, n),
                causation_id: None,
                payload: Vec::new(),
            },
            expected_version: version - 1,
        }
    }

    #[test]
    fn a_table_derived_from_the_events_gets_each_event_s_rows_in_order_or_none() {
        let mut store = EventStore::open_in_memory().unwrap();
        let batch: Vec<_> = (1..=4)
            .map(|n| event(n, n as u32 % 2, 1 + (n as u32 - 1) / 2))
            .collect();
        store.append(&batch).unwrap();
        // Resident 1's events give one row each, resident 0's two.
        let rows_of = |rec: EventRecord, rows: &mut Vec<Vec<Cell>>| {
            let who = rec.stream.resident.0;
            for copy in 0..=(1 - who) {
                rows.push(vec![
                    Cell::Text(format!("R{who}")),
                    Cell::Int(rec.global_seq as i64),
                    Cell::Int(i64::from(copy)),
                ]);
            }
            Ok::<(), StoreError>(())
        };
        assert_eq!(store.write_derived_from_events(&SPEC, rows_of).unwrap(), 6);
        let got: Vec<(String, i64)> = read(&store)
            .into_iter()
            .map(|r| match (&r[0], &r[1]) {
                (Cell::Text(who), Cell::Int(seq)) => (who.clone(), *seq),
                other => panic!("{other:?}"),
            })
            .collect();
        let want: Vec<(String, i64)> = [
            ("R1", 1),
            ("R0", 2),
            ("R0", 2),
            ("R1", 3),
            ("R0", 4),
            ("R0", 4),
        ]
        .into_iter()
        .map(|(w, s)| (w.to_owned(), s))
        .collect();
        assert_eq!(got, want);
        // A failure while reading leaves the table as it was, whole.
        let failing = |rec: EventRecord, rows: &mut Vec<Vec<Cell>>| {
            if rec.global_seq == 3 {
                return Err(StoreError::Derived {
                    reason: "stop".into(),
                });
            }
            rows.push(vec![Cell::Text("x".into()), Cell::Int(0), Cell::Int(0)]);
            Ok(())
        };
        assert!(store.write_derived_from_events(&SPEC, failing).is_err());
        assert_eq!(read(&store).len(), 6);
        assert_eq!(store.count().unwrap(), 4, "the events are untouched");
    }

    #[test]
    fn an_analyst_s_select_reads_and_a_write_is_refused() {
        let mut store = EventStore::open_in_memory().unwrap();
        store.write_derived(&SPEC, rows(3)).unwrap();
        let mut seen = Vec::new();
        store
            .select("SELECT id, visits FROM people WHERE usable = 1", |r| {
                seen.push(r);
                Ok::<(), StoreError>(())
            })
            .unwrap();
        assert_eq!(seen, vec![vec![Cell::Text("R1".into()), Cell::Int(1)]]);
        let write = store.select("DELETE FROM people", |_| Ok::<(), StoreError>(()));
        assert!(
            matches!(write, Err(StoreError::Derived { .. })),
            "{write:?}"
        );
        assert_eq!(read(&store).len(), 3, "nothing was deleted");
    }

    #[test]
    fn the_store_s_own_tables_cannot_be_replaced() {
        let mut store = EventStore::open_in_memory().unwrap();
        for name in STORE_TABLES
            .iter()
            .copied()
            .chain(["sqlite_master", "Bad Name", ""])
        {
            let spec = TableSpec { name, ..SPEC };
            assert!(store.write_derived(&spec, rows(1)).is_err(), "{name}");
        }
    }
}
