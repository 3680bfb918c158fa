//! A what-if comparison as a person (or a spreadsheet) reads it: the measures of the baseline and
//! the reform side by side with their difference, as a terminal table, CSV or JSON, each with
//! the manifest that says what was compared.
//!
//! Values are the mean over seeds, followed by `[min–max]` over seeds when the seeds disagree;
//! a difference is reform − baseline for the same seed, summarised the same way (the manifest's
//! `intervals` says so in every output).

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

/// A mean with one decimal and separators (`1,234.5`), or an integer when it is one.
fn mean(m: f64, signed: bool) -> String {
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

fn signed_int(v: i64) -> String {
    if v > 0 {
        format!("+{}", thousands(v))
    } else {
        thousands(v)
    }
}

/// A cell: the mean, and the range over seeds when it is not a single value.
fn cell(s: &Stat, signed: bool) -> String {
    let m = mean(s.mean, signed);
    if s.min == s.max {
        m
    } else if signed {
        format!("{m} [{}–{}]", signed_int(s.min), signed_int(s.max))
    } else {
        format!("{m} [{}–{}]", thousands(s.min), thousands(s.max))
    }
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

/// [`table`] under another title (`replay --policy` shows a stored run against a changed
/// policy the same way).
pub fn table_titled(title: &str, c: &Comparison, names: &[String], lang: Lang) -> String {
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
        u.intervals_short
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
                cell(&r.baseline, false),
                cell(&r.reform, false),
                cell(&r.difference, true),
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
                            mean(r.baseline.mean, false),
                            mean(r.reform.mean, false),
                            mean(r.difference.mean, true)
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

/// The comparison as CSV: the manifest as `#` comment lines (compact JSON), then one row per
/// measure, monthly workload included.
pub fn csv(c: &Comparison, lang: Lang) -> String {
    let mut out = String::new();
    let manifest = serde_json::to_string(&c.manifest).expect("json");
    let _ = writeln!(out, "# manifest: {manifest}");
    out.push_str("measure,label,baseline_mean,baseline_min,baseline_max,reform_mean,reform_min,reform_max,difference_mean,difference_min,difference_max\n");
    for r in c.rows() {
        let stat = |s: &Stat| format!("{},{},{}", s.mean, s.min, s.max);
        let _ = writeln!(
            out,
            "{},{},{},{},{}",
            csv_field(&r.key),
            csv_field(&labels::measure(&r.key, lang)),
            stat(&r.baseline),
            stat(&r.reform),
            stat(&r.difference)
        );
    }
    out
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
        assert_eq!(mean(2.0, true), "+2");
        assert_eq!(mean(-0.5, true), "-0.5");
        assert_eq!(mean(1234.25, false), "1,234.3");
        let s = Stat {
            mean: -3.5,
            min: -5,
            max: -2,
        };
        assert_eq!(cell(&s, true), "-3.5 [-5–-2]");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
    }
}
