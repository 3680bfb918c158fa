//! A what-if comparison as a person (or a spreadsheet) reads it: the measures of the baseline and
//! the reform side by side with their difference, as a terminal table, CSV or JSON, each with
//! the manifest that says what was compared.
//!
//! Values are the median over seeds, followed by the band from the 10th to the 90th percentile
//! over seeds when the seeds disagree (or, with [`Band::MinMax`], the minimum and maximum); a
//! difference is reform − baseline for the same seed, summarised the same way — a paired
//! interval (the manifest's `intervals` says so in every output). The CSV is tidy: one row per
//! arm (or difference), seed and measure, then the summary rows (see [`csv`]).

use std::fmt::Write;

use model::envelope::Envelope;
use projection::measures::workload_columns;
use projection::what_if::{Comparison, Divergence, Row, Stat, SubjectManifest};

use crate::align::{pad, pad_left, width};
use crate::labels::{self, Lang, ui};

/// `1234567` → `1,234,567`.
fn thousands(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0 { format!("-{out}") } else { out }
}

/// A number with one decimal and separators (`1,234.5`), or an integer when it is one.
pub fn number(m: f64, signed: bool) -> String {
    let sign = if signed && m > 0.0 { "+" } else { "" };
    if m.fract() == 0.0 {
        return format!("{sign}{}", thousands(m as i64));
    }
    let tenths = (m * 10.0).round() as i64;
    let whole = thousands(tenths / 10);
    let whole = if tenths < 0 && tenths / 10 == 0 {
        format!("-{whole}")
    } else {
        whole
    };
    format!("{sign}{whole}.{}", (tenths % 10).abs())
}

/// Which band over seeds the terminal table shows beside each median.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Band {
    /// The 10th to the 90th percentile (the default).
    #[default]
    Percentiles,
    /// The minimum to the maximum.
    MinMax,
}

/// A cell: the median, and the band over seeds when the seeds disagree.
fn cell(s: &Stat, signed: bool, band: Band) -> String {
    let m = number(s.median, signed);
    if s.is_single() {
        return m;
    }
    let (lo, hi) = match band {
        Band::Percentiles => (s.p10, s.p90),
        Band::MinMax => (s.min as f64, s.max as f64),
    };
    format!("{m} [{}–{}]", number(lo, signed), number(hi, signed))
}

fn subject_line(c: &Comparison, lang: Lang) -> String {
    match &c.manifest.subject {
        SubjectManifest::Scenario {
            source,
            name,
            name_ja,
            residents,
            start,
            until,
            ..
        } => match lang {
            Lang::En => format!(
                "scenario {source} ({name}; {residents} resident{}), {start} → {until}",
                if *residents == 1 { "" } else { "s" }
            ),
            Lang::Ja => {
                let name = name_ja.as_deref().unwrap_or(name);
                format!("シナリオ {source}（{name}、在留者 {residents} 人）、{start} → {until}")
            }
        },
        SubjectManifest::Population {
            residents,
            start,
            until,
            ..
        } => {
            let n = thousands(*residents as i64);
            match lang {
                Lang::En => {
                    let shard = c
                        .manifest
                        .shard
                        .map(|s| format!(", shard {s}"))
                        .unwrap_or_default();
                    format!("synthetic population of {n} residents{shard}, {start} → {until}")
                }
                Lang::Ja => {
                    let shard = c
                        .manifest
                        .shard
                        .map(|s| format!("、分割 {s}"))
                        .unwrap_or_default();
                    format!("在留者 {n} 人の合成母集団{shard}、{start} → {until}")
                }
            }
        }
    }
}

fn seeds_line(c: &Comparison) -> String {
    let seeds: Vec<String> = c.manifest.seeds.iter().map(u64::to_string).collect();
    seeds.join(", ")
}

/// The comparison as a terminal table. `names` are the residents' display names (scenarios).
pub fn table(c: &Comparison, names: &[String], lang: Lang) -> String {
    table_titled("zairyu compare", c, names, lang)
}

/// [`table`] with the band over seeds chosen.
pub fn table_with_band(c: &Comparison, names: &[String], lang: Lang, band: Band) -> String {
    table_full("zairyu compare", c, names, lang, band)
}

/// [`table`] under another title (`replay --policy` shows a stored run against a changed
/// policy the same way).
pub fn table_titled(title: &str, c: &Comparison, names: &[String], lang: Lang) -> String {
    table_full(title, c, names, lang, Band::default())
}

fn table_full(title: &str, c: &Comparison, names: &[String], lang: Lang, band: Band) -> String {
    let m = &c.manifest;
    let u = ui(lang);
    let mut out = String::new();
    let _ = writeln!(out, "{title} — {}", subject_line(c, lang));
    let arms = [u.baseline, u.reform, u.seeds];
    let w = arms.iter().map(|a| width(a)).max().unwrap_or(0);
    let _ = writeln!(
        out,
        "  {}  {}{}{}{}",
        pad(u.baseline, w),
        m.baseline.name,
        u.lp,
        m.baseline.files.join(" ← "),
        u.rp
    );
    let _ = writeln!(
        out,
        "  {}  {}{}{}{}",
        pad(u.reform, w),
        m.reform.name,
        u.lp,
        m.reform.files.join(" ← "),
        u.rp
    );
    let _ = writeln!(
        out,
        "  {}  {} — {}",
        pad(u.seeds, w),
        seeds_line(c),
        match band {
            Band::Percentiles => u.intervals_short,
            Band::MinMax => u.intervals_short_min_max,
        }
    );
    out.push('\n');

    let rows = c.rows();
    let (workload, main): (Vec<&Row>, Vec<&Row>) =
        rows.iter().partition(|r| r.key.starts_with("workload."));
    let cells: Vec<[String; 4]> = main
        .iter()
        .map(|r| {
            [
                labels::measure(&r.key, lang),
                cell(&r.baseline, false, band),
                cell(&r.reform, false, band),
                cell(&r.difference, true, band),
            ]
        })
        .collect();
    let header = [u.measure, u.baseline, u.reform, u.difference].map(str::to_owned);
    write_grid(&mut out, &header, &cells);

    if !workload.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "{}", u.workload_heading);
        let columns = workload_columns();
        let mut months: Vec<&str> = workload
            .iter()
            .filter_map(|r| r.key.rsplit_once('.').map(|(_, m)| m))
            .collect();
        months.sort_unstable();
        months.dedup();
        // Columns that are zero throughout (police, say) would only add noise.
        let live: Vec<&String> = columns
            .iter()
            .filter(|col| {
                workload.iter().any(|r| {
                    r.key.starts_with(&format!("workload.{col}."))
                        && (r.baseline.max != 0 || r.reform.max != 0)
                })
            })
            .collect();
        let mut header = vec![u.month.to_owned()];
        header.extend(live.iter().map(|c| labels::workload_column(c, lang)));
        let grid: Vec<Vec<String>> = months
            .iter()
            .map(|month| {
                let mut row = vec![(*month).to_owned()];
                for col in &live {
                    let key = format!("workload.{col}.{month}");
                    row.push(match workload.iter().find(|r| r.key == key) {
                        Some(r) => format!(
                            "{} → {} ({})",
                            number(r.baseline.median, false),
                            number(r.reform.median, false),
                            number(r.difference.median, true)
                        ),
                        None => "0 → 0 (0)".to_owned(),
                    });
                }
                row
            })
            .collect();
        write_grid(&mut out, &header, &grid);
    }

    if let Some(d) = &c.divergence {
        out.push('\n');
        out.push_str(&divergence_text(
            d,
            c.manifest.seeds.first().copied(),
            names,
            lang,
        ));
    }

    out.push('\n');
    out.push_str(&manifest_text(c, lang));
    out
}

/// Left-aligned first column, right-aligned others.
fn write_grid<R: AsRef<[String]>>(out: &mut String, header: &[String], rows: &[R]) {
    let n = header.len();
    let mut width = vec![0; n];
    for row in std::iter::once(header).chain(rows.iter().map(AsRef::as_ref)) {
        for (i, c) in row.iter().enumerate().take(n) {
            width[i] = width[i].max(crate::align::width(c));
        }
    }
    for row in std::iter::once(header).chain(rows.iter().map(AsRef::as_ref)) {
        let mut line = String::new();
        for (i, c) in row.iter().enumerate().take(n) {
            if i == 0 {
                line.push_str(&pad(c, width[i]));
            } else {
                line.push_str("   ");
                line.push_str(&pad_left(c, width[i]));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

fn event_line(e: &Envelope, names: &[String], lang: Lang) -> String {
    let who = crate::transcript::name(names, e.event.resident());
    crate::transcript::event_line(e, &who, None, lang)
}

/// Where the two logs first differ, both sides described.
pub fn divergence_text(d: &Divergence, seed: Option<u64>, names: &[String], lang: Lang) -> String {
    let u = ui(lang);
    let side = |e: &Option<Envelope>| match e {
        Some(e) => event_line(e, names, lang),
        None => u.no_further_event.to_owned(),
    };
    let w = width(u.baseline).max(width(u.reform));
    let heading = match (lang, seed) {
        (Lang::En, Some(s)) => format!(
            "The event logs first diverge at event {} (seed {s}):",
            d.index + 1
        ),
        (Lang::En, None) => format!("The event logs first diverge at event {}:", d.index + 1),
        (Lang::Ja, Some(s)) => format!(
            "二つのイベントログは {} 番目のイベントで初めて分かれる（シード {s}）：",
            d.index + 1
        ),
        (Lang::Ja, None) => format!(
            "二つのイベントログは {} 番目のイベントで初めて分かれる：",
            d.index + 1
        ),
    };
    format!(
        "{heading}\n  {}  {}\n  {}  {}\n",
        pad(u.baseline, w),
        side(&d.baseline),
        pad(u.reform, w),
        side(&d.reform)
    )
}

fn manifest_text(c: &Comparison, lang: Lang) -> String {
    let m = &c.manifest;
    let u = ui(lang);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}{}{} · {} · {} {}",
        u.manifest,
        u.colon,
        m.format,
        m.code_version,
        u.seeds,
        seeds_line(c)
    );
    let policy = |p: &serde_json::Value| serde_json::to_string(p).expect("json");
    let mut rows: Vec<(String, String)> = vec![match &m.subject {
        SubjectManifest::Scenario { hash, .. } => (u.scenario_hash.to_owned(), hash.clone()),
        SubjectManifest::Population { generator, .. } => (
            u.population.to_owned(),
            format!("{generator}{}", u.digest_per_seed),
        ),
    }];
    for r in &c.runs {
        if let Some([b, f]) = &r.log_hashes {
            rows.push((
                format!("{}{}{} {}{}", u.log_hashes, u.lp, u.seed, r.seed, u.rp),
                format!("{} {b}  {} {f}", u.baseline, u.reform),
            ));
        }
    }
    rows.push((u.baseline_policy.to_owned(), policy(&m.baseline.policy)));
    rows.push((u.reform_policy.to_owned(), policy(&m.reform.policy)));
    let intervals = match lang {
        Lang::En => m.intervals.clone(),
        Lang::Ja => u.intervals_long.to_owned(),
    };
    rows.push((u.intervals.to_owned(), intervals));
    let w = crate::align::max_width(rows.iter().map(|(k, _)| k.as_str()));
    for (i, (k, v)) in rows.iter().enumerate() {
        let _ = writeln!(out, "  {}  {v}", pad(k, w));
        // A population's digest per seed, under its line.
        if i == 0 && matches!(m.subject, SubjectManifest::Population { .. }) {
            for r in &c.runs {
                let _ = writeln!(out, "    {} {}  {}", u.seed, r.seed, r.inputs_hash);
            }
        }
    }
    out
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The columns of the tidy CSV of a comparison ([`csv`]).
pub const CSV_COLUMNS: [&str; 6] = ["measure", "label", "arm", "seed", "summary", "value"];

/// The arms of a comparison as the tidy outputs name them, the difference last.
pub const ARMS: [&str; 3] = ["baseline", "reform", "difference"];

/// The summary statistics of the tidy CSV, in their order.
pub const SUMMARIES: [&str; 6] = ["median", "p10", "p90", "mean", "min", "max"];

/// The statistics of `s` named as in [`SUMMARIES`].
pub fn summary_values(s: &Stat) -> [f64; 6] {
    [s.median, s.p10, s.p90, s.mean, s.min as f64, s.max as f64]
}

/// The comparison as a tidy CSV that `pandas.read_csv` reads with no arguments: a plain header
/// ([`CSV_COLUMNS`]) and no comment line (the manifest goes beside the file, as
/// `X.manifest.json`). First one row per measure, arm (`baseline`, `reform`, `difference` =
/// reform − baseline for the seed) and seed, with `summary` empty; then, per measure and arm,
/// one row per statistic over the seeds ([`SUMMARIES`]), with `seed` empty. Monthly workload
/// is a measure like any other (`workload.<office>.<YYYY-MM>`).
pub fn csv(c: &Comparison, lang: Lang) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push('\n');
    let rows = c.rows();
    for r in &rows {
        let label = csv_field(&labels::measure(&r.key, lang));
        let key = csv_field(&r.key);
        for (arm, which) in ARMS.iter().enumerate() {
            for run in &c.runs {
                let b = run.baseline.get(&r.key) as i64;
                let f = run.reform.get(&r.key) as i64;
                let v = [b, f, f - b][arm];
                let _ = writeln!(out, "{key},{label},{which},{},,{v}", run.seed);
            }
        }
    }
    for r in &rows {
        let label = csv_field(&labels::measure(&r.key, lang));
        let key = csv_field(&r.key);
        for (which, stat) in ARMS.iter().zip([&r.baseline, &r.reform, &r.difference]) {
            for (name, v) in SUMMARIES.iter().zip(summary_values(stat)) {
                let _ = writeln!(out, "{key},{label},{which},,{name},{v}");
            }
        }
    }
    out
}

/// The manifest of a data file, written beside it as `X.manifest.json`: what the data is and
/// how it was made (the comparison's manifest, and each seed's input digest and log hashes).
pub fn sidecar(c: &Comparison, data_file: &str, columns: &[&str]) -> String {
    let runs: Vec<serde_json::Value> = c
        .runs
        .iter()
        .map(|r| {
            serde_json::json!({
                "seed": r.seed,
                "inputs_hash": r.inputs_hash,
                "log_hashes": r.log_hashes,
            })
        })
        .collect();
    let v = serde_json::json!({
        "data": data_file,
        "columns": columns,
        "manifest": c.manifest,
        "runs": runs,
    });
    let mut s = serde_json::to_string_pretty(&v).expect("json");
    s.push('\n');
    s
}

/// The comparison as JSON: the manifest, the summary rows, every seed's raw measures (what
/// `zairyu merge` adds up) and, for a single-resident scenario, the first divergence.
pub fn json(c: &Comparison, names: &[String], lang: Lang) -> String {
    let mut v = serde_json::to_value(c).expect("json");
    v["summary"] = c
        .rows()
        .iter()
        .map(|row| {
            let mut labelled = serde_json::to_value(row).expect("json");
            labelled["label"] = labels::measure(&row.key, lang).into();
            labelled
        })
        .collect();
    if let Some(d) = &c.divergence {
        v["divergence"] = divergence_json(d);
        v["divergence_text"] = serde_json::Value::String(divergence_text(
            d,
            c.manifest.seeds.first().copied(),
            names,
            lang,
        ));
    }
    let mut s = serde_json::to_string_pretty(&v).expect("json");
    s.push('\n');
    s
}

/// The first divergence as JSON, with every My Number masked: the envelopes are the log's own,
/// and the log keeps the number in full (it is private to its owner), but what `compare` prints
/// may be pasted anywhere, and no output shows a My Number in full.
fn divergence_json(d: &Divergence) -> serde_json::Value {
    let mut v = serde_json::to_value(d).expect("json");
    mask_my_numbers(&mut v);
    v
}

/// Replaces, at any depth, the value of every `my_number` field that is a My Number by its
/// masked form (the one `model::mynumber` shows).
fn mask_my_numbers(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                let masked = match value {
                    serde_json::Value::String(s) if key == "my_number" => {
                        model::mynumber::MyNumber::parse(s)
                            .ok()
                            .map(|n| n.to_string())
                    }
                    _ => None,
                };
                match masked {
                    Some(m) => *value = serde_json::Value::String(m),
                    None => mask_my_numbers(value),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask_my_numbers),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A divergence at the city hall's first registration (which carries the My Number it
    /// assigned) is printed with the number masked.
    #[test]
    fn a_divergence_never_shows_a_my_number_in_full() {
        use chrono::NaiveDate;
        use model::event::Event;
        use model::ids::{Address, Municipality, ResidentId};
        use model::mynumber::MyNumber;
        use model::service::Service;
        use model::status::Status;

        let number = MyNumber::generate(7, 0);
        let day = NaiveDate::from_ymd_opt(2026, 7, 1).expect("date");
        let envelope = Envelope {
            global_seq: 1,
            event_id: uuid::Uuid::nil(),
            service: Service::CityHall,
            stream_version: 1,
            occurred_at: day.and_hms_opt(9, 0, 0).expect("time"),
            effective_on: None,
            correlation_id: uuid::Uuid::nil(),
            causation_id: None,
            event: Event::ResidenceNotified {
                resident: ResidentId(0),
                municipality: Municipality::new("shinjuku"),
                address: Address::new("1-1 Nishi-Shinjuku"),
                my_number: number,
                status: Status::PermanentResident,
                period_expiry: None,
                born_on: NaiveDate::from_ymd_opt(1990, 1, 1).expect("date"),
                card: None,
            },
        };
        let d = Divergence {
            index: 0,
            baseline: Some(envelope),
            reform: None,
        };
        let shown = divergence_json(&d).to_string();
        assert!(!shown.contains(&number.reveal()), "{shown}");
        assert!(shown.contains(&number.to_string()), "{shown}");
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(-1_000), "-1,000");
        assert_eq!(number(2.0, true), "+2");
        assert_eq!(number(-0.5, true), "-0.5");
        assert_eq!(number(1234.25, false), "1,234.3");
        let s = Stat::of(&[-5, -4, -3, -2]);
        assert_eq!(cell(&s, true, Band::MinMax), "-3.5 [-5–-2]");
        assert_eq!(cell(&s, true, Band::Percentiles), "-3.5 [-4.7–-2.3]");
        assert_eq!(cell(&Stat::of(&[3, 3]), false, Band::Percentiles), "3");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
    }
}
