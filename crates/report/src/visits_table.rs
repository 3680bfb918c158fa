//! The office-visit table (`zairyu table`) as text and as Markdown, in English or Japanese.

use std::fmt::Write;

use projection::office_table::{Outcome, Row};

use crate::align::{max_width, pad};
use crate::labels::{self, Lang, ui};

fn cell(o: &Outcome, lang: Lang) -> String {
    let u = ui(lang);
    let mut s = o
        .visits
        .iter()
        .map(|(office, n)| format!("{} ×{n}", labels::office_short(*office).get(lang)))
        .collect::<Vec<_>>()
        .join(" + ");
    if s.is_empty() {
        s.push_str(u.no_visit);
    }
    if !o.follow_ups.is_empty() {
        let f: Vec<&str> = o
            .follow_ups
            .iter()
            .map(|p| labels::procedure(*p).get(lang))
            .collect();
        let _ = write!(s, "{}{} {}{}", u.lp, u.including, f.join(u.comma), u.rp);
    }
    if !o.goal_met {
        let _ = write!(s, " — {}", u.not_restored);
    }
    s
}

/// Offices only, no counts: what the guide's table says.
fn offices(o: &Outcome, lang: Lang) -> String {
    let v: Vec<&str> = o
        .visits
        .iter()
        .map(|(office, _)| labels::office_short(*office).get(lang))
        .collect();
    if v.is_empty() {
        "—".to_owned()
    } else {
        v.join(" + ")
    }
}

/// A procedure with its section: "period-of-stay extension §5.4".
fn procedure(r: &Row, lang: Lang) -> String {
    format!(
        "{} {}",
        labels::procedure(r.procedure).get(lang),
        r.procedure.section()
    )
}

/// The rows' notes after a blank line, one per line, each line starting with `bullet`.
fn push_notes(out: &mut String, rows: &[Row], bullet: &str, lang: Lang) {
    let u = ui(lang);
    let mut notes = rows
        .iter()
        .filter_map(|r| labels::office_table_note(r.procedure).map(|n| (r.procedure, n.get(lang))))
        .peekable();
    if notes.peek().is_some() {
        out.push('\n');
    }
    for (procedure, note) in notes {
        let _ = writeln!(
            out,
            "{bullet}{}{}{note}",
            labels::procedure(procedure).get(lang),
            u.colon
        );
    }
}

/// A terminal table.
pub fn text(rows: &[Row], lang: Lang) -> String {
    let u = ui(lang);
    let names: Vec<String> = rows.iter().map(|r| procedure(r, lang)).collect();
    let legacy: Vec<String> = rows.iter().map(|r| cell(&r.legacy, lang)).collect();
    let w = max_width(names.iter().map(String::as_str).chain([u.procedure]));
    let lw = max_width(
        legacy
            .iter()
            .map(String::as_str)
            .chain([u.legacy_two_cards]),
    );
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}  {}  {}",
        pad(u.procedure, w),
        pad(u.legacy_two_cards, lw),
        u.integrated_tokutei
    );
    for ((r, name), legacy) in rows.iter().zip(&names).zip(&legacy) {
        let _ = writeln!(
            out,
            "{}  {}  {}",
            pad(name, w),
            pad(legacy, lw),
            cell(&r.integrated, lang)
        );
    }
    push_notes(&mut out, rows, "", lang);
    out
}

/// A Markdown table for the docs.
pub fn markdown(rows: &[Row], lang: Lang) -> String {
    let u = ui(lang);
    let mut out = String::new();
    let regimes = [
        labels::regime_short(model::policy::Regime::Legacy).get(lang),
        labels::regime_short(model::policy::Regime::Integrated).get(lang),
    ];
    let _ = writeln!(
        out,
        "| {} | {}{}{} | {}{}{} | {}{}{} | {}{}{} |",
        u.procedure,
        regimes[0],
        u.colon,
        u.offices,
        regimes[1],
        u.colon,
        u.offices,
        regimes[0],
        u.colon,
        u.visits_short,
        regimes[1],
        u.colon,
        u.visits_short
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for r in rows {
        let _ = writeln!(
            out,
            "| {}{}{}{} | {} | {} | {} | {} |",
            labels::procedure(r.procedure).get(lang),
            u.lp,
            r.procedure.section(),
            u.rp,
            offices(&r.legacy, lang),
            offices(&r.integrated, lang),
            cell(&r.legacy, lang),
            cell(&r.integrated, lang)
        );
    }
    push_notes(&mut out, rows, "- ", lang);
    out
}
