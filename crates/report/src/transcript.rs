//! The transcript (one line per event: when, which office, who, what happened, why), the summary
//! of measures, and a resident's card record on a date.

use std::fmt::Write;

use chrono::NaiveDate;
use model::card::CardKind;
use model::envelope::Envelope;
use model::ids::ResidentId;
use model::rules;
use model::service::Service;
use model::validity::SpecialPeriodMyNumber;
use projection::{CardRecord, Projections, Totals, UseState, View};

use crate::align::{labelled, max_width, pad};
use crate::describe::describe;
use crate::labels::{self, Lang, ui};
use crate::phrases::{certificate_dates, notifications_line, recipient, through, visits_line};

/// A resident's display name: the scenario's, or the resident id.
pub(crate) fn name(names: &[String], r: ResidentId) -> String {
    names
        .get(r.index())
        .cloned()
        .unwrap_or_else(|| r.to_string())
}

/// The office column's width: the widest short office name in `lang`.
fn office_width(lang: Lang) -> usize {
    max_width(
        [
            Service::ImmigrationBureau,
            Service::CityHall,
            Service::CardIssuer,
            Service::Police,
        ]
        .map(|s| labels::service_short(s).get(lang)),
    )
}

/// One event as the transcript writes it: when, which office, who, what it did and the rule
/// behind it. `pad_who` is the width of the resident column, to line the events up; `None`
/// for a line on its own.
pub fn event_line(env: &Envelope, who: &str, pad_who: Option<usize>, lang: Lang) -> String {
    let office = labels::service_short(env.service).get(lang);
    let (office, who) = match pad_who {
        Some(w) => (pad(office, office_width(lang)), pad(who, w)),
        None => (office.to_owned(), who.to_owned()),
    };
    let mut line = format!(
        "{}  {office}  {who}  {}",
        env.occurred_at.format("%Y-%m-%d %H:%M"),
        describe(&env.event, lang),
    );
    if let Some(rule) = env.event.section() {
        let _ = write!(line, "  [{rule}]");
    }
    line
}

/// The readable log: one line per event, with the notices it sends.
pub fn transcript(log: &[Envelope], names: &[String], lang: Lang) -> String {
    let width = log
        .iter()
        .map(|e| crate::align::width(&name(names, e.event.resident())))
        .max()
        .unwrap_or(4);
    // The notices are indented under the description: date, office and resident columns.
    let indent = " ".repeat(16 + 2 + office_width(lang) + 2 + width + 4);
    let u = ui(lang);
    let mut out = String::new();
    let mut last_day = None;
    for env in log {
        let day = env.occurred_at.date();
        if last_day.is_some_and(|d| d != day) {
            out.push('\n');
        }
        last_day = Some(day);
        let who = name(names, env.event.resident());
        let _ = writeln!(out, "{}", event_line(env, &who, Some(width), lang));
        for &rules::Notified { to, code } in rules::notified(&env.event) {
            let to = recipient(&env.event, to, lang);
            let _ = match lang {
                Lang::En => writeln!(out, "{indent}→ {} {to} ({code})", u.notifies),
                Lang::Ja => writeln!(out, "{indent}→ {to}に{}（{code}）", u.notifies),
            };
        }
    }
    out
}

/// The measures of a run, as a small table.
pub fn summary(totals: &Totals, until: NaiveDate, lang: Lang) -> String {
    let u = ui(lang);
    let mut out = String::new();
    let _ = writeln!(out, "{}{}", u.measures, through(until, lang));
    let visits = visits_line(
        |o| totals.visits.get(&o).copied().unwrap_or(0),
        labels::office_short,
        lang,
    );
    // Waiting beyond an office's capacity (decision 17), shown where someone waited: the days
    // and the residents, under the labels of the what-if's measures.
    let waits: Vec<(String, String)> = totals
        .waiting
        .iter()
        .flat_map(|(queue, w)| {
            [
                (format!("waiting_days.{queue}"), w.days),
                (format!("residents_waited.{queue}"), w.residents),
            ]
        })
        .map(|(key, n)| (labels::measure(&key, lang), n.to_string()))
        .collect();
    let mut rows: Vec<(&str, String)> = vec![(u.visits, visits)];
    rows.extend(waits.iter().map(|(k, v)| (k.as_str(), v.clone())));
    rows.extend([
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
            notifications_line(&totals.notifications, lang),
        ),
        (u.events, totals.events.to_string()),
    ]);
    // Fees are shown when a resident paid one: most procedures are free.
    if totals.fees_paid_yen > 0 {
        let at = rows.len() - 2;
        rows.insert(at, (u.fees_paid_yen, totals.fees_paid_yen.to_string()));
    }
    out.push_str(&labelled(&rows, 2, 2));
    out
}

/// What the links did to one kind of notice (a §6 number from one office to another): sent,
/// lost for good, redelivered, duplicated.
pub struct LinkFigures<'a> {
    pub code: &'a str,
    pub from: model::service::Service,
    pub to: model::service::Service,
    pub counts: [u64; 4],
}

/// The synchronization block `run` prints under faults (issue 8): the time to consistency of
/// the changes (p50 / p95 / max), the residents still inconsistent at the end, what the links
/// did to each kind of notice, and the deliveries outages held.
pub fn faults_summary(
    sync: &projection::SyncMeasures,
    links: &[LinkFigures<'_>],
    held: u64,
    undelivered: [u64; 2],
    lang: Lang,
) -> String {
    let u = ui(lang);
    let mut out = String::new();
    let _ = writeln!(out, "{}", u.synchronization);
    let mut rows: Vec<(String, String)> = vec![
        (
            u.time_to_consistency.to_owned(),
            time_to_consistency(sync, lang),
        ),
        (
            u.still_inconsistent.to_owned(),
            sync.inconsistent_at_end.to_string(),
        ),
    ];
    for l in links {
        let [sent, lost, redelivered, duplicated] = l.counts;
        rows.push((
            format!(
                "{} {} {} → {}",
                u.faults_on_links,
                l.code,
                labels::service_short(l.from).get(lang),
                labels::service_short(l.to).get(lang)
            ),
            format!(
                "{} {sent}{}{} {lost}{}{} {redelivered}{}{} {duplicated}",
                u.notices_sent,
                u.comma,
                u.notices_lost,
                u.comma,
                u.notices_redelivered,
                u.comma,
                u.notices_duplicated
            ),
        ));
    }
    rows.push((u.held_by_outages.to_owned(), held.to_string()));
    let [in_transit, held_past_end] = undelivered;
    rows.push((
        u.undelivered_at_end.to_owned(),
        format!(
            "{} {in_transit}{}{} {held_past_end}",
            u.notices_in_transit, u.comma, u.held_past_end
        ),
    ));
    out.push_str(&labelled(&rows, 2, 2));
    out
}

/// "p50 1h, p95 2h, max 3h (2 changes)": the time until bureau, city hall and J-LIS agree again
/// after a change.
pub fn time_to_consistency(sync: &projection::SyncMeasures, lang: Lang) -> String {
    let u = ui(lang);
    let time = |m: u64| model::time::Latency::minutes(u32::try_from(m).unwrap_or(u32::MAX));
    format!(
        "p50 {}{}p95 {}{}max {} {}{} {}{}",
        time(sync.p50_minutes),
        u.comma,
        time(sync.p95_minutes),
        u.comma,
        time(sync.max_minutes),
        u.lp,
        sync.changes,
        if sync.changes == 1 {
            u.change
        } else {
            u.changes
        },
        u.rp
    )
}

fn view_line(v: &View, lang: Lang) -> String {
    let u = ui(lang);
    let status = v.status.map(|s| labels::status(s).get(lang)).unwrap_or("—");
    let period = v
        .period_expiry
        .map(|d| d.to_string())
        .unwrap_or_else(|| format!("—{}{}{}", u.lp, u.none, u.rp));
    let card = v
        .card_number
        .map(|n| n.to_string())
        .unwrap_or_else(|| "—".into());
    let address = v.address.as_ref().map(|a| a.as_str()).unwrap_or("—");
    let municipality = v
        .municipality
        .as_ref()
        .map(|m| labels::municipality(m, lang));
    match lang {
        Lang::En => format!(
            "{status}; {} {period}; {} {card}; {address}{}",
            u.period_to,
            u.card,
            municipality.map(|m| format!(", {m}")).unwrap_or_default()
        ),
        Lang::Ja => format!(
            "{status}、{} {period}、{} {card}、{}{address}",
            u.period_to,
            u.card,
            municipality.map(|m| format!("{m} ")).unwrap_or_default()
        ),
    }
}

/// "lapsed on 2026-10-01" / 「失効（期間満了） 2026-10-01」.
fn state(s: UseState, lang: Lang) -> String {
    let u = ui(lang);
    let on = |what: &str, day: NaiveDate| match lang {
        Lang::En => format!("{what} on {day}"),
        Lang::Ja => format!("{what} {day}"),
    };
    match s {
        UseState::Active => u.active.to_owned(),
        UseState::Expired { on: day } => on(u.lapsed, day),
        UseState::Invalidated { on: day, .. } => on(u.invalidated, day),
        UseState::Suspended { on: day } => on(u.suspended, day),
    }
}

/// One resident's card record on `day`, as each office believes it.
pub fn card_record(
    rec: &CardRecord,
    who: &str,
    day: NaiveDate,
    switch: SpecialPeriodMyNumber,
    lang: Lang,
) -> String {
    record_text(rec, who, day, switch, lang, true)
}

/// One resident's card record on `day` as it legally stood (`replay --effective-on`): the same
/// lines without the day measures, which count the days the offices knew of and so do not
/// follow the legal dates.
pub fn legal_card_record(
    rec: &CardRecord,
    who: &str,
    day: NaiveDate,
    switch: SpecialPeriodMyNumber,
    lang: Lang,
) -> String {
    record_text(rec, who, day, switch, lang, false)
}

fn record_text(
    rec: &CardRecord,
    who: &str,
    day: NaiveDate,
    switch: SpecialPeriodMyNumber,
    lang: Lang,
    with_days: bool,
) -> String {
    let u = ui(lang);
    let mut rows: Vec<(String, String)> = Vec::new();
    let label = |l: &str| format!("{l}{}", u.colon.trim_end());
    let held = rec.cards_valid_on(day);
    if held.is_empty() {
        rows.push((label(u.cards_valid), u.none.to_owned()));
    }
    for (i, (kind, through)) in held.iter().enumerate() {
        let number = match (kind, &rec.residence_card) {
            (k, Some(c)) if c.kind == *k => format!(" {}", c.number),
            _ => String::new(),
        };
        let card = labels::card_kind(*kind).get(lang);
        let value = match lang {
            Lang::En => format!("{card}{number}, {} {through}", u.valid_through),
            Lang::Ja => format!("{card}{number}（{} {through}）", u.valid_through),
        };
        let key = if i == 0 {
            label(u.cards_valid)
        } else {
            String::new()
        };
        rows.push((key, value));
    }
    if let Some(c) = rec.my_number_card
        && !held.iter().any(|(k, _)| *k == CardKind::MyNumberCard)
    {
        rows.push((
            label(u.not_valid),
            format!(
                "{} {} {}{}{}{}",
                labels::card_kind(CardKind::MyNumberCard).get(lang),
                u.valid_through,
                c.card.valid_through,
                u.lp,
                state(c.state, lang),
                u.rp
            ),
        ));
    }
    let functions = if !rec.has_my_number_card() {
        format!("{}{}{}{}", u.none, u.lp, u.no_functions, u.rp)
    } else if rec.my_number_usable(day, switch) {
        u.usable.to_owned()
    } else {
        u.not_usable.to_owned()
    };
    rows.push((label(u.my_number_functions), functions));
    rows.push((
        label(u.certificates),
        certificate_dates(&rec.certificates, lang),
    ));
    let special = rec
        .special_period_on(day)
        .map(|sp| format!("{}{} {}{}", u.lp, u.special_until, sp.until, u.rp))
        .unwrap_or_default();
    let lawful = if rec.lawfully_resident(day) {
        u.yes
    } else {
        u.no
    };
    rows.push((label(u.lawful_question), format!("{lawful}{special}")));
    rows.push((label(u.bureau_record), view_line(&rec.bureau, lang)));
    rows.push((label(u.city_hall_record), view_line(&rec.city_hall, lang)));
    let days = match lang {
        Lang::En => format!(
            "{} {} · {} {} · {} {}",
            u.outage,
            rec.days.outage_days,
            u.inconsistent,
            rec.days.inconsistency_days,
            u.special_period,
            rec.days.special_period_days
        ),
        Lang::Ja => format!(
            "{} {}{d} · {} {}{d} · {} {}{d}",
            u.outage,
            rec.days.outage_days,
            u.inconsistent,
            rec.days.inconsistency_days,
            u.special_period,
            rec.days.special_period_days,
            d = u.days
        ),
    };
    let mut tail = vec![(
        label(u.visits_so_far),
        visits_line(|o| rec.visits_to(o).into(), labels::office_short, lang),
    )];
    if with_days {
        tail.push((label(u.days_so_far), days));
    }
    // Every labelled line, the warning's neighbours included, lines up in one column.
    let w = max_width(rows.iter().chain(&tail).map(|(k, _)| k.as_str()));
    let line = |out: &mut String, (k, v): &(String, String)| {
        let _ = writeln!(out, "  {} {v}", pad(k, w));
    };
    let mut out = String::new();
    let _ = match lang {
        Lang::En => writeln!(out, "{who} on {day}"),
        Lang::Ja => writeln!(out, "{who}（{day}）"),
    };
    rows.iter().for_each(|r| line(&mut out, r));
    if rec.inconsistent() {
        let _ = writeln!(out, "  {}", u.views_disagree);
    }
    tail.iter().for_each(|r| line(&mut out, r));
    out
}

/// Every resident's card record on `day`.
pub fn card_records(
    p: &Projections,
    names: &[String],
    day: NaiveDate,
    switch: SpecialPeriodMyNumber,
    lang: Lang,
) -> String {
    p.records
        .iter()
        .enumerate()
        .map(|(i, rec)| card_record(rec, &name(names, ResidentId(i as u32)), day, switch, lang))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sync(changes: u64) -> projection::SyncMeasures {
        projection::SyncMeasures {
            changes,
            p50_minutes: 60,
            p95_minutes: 120,
            max_minutes: 180,
            inconsistent_at_end: 0,
        }
    }

    #[test]
    fn the_synchronization_block_counts_one_change_and_many_changes_in_words() {
        let one = faults_summary(&sync(1), &[], 0, [0, 0], Lang::En);
        assert!(one.contains("(1 change)"), "{one}");
        let two = faults_summary(&sync(2), &[], 0, [0, 0], Lang::En);
        assert!(two.contains("(2 changes)"), "{two}");
        let ja = faults_summary(&sync(1), &[], 0, [0, 0], Lang::Ja);
        assert!(ja.contains("1 件の変更"), "{ja}");
    }
}
