//! `why`: the chain behind one value of a resident's card record on a day, as plain data — the
//! value, the event that set it, the events that caused that one back to the first, the rule
//! function of `model` that computed it (`model::provenance`) and that rule's inputs as the
//! record held them when it was applied, each with the event that set it. `report::why` says it
//! in English or Japanese, as text or JSON.
//!
//! Everything here is read from the log by the same fold as the projections: nothing is
//! recomputed, so what `why` shows is what the offices recorded.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use model::envelope::Envelope;
use model::policy::Policy;
use model::provenance::{self, Input, Rule, Value};
use model::rules;
use model::status::Status;
use model::validity::{CardLaw, SpecialPeriod};
use serde::Serialize;
use uuid::Uuid;

use crate::Projections;
use crate::record::{CardRecord, Functions, HeldMyNumberCard};

/// A value of the card record that `why` explains, by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The residence card's or SPR certificate's last valid day, whatever its kind.
    ResidenceCardValidThrough,
    /// The same, only while the card held is a Tokutei card.
    TokuteiCardValidThrough,
    MyNumberCardValidThrough,
    TokuteiFunctionsValidThrough,
    BureauPeriodExpiry,
    CityHallPeriodExpiry,
    MyNumberUsable,
}

impl Field {
    /// Every path `why --field` accepts, with the field it names.
    pub const PATHS: &'static [(&'static str, Field)] = &[
        (
            "residence_card.valid_through",
            Field::ResidenceCardValidThrough,
        ),
        ("tokutei_card.valid_through", Field::TokuteiCardValidThrough),
        (
            "my_number_card.valid_through",
            Field::MyNumberCardValidThrough,
        ),
        (
            "tokutei_functions.valid_through",
            Field::TokuteiFunctionsValidThrough,
        ),
        ("bureau.period_expiry", Field::BureauPeriodExpiry),
        ("city_hall.period_expiry", Field::CityHallPeriodExpiry),
        ("my_number.usable", Field::MyNumberUsable),
    ];

    /// The field named by `path`.
    pub fn parse(path: &str) -> Option<Field> {
        Field::PATHS
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, f)| *f)
    }

    /// The field's path.
    pub fn path(self) -> &'static str {
        Field::PATHS
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("", |(p, _)| p)
    }

    /// The kind of value, as `model::provenance` knows it.
    pub fn value(self) -> Value {
        match self {
            Field::ResidenceCardValidThrough | Field::TokuteiCardValidThrough => {
                Value::CardValidity
            }
            Field::MyNumberCardValidThrough => Value::MyNumberCardValidity,
            Field::TokuteiFunctionsValidThrough => Value::FunctionsValidity,
            Field::BureauPeriodExpiry | Field::CityHallPeriodExpiry => Value::PeriodExpiry,
            Field::MyNumberUsable => Value::MyNumberUsable,
        }
    }

    /// The field's value in `rec` (for `my_number.usable`: on `day`).
    fn read(self, rec: &CardRecord, day: NaiveDate, policy: &Policy) -> Reading {
        let date = |d: Option<NaiveDate>| d.map_or(Reading::Absent, Reading::Date);
        match self {
            Field::ResidenceCardValidThrough => {
                date(rec.residence_card.as_ref().map(|c| c.valid_through))
            }
            Field::TokuteiCardValidThrough => date(
                rec.residence_card
                    .as_ref()
                    .filter(|c| c.kind.is_tokutei())
                    .map(|c| c.valid_through),
            ),
            Field::MyNumberCardValidThrough => {
                date(rec.my_number_card.map(|c| c.card.valid_through))
            }
            Field::TokuteiFunctionsValidThrough => {
                date(rec.tokutei_functions.map(|f| f.valid_through))
            }
            Field::BureauPeriodExpiry => date(rec.bureau.period_expiry),
            Field::CityHallPeriodExpiry => date(rec.city_hall.period_expiry),
            Field::MyNumberUsable => Reading::Bool(
                rec.my_number_usable(day, policy.switches.validity.special_period_my_number),
            ),
        }
    }
}

/// A value read from the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Reading {
    Date(NaiveDate),
    Bool(bool),
    /// The record holds no such value (no card of that kind, no record yet).
    Absent,
}

/// One input of a rule, as the record held it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum InputValue {
    CardLaw(CardLaw),
    Status(Option<Status>),
    Date(Option<NaiveDate>),
    SeparateCard(Option<HeldMyNumberCard>),
    TokuteiFunctions(Option<Functions>),
    Bool(bool),
    SpecialPeriod(Option<SpecialPeriod>),
}

/// A rule's input: what it was and the event that set it (`None`: the day itself, or a value
/// no event has set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputReading {
    pub input: Input,
    pub value: InputValue,
    pub set_by: Option<Envelope>,
}

/// One event of the chain of causes, with the rule it applied to the value, if it computed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub event: Envelope,
    #[serde(skip)]
    pub rule: Option<&'static Rule>,
}

/// The chain behind a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Why {
    pub field: Field,
    /// The day asked about (the record at its end).
    pub on: NaiveDate,
    pub value: Reading,
    /// The last event (through `on`) that changed the value; `None` if none did, and for
    /// `my_number.usable`, which is computed for the day from the inputs.
    pub set_by: Option<Envelope>,
    /// `set_by`, the event that caused it, and so on back to the first (causation, else the
    /// correlation's first event).
    pub chain: Vec<Link>,
    /// The rule that computed the value: the first along the chain that did; for
    /// `my_number.usable`, the usability rule itself.
    #[serde(skip)]
    pub rule: Option<&'static Rule>,
    /// The event at which the rule was applied (`None` for `my_number.usable`: on the day).
    pub rule_applied_at: Option<Envelope>,
    /// The rule's inputs, as the record held them just before that event (or at the end of
    /// the day, for `my_number.usable`).
    pub inputs: Vec<InputReading>,
}

/// An input's value in `rec`, when a rule is applied on `day`.
fn input_value(input: Input, rec: &CardRecord, day: NaiveDate, policy: &Policy) -> InputValue {
    match input {
        Input::CardLaw => InputValue::CardLaw(rules::card_law(policy, day)),
        Input::Status => InputValue::Status(rec.bureau.status),
        Input::BornOn => InputValue::Date(rec.born_on),
        Input::PeriodExpiry => InputValue::Date(rec.bureau.period_expiry),
        Input::IssuedOn => InputValue::Date(Some(day)),
        Input::SeparateCard => InputValue::SeparateCard(rec.my_number_card),
        Input::TokuteiFunctions => InputValue::TokuteiFunctions(rec.tokutei_functions),
        Input::PinLocked => InputValue::Bool(rec.pin_locked),
        Input::SpecialPeriod => InputValue::SpecialPeriod(rec.special_period()),
    }
}

/// Whether the input is a fact of the record (set by an event) rather than of the day.
fn recorded(input: Input) -> bool {
    !matches!(input, Input::CardLaw | Input::IssuedOn)
}

/// The resident's record folded through the events before position `end`, and for each
/// recorded input of `rule` the last event that changed it.
fn fold_until(
    events: &[Envelope],
    end: usize,
    start: NaiveDate,
    policy: &Policy,
    inputs: &[Input],
) -> (Projections, BTreeMap<Input, Envelope>) {
    let switch = policy.switches.validity.special_period_my_number;
    let mut p = Projections::new(start, switch, 0);
    let mut setters = BTreeMap::new();
    for e in &events[..end] {
        let day = e.occurred_at.date();
        // A resident with no record yet reads as an empty one, so that a value no event has
        // set (no Tokutei functions, say) is not credited to the first event.
        let empty = CardRecord::default();
        let read = |p: &Projections| -> Vec<Option<InputValue>> {
            let rec = p.record(e.event.resident()).unwrap_or(&empty);
            inputs
                .iter()
                .map(|&i| recorded(i).then(|| input_value(i, rec, day, policy)))
                .collect()
        };
        let before = read(&p);
        p.apply(e);
        let after = read(&p);
        for ((i, b), a) in inputs.iter().zip(before).zip(after) {
            if b != a {
                setters.insert(*i, e.clone());
            }
        }
    }
    (p, setters)
}

/// The chain behind `field` of the resident whose events (in log order) are `events`, at the
/// end of `on`, in a run that started on `start` under `policy`.
pub fn why(
    events: &[Envelope],
    field: Field,
    on: NaiveDate,
    start: NaiveDate,
    policy: &Policy,
) -> Why {
    let through = events
        .iter()
        .take_while(|e| e.occurred_at.date() <= on)
        .count();
    let events = &events[..through];
    let switch = policy.switches.validity.special_period_my_number;
    // The value after each event, and the last event that changed it. Whether My Number
    // functions can be used is not set by an event but computed for the day from the record:
    // its inputs, each with the event that set it, say why.
    let mut p = Projections::new(start, switch, 0);
    let mut set_at = None;
    let empty = CardRecord::default();
    let mut value = field.read(&empty, on, policy);
    for (k, e) in events.iter().enumerate() {
        p.apply(e);
        let now = field.read(p.record(e.event.resident()).unwrap_or(&empty), on, policy);
        if now != value {
            set_at = Some(k);
            value = now;
        }
    }
    if field == Field::MyNumberUsable {
        set_at = None;
    }
    let chain = set_at.map_or_else(Vec::new, |k| causes(events, k, field.value()));
    let (rule, rule_at) = if field == Field::MyNumberUsable {
        (Some(&provenance::MY_NUMBER_USABLE), None)
    } else {
        chain
            .iter()
            .find_map(|l| l.rule.map(|r| (r, &l.event)))
            .map_or((None, None), |(r, e)| (Some(r), Some(e.clone())))
    };
    let inputs = match rule {
        Some(rule) => {
            // Read at the rule's event (just before it), or for usability at the day's end.
            let (end, day) = match &rule_at {
                Some(e) => (
                    events
                        .iter()
                        .position(|x| x.event_id == e.event_id)
                        .unwrap_or(0),
                    e.occurred_at.date(),
                ),
                None => (events.len(), on),
            };
            let (p, setters) = fold_until(events, end, start, policy, rule.inputs);
            let resident = events.first().map(|e| e.event.resident());
            let empty = CardRecord::default();
            let rec = resident.and_then(|r| p.record(r)).unwrap_or(&empty);
            rule.inputs
                .iter()
                .map(|&i| InputReading {
                    input: i,
                    value: input_value(i, rec, day, policy),
                    set_by: setters.get(&i).cloned(),
                })
                .collect()
        }
        None => Vec::new(),
    };
    Why {
        field,
        on,
        value,
        set_by: set_at.map(|k| events[k].clone()),
        chain,
        rule,
        rule_applied_at: rule_at,
        inputs,
    }
}

/// The event at `k` and its causes back to the first: each event's cause is the event its
/// `causation_id` names, else the first event of its correlation.
fn causes(events: &[Envelope], k: usize, value: Value) -> Vec<Link> {
    let by_id: BTreeMap<Uuid, &Envelope> = events.iter().map(|e| (e.event_id, e)).collect();
    let mut chain = Vec::new();
    let mut at = Some(&events[k]);
    while let Some(e) = at {
        if chain.iter().any(|l: &Link| l.event.event_id == e.event_id) {
            break;
        }
        chain.push(Link {
            event: e.clone(),
            rule: provenance::rule_for(&e.event, value),
        });
        let cause = e
            .causation_id
            .or(Some(e.correlation_id).filter(|c| *c != e.event_id));
        at = cause.and_then(|c| by_id.get(&c).copied());
    }
    chain
}
