//! A parameter sweep as a person (or pandas) reads it: a terminal table with one row per grid
//! point and the headline measures as medians with their 10th–90th percentile band, and the
//! tidy table — one row per grid point × seed × measure — that the CSV and Parquet outputs
//! hold (their manifest goes beside them, as `X.manifest.json`).

use std::fmt::Write;

use projection::sweep::Sweep;

use crate::align::{pad, pad_left, width};
use crate::compare::{csv_field, number};
use crate::labels::{self, Lang, analysis, ui};

/// The measures the terminal table shows, when the sweep has them (the tidy outputs have all).
pub const HEADLINE: [&str; 5] = [
    "visits.immigration_bureau",
    "visits.city_hall",
    "my_number_outage_days",
    "inconsistency_days",
    "tokutei_productions",
];

/// One value of the tidy table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    Text(String),
}

/// The tidy table of a sweep: its column names (`point`, each axis's key, `seed`, `measure`,
/// `label`, `value`), whether each holds integers, and its rows — grid points in order, then
/// seeds, then measures (headline first).
pub struct Tidy {
    pub columns: Vec<(String, bool)>,
    pub rows: Vec<Vec<Value>>,
}

/// The names of the tidy table's columns.
pub fn tidy_columns(s: &Sweep) -> Vec<String> {
    columns(s).into_iter().map(|(n, _)| n).collect()
}

fn columns(s: &Sweep) -> Vec<(String, bool)> {
    let mut columns = vec![("point".to_owned(), true)];
    columns.extend(s.manifest.axes.iter().map(|a| (a.key.clone(), false)));
    columns.extend(
        [
            ("seed", true),
            ("measure", false),
            ("label", false),
            ("value", true),
        ]
        .map(|(n, i)| (n.to_owned(), i)),
    );
    columns
}

/// The sweep as a tidy table, labels in `lang`.
pub fn tidy(s: &Sweep, lang: Lang) -> Tidy {
    let columns = columns(s);
    let keys = s.keys();
    let labels: Vec<String> = keys.iter().map(|k| labels::measure(k, lang)).collect();
    let mut rows = Vec::new();
    for (i, point) in s.points.iter().enumerate() {
        for (seed, m) in s.manifest.seeds.iter().zip(&point.runs) {
            for (key, label) in keys.iter().zip(&labels) {
                let mut row = vec![Value::Int(i as i64)];
                row.extend(point.values.iter().map(|v| Value::Text(v.clone())));
                row.push(Value::Int(i64::try_from(*seed).unwrap_or(i64::MAX)));
                row.push(Value::Text(key.clone()));
                row.push(Value::Text(label.clone()));
                row.push(Value::Int(m.get(key) as i64));
                rows.push(row);
            }
        }
    }
    Tidy { columns, rows }
}

/// The tidy table as CSV: a plain header, no comment line, so `pandas.read_csv` reads it
/// with no arguments.
pub fn csv(s: &Sweep, lang: Lang) -> String {
    let t = tidy(s, lang);
    let mut out = String::new();
    let header: Vec<String> = t.columns.iter().map(|(n, _)| csv_field(n)).collect();
    out.push_str(&header.join(","));
    out.push('\n');
    for row in &t.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|v| match v {
                Value::Int(i) => i.to_string(),
                Value::Text(s) => csv_field(s),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// The sweep as JSON: the whole result (what `zairyu merge` reads), every seed's measures
/// at every grid point.
pub fn json(s: &Sweep) -> String {
    let mut text = serde_json::to_string_pretty(s).expect("json");
    text.push('\n');
    text
}

/// The manifest of a sweep's data file, written beside it as `X.manifest.json`.
pub fn sidecar(s: &Sweep, data_file: &str, columns: &[String]) -> String {
    let v = serde_json::json!({
        "data": data_file,
        "columns": columns,
        "manifest": s.manifest,
        "inputs_hashes": s.inputs_hashes,
    });
    let mut text = serde_json::to_string_pretty(&v).expect("json");
    text.push('\n');
    text
}

/// The sweep as a terminal table: what was swept, then one row per grid point with the
/// headline measures (median [10th–90th percentile] over the seeds).
pub fn table(s: &Sweep, lang: Lang) -> String {
    let m = &s.manifest;
    let w = analysis(lang);
    let u = ui(lang);
    let mut out = String::new();
    let subject = match &m.subject {
        projection::what_if::SubjectManifest::Population {
            residents,
            start,
            until,
            ..
        } => format!(
            "{}, {start} → {until}",
            labels::synthetic_population(*residents, lang)
        ),
        projection::what_if::SubjectManifest::Scenario { source, .. } => source.clone(),
    };
    let shard = m.shard.map(|s| format!(" ({s})")).unwrap_or_default();
    let _ = writeln!(out, "{} — {subject}{shard}", w.sweep_title);
    let seeds: Vec<String> = m.seeds.iter().map(u64::to_string).collect();
    let rows = [
        (
            w.policy,
            if m.policy.files.is_empty() {
                w.defaults.to_owned()
            } else {
                format!(
                    "{}{}{}{}",
                    m.policy.name,
                    u.lp,
                    m.policy.files.join(" ← "),
                    u.rp
                )
            },
        ),
        (
            w.axes,
            m.axes
                .iter()
                .map(|a| format!("{} = {}", a.key, a.values.join(", ")))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (u.seeds, format!("{} — {}", seeds.join(", "), w.band_note)),
    ];
    let kw = rows.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    for (k, v) in &rows {
        let _ = writeln!(out, "  {}  {v}", pad(k, kw));
    }
    out.push('\n');
    let keys: Vec<String> = s.keys();
    let shown: Vec<&str> = HEADLINE
        .iter()
        .copied()
        .filter(|k| keys.iter().any(|key| key == k))
        .collect();
    let mut header: Vec<String> = vec![w.point.to_owned()];
    header.extend(m.axes.iter().map(|a| a.key.clone()));
    header.extend(shown.iter().map(|k| labels::measure(k, lang)));
    let grid: Vec<Vec<String>> = s
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut row = vec![i.to_string()];
            row.extend(p.values.iter().cloned());
            for k in &shown {
                let st = s.stat(p, k);
                row.push(if st.is_single() {
                    number(st.median, false)
                } else {
                    format!(
                        "{} [{}–{}]",
                        number(st.median, false),
                        number(st.p10, false),
                        number(st.p90, false)
                    )
                });
            }
            row
        })
        .collect();
    let n = header.len();
    let mut widths = vec![0; n];
    for row in std::iter::once(&header).chain(&grid) {
        for (i, c) in row.iter().enumerate() {
            widths[i] = widths[i].max(width(c));
        }
    }
    for row in std::iter::once(&header).chain(&grid) {
        let mut line = String::new();
        for (i, c) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("   ");
            }
            // Numbers right-aligned; the point and the axes' values as written.
            if i > m.axes.len() {
                line.push_str(&pad_left(c, widths[i]));
            } else {
                line.push_str(&pad(c, widths[i]));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "{}{}{} · {} · {} {}",
        u.manifest,
        u.colon,
        m.format,
        m.code_version,
        u.seeds,
        seeds.join(", ")
    );
    let generator = match &m.subject {
        projection::what_if::SubjectManifest::Population { generator, .. } => generator.as_str(),
        projection::what_if::SubjectManifest::Scenario { hash, .. } => hash.as_str(),
    };
    let _ = writeln!(out, "  {} {generator}{}", u.population, u.digest_per_seed);
    for (seed, hash) in m.seeds.iter().zip(&s.inputs_hashes) {
        let _ = writeln!(out, "    {} {seed}  {hash}", u.seed);
    }
    out
}
