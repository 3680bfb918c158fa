//! `zairyu export DB`: the analysis tables of a stored run (residents, card records, measures,
//! notifications; docs/analysis.md) as CSV, JSON or Parquet files, for pandas, DuckDB or a
//! spreadsheet.
//! Reads the log without changing it: the tables `run` stored beside the events, or, in a log
//! that has none (or with `--as-of`), the same tables rebuilt from the events in memory.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::anyhow;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use event_store::derived::{Cell, TableSpec};
use parquet::errors::ParquetError;
use report::Lang;
use report::labels::{self, Problem};
use serde_json::Value;
use simulator::analysis::{Run, TABLES, Tables};

use crate::commands::{cannot_read_log, open_stored_run, within_the_run};
use crate::diag::Failure;
use crate::out::{emit, write_file};

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One CSV file per table: a header line, then one line per row (RFC 4180 quoting; an
    /// empty field is a missing value).
    Csv,
    /// One JSON file per table: an array of objects, one per row (`null` for a missing value).
    Json,
    /// One Parquet file per table (needs --out): a column per table column, typed (64-bit
    /// integers, booleans, UTF-8 text), every column nullable, uncompressed, one row group.
    Parquet,
}

impl ExportFormat {
    fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
            ExportFormat::Parquet => "parquet",
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
    /// Write DIR/<table>.csv (or .json, .parquet) for each table. Without it, the one table
    /// asked for with --table is printed to standard output (CSV or JSON only).
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

/// A table as a Parquet file: one column per table column, in its order and with its name, as
/// an optional INT64, BOOLEAN or UTF-8 BYTE_ARRAY; a missing value is a null (definition level
/// 0). Uncompressed (the crate is built without codecs) and in one row group: a table of a run
/// is read whole.
pub fn parquet(spec: &TableSpec, rows: &[Vec<Cell>]) -> Result<Vec<u8>, ParquetError> {
    let columns: Vec<(&str, event_store::derived::ColumnType)> =
        spec.columns.iter().map(|c| (c.name, c.kind)).collect();
    parquet_of(spec.name, &columns, rows)
}

/// [`parquet`] of any table: its name, its columns (name and type) and its rows (`zairyu
/// sweep` writes its tidy table with it).
pub fn parquet_of(
    name: &str,
    columns: &[(&str, event_store::derived::ColumnType)],
    rows: &[Vec<Cell>],
) -> Result<Vec<u8>, ParquetError> {
    use event_store::derived::ColumnType;
    use parquet::basic::{LogicalType, Repetition, Type as Physical};
    use parquet::column::writer::ColumnWriter;
    use parquet::data_type::ByteArray;
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::types::Type;
    use std::sync::Arc;

    let fields = columns
        .iter()
        .map(|&(column, kind)| {
            let (physical, logical) = match kind {
                ColumnType::Integer => (Physical::INT64, None),
                ColumnType::Boolean => (Physical::BOOLEAN, None),
                ColumnType::Text => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
            };
            Type::primitive_type_builder(column, physical)
                .with_repetition(Repetition::OPTIONAL)
                .with_logical_type(logical)
                .build()
                .map(Arc::new)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let schema = Type::group_type_builder(name).with_fields(fields).build()?;
    let mut out = Vec::new();
    let mut writer = SerializedFileWriter::new(
        &mut out,
        Arc::new(schema),
        Arc::new(WriterProperties::builder().build()),
    )?;
    let mut group = writer.next_row_group()?;
    let mut index = 0;
    while let Some(mut column) = group.next_column()? {
        let cells = rows.iter().map(|r| &r[index]);
        let defined: Vec<i16> = cells.clone().map(|c| i16::from(*c != Cell::Null)).collect();
        let ints = || {
            cells.clone().filter_map(|c| match c {
                Cell::Int(i) => Some(*i),
                _ => None,
            })
        };
        match column.untyped() {
            ColumnWriter::Int64ColumnWriter(w) => {
                w.write_batch(&ints().collect::<Vec<_>>(), Some(&defined), None)?;
            }
            ColumnWriter::BoolColumnWriter(w) => {
                w.write_batch(
                    &ints().map(|i| i != 0).collect::<Vec<_>>(),
                    Some(&defined),
                    None,
                )?;
            }
            ColumnWriter::ByteArrayColumnWriter(w) => {
                let texts: Vec<ByteArray> = cells
                    .clone()
                    .filter_map(|c| match c {
                        Cell::Text(s) => Some(ByteArray::from(s.as_str())),
                        _ => None,
                    })
                    .collect();
                w.write_batch(&texts, Some(&defined), None)?;
            }
            _ => unreachable!("the schema above has only INT64, BOOLEAN and BYTE_ARRAY columns"),
        }
        column.close()?;
        index += 1;
    }
    group.close()?;
    writer.close()?;
    Ok(out)
}

/// `zairyu export`
pub fn export(a: &ExportArgs, lang: Lang) -> Result<ExitCode, Failure> {
    let refused = |p: Problem<'_>| Failure::Input(anyhow!(labels::problem(p, lang)));
    let wanted: Vec<&'static TableSpec> = if a.tables.is_empty() {
        TABLES.to_vec()
    } else {
        a.tables
            .iter()
            .map(|t| {
                TABLES.iter().copied().find(|s| s.name == t).ok_or_else(|| {
                    let names: Vec<&str> = TABLES.iter().map(|s| s.name).collect();
                    refused(Problem::NoTable {
                        table: t,
                        tables: &names.join(", "),
                    })
                })
            })
            .collect::<Result<_, _>>()?
    };
    if a.out.is_none() && a.format == ExportFormat::Parquet {
        return Err(refused(Problem::ParquetNeedsOut));
    }
    if a.out.is_none() && wanted.len() != 1 {
        return Err(refused(Problem::OutOrOneTable));
    }
    let (store, meta, policy) = open_stored_run(&a.db, lang)?;
    for &day in &a.as_of {
        within_the_run("--as-of", Some(day), meta.start, meta.until, lang)?;
    }
    let stored = if a.as_of.is_empty() {
        Tables::read(&store).map_err(|e| cannot_read_log(&a.db, e, lang))?
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
        .map_err(|e| cannot_read_log(&a.db, e, lang))?,
    };
    for (spec, rows) in &tables.rows {
        if !wanted.iter().any(|w| w.name == spec.name) {
            continue;
        }
        let path = a
            .out
            .as_ref()
            .map(|dir| dir.join(format!("{}.{}", spec.name, a.format.extension())));
        match (a.format, &path) {
            (ExportFormat::Csv, _) => emit(&csv(spec, rows), path.as_deref(), lang)?,
            (ExportFormat::Json, _) => emit(&json(spec, rows), path.as_deref(), lang)?,
            (ExportFormat::Parquet, Some(path)) => {
                let bytes = parquet(spec, rows).map_err(|e| {
                    Failure::Run(
                        anyhow!(e).context(labels::problem(Problem::CannotWrite { path }, lang)),
                    )
                })?;
                write_file(&bytes, path, lang)?;
            }
            (ExportFormat::Parquet, None) => unreachable!("refused above without --out"),
        }
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

    #[test]
    fn parquet_reads_back_with_the_columns_types_rows_and_nulls_written() {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        use parquet::record::Field;
        let rows = vec![
            vec![Cell::Text("ana".into()), Cell::Int(3), Cell::Int(1)],
            vec![Cell::Text("mei".into()), Cell::Null, Cell::Int(0)],
            vec![Cell::Null, Cell::Int(-7), Cell::Null],
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        std::fs::write(&path, parquet(&SPEC, &rows).unwrap()).unwrap();
        let reader = SerializedFileReader::try_from(path.as_path()).unwrap();
        let meta = reader.metadata().file_metadata();
        assert_eq!(meta.num_rows(), 3);
        let names: Vec<&str> = meta
            .schema_descr()
            .columns()
            .iter()
            .map(|c| c.name())
            .collect();
        assert_eq!(names, ["id", "n", "ok"]);
        let read: Vec<Vec<Field>> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| {
                r.unwrap()
                    .get_column_iter()
                    .map(|(_, f)| f.clone())
                    .collect()
            })
            .collect();
        assert_eq!(
            read,
            [
                vec![Field::Str("ana".into()), Field::Long(3), Field::Bool(true)],
                vec![Field::Str("mei".into()), Field::Null, Field::Bool(false)],
                vec![Field::Null, Field::Long(-7), Field::Null],
            ]
        );
        // An empty table is a valid file with the same columns and no rows.
        std::fs::write(&path, parquet(&SPEC, &[]).unwrap()).unwrap();
        let reader = SerializedFileReader::try_from(path.as_path()).unwrap();
        assert_eq!(reader.metadata().file_metadata().num_rows(), 0);
    }
}
