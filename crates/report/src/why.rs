//! `zairyu why` as a person or a program reads it: a value of the card record, the event that
//! set it, the rule function of `model` that computed it (with its rulebook sections, grades and
//! sources), the rule's inputs each with the event that set it, and the chain of causes back
//! to the first event — as text in English or Japanese, or as JSON.

use std::fmt::Write;

use model::envelope::Envelope;
use model::provenance::Rule;
use model::validity::CardLaw;
use projection::why::{InputValue, Reading, Why};
use serde_json::{Value, json};

use crate::align::{max_width, pad};
use crate::labels::{self, Lang, history, ui};
use crate::sections::citations;
use crate::transcript::event_line;

fn line(e: &Envelope, who: &str, lang: Lang) -> String {
    event_line(e, who, None, lang)
}

/// The value, said.
pub fn reading(r: Reading, lang: Lang) -> String {
    let h = history(lang);
    match r {
        Reading::Date(d) => d.to_string(),
        Reading::Bool(true) => h.yes.to_owned(),
        Reading::Bool(false) => h.no.to_owned(),
        Reading::Absent => h.absent.to_owned(),
    }
}

/// A card (or a Tokutei card's functions): valid through when, and whether it is in use.
fn in_use(card: Option<(chrono::NaiveDate, projection::UseState)>, lang: Lang) -> String {
    let (h, u) = (history(lang), ui(lang));
    match card {
        None => h.absent.to_owned(),
        Some((through, state)) => {
            let state = if state == projection::UseState::Active {
                h.active
            } else {
                h.inactive
            };
            format!("{} {through}{}{state}{}", u.valid_through, u.lp, u.rp)
        }
    }
}

/// An input's value, said.
fn input_value(v: &InputValue, lang: Lang) -> String {
    let h = history(lang);
    match v {
        InputValue::CardLaw(law) => labels::card_law(*law).get(lang).to_owned(),
        InputValue::Status(s) => s
            .map_or(h.absent, |s| labels::status(s).get(lang))
            .to_owned(),
        InputValue::Date(d) => d.map_or_else(|| h.absent.to_owned(), |d| d.to_string()),
        InputValue::SeparateCard(c) => in_use(c.map(|c| (c.card.valid_through, c.state)), lang),
        InputValue::TokuteiFunctions(f) => in_use(f.map(|f| (f.valid_through, f.state)), lang),
        InputValue::Bool(b) => if *b { h.yes } else { h.no }.to_owned(),
        InputValue::SpecialPeriod(sp) => sp.map_or_else(
            || h.absent.to_owned(),
            |sp| format!("{} {} → {}", h.special_period, sp.expiry, sp.until),
        ),
    }
}

/// The law the rule was applied under, if it reads one.
fn law(w: &Why) -> Option<CardLaw> {
    w.inputs.iter().find_map(|i| match i.value {
        InputValue::CardLaw(law) => Some(law),
        _ => None,
    })
}

/// "§8.2 New-format card (from 2026-06-14)": the sections that applied, with their titles.
fn sections(rule: &Rule, law: Option<CardLaw>, lang: Lang) -> String {
    let joined = rule.sections_under(law).join(", ");
    citations(&joined)
        .iter()
        .map(|c| format!("{} {}", c.mark(), c.title(lang)))
        .collect::<Vec<_>>()
        .join(ui(lang).comma)
}

/// The explanation as text.
pub fn text(w: &Why, who: &str, lang: Lang) -> String {
    let h = history(lang);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        labels::why_heading(who, w.field.path(), w.on, &reading(w.value, lang), lang)
    );
    out.push('\n');
    let _ = writeln!(out, "{}", h.set_by);
    match &w.set_by {
        Some(e) => {
            let _ = writeln!(out, "  {}", line(e, who, lang));
        }
        None if w.value == Reading::Absent => {
            let _ = writeln!(out, "  {}", h.no_value);
            return out;
        }
        None if w
            .rule
            .is_some_and(|r| r.id == model::provenance::RuleId::MyNumberUsable) =>
        {
            let _ = writeln!(out, "  {}", h.computed_for_day);
        }
        None => {
            let _ = writeln!(out, "  {}", h.set_by_none);
        }
    }
    out.push('\n');
    let _ = writeln!(out, "{}", h.rule);
    match w.rule {
        Some(rule) => {
            let applied = match &w.rule_applied_at {
                Some(e) => line(e, who, lang),
                None => h.on_the_day.to_owned(),
            };
            let rows = [
                (h.function, rule.function.to_owned()),
                (h.sections, sections(rule, law(w), lang)),
                (h.grades, rule.grades.join(" · ")),
                (h.applied_at, applied),
            ];
            out.push_str(&crate::align::labelled(&rows, 2, 2));
            let _ = writeln!(out, "  {}", labels::rule_summary(rule.id).get(lang));
            out.push('\n');
            let heading = if w.rule_applied_at.is_some() {
                h.inputs_before
            } else {
                h.inputs_on_day
            };
            let _ = writeln!(out, "{heading}");
            let names: Vec<&str> = w
                .inputs
                .iter()
                .map(|i| labels::input(i.input).get(lang))
                .collect();
            let nw = max_width(names.iter().copied());
            let values: Vec<String> = w
                .inputs
                .iter()
                .map(|i| input_value(&i.value, lang))
                .collect();
            let vw = max_width(values.iter().map(String::as_str));
            for ((i, name), value) in w.inputs.iter().zip(&names).zip(&values) {
                let mut row = format!("  {}  {}", pad(name, nw), pad(value, vw));
                if let Some(e) = &i.set_by {
                    let _ = write!(row, "  ← {} {}", h.set_by_arrow, line(e, who, lang));
                }
                let _ = writeln!(out, "{}", row.trim_end());
            }
        }
        None => {
            let _ = writeln!(out, "  {}", h.no_rule);
        }
    }
    if !w.chain.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "{}", h.chain);
        for (k, link) in w.chain.iter().enumerate() {
            let arrow = if k == 0 { "  " } else { "← " };
            let _ = writeln!(out, "  {arrow}{}", line(&link.event, who, lang));
            if let Some(rule) = link.rule {
                let _ = writeln!(out, "      {} {}", h.computed_here, rule.function);
            }
        }
    }
    out
}

/// The fields of an event a program needs (never its payload: that would print a My Number in
/// full, which no output may).
fn event_json(e: &Envelope, who: &str, lang: Lang) -> Value {
    json!({
        "global_seq": e.global_seq,
        "occurred_at": e.occurred_at,
        "effective_on": e.effective_on,
        "office": e.service.as_str(),
        "event_type": e.event.type_name(),
        "section": e.event.section().map(|s| s.to_string()),
        "text": line(e, who, lang),
    })
}

fn rule_json(rule: &Rule, law: Option<CardLaw>, lang: Lang) -> Value {
    json!({
        "function": rule.function,
        "file": format!("crates/model/{}", rule.file),
        "sections": rule.sections_under(law),
        "section_titles": sections(rule, law, lang),
        "grades": rule.grades,
        "summary": labels::rule_summary(rule.id).get(lang),
    })
}

/// The explanation as one JSON document.
pub fn json(w: &Why, who: &str, lang: Lang) -> String {
    let v = json!({
        "resident": who,
        "field": w.field.path(),
        "on": w.on,
        "value": w.value,
        "value_text": reading(w.value, lang),
        "set_by": w.set_by.as_ref().map(|e| event_json(e, who, lang)),
        "rule": w.rule.map(|r| rule_json(r, law(w), lang)),
        "rule_applied_at": w.rule_applied_at.as_ref().map(|e| event_json(e, who, lang)),
        "inputs": w.inputs.iter().map(|i| json!({
            "input": i.input,
            "label": labels::input(i.input).get(lang),
            "value": i.value,
            "value_text": input_value(&i.value, lang),
            "set_by": i.set_by.as_ref().map(|e| event_json(e, who, lang)),
        })).collect::<Vec<_>>(),
        "chain": w.chain.iter().map(|l| {
            let mut v = event_json(&l.event, who, lang);
            v["rule"] = l.rule.map_or(Value::Null, |r| r.function.into());
            v
        }).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&v).expect("json");
    s.push('\n');
    s
}
