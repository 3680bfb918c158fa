//! The transcript (one line per event: when, which office, who, what happened, why), the summary
//! of measures, and a resident's card record on a date.

use std::fmt::Write;

use chrono::NaiveDate;
use model::card::CardKind;
use model::envelope::Envelope;
use model::ids::ResidentId;
use model::rules;
use model::validity::SpecialPeriodMyNumber;
use projection::{CardRecord, Projections, Totals, UseState, View};

use crate::describe::describe;
use crate::labels::{self, Lang, ui};
use crate::phrases::{certificate_dates, notifications_line, recipient, visits_line};

/// The transcript, the summary and the card record are in English.
const EN: Lang = Lang::En;

/// A resident's display name: the scenario's, or the resident id.
pub(crate) fn name(names: &[String], r: ResidentId) -> String {
    names
        .get(r.index())
        .cloned()
        .unwrap_or_else(|| r.to_string())
}

/// The width of the transcript's office column ("immigration bureau").
const OFFICE_WIDTH: usize = 18;

/// One event as the transcript writes it: when, which office, who, what it did and the rule
/// behind it. `pad` is the width of the resident column, to line the events up; `None` for a
/// line on its own.
pub fn event_line(env: &Envelope, who: &str, pad: Option<usize>) -> String {
    let (office_width, who_width) = pad.map_or((0, 0), |w| (OFFICE_WIDTH, w));
    let mut line = format!(
        "{}  {:<office_width$}  {:<who_width$}  {}",
        env.occurred_at.format("%Y-%m-%d %H:%M"),
        labels::service(env.service).en,
        who,
        describe(&env.event, EN),
    );
    if let Some(rule) = env.event.section() {
        let _ = write!(line, "  [{rule}]");
    }
    line
}

/// The readable log: one line per event, with the notices it sends.
pub fn transcript(log: &[Envelope], names: &[String]) -> String {
    let width = log
        .iter()
        .map(|e| name(names, e.event.resident()).chars().count())
        .max()
        .unwrap_or(4);
    let mut out = String::new();
    let mut last_day = None;
    for env in log {
        let day = env.occurred_at.date();
        if last_day.is_some_and(|d| d != day) {
            out.push('\n');
        }
        last_day = Some(day);
        let who = name(names, env.event.resident());
        let _ = writeln!(out, "{}", event_line(env, &who, Some(width)));
        for &rules::Notified { to, code } in rules::notified(&env.event) {
            let _ = writeln!(
                out,
                "{:16}  {:<OFFICE_WIDTH$}  {:<width$}    → notifies {} ({code})",
                "",
                "",
                "",
                recipient(&env.event, to, EN)
            );
        }
    }
    out
}

/// The measures of a run, as a small table.
pub fn summary(totals: &Totals, until: NaiveDate) -> String {
    let u = ui(EN);
    let mut out = String::new();
    let _ = writeln!(out, "{} (through {until})", u.measures);
    let visits = visits_line(
        |o| totals.visits.get(&o).copied().unwrap_or(0),
        labels::office_short,
        EN,
    );
    let rows: [(&str, String); 9] = [
        (u.visits, visits),
        (u.outage_days, totals.outage_days.to_string()),
        (u.inconsistency_days, totals.inconsistency_days.to_string()),
        (
            u.special_period_days,
            totals.special_period_days.to_string(),
        ),
        (u.cards_produced, totals.cards_produced.to_string()),
        (u.deadline_misses, totals.deadline_misses.to_string()),
        (u.refusals, totals.refusals.to_string()),
        (
            u.notifications,
            notifications_line(&totals.notifications, EN),
        ),
        (u.events, totals.events.to_string()),
    ];
    for (k, v) in rows {
        let _ = writeln!(out, "  {k:<22} {v}");
    }
    out
}

fn view_line(v: &View) -> String {
    format!(
        "{}; period to {}; card {}; {}{}",
        v.status.map(|s| labels::status(s).en).unwrap_or("—"),
        v.period_expiry
            .map(|d| d.to_string())
            .unwrap_or_else(|| "— (none)".into()),
        v.card_number
            .map(|n| n.to_string())
            .unwrap_or_else(|| "—".into()),
        v.address.as_ref().map(|a| a.0.as_str()).unwrap_or("—"),
        v.municipality
            .as_ref()
            .map(|m| format!(", {m}"))
            .unwrap_or_default()
    )
}

fn state(s: UseState) -> String {
    let u = ui(EN);
    match s {
        UseState::Active => u.active.to_owned(),
        UseState::Expired { on } => format!("{} on {on}", u.lapsed),
        UseState::Invalidated { on, .. } => format!("{} on {on}", u.invalidated),
        UseState::Suspended { on } => format!("{} on {on}", u.suspended),
    }
}

/// One resident's card record on `day`, as each office believes it.
pub fn card_record(
    rec: &CardRecord,
    who: &str,
    day: NaiveDate,
    switch: SpecialPeriodMyNumber,
) -> String {
    let u = ui(EN);
    let mut out = String::new();
    let _ = writeln!(out, "{who} on {day}");
    let held = rec.cards_valid_on(day);
    if held.is_empty() {
        let _ = writeln!(out, "  cards valid:        {}", u.none);
    }
    for (i, (kind, through)) in held.iter().enumerate() {
        let number = match (kind, &rec.residence_card) {
            (k, Some(c)) if c.kind == *k => format!(" {}", c.number),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "  {:<19} {}{number}, {} {through}",
            if i == 0 { "cards valid:" } else { "" },
            labels::card_kind(*kind).en,
            u.valid_through
        );
    }
    if let Some(c) = rec.my_number_card
        && !held.iter().any(|(k, _)| *k == CardKind::MyNumberCard)
    {
        let _ = writeln!(
            out,
            "  {:<19} {} {} {} ({})",
            "not valid:",
            labels::card_kind(CardKind::MyNumberCard).en,
            u.valid_through,
            c.card.valid_through,
            state(c.state)
        );
    }
    let _ = writeln!(
        out,
        "  My Number functions: {}",
        if !rec.has_my_number_card() {
            format!("{} ({})", u.none, u.no_functions)
        } else if rec.my_number_usable(day, switch) {
            u.usable.to_owned()
        } else {
            u.not_usable.to_owned()
        }
    );
    let _ = writeln!(
        out,
        "  certificates:        {}",
        certificate_dates(&rec.certificates, EN)
    );
    let _ = writeln!(
        out,
        "  lawfully resident:   {}{}",
        if rec.lawfully_resident(day) {
            "yes"
        } else {
            "no"
        },
        rec.special_period()
            .filter(|sp| sp.contains(day))
            .map(|sp| format!(" ({} {})", u.special_until, sp.until))
            .unwrap_or_default()
    );
    let _ = writeln!(out, "  bureau's view:       {}", view_line(&rec.bureau));
    let _ = writeln!(out, "  city hall's view:    {}", view_line(&rec.city_hall));
    if rec.inconsistent() {
        let _ = writeln!(out, "  ⚠ the offices' views disagree");
    }
    let _ = writeln!(
        out,
        "  visits so far:       {}",
        visits_line(|o| rec.visits_to(o).into(), labels::office_short, EN)
    );
    let _ = writeln!(
        out,
        "  days so far:         outage {} · inconsistent {} · special period {}",
        rec.days.outage_days, rec.days.inconsistency_days, rec.days.special_period_days
    );
    out
}

/// Every resident's card record on `day`.
pub fn card_records(
    p: &Projections,
    names: &[String],
    day: NaiveDate,
    switch: SpecialPeriodMyNumber,
) -> String {
    p.records
        .iter()
        .enumerate()
        .map(|(i, rec)| card_record(rec, &name(names, ResidentId(i as u32)), day, switch))
        .collect::<Vec<_>>()
        .join("\n")
}
