//! The office-visit table (`zairyu table`) as text (within a width, or one line per procedure)
//! and as Markdown, in English or Japanese.

use std::fmt::Write;

use projection::office_table::{Outcome, Row};

use crate::align::{max_width, pad, width};
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

/// A row's procedure, and whose it is when a special permanent resident files it at the
/// municipality: "change of a non-address item — special permanent resident".
pub fn row_name(r: &Row, lang: Lang) -> String {
    let spr = if r.spr { ui(lang).by_spr } else { "" };
    format!("{}{spr}", labels::procedure(r.procedure).get(lang))
}

/// A procedure with its section: "period-of-stay extension §5.4"; a special permanent
/// resident's item change or reissue follows §5.8.
fn procedure(r: &Row, lang: Lang) -> String {
    format!("{} {}", row_name(r, lang), row_section(r))
}

/// The rulebook section a row follows.
pub fn row_section(r: &Row) -> &'static str {
    if r.spr {
        "§5.8"
    } else {
        r.procedure.section()
    }
}

/// The rows' notes after a blank line, one per line, each line starting with `bullet`.
fn push_notes(out: &mut String, rows: &[Row], bullet: &str, lang: Lang) {
    let u = ui(lang);
    let mut notes = rows
        .iter()
        // A special permanent resident's row shares its procedure's note, given once.
        .filter(|r| !r.spr)
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

/// A terminal table. With a `width`, each procedure is a block — its name, then one line per
/// regime — with long cells wrapped so that no line is wider than `width` terminal columns;
/// without, one line per procedure, as wide as it takes.
pub fn text(rows: &[Row], lang: Lang, width: Option<usize>) -> String {
    match width {
        Some(width) => blocks(rows, lang, width),
        None => grid(rows, lang),
    }
}

/// A block per procedure, within `width` terminal columns.
fn blocks(rows: &[Row], lang: Lang, width: usize) -> String {
    let u = ui(lang);
    let regimes = [u.legacy_two_cards, u.integrated_tokutei];
    let label_width = max_width(regimes);
    let cell_width = width.saturating_sub(2 + label_width + 2).max(20);
    let mut out = String::new();
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", procedure(r, lang));
        for (regime, outcome) in regimes.iter().zip([&r.legacy, &r.integrated]) {
            for (k, line) in wrap(&cell(outcome, lang), cell_width).iter().enumerate() {
                let label = if k == 0 { regime } else { "" };
                let _ = writeln!(out, "  {}  {line}", pad(label, label_width));
            }
        }
    }
    let mut notes = String::new();
    push_notes(&mut notes, rows, "", lang);
    for line in notes.lines() {
        for (k, part) in wrap(line, width.saturating_sub(2).max(20))
            .iter()
            .enumerate()
        {
            let _ = writeln!(out, "{}{part}", if k == 0 { "" } else { "  " });
        }
    }
    out
}

/// `text` in lines of at most `columns` terminal columns, broken at spaces (a word wider than
/// that, or text without spaces such as Japanese, is broken where it must be).
fn wrap(text: &str, columns: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let needed = width(&line) + usize::from(!line.is_empty()) + width(word);
        if !line.is_empty() && needed > columns {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        for c in word.chars() {
            let mut buf = [0u8; 4];
            if width(&line) + width(c.encode_utf8(&mut buf)) > columns {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// One line per procedure.
fn grid(rows: &[Row], lang: Lang) -> String {
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
            row_name(r, lang),
            u.lp,
            row_section(r),
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

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrap_breaks_at_spaces_within_the_width() {
        assert_eq!(
            wrap("immigration bureau ×2 + city hall ×1", 20),
            ["immigration bureau", "×2 + city hall ×1"]
        );
        assert_eq!(wrap("short", 20), ["short"]);
        assert_eq!(wrap("", 20), [""]);
        // Text without spaces is broken where it must be, by display width (kanji are two
        // columns wide).
        assert_eq!(wrap("出入国在留管理庁", 10), ["出入国在留", "管理庁"]);
    }
}
