//! The transcript (one line per event: when, which office, who, what happened, why), the summary
//! of measures, and a resident's card record on a date.

use std::fmt::Write;

use chrono::NaiveDate;
use model::envelope::Envelope;
use model::event::Event;
use model::ids::ResidentId;
use model::rules;
use model::service::{Office, Service};
use model::validity::SpecialPeriodMyNumber;
use projection::{CardRecord, Projections, Totals, UseState, View};

use crate::describe::describe;

fn name(names: &[String], r: ResidentId) -> String {
    names
        .get(r.index())
        .cloned()
        .unwrap_or_else(|| r.to_string())
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
        let (text, rule) = describe(&env.event);
        let who = name(names, env.event.resident());
        let _ = write!(
            out,
            "{}  {:<18}  {:<width$}  {}",
            env.occurred_at.format("%Y-%m-%d %H:%M"),
            env.service.label(),
            who,
            text,
        );
        if let Some(rule) = rule {
            let _ = write!(out, "  [{rule}]");
        }
        out.push('\n');
        for &rules::Notified { to, code } in rules::notified(&env.event) {
            // The city hall service covers every municipality; name the one that is told.
            let whom = match (&env.event, to) {
                (
                    Event::MoveInRecorded {
                        from: Some(from), ..
                    },
                    Service::CityHall,
                ) => {
                    format!("the former city hall, {from}")
                }
                _ => to.object().to_owned(),
            };
            let _ = writeln!(
                out,
                "{:16}  {:<18}  {:<width$}    → notifies {} ({code})",
                "", "", "", whom
            );
        }
    }
    out
}

/// The measures of a run, as a small table.
pub fn summary(totals: &Totals, until: NaiveDate) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Measures (through {until})");
    let visits = Office::ALL
        .iter()
        .map(|o| {
            format!(
                "{} {}",
                o.label(),
                totals.visits.get(o).copied().unwrap_or(0)
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let notes = if totals.notifications.is_empty() {
        "none".to_owned()
    } else {
        totals
            .notifications
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let rows: [(&str, String); 9] = [
        ("counter visits", visits),
        ("My Number outage days", totals.outage_days.to_string()),
        ("inconsistency days", totals.inconsistency_days.to_string()),
        (
            "special-period days",
            totals.special_period_days.to_string(),
        ),
        ("cards produced", totals.cards_produced.to_string()),
        ("deadline misses", totals.deadline_misses.to_string()),
        ("refusals", totals.refusals.to_string()),
        ("notifications", notes),
        ("events", totals.events.to_string()),
    ];
    for (k, v) in rows {
        let _ = writeln!(out, "  {k:<22} {v}");
    }
    out
}

fn view_line(v: &View) -> String {
    format!(
        "{}; period to {}; card {}; {}{}",
        v.status.map(|s| s.label()).unwrap_or("—"),
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
    match s {
        UseState::Active => "active".to_owned(),
        UseState::Expired { on } => format!("lapsed on {on}"),
        UseState::Invalidated { on, .. } => format!("invalidated on {on}"),
        UseState::Suspended { on } => format!("suspended on {on}"),
    }
}

/// One resident's card record on `day`, as each office believes it.
pub fn card_record(
    rec: &CardRecord,
    who: &str,
    day: NaiveDate,
    switch: SpecialPeriodMyNumber,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{who} on {day}");
    let held = rec.cards_valid_on(day);
    if held.is_empty() {
        let _ = writeln!(out, "  cards valid:        none");
    }
    for (i, (kind, through)) in held.iter().enumerate() {
        let number = match (kind, &rec.residence_card) {
            (k, Some(c)) if c.kind == *k => format!(" {}", c.number),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "  {:<19} {}{number}, valid through {through}",
            if i == 0 { "cards valid:" } else { "" },
            kind.label()
        );
    }
    if let Some(c) = rec.my_number_card
        && !held
            .iter()
            .any(|(k, _)| *k == model::card::CardKind::MyNumberCard)
    {
        let _ = writeln!(
            out,
            "  {:<19} My Number card valid through {} ({})",
            "not valid:",
            c.card.valid_through,
            state(c.state)
        );
    }
    let _ = writeln!(
        out,
        "  My Number functions: {}",
        if !rec.has_my_number_card() {
            "none (no card with My Number functions)".to_owned()
        } else if rec.my_number_usable(day, switch) {
            "usable".to_owned()
        } else {
            "NOT usable".to_owned()
        }
    );
    let _ = writeln!(
        out,
        "  certificates:        signature {}, user authentication {}",
        rec.certificates
            .signature_through
            .map(|d| d.to_string())
            .unwrap_or_else(|| "none".into()),
        rec.certificates
            .user_auth_through
            .map(|d| d.to_string())
            .unwrap_or_else(|| "none".into())
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
            .map(|sp| format!(" (special period until {})", sp.until))
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
        Office::ALL
            .iter()
            .map(|o| format!("{} {}", o.label(), rec.visits_to(*o)))
            .collect::<Vec<_>>()
            .join(" · ")
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
