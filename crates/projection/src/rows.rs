//! Flat rows for analysts: a resident's card record on a day and their measures, one plain
//! value per field (text ids, machine names, dates), ready to become a table row, a CSV line or
//! a JSON object. They are what `replay --format json` prints and what the analysis tables of a
//! stored run hold (docs/analysis.md documents each column).
//!
//! A row never holds a My Number: the card record does not keep it, and neither do these.

use chrono::NaiveDate;
use model::service::Office;
use model::validity::SpecialPeriodMyNumber;
use serde::Serialize;

use crate::record::{CardRecord, UseState, View};

/// The stable machine name serde gives a value (`tokutei_residence_card`, `engineer_…`).
fn tag<T: Serialize>(value: &T) -> Option<String> {
    match serde_json::to_value(value).ok()? {
        serde_json::Value::String(s) => Some(s),
        _ => None,
    }
}

fn state_tag(s: UseState) -> &'static str {
    match s {
        UseState::Active => "active",
        UseState::Expired { .. } => "expired",
        UseState::Invalidated { .. } => "invalidated",
        UseState::Suspended { .. } => "suspended",
    }
}

/// One office's view of a resident, flattened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ViewRow {
    pub status: Option<String>,
    pub period_expiry: Option<NaiveDate>,
    pub card_number: Option<String>,
    pub municipality: Option<String>,
    pub address: Option<String>,
}

impl ViewRow {
    fn of(v: &View) -> ViewRow {
        ViewRow {
            status: v.status.as_ref().and_then(tag),
            period_expiry: v.period_expiry,
            card_number: v.card_number.map(|n| n.to_string()),
            municipality: v.municipality.map(|m| m.as_str().to_owned()),
            address: v.address.map(|a| a.as_str().to_owned()),
        }
    }
}

/// A resident's card record as it stood at the end of `as_of`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordRow {
    /// The resident's text id (the scenario's id, or `R<index>` in a synthetic population).
    pub resident: String,
    pub as_of: NaiveDate,
    /// The residence card or SPR certificate in the resident's hands (machine name), valid or
    /// not.
    pub card_kind: Option<String>,
    pub card_number: Option<String>,
    pub card_valid_through: Option<NaiveDate>,
    /// Whether that card is valid on `as_of` (the special period included).
    pub card_valid: bool,
    pub my_number_card_valid_through: Option<NaiveDate>,
    /// `active`, `expired`, `invalidated` or `suspended`.
    pub my_number_card_state: Option<&'static str>,
    pub tokutei_functions_valid_through: Option<NaiveDate>,
    pub tokutei_functions_state: Option<&'static str>,
    /// Whether the resident has ever held a card with My Number functions.
    pub has_my_number_functions: bool,
    pub my_number_usable: bool,
    pub lawfully_resident: bool,
    /// The last day of the special period keeping the resident lawful on `as_of`, if any (§9,
    /// `CardRecord::special_period_on`).
    pub special_period_until: Option<NaiveDate>,
    pub signature_certificate_through: Option<NaiveDate>,
    pub user_auth_certificate_through: Option<NaiveDate>,
    pub pin_locked: bool,
    pub bureau: ViewRow,
    pub city_hall: ViewRow,
    /// Whether the bureau's and the city hall's views disagree.
    pub offices_disagree: bool,
}

impl RecordRow {
    /// The row of `rec` on `day`. `rec` must have been folded through `day` (a replay to it).
    pub fn of(
        rec: &CardRecord,
        resident: &str,
        day: NaiveDate,
        switch: SpecialPeriodMyNumber,
    ) -> RecordRow {
        let card = rec.residence_card.as_ref();
        let valid = rec.cards_valid_on(day);
        RecordRow {
            resident: resident.to_owned(),
            as_of: day,
            card_kind: card.and_then(|c| tag(&c.kind)),
            card_number: card.map(|c| c.number.to_string()),
            card_valid_through: card.map(|c| c.valid_through),
            card_valid: card.is_some_and(|c| valid.iter().any(|(k, _)| *k == c.kind)),
            my_number_card_valid_through: rec.my_number_card.map(|c| c.card.valid_through),
            my_number_card_state: rec.my_number_card.map(|c| state_tag(c.state)),
            tokutei_functions_valid_through: rec.tokutei_functions.map(|f| f.valid_through),
            tokutei_functions_state: rec.tokutei_functions.map(|f| state_tag(f.state)),
            has_my_number_functions: rec.has_my_number_card(),
            my_number_usable: rec.my_number_usable(day, switch),
            lawfully_resident: rec.lawfully_resident(day),
            special_period_until: rec.special_period_on(day).map(|sp| sp.until),
            signature_certificate_through: rec.certificates.signature_through,
            user_auth_certificate_through: rec.certificates.user_auth_through,
            pin_locked: rec.pin_locked,
            bureau: ViewRow::of(&rec.bureau),
            city_hall: ViewRow::of(&rec.city_hall),
            offices_disagree: rec.inconsistent(),
        }
    }
}

/// A resident's measures over the run (through `through`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeasuresRow {
    pub resident: String,
    pub through: NaiveDate,
    pub visits_immigration_bureau: u32,
    pub visits_city_hall: u32,
    pub visits_police: u32,
    pub visits_call_centre: u32,
    pub my_number_outage_days: u64,
    pub inconsistency_days: u64,
    pub special_period_days: u64,
    pub deadline_misses: u32,
    pub refusals: u32,
    pub fees_paid_yen: u64,
}

impl MeasuresRow {
    pub fn of(rec: &CardRecord, resident: &str, through: NaiveDate) -> MeasuresRow {
        MeasuresRow {
            resident: resident.to_owned(),
            through,
            visits_immigration_bureau: rec.visits_to(Office::ImmigrationBureau),
            visits_city_hall: rec.visits_to(Office::CityHall),
            visits_police: rec.visits_to(Office::Police),
            visits_call_centre: rec.visits_to(Office::CallCentre),
            my_number_outage_days: rec.days.outage_days,
            inconsistency_days: rec.days.inconsistency_days,
            special_period_days: rec.days.special_period_days,
            deadline_misses: rec.deadline_misses,
            refusals: rec.refusals,
            fees_paid_yen: rec.fees_paid_yen,
        }
    }
}
