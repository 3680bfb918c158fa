//! docs/analysis.md runs as written: its `zairyu` commands (the CSV, JSON and Parquet exports
//! among them), its SQL on the logs they write, and its pandas and DuckDB snippets where Python
//! has those packages; the Parquet export reads back with the `parquet` crate's reader; its
//! column reference names every column of every analysis table; and the tables hold what the run
//! did.

mod support;

use std::path::Path;
use std::process::Command;

use event_store::EventStore;
use event_store::derived::Cell;
use simulator::analysis::TABLES;
use support::root;

/// The fenced code blocks of a Markdown text: (language, body), in order.
fn blocks(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in text.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(lang)) => open = Some((lang.trim().to_owned(), String::new())),
            (Some(_), Some(_)) => out.extend(open.take()),
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

/// Copies the repository's scenarios into `dir`, so the docs' relative paths resolve there.
fn copy_scenarios(dir: &Path) {
    for sub in ["rules", "teaching"] {
        let to = dir.join("scenarios").join(sub);
        std::fs::create_dir_all(&to).unwrap();
        for entry in std::fs::read_dir(root().join("scenarios").join(sub)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}

fn run_zairyu(line: &str, dir: &Path) {
    let args: Vec<&str> = line.split_whitespace().skip(1).collect();
    let out = Command::new(env!("CARGO_BIN_EXE_zairyu"))
        .args(&args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "`{line}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn run_sql(block: &str, dir: &Path) -> Vec<Vec<Cell>> {
    let db = block
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("-- in "))
        .unwrap_or("analysis/refusals.db");
    let store = EventStore::open_read_only(dir.join(db.trim())).unwrap();
    let mut rows = Vec::new();
    store
        .select(block, |row| {
            rows.push(row);
            Ok::<(), event_store::StoreError>(())
        })
        .unwrap_or_else(|e| panic!("{e}\n{block}"));
    rows
}

/// Whether `python3` can import `module`.
fn python_has(module: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn the_analysis_walk_through_runs_as_written() {
    let text = std::fs::read_to_string(root().join("docs/analysis.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    copy_scenarios(dir.path());
    let (mut commands, mut queries, mut python) = (0, 0, 0);
    for (lang, body) in blocks(&text) {
        match lang.as_str() {
            "sh" => {
                for line in body.lines().filter(|l| l.starts_with("zairyu ")) {
                    run_zairyu(line, dir.path());
                    commands += 1;
                }
            }
            "sql" => {
                let rows = run_sql(&body, dir.path());
                assert!(!rows.is_empty(), "no rows from\n{body}");
                queries += 1;
            }
            "python" => {
                let needs: Vec<&str> = ["pandas", "duckdb"]
                    .into_iter()
                    .filter(|m| body.contains(&format!("import {m}")))
                    .collect();
                if let Some(missing) = needs.iter().find(|m| !python_has(m)) {
                    // Not every machine has these packages; the SQL and the export above are
                    // what the page promises everywhere.
                    eprintln!("skipped a Python snippet of docs/analysis.md: no {missing}");
                    continue;
                }
                let out = Command::new("python3")
                    .args(["-c", &body])
                    .current_dir(dir.path())
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "the Python snippet failed: {}\n{body}",
                    String::from_utf8_lossy(&out.stderr)
                );
                python += 1;
            }
            _ => {}
        }
    }
    assert!(
        commands >= 5 && queries >= 5,
        "{commands} commands, {queries} queries"
    );
    eprintln!("docs/analysis.md: {commands} commands, {queries} queries, {python} Python snippets");

    // The export holds what the run did: six residents, one refusal each at least.
    let measures = std::fs::read_to_string(dir.path().join("analysis/csv/measures.csv")).unwrap();
    let mut lines = measures.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let refusals = header.iter().position(|c| *c == "refusals").unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 6);
    assert!(
        rows.iter()
            .all(|r| r[refusals].parse::<u32>().unwrap() >= 1)
    );
    // The Parquet export holds the same tables: the crate's own reader finds every column of
    // the measures, in order, and the same six residents.
    {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        use parquet::record::RowAccessor;
        let path = dir.path().join("analysis/parquet/measures.parquet");
        let reader = SerializedFileReader::try_from(path.as_path()).unwrap();
        let meta = reader.metadata().file_metadata();
        assert_eq!(meta.num_rows(), 6);
        let columns: Vec<&str> = meta
            .schema_descr()
            .columns()
            .iter()
            .map(|c| c.name())
            .collect();
        assert_eq!(columns, header);
        let refusals: Vec<i64> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| r.unwrap().get_long(refusals).unwrap())
            .collect();
        assert!(refusals.iter().all(|&n| n >= 1), "{refusals:?}");
    }
    // The move sends N1, N8 and N9, and the record on 5 October is between the two offices.
    let rows = run_sql(
        "-- in analysis/move.db\nSELECT code FROM notifications ORDER BY code",
        dir.path(),
    );
    let codes: Vec<Cell> = rows.into_iter().flatten().collect();
    assert_eq!(
        codes,
        ["N1", "N8", "N9"].map(|c| Cell::Text(c.into())).to_vec()
    );
    let records =
        std::fs::read_to_string(dir.path().join("analysis/move/card_records.csv")).unwrap();
    assert!(
        records.lines().any(|l| l.contains(",2026-10-05,")),
        "{records}"
    );
    // `run --as-of` stored the record on 5 October beside the last day's: still at Setagaya.
    let rows = run_sql(
        "-- in analysis/move.db\nSELECT as_of, city_hall_municipality FROM card_records \
         ORDER BY as_of",
        dir.path(),
    );
    let text = |s: &str| Cell::Text(s.into());
    assert_eq!(
        rows,
        [
            vec![text("2026-10-05"), text("setagaya")],
            vec![text("2026-12-31"), text("yokohama-naka")],
        ]
    );
}

#[test]
fn the_column_reference_names_every_column() {
    let text = std::fs::read_to_string(root().join("docs/analysis.md")).unwrap();
    for spec in TABLES {
        let heading = format!("**`{}`**", spec.name);
        let at = text
            .find(&heading)
            .unwrap_or_else(|| panic!("docs/analysis.md has no {heading}"));
        let section = &text[at..];
        let end = section[heading.len()..]
            .find("**`")
            .map_or(section.len(), |i| i + heading.len());
        for c in spec.columns {
            assert!(
                section[..end].contains(&format!("| `{}` |", c.name)),
                "docs/analysis.md does not describe {}.{}",
                spec.name,
                c.name
            );
        }
    }
}

#[test]
fn a_day_outside_the_run_is_bad_input_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/teaching/move_between_integrated.yaml");
    let out = Command::new(env!("CARGO_BIN_EXE_zairyu"))
        .args([
            "run",
            &scenario.display().to_string(),
            "--db",
            "x.db",
            "--as-of",
            "2030-01-01",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--as-of 2030-01-01 is outside the run"),
        "{stderr}"
    );
    assert!(!dir.path().join("x.db").exists());
}
