//! The card record of one resident, rebuilt from the log: the cards held (numbers, validity,
//! state), the My Number functions and certificates, each office's view of status, expiry, card
//! and address, a pending application, counter visits and the day measures. Whether the resident
//! is lawfully resident or can use My Number functions on a day is asked of `model` with the
//! record's facts.
//!
//! Day measures are evaluated at the end of each day: before applying an event on day `d`, a
//! resident's record is "advanced" through `d - 1` with the state it had.

use chrono::NaiveDate;
use model::card::{CardKind, Certificates, MyNumberCard, ResidenceCard};
use model::card_number::ResidenceCardNumber;
use model::ids::{Address, Municipality};
use model::procedure::Procedure;
use model::rules::InvalidationReason;
use model::service::Office;
use model::status::Status;
use model::validity::{self, MyNumberFunctionsHeld, SpecialPeriod, SpecialPeriodMyNumber};
use serde::Serialize;

/// What one office believes about a resident.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct View {
    pub status: Option<Status>,
    pub period_expiry: Option<NaiveDate>,
    pub card_number: Option<ResidenceCardNumber>,
    pub municipality: Option<Municipality>,
    pub address: Option<Address>,
}

/// Whether a card (or its My Number functions) can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum UseState {
    Active,
    Expired {
        on: NaiveDate,
    },
    Invalidated {
        on: NaiveDate,
        reason: InvalidationReason,
    },
    /// Suspended through the call centre after a loss (§5.11).
    Suspended {
        on: NaiveDate,
    },
}

/// A separate My Number card as J-LIS records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HeldMyNumberCard {
    pub card: MyNumberCard,
    pub state: UseState,
}

/// My Number functions on a Tokutei card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Functions {
    pub card_number: ResidenceCardNumber,
    pub valid_through: NaiveDate,
    pub state: UseState,
}

/// A pending extension or change of status, as far as the special period is concerned (§9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PendingApplication {
    pub filed_on: NaiveDate,
    pub expiry_at_filing: Option<NaiveDate>,
    /// The day it was refused: the disposition day is the special period's last (§9).
    pub decided_on: Option<NaiveDate>,
    /// What was applied for, and whether it was granted: what
    /// `model::rules::pending_application_end` needs. Left out of the state hash, which predates
    /// them (they follow from events the log already holds).
    #[serde(skip)]
    pub procedure: Procedure,
    #[serde(skip)]
    pub granted: bool,
}

/// Day counts accumulated per resident.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DayMeasures {
    /// Lawfully resident, had My Number functions, and they were unusable.
    pub outage_days: u64,
    /// The bureau's and the city hall's views disagreed.
    pub inconsistency_days: u64,
    /// Lawfully resident only by virtue of the special period.
    pub special_period_days: u64,
}

/// The single card record of one resident, rebuilt from the log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CardRecord {
    pub born_on: Option<NaiveDate>,
    /// The residence card or SPR certificate in the resident's hands (Tokutei or not).
    pub residence_card: Option<ResidenceCard>,
    pub my_number_card: Option<HeldMyNumberCard>,
    pub tokutei_functions: Option<Functions>,
    pub certificates: Certificates,
    pub bureau: View,
    pub city_hall: View,
    pub pending: Option<PendingApplication>,
    pub card_ready: Option<CardKind>,
    /// Counter visits per office (distinct office-days), in `Office::ALL` order.
    pub visits: [u32; 4],
    #[serde(skip)]
    pub(crate) last_visit: [Option<NaiveDate>; 4],
    /// Day measures through `evaluated_through`.
    pub days: DayMeasures,
    pub evaluated_through: Option<NaiveDate>,
    pub deadline_misses: u32,
    pub refusals: u32,
    /// The user-authentication PIN is locked (§5.12): the functions cannot be used.
    pub pin_locked: bool,
}

impl CardRecord {
    /// The special period running (or possible) given the pending application (§9).
    pub fn special_period(&self) -> Option<SpecialPeriod> {
        let pending = self.pending?;
        let expiry = pending.expiry_at_filing?;
        validity::special_period(expiry, pending.filed_on, pending.decided_on)
    }

    /// Lawfully resident on `day` (end of day), by the bureau's record: the rule is
    /// [`validity::lawfully_resident`]; a person the bureau has no record of is not.
    pub fn lawfully_resident(&self, day: NaiveDate) -> bool {
        self.bureau.status.is_some_and(|status| {
            validity::lawfully_resident(
                status,
                self.bureau.period_expiry,
                self.special_period(),
                day,
            )
        })
    }

    /// Whether the resident has ever held a card with My Number functions.
    pub fn has_my_number_card(&self) -> bool {
        self.my_number_card.is_some() || self.tokutei_functions.is_some()
    }

    /// The cards carrying My Number functions that are in use, for the usability rule.
    fn functions_held(&self) -> MyNumberFunctionsHeld {
        MyNumberFunctionsHeld {
            separate_card_through: self
                .my_number_card
                .filter(|c| c.state == UseState::Active)
                .map(|c| c.card.valid_through),
            tokutei_functions_through: self
                .tokutei_functions
                .filter(|f| f.state == UseState::Active)
                .map(|f| f.valid_through),
            pin_locked: self.pin_locked,
        }
    }

    /// Whether My Number functions can be used on `day`: the rule is
    /// [`MyNumberFunctionsHeld::usable_on`], with the bureau's period expiry and special period.
    pub fn my_number_usable(&self, day: NaiveDate, switch: SpecialPeriodMyNumber) -> bool {
        self.functions_held().usable_on(
            day,
            self.bureau.period_expiry,
            self.special_period(),
            switch,
        )
    }

    /// Whether the offices' views disagree (only for residents in the register).
    pub fn inconsistent(&self) -> bool {
        self.city_hall.municipality.is_some() && self.bureau != self.city_hall
    }

    /// The cards held and valid on `day`, with their validity.
    pub fn cards_valid_on(&self, day: NaiveDate) -> Vec<(CardKind, NaiveDate)> {
        let mut cards = Vec::new();
        if let Some(card) = &self.residence_card
            && validity::residence_card_valid_on(card.valid_through, self.special_period(), day)
        {
            cards.push((card.kind, card.valid_through));
        }
        if let Some(through) = self.functions_held().separate_card_through
            && day <= through
        {
            cards.push((CardKind::MyNumberCard, through));
        }
        cards
    }

    /// Sets the state of the Tokutei card's functions (`tokutei`) or of the separate card.
    pub(crate) fn set_use_state(&mut self, tokutei: bool, state: UseState) {
        if tokutei {
            if let Some(f) = self.tokutei_functions.as_mut() {
                f.state = state;
            }
        } else if let Some(c) = self.my_number_card.as_mut() {
            c.state = state;
        }
    }

    pub(crate) fn visit(&mut self, office: Office, day: NaiveDate) {
        let i = Office::ALL.iter().position(|o| *o == office).unwrap_or(0);
        if self.last_visit[i] != Some(day) {
            self.last_visit[i] = Some(day);
            self.visits[i] += 1;
        }
    }

    /// Visits to one office so far.
    pub fn visits_to(&self, office: Office) -> u32 {
        let i = Office::ALL.iter().position(|o| *o == office).unwrap_or(0);
        self.visits[i]
    }

    /// Accumulates the day measures for every day from the last evaluated one through `through`.
    pub(crate) fn advance(&mut self, through: NaiveDate, switch: SpecialPeriodMyNumber) {
        let Some(mut day) = self.evaluated_through.and_then(|d| d.succ_opt()) else {
            return;
        };
        while day <= through {
            let lawful = self.lawfully_resident(day);
            if lawful && self.has_my_number_card() && !self.my_number_usable(day, switch) {
                self.days.outage_days += 1;
            }
            if self.inconsistent() {
                self.days.inconsistency_days += 1;
            }
            let by_expiry = self.bureau.period_expiry.is_none_or(|e| day <= e);
            if lawful && !by_expiry {
                self.days.special_period_days += 1;
            }
            self.evaluated_through = Some(day);
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
    }
}
