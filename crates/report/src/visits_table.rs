//! The office-visit table (`zairyu table`) as text and as Markdown, in English.

use std::fmt::Write;

use projection::office_table::{Outcome, Row};

use crate::labels;

fn cell(o: &Outcome) -> String {
    let mut s = o
        .visits
        .iter()
        .map(|(office, n)| format!("{} ×{n}", labels::office_short(*office).en))
        .collect::<Vec<_>>()
        .join(" + ");
    if s.is_empty() {
        s.push_str("no visit");
    }
    if !o.follow_ups.is_empty() {
        let f: Vec<&str> = o
            .follow_ups
            .iter()
            .map(|p| labels::procedure(*p).en)
            .collect();
        let _ = write!(s, " (incl. {})", f.join(", "));
    }
    if !o.goal_met {
        s.push_str(" — My Number functions not restored");
    }
    s
}

/// Offices only, no counts: what the guide's table says.
fn offices(o: &Outcome) -> String {
    let v: Vec<&str> = o
        .visits
        .iter()
        .map(|(office, _)| labels::office_short(*office).en)
        .collect();
    if v.is_empty() {
        "—".to_owned()
    } else {
        v.join(" + ")
    }
}

/// The rows' notes after a blank line, one per line, each line starting with `bullet`.
fn push_notes(out: &mut String, rows: &[Row], bullet: &str) {
    let mut notes = rows
        .iter()
        .filter_map(|r| labels::office_table_note(r.procedure).map(|n| (r.procedure, n.en)))
        .peekable();
    if notes.peek().is_some() {
        out.push('\n');
    }
    for (procedure, note) in notes {
        let _ = writeln!(out, "{bullet}{}: {note}", labels::procedure(procedure).en);
    }
}

/// A terminal table.
pub fn text(rows: &[Row]) -> String {
    let mut out = String::new();
    let w = rows
        .iter()
        .map(|r| labels::procedure(r.procedure).en.len() + r.procedure.section().len() + 1)
        .max()
        .unwrap_or(20);
    let lw = rows
        .iter()
        .map(|r| cell(&r.legacy).len())
        .max()
        .unwrap_or(20);
    let _ = writeln!(
        out,
        "{:<w$}  {:<lw$}  integrated (Tokutei card)",
        "procedure", "legacy (two cards)"
    );
    for r in rows {
        let name = format!(
            "{} {}",
            labels::procedure(r.procedure).en,
            r.procedure.section()
        );
        let _ = writeln!(
            out,
            "{name:<w$}  {:<lw$}  {}",
            cell(&r.legacy),
            cell(&r.integrated)
        );
    }
    push_notes(&mut out, rows, "");
    out
}

/// A Markdown table for the docs.
pub fn markdown(rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| procedure | legacy: offices | integrated: offices | legacy: visits | integrated: visits |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for r in rows {
        let _ = writeln!(
            out,
            "| {} ({}) | {} | {} | {} | {} |",
            labels::procedure(r.procedure).en,
            r.procedure.section(),
            offices(&r.legacy),
            offices(&r.integrated),
            cell(&r.legacy),
            cell(&r.integrated)
        );
    }
    push_notes(&mut out, rows, "- ");
    out
}
