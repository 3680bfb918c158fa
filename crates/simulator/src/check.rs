//! Scenario expectations checked against a run's log.
//!
//! Each expectation is evaluated at the end of its day on projections folded from the log up to
//! that day, so "visits: 2" means two visits by then, whatever happened afterwards.

use chrono::NaiveDate;
use model::card::CardKind;
use model::envelope::Envelope;
use model::event::Event;
use model::ids::{Municipality, ResidentId};
use model::procedure::ChangedItem;
use model::rules::{self, RefusalRule};
use model::service::Office;
use model::validity::SpecialPeriodMyNumber;
use scenario::{
    Change, Expectation, NOTIFICATION_CODES, NotificationCount, REFUSAL_RULE_TAGS, RecordChecks,
    RecordOffice, Scenario,
};

use projection::{CardRecord, Projections};

/// One check of one expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    /// What was checked, e.g. `visits.city_hall`.
    pub what: String,
    pub expected: String,
    pub actual: String,
}

impl CheckResult {
    pub fn passed(&self) -> bool {
        self.expected == self.actual
    }
}

/// All checks of one expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectationOutcome {
    pub line: usize,
    pub resident: String,
    pub on: NaiveDate,
    pub results: Vec<CheckResult>,
}

impl ExpectationOutcome {
    pub fn passed(&self) -> bool {
        self.results.iter().all(CheckResult::passed)
    }
}

/// The projections as they stood at the end of `day`.
pub fn projections_as_of(
    log: &[Envelope],
    start: NaiveDate,
    day: NaiveDate,
    switch: SpecialPeriodMyNumber,
    residents: usize,
) -> Projections {
    let mut p = Projections::new(start, switch, residents);
    for env in log.iter().take_while(|e| e.occurred_at.date() <= day) {
        p.apply(env);
    }
    p.finish(day);
    p
}

/// The tag name of a refusal rule, as scenario files write it (`tokutei_online`).
pub fn refusal_tag(rule: &RefusalRule) -> String {
    rule.tag().to_owned()
}

fn list(items: impl IntoIterator<Item = String>) -> String {
    let v: Vec<String> = items.into_iter().collect();
    format!("[{}]", v.join(", "))
}

fn kind_name(kind: CardKind) -> String {
    snake(kind)
}

/// A value's serde name (`new_format_residence_card`, `student`), as scenario files write it.
fn snake(value: impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The last valid day of the resident's card of `kind`, valid or not.
fn valid_through(rec: &CardRecord, kind: CardKind) -> Option<NaiveDate> {
    if kind == CardKind::MyNumberCard {
        return rec.my_number_card.map(|c| c.card.valid_through);
    }
    rec.residence_card
        .as_ref()
        .filter(|c| c.kind == kind)
        .map(|c| c.valid_through)
}

/// City-hall visits to one municipality: distinct days on which the resident came to its
/// counter (a visit is counted once per office and day, as `CardRecord::visits_to` does).
fn city_hall_visits(mine: &[&Envelope], municipality: Municipality) -> usize {
    let mut days: Vec<NaiveDate> = mine
        .iter()
        .filter(|env| {
            matches!(
                env.event,
                Event::CounterVisited {
                    office: Office::CityHall,
                    municipality: Some(m),
                    ..
                } if m == municipality
            )
        })
        .map(|env| env.occurred_at.date())
        .collect();
    days.dedup();
    days.len()
}

/// The resident's record as the offices enrolled it: the events of the run's first instant.
fn enrolled(
    log: &[Envelope],
    scenario: &Scenario,
    switch: SpecialPeriodMyNumber,
    resident: ResidentId,
) -> CardRecord {
    let first = scenario.start.and_time(chrono::NaiveTime::MIN);
    let mut p = Projections::new(scenario.start, switch, scenario.residents.len());
    for env in log.iter().take_while(|e| e.occurred_at <= first) {
        p.apply(env);
    }
    p.record(resident).cloned().unwrap_or_default()
}

/// `changed` or `unchanged`, as a scenario writes it.
fn change(changed: bool) -> String {
    if changed {
        Change::Changed
    } else {
        Change::Unchanged
    }
    .as_str()
    .to_owned()
}

/// The checks of one office's record (`records:`): the values its view holds, the card number
/// and the My Number against those it held at the start, and whether it recorded a change of
/// name.
fn record_results(
    office: RecordOffice,
    checks: &RecordChecks,
    at_start: &CardRecord,
    rec: &CardRecord,
    mine: &[&Envelope],
    push: &mut impl FnMut(String, String, String),
) {
    let key = |what: &str| format!("records.{}.{what}", office.as_str());
    // J-LIS keeps no view of address, status or period (the scenario reader refuses those
    // keys for it).
    let (view, view_then) = match office {
        RecordOffice::ImmigrationBureau => (rec.bureau.clone(), at_start.bureau.clone()),
        RecordOffice::CityHall => (rec.city_hall.clone(), at_start.city_hall.clone()),
        RecordOffice::CardIssuer => Default::default(),
    };
    let or_none = |v: Option<String>| v.unwrap_or_else(|| "none".to_owned());
    if let Some(m) = checks.municipality {
        push(
            key("municipality"),
            m.as_str().to_owned(),
            or_none(view.municipality.map(|m| m.as_str().to_owned())),
        );
    }
    if let Some(a) = checks.address {
        push(
            key("address"),
            a.as_str().to_owned(),
            or_none(view.address.map(|a| a.as_str().to_owned())),
        );
    }
    if let Some(status) = checks.status {
        push(
            key("status"),
            snake(status),
            or_none(view.status.map(snake)),
        );
    }
    if let Some(expiry) = checks.period_expiry {
        push(
            key("period_expiry"),
            or_none(expiry.map(|d| d.to_string())),
            or_none(view.period_expiry.map(|d| d.to_string())),
        );
    }
    if let Some(expected) = checks.card_number {
        let changed = match office {
            RecordOffice::CardIssuer => {
                let number = |r: &CardRecord| r.tokutei_functions.map(|f| f.card_number);
                number(rec) != number(at_start)
            }
            _ => view.card_number != view_then.card_number,
        };
        push(
            key("card_number"),
            expected.as_str().to_owned(),
            change(changed),
        );
    }
    if let Some(expected) = checks.name {
        // The bureau records the notification (§5.9); the register learns it by N3.
        let changed = mine.iter().any(|env| match &env.event {
            Event::ItemChangeNotified { item, .. } => {
                office == RecordOffice::ImmigrationBureau && *item == ChangedItem::Name
            }
            Event::RegisterItemUpdated { item, .. } => {
                office == RecordOffice::CityHall && *item == ChangedItem::Name
            }
            _ => false,
        });
        push(key("name"), expected.as_str().to_owned(), change(changed));
    }
    if let Some(expected) = checks.my_number {
        // Every My Number the register has recorded for the resident.
        let mut numbers = mine.iter().filter_map(|env| match &env.event {
            Event::ResidentRegistered { my_number, .. }
            | Event::ResidenceNotified { my_number, .. }
            | Event::BirthRegistered { my_number, .. } => Some(my_number),
            _ => None,
        });
        let first = numbers.next();
        let changed = numbers.any(|n| Some(n) != first);
        push(
            key("my_number"),
            expected.as_str().to_owned(),
            change(changed),
        );
    }
}

fn evaluate(
    e: &Expectation,
    log: &[Envelope],
    scenario: &Scenario,
    switch: SpecialPeriodMyNumber,
) -> ExpectationOutcome {
    let p = projections_as_of(log, scenario.start, e.on, switch, scenario.residents.len());
    let empty = CardRecord::default();
    let rec = p.record(e.resident).unwrap_or(&empty);
    let mine: Vec<&Envelope> = log
        .iter()
        .take_while(|env| env.occurred_at.date() <= e.on)
        .filter(|env| env.event.resident() == e.resident)
        .collect();
    let c = &e.checks;
    let mut results = Vec::new();
    let mut push = |what: String, expected: String, actual: String| {
        results.push(CheckResult {
            what,
            expected,
            actual,
        })
    };
    if let Some(cards) = &c.cards {
        let mut expected: Vec<String> = cards.iter().map(|k| kind_name(*k)).collect();
        expected.sort();
        let mut actual: Vec<String> = rec
            .cards_valid_on(e.on)
            .into_iter()
            .map(|(k, _)| kind_name(k))
            .collect();
        actual.sort();
        push("cards".into(), list(expected), list(actual));
    }
    for (kind, date) in &c.valid_through {
        push(
            format!("valid_through.{}", kind_name(*kind)),
            date.to_string(),
            valid_through(rec, *kind)
                .map(|d| d.to_string())
                .unwrap_or_else(|| "not held".into()),
        );
    }
    if let Some(v) = c.my_number_usable {
        push(
            "my_number_usable".into(),
            v.to_string(),
            rec.my_number_usable(e.on, switch).to_string(),
        );
    }
    if let Some(v) = c.lawfully_resident {
        push(
            "lawfully_resident".into(),
            v.to_string(),
            rec.lawfully_resident(e.on).to_string(),
        );
    }
    for (office, n) in &c.visits {
        push(
            format!("visits.{}", office.as_str()),
            n.to_string(),
            rec.visits_to(*office).to_string(),
        );
    }
    for (municipality, n) in &c.city_hall_visits {
        push(
            format!("city_hall_visits.{}", municipality.as_str()),
            n.to_string(),
            city_hall_visits(&mine, *municipality).to_string(),
        );
    }
    if !c.records.is_empty() {
        let at_start = enrolled(log, scenario, switch, e.resident);
        for (office, checks) in &c.records {
            record_results(*office, checks, &at_start, rec, &mine, &mut push);
        }
    }
    let notified = |code: &str| -> usize {
        mine.iter()
            .map(|env| {
                rules::notified(&env.event)
                    .iter()
                    .filter(|n| n.code == code)
                    .count()
            })
            .sum()
    };
    let occurred = |name: &str| mine.iter().any(|env| env.event.type_name() == name);
    let refused = |tag: &str| {
        mine.iter().any(|env| match &env.event {
            Event::ProcedureRefused { rule, .. }
            | Event::TokuteiApplicationRefused { rule, .. } => refusal_tag(rule) == tag,
            _ => false,
        })
    };
    for (code, count) in &c.notifications {
        let actual = notified(code);
        let (expected, actual) = match count {
            NotificationCount::Exactly(n) => (n.to_string(), actual.to_string()),
            NotificationCount::AtLeastOnce if actual > 0 => {
                ("at least once".to_owned(), "at least once".to_owned())
            }
            NotificationCount::AtLeastOnce => ("at least once".to_owned(), "0".to_owned()),
        };
        push(format!("notifications.{code}"), expected, actual);
    }
    for name in &c.events {
        push(
            format!("events.{name}"),
            "occurred".into(),
            if occurred(name) {
                "occurred"
            } else {
                "did not occur"
            }
            .into(),
        );
    }
    for tag in &c.refusals {
        push(
            format!("refusals.{tag}"),
            "refused".into(),
            if refused(tag) {
                "refused"
            } else {
                "not refused"
            }
            .into(),
        );
    }
    // What must not have happened: a notification code, an event type or a refusal rule (the
    // scenario reader accepts only names from these three lists).
    for name in &c.absent {
        let actual = if NOTIFICATION_CODES.contains(&name.as_str()) {
            match notified(name) {
                0 => "absent".to_owned(),
                n => format!("sent {n} times"),
            }
        } else if REFUSAL_RULE_TAGS.contains(&name.as_str()) {
            if refused(name) { "refused" } else { "absent" }.to_owned()
        } else {
            if occurred(name) { "occurred" } else { "absent" }.to_owned()
        };
        push(format!("absent.{name}"), "absent".into(), actual);
    }
    if let Some(n) = c.outage_days {
        push(
            "outage_days".into(),
            n.to_string(),
            rec.days.outage_days.to_string(),
        );
    }
    if let Some(n) = c.inconsistency_days {
        push(
            "inconsistency_days".into(),
            n.to_string(),
            rec.days.inconsistency_days.to_string(),
        );
    }
    if let Some(n) = c.fees_paid_yen {
        push(
            "fees_paid_yen".into(),
            n.to_string(),
            rec.fees_paid_yen.to_string(),
        );
    }
    let cert = |d: Option<NaiveDate>| d.map_or_else(|| "none".to_owned(), |d| d.to_string());
    if let Some(expected) = c.signature_certificate {
        push(
            "signature_certificate".into(),
            cert(expected),
            cert(rec.certificates.signature_through),
        );
    }
    if let Some(expected) = c.user_authentication_certificate {
        push(
            "user_authentication_certificate".into(),
            cert(expected),
            cert(rec.certificates.user_auth_through),
        );
    }
    ExpectationOutcome {
        line: e.line,
        resident: e.resident_key.clone(),
        on: e.on,
        results,
    }
}

/// Evaluates every expectation of `scenario` against the log of its run.
pub fn check_expectations(scenario: &Scenario, log: &[Envelope]) -> Vec<ExpectationOutcome> {
    let switch = scenario.policy.switches.validity.special_period_my_number;
    scenario
        .expectations
        .iter()
        .map(|e| evaluate(e, log, scenario, switch))
        .collect()
}

/// The resident ids of a scenario by key, for display.
pub fn names(scenario: &Scenario) -> Vec<String> {
    scenario.residents.iter().map(|r| r.key.clone()).collect()
}

/// The residents' display names (`name:`, or the id), by resident id, as a log stores them.
pub fn display_names(scenario: &Scenario) -> Vec<String> {
    scenario
        .residents
        .iter()
        .map(|r| r.profile.name.clone())
        .collect()
}

/// Unused-resident guard: the id of a resident key.
pub fn resident_id(scenario: &Scenario, key: &str) -> Option<ResidentId> {
    scenario.resident(key).map(|r| r.id)
}
