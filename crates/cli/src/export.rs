//! `zairyu export DB`: the analysis tables of a stored run (residents, card records, measures,
//! notifications; docs/analysis.md) as CSV or JSON files, for pandas, DuckDB or a spreadsheet.
//! Reads the log without changing it: the tables `run` stored beside the events, or, in a log
//! that has none (or with `--as-of`), the same tables rebuilt from the events in memory.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::anyhow;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use event_store::derived::{Cell, TableSpec};
use serde_json::Value;
use simulator::analysis::{Run, TABLES, Tables};

use crate::commands::open_stored_run;
use crate::diag::Failure;
use crate::out::emit;

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One CSV file per table: a header line, then one line per row (RFC 4180 quoting; an
    /// empty field is a missing value).
    Csv,
    /// One JSON file per table: an array of objects, one per row (`null` for a missing value).
    Json,
}

impl ExportFormat {
    fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The SQLite log written by `zairyu run`; read, never changed.
    pub db: PathBuf,
    /// The file format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormat,
    /// Export only this table (repeatable): residents, card_records, measures, notifications.
    /// Default: all four.
    #[arg(long = "table", value_name = "NAME")]
    pub tables: Vec<String>,
    /// Also the card records at the end of this day (repeatable; rebuilt from the events).
    #[arg(long, value_name = "DATE")]
    pub as_of: Vec<NaiveDate>,
    /// Write DIR/<table>.csv (or .json) for each table. Without it, the one table asked for
    /// with --table is printed to standard output.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// A cell as CSV text (an empty field for a missing value).
fn csv_cell(c: &Cell) -> String {
    match c {
        Cell::Null => String::new(),
        Cell::Int(i) => i.to_string(),
        Cell::Text(s) => report::compare::csv_field(s),
    }
}

/// A table as CSV.
pub fn csv(spec: &TableSpec, rows: &[Vec<Cell>]) -> String {
    let mut out = String::new();
    let header: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
    out.push_str(&header.join(","));
    out.push('\n');
    for row in rows {
        let line: Vec<String> = row.iter().map(csv_cell).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// A table as a JSON array of objects, each with its keys in the table's column order (so
/// pandas and DuckDB see the columns as documented); booleans as true/false, as their column
/// says.
pub fn json(spec: &TableSpec, rows: &[Vec<Cell>]) -> String {
    use event_store::derived::ColumnType;
    let mut out = String::from("[");
    for (i, row) in rows.iter().enumerate() {
        out.push_str(if i == 0 { "\n  {" } else { ",\n  {" });
        for (j, (c, cell)) in spec.columns.iter().zip(row).enumerate() {
            let value = match (cell, c.kind) {
                (Cell::Null, _) => Value::Null,
                (Cell::Int(i), ColumnType::Boolean) => Value::Bool(*i != 0),
                (Cell::Int(i), _) => Value::from(*i),
                (Cell::Text(s), _) => Value::from(s.as_str()),
            };
            let sep = if j == 0 { "" } else { ", " };
            out.push_str(&format!("{sep}{}: {value}", Value::from(c.name)));
        }
        out.push('}');
    }
    out.push_str(if rows.is_empty() { "]\n" } else { "\n]\n" });
    out
}

/// `zairyu export`
pub fn export(a: &ExportArgs) -> Result<ExitCode, Failure> {
    let wanted: Vec<&'static TableSpec> = if a.tables.is_empty() {
        TABLES.to_vec()
    } else {
        a.tables
            .iter()
            .map(|t| {
                TABLES.iter().copied().find(|s| s.name == t).ok_or_else(|| {
                    let names: Vec<&str> = TABLES.iter().map(|s| s.name).collect();
                    Failure::Input(anyhow!("no table `{t}` (tables: {})", names.join(", ")))
                })
            })
            .collect::<Result<_, _>>()?
    };
    if a.out.is_none() && wanted.len() != 1 {
        return Err(Failure::Input(anyhow!(
            "give --out DIR to write every table, or one --table NAME to print it"
        )));
    }
    let (store, meta, policy) = open_stored_run(&a.db)?;
    for &day in &a.as_of {
        if day < meta.start || day > meta.until {
            return Err(Failure::Input(anyhow!(
                "--as-of {day} is outside the run ({} to {})",
                meta.start,
                meta.until
            )));
        }
    }
    let stored = if a.as_of.is_empty() {
        Tables::read(&store).map_err(|e| Failure::Run(e.into()))?
    } else {
        None
    };
    let tables = match stored {
        Some(t) => t,
        None => Tables::build(
            &store,
            &Run {
                start: meta.start,
                until: meta.until,
                policy: &policy,
                names: &meta.resident_names,
            },
            &a.as_of,
        )
        .map_err(|e| Failure::Run(anyhow!(e).context(format!("cannot read {}", a.db.display()))))?,
    };
    for (spec, rows) in &tables.rows {
        if !wanted.iter().any(|w| w.name == spec.name) {
            continue;
        }
        let text = match a.format {
            ExportFormat::Csv => csv(spec, rows),
            ExportFormat::Json => json(spec, rows),
        };
        let path = a
            .out
            .as_ref()
            .map(|dir| dir.join(format!("{}.{}", spec.name, a.format.extension())));
        emit(&text, path.as_deref())?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use event_store::derived::{Column, ColumnType};

    const SPEC: TableSpec = TableSpec {
        name: "t",
        doc: "",
        columns: &[
            Column {
                name: "id",
                kind: ColumnType::Text,
                doc: "",
            },
            Column {
                name: "n",
                kind: ColumnType::Integer,
                doc: "",
            },
            Column {
                name: "ok",
                kind: ColumnType::Boolean,
                doc: "",
            },
        ],
    };

    #[test]
    fn csv_quotes_what_needs_it_and_leaves_missing_values_empty() {
        let rows = vec![
            vec![Cell::Text("a, \"b\"".into()), Cell::Int(3), Cell::Int(1)],
            vec![Cell::Text("c".into()), Cell::Null, Cell::Int(0)],
        ];
        assert_eq!(csv(&SPEC, &rows), "id,n,ok\n\"a, \"\"b\"\"\",3,1\nc,,0\n");
        let v: Value = serde_json::from_str(&json(&SPEC, &rows)).unwrap();
        assert_eq!(v[0]["ok"], Value::Bool(true));
        assert_eq!(v[1]["n"], Value::Null);
        assert_eq!(v[0]["id"], "a, \"b\"");
        // The keys come in the column order, not sorted.
        let text = json(&SPEC, &rows);
        assert!(text.find("\"n\"") < text.find("\"ok\""), "{text}");
        assert!(text.find("\"ok\"").unwrap() > text.find("\"id\"").unwrap());
        assert_eq!(json(&SPEC, &[]), "[]\n");
    }
}
