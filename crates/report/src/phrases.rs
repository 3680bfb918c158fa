//! The phrase library the teaching renderers share (the narrative in `explain`, the Mermaid
//! diagrams in `mermaid`, the HTML report in `html`) and the transcript uses too: the names of
//! the parties, times and day headings, the notes under an event for the notices it sends, a
//! group's heading, the card record on a day and the changes of an office's view, the
//! measures, the day flags' transitions and the sections a resident's events cite. Each
//! builds its words from `labels` in the language asked for.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::NaiveDate;
use model::card::Certificates;
use model::event::Event;
use model::procedure::Procedure;
use model::service::{Channel, Office, Service};
use model::time::SimTime;
use model::validity::SpecialPeriodMyNumber;
use projection::{CardRecord, Totals, UseState, View};

use crate::labels::{self, Label, Lang, ui};
use crate::sections::{Citation, citations};
use crate::story::{
    DayFlags, Group, Message, MessageKind, Party, ResidentStory, Row, Story, Trigger,
};

/// A party's label in one of its forms (`labels::service` or `labels::service_short`, with
/// the matching form for offices); `None` for the resident, who is named by their name.
fn party_label(
    party: Party,
    service: fn(Service) -> Label,
    office: fn(Office) -> Label,
) -> Option<Label> {
    match party {
        Party::Resident => None,
        Party::Police => Some(office(Office::Police)),
        Party::CallCentre => Some(office(Office::CallCentre)),
        Party::ImmigrationBureau => Some(service(Service::ImmigrationBureau)),
        Party::CityHall => Some(service(Service::CityHall)),
        Party::CardIssuer => Some(service(Service::CardIssuer)),
    }
}

fn party_in(label: Option<Label>, who: &str, lang: Lang) -> String {
    label.map_or_else(|| who.to_owned(), |l| l.get(lang).to_owned())
}

/// The name of a party in `lang`; the resident by their display name.
pub fn party_name(party: Party, who: &str, lang: Lang) -> String {
    party_in(
        party_label(party, labels::service, labels::office),
        who,
        lang,
    )
}

/// A party as the object of a sentence: "the city hall", "J-LIS".
pub fn party_object(party: Party, who: &str, lang: Lang) -> String {
    let label = party_label(party, labels::service_object, labels::office_object);
    party_in(label, who, lang)
}

/// A short name of a party, for diagram headers.
pub fn party_short(party: Party, who: &str, lang: Lang) -> String {
    let label = party_label(party, labels::service_short, labels::office_short);
    party_in(label, who, lang)
}

/// `Li Mei (mei)`, or the key alone when the resident has no other name.
pub fn resident_title(story: &ResidentStory) -> String {
    match &story.person.name {
        Some(name) => format!("{name} ({})", story.person.key),
        None => story.person.key.clone(),
    }
}

/// The regimes of the runs told, as a heading says them: "legacy regime (…) / integrated
/// regime (…)".
pub fn regimes(stories: &[Story], lang: Lang) -> String {
    stories
        .iter()
        .map(|s| labels::regime(s.regime()).get(lang))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The line under a report's title: "{regimes} · {source} · seed 7 · 2026-06-20 – 2026-12-31".
pub fn run_line(story: &Story, regimes: &str, source: &str, lang: Lang) -> String {
    format!(
        "{regimes} · {source} · {} {} · {} – {}",
        ui(lang).seed,
        story.seed,
        story.start,
        story.until
    )
}

/// `2026-07-10 Fri` / `2026-07-10（金）`
pub fn day_heading(day: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{day} {}", labels::weekday(day, lang)),
        Lang::Ja => format!("{day}（{}）", labels::weekday(day, lang)),
    }
}

/// " (through 2026-12-31)" / 「（2026-12-31まで）」, after a heading.
pub fn through(until: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::En => format!(" (through {until})"),
        Lang::Ja => format!("（{until}まで）"),
    }
}

pub fn hm(t: SimTime) -> String {
    t.format("%H:%M").to_string()
}

pub fn date_hm(t: SimTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// Whom the notice of `event` to `to` goes to: "the city hall", or, for the N9 notice of a
/// move-in, "the former city hall, setagaya" (the city hall service covers every
/// municipality, so the one that is told is named).
pub fn recipient(event: &Event, to: Service, lang: Lang) -> String {
    match (event, to) {
        (
            Event::MoveInRecorded {
                from: Some(from), ..
            },
            Service::CityHall,
        ) => match lang {
            Lang::En => format!("the former city hall, {from}"),
            Lang::Ja => format!("転出元の市区町村（{}）", labels::municipality(from, lang)),
        },
        _ => labels::service_object(to).get(lang).to_owned(),
    }
}

/// Whom a message goes to, as the object of a sentence.
fn message_recipient(story: &ResidentStory, m: &Message, lang: Lang) -> String {
    match m.to.service() {
        Some(to) => recipient(&story.events[m.event].event, to, lang),
        None => party_object(m.to, story.person.display(), lang),
    }
}

/// The line under an event for a message it sends: a notice or a card handed over.
pub fn message_note(story: &ResidentStory, m: &Message, lang: Lang) -> String {
    let u = ui(lang);
    match m.kind {
        MessageKind::Notice => {
            let code = m.code.unwrap_or("—");
            let arrives = if m.delivered.date() == m.sent.date() {
                hm(m.delivered)
            } else {
                date_hm(m.delivered)
            };
            match lang {
                Lang::En => format!(
                    "→ tells {} ({code}), arrives {arrives} ({} {})",
                    message_recipient(story, m, lang),
                    u.after,
                    labels::duration(m.latency, lang)
                ),
                Lang::Ja => format!(
                    "→ {}に通知（{code}）、{arrives} 到着（{} {}）",
                    message_recipient(story, m, lang),
                    u.after,
                    labels::duration(m.latency, lang)
                ),
            }
        }
        MessageKind::HandOver => {
            let card = m.card.map(|k| labels::card_kind(k).get(lang)).unwrap_or("");
            match lang {
                Lang::En => format!("→ hands {} the {card}", story.person.display()),
                Lang::Ja => format!("→ {}に{card}を交付", story.person.display()),
            }
        }
        MessageKind::Action => String::new(),
    }
}

/// The heading of a group: what made the office act.
pub fn group_heading(story: &ResidentStory, g: &Group, lang: Lang) -> String {
    let u = ui(lang);
    let who = story.person.display();
    let office = labels::service(g.service).get(lang);
    match g.trigger {
        Trigger::Start => office.to_owned(),
        Trigger::Resident {
            office: o,
            procedure,
            channel,
        } => format!(
            "{who} → {}{}{}{}{}{}{}",
            labels::office(o).get(lang),
            u.lp,
            channel_label(o, procedure, channel, lang),
            u.rp,
            u.colon,
            labels::procedure(procedure).get(lang),
            if g.follow_up { u.follow_up } else { "" }
        ),
        Trigger::Decision => match lang {
            Lang::En => format!("{office} {}", u.decides),
            Lang::Ja => format!("{office}{}", u.decides),
        },
        Trigger::Notice { message } => {
            let m = &story.messages[message];
            let from = party_object(m.from, who, lang);
            let code = m.code.unwrap_or("—");
            match lang {
                Lang::En => format!(
                    "{office}, on the notice {code} from {from} (sent {})",
                    if m.sent.date() == m.delivered.date() {
                        hm(m.sent)
                    } else {
                        date_hm(m.sent)
                    }
                ),
                Lang::Ja => format!(
                    "{office}：{from}からの通知 {code}（{} 送信）を受けて",
                    if m.sent.date() == m.delivered.date() {
                        hm(m.sent)
                    } else {
                        date_hm(m.sent)
                    }
                ),
            }
        }
        Trigger::Timer => match lang {
            Lang::En => format!("{office}, {}", u.timer),
            Lang::Ja => format!("{office}：自ら設定した期日の到来"),
        },
    }
}

/// How the resident reached the office for `procedure`: "in person", "online", "at the port of
/// entry" or "of departure", or, for the call centre, "by phone".
pub fn channel_label(
    office: Office,
    procedure: Procedure,
    channel: Channel,
    lang: Lang,
) -> &'static str {
    match (office, channel) {
        (Office::CallCentre, Channel::Counter) => ui(lang).by_phone,
        _ => labels::channel_of(channel, procedure).get(lang),
    }
}

/// A date, or "none" when there is none.
pub fn date_or_none(d: Option<NaiveDate>, lang: Lang) -> String {
    d.map(|d| d.to_string())
        .unwrap_or_else(|| ui(lang).none.to_owned())
}

/// The cards valid on `day`, with numbers and validity.
pub fn cards_line(rec: &CardRecord, day: NaiveDate, lang: Lang) -> String {
    let u = ui(lang);
    let held = rec.cards_valid_on(day);
    if held.is_empty() {
        return u.no_cards.to_owned();
    }
    held.iter()
        .map(|(kind, through)| {
            let number = match &rec.residence_card {
                Some(c) if c.kind == *kind => format!(" {}", c.number),
                _ => String::new(),
            };
            match lang {
                Lang::En => format!(
                    "{}{number}, {} {through}",
                    labels::card_kind(*kind).en,
                    u.valid_through
                ),
                Lang::Ja => format!(
                    "{}{number}（{} {through}）",
                    labels::card_kind(*kind).ja,
                    u.valid_through
                ),
            }
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The My Number functions and certificates on `day`.
pub fn my_number_line(
    rec: &CardRecord,
    day: NaiveDate,
    switch: SpecialPeriodMyNumber,
    lang: Lang,
) -> String {
    let u = ui(lang);
    let state = if !rec.has_my_number_card() {
        u.no_functions
    } else if rec.my_number_usable(day, switch) {
        u.usable
    } else {
        u.not_usable
    };
    format!("{state} · {}", certificates_line(&rec.certificates, lang))
}

/// "certificates: signature 2031-04-12, user authentication 2031-04-12".
fn certificates_line(c: &Certificates, lang: Lang) -> String {
    let u = ui(lang);
    format!(
        "{}{}{}",
        u.certificates,
        u.colon,
        certificate_dates(c, lang)
    )
}

/// Until when each JPKI certificate is valid: "signature 2031-04-12, user authentication
/// 2031-04-12" / 「署名用 2031-04-12、利用者証明用 2031-04-12」 ("none" for one not issued).
pub fn certificate_dates(c: &Certificates, lang: Lang) -> String {
    let u = ui(lang);
    format!(
        "{} {}{}{} {}",
        u.signature,
        date_or_none(c.signature_through, lang),
        u.comma,
        u.user_auth,
        date_or_none(c.user_auth_through, lang)
    )
}

/// Lawful residence on `day`, and the special period if that is what it rests on.
pub fn residence_line(rec: &CardRecord, day: NaiveDate, lang: Lang) -> String {
    let u = ui(lang);
    let lawful = rec.lawfully_resident(day);
    let mut s = if lawful { u.lawful } else { u.not_lawful }.to_owned();
    if let Some(sp) = rec.special_period().filter(|sp| sp.contains(day))
        && rec.bureau.period_expiry.is_some_and(|e| day > e)
    {
        let _ = write!(s, "{}{} {}{}", u.lp, u.special_until, sp.until, u.rp);
    }
    s
}

/// The fields of two views, named, for comparing them.
fn view_fields(v: &View, lang: Lang) -> [(&'static str, String); 5] {
    let u = ui(lang);
    [
        (
            u.status,
            v.status
                .map(|s| labels::status(s).get(lang).to_owned())
                .unwrap_or_else(|| "—".into()),
        ),
        (
            u.period_expiry,
            v.period_expiry
                .map(|d| d.to_string())
                .unwrap_or_else(|| "—".into()),
        ),
        (
            u.card_number,
            v.card_number
                .map(|n| n.to_string())
                .unwrap_or_else(|| "—".into()),
        ),
        (
            u.municipality,
            v.municipality
                .as_ref()
                .map(|m| labels::municipality(m, lang))
                .unwrap_or_else(|| "—".into()),
        ),
        (
            u.address,
            v.address
                .as_ref()
                .map(|a| a.to_string())
                .unwrap_or_else(|| "—".into()),
        ),
    ]
}

/// Whether the bureau and the city hall agree, and where they do not.
pub fn records_line(rec: &CardRecord, lang: Lang) -> String {
    let u = ui(lang);
    if !rec.inconsistent() {
        return u.agree.to_owned();
    }
    let b = view_fields(&rec.bureau, lang);
    let c = view_fields(&rec.city_hall, lang);
    let diffs: Vec<String> = b
        .iter()
        .zip(c.iter())
        .filter(|(x, y)| x.1 != y.1)
        .map(|((name, bv), (_, cv))| match lang {
            Lang::En => format!("{name}: {} {bv}, {} {cv}", u.bureau_view, u.city_hall_view),
            Lang::Ja => format!("{name}：{} {bv}、{} {cv}", u.bureau_view, u.city_hall_view),
        })
        .collect();
    match lang {
        Lang::En => format!("{} — {}", u.disagree, diffs.join("; ")),
        Lang::Ja => format!("{}：{}", u.disagree, diffs.join("；")),
    }
}

/// The card record on `day`, as labelled lines.
pub fn record_summary(
    rec: &CardRecord,
    day: NaiveDate,
    switch: SpecialPeriodMyNumber,
    lang: Lang,
) -> Vec<(&'static str, String)> {
    let u = ui(lang);
    vec![
        (u.cards, cards_line(rec, day, lang)),
        (u.my_number, my_number_line(rec, day, switch, lang)),
        (u.residence, residence_line(rec, day, lang)),
        (u.records, records_line(rec, lang)),
    ]
}

fn use_state(s: UseState, lang: Lang) -> String {
    let u = ui(lang);
    match s {
        UseState::Active => u.active.to_owned(),
        UseState::Expired { on } => format!("{} {on}", u.lapsed),
        UseState::Invalidated { on, reason } => format!(
            "{} {on}{}{}{}",
            u.invalidated,
            u.lp,
            labels::invalidation(reason).get(lang),
            u.rp
        ),
        UseState::Suspended { on } => format!("{} {on}", u.suspended),
    }
}

/// What J-LIS's chip says, in one line.
pub fn chip_line(rec: &CardRecord, lang: Lang) -> String {
    let u = ui(lang);
    let mut parts = Vec::new();
    if let Some(c) = rec.my_number_card {
        parts.push(format!(
            "{} {} {}{}{}{}",
            u.chip_separate,
            u.valid_through,
            c.card.valid_through,
            u.lp,
            use_state(c.state, lang),
            u.rp
        ));
    }
    if let Some(f) = rec.tokutei_functions {
        parts.push(format!(
            "{} {} {}{}{}{}",
            u.chip_functions,
            u.valid_through,
            f.valid_through,
            u.lp,
            use_state(f.state, lang),
            u.rp
        ));
    }
    if parts.is_empty() {
        parts.push(u.no_functions.to_owned());
    }
    parts.push(certificates_line(&rec.certificates, lang));
    parts.join(" · ")
}

/// What changed in one office's view at event `i`, e.g. "period expiry 2026-07-31 → 2029-07-31".
pub fn change_text(story: &ResidentStory, row: Row, i: usize, lang: Lang) -> String {
    let empty = CardRecord::default();
    let before = story.before(i).unwrap_or(&empty);
    let after = &story.after[i];
    match row {
        Row::Bureau | Row::CityHall => {
            let (b, a) = match row {
                Row::Bureau => (&before.bureau, &after.bureau),
                _ => (&before.city_hall, &after.city_hall),
            };
            let bf = view_fields(b, lang);
            let af = view_fields(a, lang);
            bf.iter()
                .zip(af.iter())
                .filter(|(x, y)| x.1 != y.1)
                .map(|((name, old), (_, new))| format!("{name} {old} → {new}"))
                .collect::<Vec<_>>()
                .join("; ")
        }
        Row::Chip => chip_line(after, lang),
    }
}

/// Reads one measure from a run's totals.
type Measure = fn(&Totals) -> u64;

/// The measures as labelled values, for one or more runs side by side.
pub fn measure_rows(totals: &[&Totals], lang: Lang) -> Vec<(String, Vec<String>)> {
    let u = ui(lang);
    let mut rows = Vec::new();
    for office in Office::ALL {
        rows.push((
            format!("{} — {}", u.visits, labels::office(office).get(lang)),
            totals
                .iter()
                .map(|t| t.visits.get(&office).copied().unwrap_or(0).to_string())
                .collect(),
        ));
    }
    let simple: [(&str, Measure); 6] = [
        (u.outage_days, |t| t.outage_days),
        (u.inconsistency_days, |t| t.inconsistency_days),
        (u.special_period_days, |t| t.special_period_days),
        (u.cards_produced, |t| t.cards_produced),
        (u.deadline_misses, |t| t.deadline_misses),
        (u.refusals, |t| t.refusals),
    ];
    for (name, get) in simple {
        rows.push((
            name.to_owned(),
            totals.iter().map(|t| get(t).to_string()).collect(),
        ));
    }
    // Fees are shown when a resident paid one: most procedures are free.
    if totals.iter().any(|t| t.fees_paid_yen > 0) {
        rows.push((
            u.fees_paid_yen.to_owned(),
            totals.iter().map(|t| t.fees_paid_yen.to_string()).collect(),
        ));
    }
    rows.push((
        u.notifications.to_owned(),
        totals
            .iter()
            .map(|t| notifications_line(&t.notifications, lang))
            .collect(),
    ));
    rows.push((
        u.events.to_owned(),
        totals.iter().map(|t| t.events.to_string()).collect(),
    ));
    rows
}

/// Counter visits per office, in one line: "immigration bureau 2 · city hall 1 · police 0 ·
/// call centre 0", each office named in the form `office` gives.
pub fn visits_line(
    count: impl Fn(Office) -> u64,
    office: fn(Office) -> Label,
    lang: Lang,
) -> String {
    Office::ALL
        .iter()
        .map(|o| format!("{} {}", office(*o).get(lang), count(*o)))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The notices sent between offices, per §6 code: "N1 1 · N3 2", or "none".
pub fn notifications_line(notifications: &BTreeMap<String, u64>, lang: Lang) -> String {
    if notifications.is_empty() {
        return ui(lang).none.to_owned();
    }
    notifications
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The measures of one resident, as labelled values.
pub fn resident_measures(story: &ResidentStory, lang: Lang) -> Vec<(String, String)> {
    let u = ui(lang);
    let rec = &story.last;
    let visits = visits_line(|o| rec.visits_to(o).into(), labels::office, lang);
    vec![
        (u.visits.to_owned(), visits),
        (u.outage_days.to_owned(), rec.days.outage_days.to_string()),
        (
            u.inconsistency_days.to_owned(),
            rec.days.inconsistency_days.to_string(),
        ),
        (
            u.special_period_days.to_owned(),
            rec.days.special_period_days.to_string(),
        ),
    ]
}

/// Every section the resident's events cite, in order of the section numbers.
pub fn cited(story: &ResidentStory) -> Vec<Citation> {
    let mut all: Vec<Citation> = Vec::new();
    for env in &story.events {
        if let Some(rule) = env.event.section() {
            for c in citations(rule) {
                if !all.contains(&c) {
                    all.push(c);
                }
            }
        }
    }
    all.sort_by_key(|c| section_order(&c.id));
    all
}

/// `5.10` after `5.9`: sections sort by their numbers.
pub fn section_order(id: &str) -> Vec<u32> {
    id.split('.').filter_map(|p| p.parse().ok()).collect()
}

/// What the day flags say changed on a day, as sentences.
pub fn transitions(prev: &DayFlags, now: &DayFlags, lang: Lang) -> Vec<&'static str> {
    let u = ui(lang);
    let mut out = Vec::new();
    let pairs = [
        (prev.outage, now.outage, u.outage_begins, u.outage_ends),
        (
            prev.inconsistent,
            now.inconsistent,
            u.disagreement_begins,
            u.disagreement_ends,
        ),
        (
            prev.special_period,
            now.special_period,
            u.special_begins,
            u.special_ends,
        ),
    ];
    for (was, is, begins, ends) in pairs {
        match (was, is) {
            (false, true) => out.push(begins),
            (true, false) => out.push(ends),
            _ => {}
        }
    }
    out
}

/// Whether an event only repeats what the group's heading says (the resident's counter
/// visit), so that the narrative can leave it out.
pub fn shown_in_heading(g: &Group, event: &Event) -> bool {
    matches!(
        (g.trigger, event),
        (Trigger::Resident { .. }, Event::CounterVisited { .. })
    )
}
