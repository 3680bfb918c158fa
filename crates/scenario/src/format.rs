//! The scenario file format as written: the serde structs a YAML file is read into, before any
//! defaults that need context (the seed, the policy, the start date) are applied.
//!
//! These structs are also the source of the JSON Schema (`zairyu schema`), so every field carries
//! a doc comment that says what it means and what its default is. Every struct denies unknown
//! fields so that a typo (`tokuteii:`) is an error rather than a silently ignored line. Values that
//! semantic checks refer back to are wrapped in `Located` so those errors can point at them.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{NaiveDate, NaiveTime};
use model::card::CardKind;
use model::event::Event;
use model::ids::{Address, Municipality};
use model::policy::Policy;
use model::service::{Channel, Office};
use model::status::Status;
use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use crate::node::{Located, raise};
use crate::problem::{NameKind, Problem};
use crate::steps::StepNode;

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        struct DateVisitor;
        impl Visitor<'_> for DateVisitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date YYYY-MM-DD")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Date, E> {
                model::date_text::parse(s)
                    .map(Date)
                    .map_err(|e| raise(Problem::Date(e)))
            }
        }
        d.deserialize_str(DateVisitor)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A calendar date, YYYY-MM-DD.",
            "examples": ["2026-07-01"]
        })
    }
}

/// A time of day written `HH:MM` (24-hour).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(pub NaiveTime);

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TimeOfDay, D::Error> {
        struct TimeVisitor;
        impl Visitor<'_> for TimeVisitor {
            type Value = TimeOfDay;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a time of day HH:MM")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<TimeOfDay, E> {
                let ok = s.len() == 5 && s.as_bytes()[2] == b':';
                ok.then(|| NaiveTime::parse_from_str(s, "%H:%M").ok())
                    .flatten()
                    .map(TimeOfDay)
                    .ok_or_else(|| {
                        raise(Problem::TimeOfDay {
                            found: s.to_owned(),
                        })
                    })
            }
        }
        d.deserialize_str(TimeVisitor)
    }
}

impl JsonSchema for TimeOfDay {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TimeOfDay".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-2][0-9]:[0-5][0-9]$",
            "description": "A time of day, HH:MM (24-hour). Quote it in YAML: \"10:30\".",
            "examples": ["10:30"]
        })
    }
}

/// A scenario: residents with their starting state, dated procedures, and what must be true on
/// given days.
///
/// The comment lines at the top of the file (before the first key) are the scenario's
/// description: say there what it demonstrates.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "zairyu scenario")]
pub struct ScenarioFile {
    /// A short title.
    pub name: String,
    /// The title and description in Japanese, which `--lang ja` shows in place of `name` and
    /// the comment lines at the top of the file.
    #[serde(default)]
    pub ja: Option<JapaneseText>,
    /// Seed of every generated identifier (My Numbers, card numbers, event ids). Default 1.
    #[serde(default)]
    pub seed: Option<u64>,
    /// The first simulated day; residents are enrolled at 00:00.
    pub start: Located<Date>,
    /// The last simulated day (inclusive): nothing after it is simulated.
    pub until: Located<Date>,
    /// Overrides of the default policy; every field is optional (the policy fields are those of
    /// docs/what-if.md and schemas/policy.schema.json).
    #[serde(default)]
    pub policy: Option<Policy>,
    /// The residents, numbered in this order.
    pub residents: Vec<Located<ResidentFile>>,
    /// The dated procedures. Steps at the same time happen in file order.
    #[serde(default)]
    pub steps: Vec<StepNode>,
    /// What must be true on given days.
    #[serde(default)]
    pub expect: Vec<Located<ExpectFile>>,
}

/// A scenario's title and description in Japanese (`ja:`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JapaneseText {
    /// The title in Japanese.
    pub name: String,
    /// What the scenario demonstrates, in Japanese (a YAML block, `description: |-`, keeps its
    /// lines). Default: none, and `--lang ja` shows the English comment lines.
    #[serde(default)]
    pub description: Option<String>,
}

/// A resident's state at the start of the run.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidentFile {
    /// Scenario-local id, used by steps and expectations (e.g. `mei`). Unique in the file.
    pub id: Located<String>,
    /// Display name; default: the id.
    #[serde(default)]
    pub name: Option<String>,
    /// Date of birth.
    pub born_on: Located<Date>,
    /// Status of residence (在留資格), snake_case, e.g. `engineer_specialist_humanities`.
    pub status: Located<Status>,
    /// Period-of-stay expiry. Required exactly when the status has a period of stay (every
    /// status except permanent_resident, highly_skilled_professional2 and
    /// special_permanent_resident).
    #[serde(default)]
    pub period_expiry: Option<Located<Date>>,
    /// Municipality of residence, e.g. `shinjuku`.
    pub municipality: Located<Municipality>,
    /// Address as written in the register.
    pub address: Address,
    /// Recorded in the Basic Resident Register. Default true.
    #[serde(default = "default_true")]
    pub registered: bool,
    /// The residence card or SPR certificate held at the start. Default: issued one year before
    /// `start`, with kind and validity computed from the law in force on that day. Not allowed
    /// for statuses that hold no card (temporary_visitor, diplomat).
    #[serde(default)]
    pub residence_card: Option<Located<CardFile>>,
    /// The separate My Number card held at the start; omit if none.
    #[serde(default)]
    pub my_number_card: Option<Located<CardFile>>,
    /// Not yet in Japan: the resident lands with a `land` step (§5.1) and registers with a
    /// `notify_residence` step. Such a resident holds no card and is not registered at the
    /// start; `status` and `period_expiry` are those of the landing permission. Default false.
    #[serde(default)]
    pub arriving: Option<Located<bool>>,
    /// A residence application filed before `start` and still pending then (§5.4–§5.6): the
    /// bureau has it on record from the start, a `decide_*` step decides it, and the special
    /// period runs if the period expires while it is pending (§9).
    #[serde(default)]
    pub pending: Option<Located<PendingFile>>,
}

/// A residence application filed before the run (a resident's `pending:`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PendingFile {
    /// What was applied for.
    pub procedure: Located<PendingProcedure>,
    /// The filing date, as on the receipt (申請受付票) or the 申請中 stamp: before `start`, not
    /// after the period-of-stay expiry for an extension or a change of status.
    pub filed_on: Located<Date>,
    /// The status applied for: required for a `status_change`, not allowed otherwise.
    #[serde(default)]
    pub to: Option<Located<Status>>,
    /// `counter` (default) or `online`.
    #[serde(default)]
    pub channel: Option<Located<Channel>>,
}

/// The residence applications that can be pending at the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PendingProcedure {
    /// 在留期間更新許可申請 (§5.4).
    Extension,
    /// 在留資格変更許可申請 (§5.5).
    StatusChange,
    /// 永住許可申請 (§5.6).
    PermanentResidence,
}

fn default_true() -> bool {
    true
}

/// A card held at the start of the run.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CardFile {
    /// Issue date. Default: one year before `start` (or the birth date, if later).
    #[serde(default)]
    pub issued_on: Option<Located<Date>>,
    /// Last valid day. Default: computed by the validity rules of §8 for the law in
    /// force on `issued_on`.
    #[serde(default)]
    pub valid_through: Option<Located<Date>>,
    /// `residence_card` only: the card is a Tokutei card (residence card or SPR certificate with
    /// My Number functions). Requires the integrated regime and an issue date on or after the
    /// bureau counters' opening day (§3); such a resident holds no separate My
    /// Number card (§16.6). Default false.
    #[serde(default)]
    pub tokutei: Option<Located<bool>>,
}

/// What must be true for one resident at the end of one day. Every check is optional.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectFile {
    /// The day checked (the state at the end of that day).
    pub on: Located<Date>,
    /// The resident's scenario id.
    pub resident: Located<String>,
    /// Exactly the cards held and usable that day (an empty list: none).
    #[serde(default)]
    pub cards: Option<Vec<CardKind>>,
    /// Last valid day of each named card.
    #[serde(default)]
    pub valid_through: BTreeMap<CardKind, Date>,
    /// Whether My Number card functions (on any card) are usable that day.
    #[serde(default)]
    pub my_number_usable: Option<bool>,
    /// Whether the resident is lawfully resident that day (period of stay or special period).
    #[serde(default)]
    pub lawfully_resident: Option<bool>,
    /// Cumulative counter visits up to that day, by office.
    #[serde(default)]
    pub visits: BTreeMap<Office, u32>,
    /// Cumulative city-hall visits up to that day, by municipality: a move between two cities
    /// is a visit to each of two city halls. Each municipality must be one the file gives the
    /// resident (where they live at the start, or a step's `municipality` or `to`).
    #[serde(default)]
    pub city_hall_visits: BTreeMap<Municipality, Located<u32>>,
    /// What each office's record says about the resident that day: the immigration bureau's,
    /// the city hall's (the Basic Resident Register) and the card issuer's (J-LIS).
    #[serde(default)]
    pub records: BTreeMap<RecordOffice, Located<OfficeRecordFile>>,
    /// Cumulative deliveries between offices up to that day, by notification code of
    /// §6 (N1 … N9): an exact count (`0`: none), or `at_least_once`.
    #[serde(default)]
    pub notifications: BTreeMap<NotificationCode, NotificationCount>,
    /// Event types that must have occurred for the resident by that day.
    #[serde(default)]
    pub events: Vec<EventType>,
    /// Refusal rules that must have refused something for the resident by that day.
    #[serde(default)]
    pub refusals: Vec<RefusalTag>,
    /// What must NOT have happened for the resident by that day: event types
    /// (`DeadlineMissed`), notification codes (`N2`) or refusal rules (`nothing_pending`), mixed
    /// in one list.
    #[serde(default)]
    pub absent: Vec<Happening>,
    /// Cumulative My Number outage days (lawfully resident, functions unusable) up to and
    /// including that day.
    #[serde(default)]
    pub outage_days: Option<u64>,
    /// Cumulative days on which the bureau's and the city hall's records disagreed.
    #[serde(default)]
    pub inconsistency_days: Option<u64>,
    /// Fees the resident paid up to and including that day, in yen (a new My Number card,
    /// §5.11, §8.4).
    #[serde(default)]
    pub fees_paid_yen: Option<u64>,
    /// The signature certificate's last valid day that day, or `none` (§8.5).
    #[serde(default)]
    pub signature_certificate: Option<DateOrNone>,
    /// The user-authentication certificate's last valid day that day, or `none` (§8.5).
    #[serde(default)]
    pub user_authentication_certificate: Option<DateOrNone>,
}

/// An office that keeps a record of the resident, as an expectation's `records:` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordOffice {
    /// The immigration bureau's record (status, period, card, the address the municipalities
    /// relayed).
    ImmigrationBureau,
    /// The municipality's entry in the Basic Resident Register.
    CityHall,
    /// J-LIS: the card whose My Number functions it runs.
    CardIssuer,
}

impl RecordOffice {
    /// The key as written (`city_hall`).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordOffice::ImmigrationBureau => "immigration_bureau",
            RecordOffice::CityHall => "city_hall",
            RecordOffice::CardIssuer => "card_issuer",
        }
    }
}

/// Whether a value an office holds is the one it held when the run started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// It is the value the office held at the start.
    Unchanged,
    /// It differs from the value the office held at the start (or the office holds one now
    /// and held none then).
    Changed,
}

impl Change {
    /// The value as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Unchanged => "unchanged",
            Change::Changed => "changed",
        }
    }
}

/// What one office's record must say. Every key is optional; an office is asked only about
/// what it keeps (an error names the keys it has).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficeRecordFile {
    /// The municipality on record (bureau, city hall).
    #[serde(default)]
    pub municipality: Option<Located<Municipality>>,
    /// The address on record (bureau, city hall).
    #[serde(default)]
    pub address: Option<Located<Address>>,
    /// The status of residence on record (bureau, city hall).
    #[serde(default)]
    pub status: Option<Located<Status>>,
    /// The period-of-stay expiry on record, or `none` (bureau, city hall).
    #[serde(default)]
    pub period_expiry: Option<Located<DateOrNone>>,
    /// Whether the card number on record is the one held at the start: the residence card's
    /// (bureau, city hall) or the card whose My Number functions J-LIS runs (card issuer).
    #[serde(default)]
    pub card_number: Option<Located<Change>>,
    /// Whether the office has recorded a change of name (bureau, city hall).
    #[serde(default)]
    pub name: Option<Located<Change>>,
    /// Whether the My Number in the register is the one it held at the start (city hall).
    #[serde(default)]
    pub my_number: Option<Located<Change>>,
}

/// How many notifications of one code an expectation asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationCount {
    /// Exactly this many (`0`: none at all).
    Exactly(u32),
    /// One or more (`at_least_once`).
    AtLeastOnce,
}

impl<'de> Deserialize<'de> for NotificationCount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct CountVisitor;
        impl Visitor<'_> for CountVisitor {
            type Value = NotificationCount;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a count (0, 1, 2 …) or `at_least_once`")
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
                u32::try_from(n)
                    .map(NotificationCount::Exactly)
                    .map_err(|_| raise(Problem::CountTooLarge(n)))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
                u64::try_from(n)
                    .map_err(|_| raise(Problem::NegativeCount(n)))
                    .and_then(|n| self.visit_u64(n))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                if s == "at_least_once" {
                    Ok(NotificationCount::AtLeastOnce)
                } else {
                    Err(raise(Problem::NotACount {
                        found: s.to_owned(),
                    }))
                }
            }
        }
        d.deserialize_any(CountVisitor)
    }
}

impl JsonSchema for NotificationCount {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "NotificationCount".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An exact count (0: none), or `at_least_once`.",
            "oneOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "string", "enum": ["at_least_once"] }
            ]
        })
    }
}

/// What an `absent:` list may name: an event type, a notification code or a refusal rule tag
/// (the three lists do not overlap: `CamelCase`, `N1` … `N9`, `snake_case`).
pub fn happening_names() -> Vec<&'static str> {
    Event::TYPE_NAMES
        .iter()
        .chain(NOTIFICATION_CODES)
        .chain(REFUSAL_RULE_TAGS)
        .copied()
        .collect()
}

/// A date (`YYYY-MM-DD`) or the word `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateOrNone(pub Option<NaiveDate>);

impl<'de> Deserialize<'de> for DateOrNone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text == "none" {
            return Ok(DateOrNone(None));
        }
        model::date_text::parse(&text)
            .map(|d| DateOrNone(Some(d)))
            .map_err(|e| raise(Problem::DateOrNone(e)))
    }
}

impl JsonSchema for DateOrNone {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DateOrNone".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A date YYYY-MM-DD, or `none`.",
            "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2}|none)$"
        })
    }
}

/// The notification codes of §6.
pub const NOTIFICATION_CODES: &[&str] = &["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"];

/// The `rule` tag of each `model::rules::RefusalRule` variant (its serde name).
///
/// model exposes no such list; `tests::refusal_tags_match_the_model` checks this one against
/// serde's output for every variant, so a variant added there fails here until listed.
pub const REFUSAL_RULE_TAGS: &[&str] = model::rules::RefusalRule::TAGS;

/// Declares a string newtype whose values must come from a fixed list, with a located error
/// that lists the choices (and the nearest one) otherwise.
macro_rules! closed_string {
    ($(#[$m:meta])* $name:ident, $what:expr, $list:expr) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub String);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let s = String::deserialize(d)?;
                if $list.contains(&s.as_str()) {
                    Ok($name(s))
                } else {
                    Err(raise(crate::suggest::unknown(
                        $what,
                        &s,
                        $list.iter().copied(),
                    )))
                }
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let list: Vec<&str> = $list.to_vec();
                schemars::json_schema!({ "type": "string", "enum": list })
            }
        }
    };
}

closed_string!(
    /// A notification code of §6 (`N1` … `N9`).
    NotificationCode,
    NameKind::NotificationCode,
    NOTIFICATION_CODES
);
closed_string!(
    /// An event type name (`model::event::Event::TYPE_NAMES`).
    EventType,
    NameKind::EventType,
    Event::TYPE_NAMES
);
closed_string!(
    /// A refusal rule tag (`model::rules::RefusalRule`, snake_case).
    RefusalTag,
    NameKind::RefusalRule,
    REFUSAL_RULE_TAGS
);
closed_string!(
    /// What an `absent:` list names: an event type, a notification code or a refusal rule.
    Happening,
    NameKind::Happening,
    happening_names()
);
