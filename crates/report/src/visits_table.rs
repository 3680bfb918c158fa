//! The office-visit table (`zairyu table`) as text and as Markdown.

use std::fmt::Write;

use simulator::table::{Outcome, Row};

fn cell(o: &Outcome) -> String {
    let mut s = o
        .visits
        .iter()
        .map(|(office, n)| format!("{} ×{n}", office.label()))
        .collect::<Vec<_>>()
        .join(" + ");
    if s.is_empty() {
        s.push_str("no visit");
    }
    if !o.follow_ups.is_empty() {
        let f: Vec<&str> = o.follow_ups.iter().map(|p| p.label()).collect();
        let _ = write!(s, " (incl. {})", f.join(", "));
    }
    if !o.goal_met {
        s.push_str(" — My Number functions not restored");
    }
    s
}

/// Offices only, no counts: what the guide's table says.
fn offices(o: &Outcome) -> String {
    let v: Vec<&str> = o.visits.iter().map(|(office, _)| office.label()).collect();
    if v.is_empty() {
        "—".to_owned()
    } else {
        v.join(" + ")
    }
}

/// A terminal table.
pub fn text(rows: &[Row]) -> String {
    let mut out = String::new();
    let w = rows
        .iter()
        .map(|r| r.procedure.label().len() + r.section.len() + 1)
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
        let name = format!("{} {}", r.procedure.label(), r.section);
        let _ = writeln!(
            out,
            "{name:<w$}  {:<lw$}  {}",
            cell(&r.legacy),
            cell(&r.integrated)
        );
    }
    let notes: Vec<&Row> = rows.iter().filter(|r| r.note.is_some()).collect();
    if !notes.is_empty() {
        out.push('\n');
        for r in notes {
            let _ = writeln!(
                out,
                "{}: {}",
                r.procedure.label(),
                r.note.unwrap_or_default()
            );
        }
    }
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
            r.procedure.label(),
            r.section,
            offices(&r.legacy),
            offices(&r.integrated),
            cell(&r.legacy),
            cell(&r.integrated)
        );
    }
    let notes: Vec<&Row> = rows.iter().filter(|r| r.note.is_some()).collect();
    if !notes.is_empty() {
        out.push('\n');
        for r in notes {
            let _ = writeln!(
                out,
                "- {}: {}",
                r.procedure.label(),
                r.note.unwrap_or_default()
            );
        }
    }
    out
}
