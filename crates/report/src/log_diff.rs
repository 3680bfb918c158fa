//! `zairyu diff` as a person or a program reads it: the two logs, where they first differ
//! (the events around it, each said by `describe`), and the differences of every resident by
//! event kind — as text in English or Japanese, or as JSON.

use std::fmt::Write;

use model::envelope::Envelope;
use projection::log_diff::LogDiff;
use serde_json::{Value, json};

use crate::align::{max_width, pad, pad_left};
use crate::labels::{self, Lang, history};
use crate::transcript::{event_line, name};

/// One of the two logs compared: where it is, what its run was, and its residents' names.
#[derive(Debug, Clone)]
pub struct Side {
    pub path: String,
    /// The run's label (the scenario's title, or what the run was called).
    pub label: String,
    pub names: Vec<String>,
    /// Events in the whole log (before any selection of a resident).
    pub events: u64,
}

/// The residents' names: A's, then B's for a resident A does not have.
fn resident_name(a: &Side, b: &Side, r: model::ids::ResidentId) -> String {
    a.names
        .get(r.index())
        .or_else(|| b.names.get(r.index()))
        .cloned()
        .unwrap_or_else(|| r.to_string())
}

fn line(e: &Envelope, names: &[String], lang: Lang) -> String {
    event_line(e, &name(names, e.event.resident()), None, lang)
}

/// The diff as text.
pub fn text(d: &LogDiff, a: &Side, b: &Side, resident: Option<&str>, lang: Lang) -> String {
    let h = history(lang);
    let u = labels::ui(lang);
    let mut out = String::new();
    for (tag, s) in [(h.log_a, a), (h.log_b, b)] {
        let _ = writeln!(
            out,
            "{tag}  {} — {} {}{}{}{}",
            s.label, s.events, h.events, u.lp, s.path, u.rp
        );
    }
    if a.names != b.names {
        let _ = writeln!(out, "{}", h.residents_listed_differ);
    }
    if let Some(r) = resident {
        let _ = writeln!(out, "{} {r}", h.only_resident);
    }
    out.push('\n');
    let Some(first) = &d.first else {
        let _ = writeln!(out, "{}", labels::identical(d.compared[0], lang));
        return out;
    };
    let _ = writeln!(out, "{}", labels::first_difference(first.index + 1, lang));
    let numbers = (first.index + first.a.len().max(first.b.len())).to_string();
    let nw = numbers.len();
    let tw = max_width([h.log_a, h.log_b]);
    let start = first.index - first.before.len();
    for (k, e) in first.before.iter().enumerate() {
        let n = pad_left(&(start + k + 1).to_string(), nw);
        let _ = writeln!(out, "  {}  {n}  {}", pad("", tw), line(e, &a.names, lang));
    }
    for (tag, side, events) in [(h.log_a, a, &first.a), (h.log_b, b, &first.b)] {
        if events.is_empty() {
            let _ = writeln!(
                out,
                "  {}  {}  {}",
                pad(tag, tw),
                pad_left(&(first.index + 1).to_string(), nw),
                u.no_further_event
            );
        }
        for (k, e) in events.iter().enumerate() {
            let n = pad_left(&(first.index + k + 1).to_string(), nw);
            let _ = writeln!(
                out,
                "  {}  {n}  {}",
                pad(tag, tw),
                line(e, &side.names, lang)
            );
        }
    }
    out.push('\n');
    let _ = writeln!(out, "{}", h.differences);
    let mut rows: Vec<[String; 5]> = Vec::new();
    for r in &d.residents {
        let who = [
            resident_name(a, b, r.resident),
            r.first_at.format("%Y-%m-%d %H:%M").to_string(),
        ];
        if r.kinds.is_empty() {
            let [name, at] = who.clone();
            rows.push([
                name,
                at,
                h.reordered.to_owned(),
                String::new(),
                String::new(),
            ]);
        }
        for (i, k) in r.kinds.iter().enumerate() {
            let [name, at] = if i == 0 {
                who.clone()
            } else {
                Default::default()
            };
            rows.push([
                name,
                at,
                labels::event_type(&k.example).get(lang).to_owned(),
                k.only_in_a.to_string(),
                k.only_in_b.to_string(),
            ]);
        }
    }
    let header = [
        h.resident,
        h.first_at,
        h.event_kind,
        h.only_in_a,
        h.only_in_b,
    ];
    let header = header.map(str::to_owned);
    let mut widths = [0; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(crate::align::width(c));
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let cells = format!(
            "  {}  {}  {}  {}  {}",
            pad(&row[0], widths[0]),
            pad(&row[1], widths[1]),
            pad(&row[2], widths[2]),
            pad_left(&row[3], widths[3]),
            pad_left(&row[4], widths[4])
        );
        let _ = writeln!(out, "{}", cells.trim_end());
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "{}",
        labels::diff_totals(d.residents.len(), d.residents_compared, d.only(), lang)
    );
    out
}

/// The diff as one JSON document: both logs, whether they are identical, the first difference
/// (each event with its time, office, type, section and sentence) and the differences by resident and
/// event kind, each kind with its label.
pub fn json(d: &LogDiff, a: &Side, b: &Side, resident: Option<&str>, lang: Lang) -> String {
    let side = |s: &Side, compared: usize| {
        json!({
            "path": s.path,
            "label": s.label,
            "events": s.events,
            "compared": compared,
            "residents": s.names,
        })
    };
    let events = |es: &[Envelope], start: usize, names: &[String]| -> Value {
        es.iter()
            .enumerate()
            .map(|(k, e)| {
                // The fields a program needs, not the envelope: its payload would print a
                // My Number in full, which no output may.
                json!({
                    "position": start + k + 1,
                    "occurred_at": e.occurred_at,
                    "effective_on": e.effective_on,
                    "office": e.service.as_str(),
                    "resident": name(names, e.event.resident()),
                    "event_type": e.event.type_name(),
                    "section": e.event.section().map(|s| s.to_string()),
                    "text": line(e, names, lang),
                })
            })
            .collect()
    };
    let first = d.first.as_ref().map(|f| {
        json!({
            "position": f.index + 1,
            "before": events(&f.before, f.index - f.before.len(), &a.names),
            "a": events(&f.a, f.index, &a.names),
            "b": events(&f.b, f.index, &b.names),
        })
    });
    let residents: Vec<Value> = d
        .residents
        .iter()
        .map(|r| {
            json!({
                "resident": resident_name(a, b, r.resident),
                "first_at": r.first_at,
                "kinds": r.kinds.iter().map(|k| json!({
                    "event_type": k.event_type,
                    "label": labels::event_type(&k.example).get(lang),
                    "only_in_a": k.only_in_a,
                    "only_in_b": k.only_in_b,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let [only_a, only_b] = d.only();
    let v = json!({
        "identical": d.identical(),
        "a": side(a, d.compared[0]),
        "b": side(b, d.compared[1]),
        "resident": resident,
        "first_difference": first,
        "residents": residents,
        "residents_compared": d.residents_compared,
        "only_in_a": only_a,
        "only_in_b": only_b,
    });
    let mut s = serde_json::to_string_pretty(&v).expect("json");
    s.push('\n');
    s
}
