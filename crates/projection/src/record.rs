//! The projections computed from the log: the card record of every resident (cards held, numbers,
//! validity, My Number functions, certificates, and each office's view of status, expiry, card
//! and address) and the measures (counter visits, My Number outage days, inconsistency days,
//! special-period days, cards produced, deadline misses, notifications between offices).
//!
//! The same fold runs live (as the scheduler records events) and in replay (from the store), so
//! replay gives exactly what the live run gave. Day measures are evaluated at the end of each
//! day: before applying an event on day `d`, a resident's record is "advanced" through `d - 1`
//! with the state it had.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use model::card::{CardKind, Certificates, MyNumberCard, ResidenceCard};
use model::card_number::ResidenceCardNumber;
use model::envelope::Envelope;
use model::event::Event;
use model::hashing::HashWriter;
use model::ids::{Address, Municipality};
use model::procedure::Procedure;
use model::rules::{self, InvalidationReason, PendingEnd};
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
    last_visit: [Option<NaiveDate>; 4],
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
    fn set_use_state(&mut self, tokutei: bool, state: UseState) {
        if tokutei {
            if let Some(f) = self.tokutei_functions.as_mut() {
                f.state = state;
            }
        } else if let Some(c) = self.my_number_card.as_mut() {
            c.state = state;
        }
    }

    fn visit(&mut self, office: Office, day: NaiveDate) {
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
    fn advance(&mut self, through: NaiveDate, switch: SpecialPeriodMyNumber) {
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

/// Run-wide counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub events: u64,
    /// Counter visits per office (distinct resident-office-days).
    pub visits: BTreeMap<Office, u64>,
    /// Deliveries between offices, by notification code of domain-rules §6.
    pub notifications: BTreeMap<String, u64>,
    /// Residence cards and SPR certificates issued.
    pub cards_produced: u64,
    pub deadline_misses: u64,
    pub refusals: u64,
    pub outage_days: u64,
    pub inconsistency_days: u64,
    pub special_period_days: u64,
}

/// The work one calendar month brought to each office: counter visits (distinct
/// resident-office-days, in `Office::ALL` order) and the Tokutei cards J-LIS started producing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MonthWorkload {
    pub visits: [u64; Office::ALL.len()],
    pub tokutei_productions: u64,
}

/// Every resident's card record, plus run-wide totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Projections {
    /// The day before the run's first day: measures count from the first day.
    #[serde(skip)]
    start: NaiveDate,
    #[serde(skip)]
    switch: SpecialPeriodMyNumber,
    pub records: Vec<CardRecord>,
    pub notifications: BTreeMap<String, u64>,
    pub events: u64,
    pub cards_produced: u64,
    /// Workload per month (keyed by the month's first day), for the what-if measures. Left out
    /// of the state hash, which predates it: it is a sum of what the log already holds.
    #[serde(skip)]
    pub workload: BTreeMap<NaiveDate, MonthWorkload>,
}

impl Projections {
    /// Empty projections for a run starting on `start`.
    pub fn new(start: NaiveDate, switch: SpecialPeriodMyNumber, residents: usize) -> Projections {
        Projections {
            start,
            switch,
            records: Vec::with_capacity(residents),
            notifications: BTreeMap::new(),
            events: 0,
            cards_produced: 0,
            workload: BTreeMap::new(),
        }
    }

    pub fn record(&self, resident: model::ids::ResidentId) -> Option<&CardRecord> {
        self.records.get(resident.index())
    }

    /// Folds one event into the projections.
    pub fn apply(&mut self, env: &Envelope) {
        let day = env.occurred_at.date();
        let i = env.event.resident().index();
        if self.records.len() <= i {
            let before = self.start.pred_opt().unwrap_or(self.start);
            self.records.resize_with(i + 1, || CardRecord {
                evaluated_through: Some(before),
                ..CardRecord::default()
            });
        }
        self.events += 1;
        if matches!(env.event, Event::ResidenceCardIssued { .. }) {
            self.cards_produced += 1;
        }
        for n in rules::notified(&env.event) {
            *self.notifications.entry(n.code.to_owned()).or_insert(0) += 1;
        }
        let switch = self.switch;
        let rec = &mut self.records[i];
        if let Some(prev) = day.pred_opt() {
            rec.advance(prev, switch);
        }
        let visits = rec.visits;
        apply_event(rec, &env.event, day);
        let counted = rec.visits != visits;
        let tokutei = matches!(env.event, Event::TokuteiProductionStarted { .. });
        if counted || tokutei {
            let month = day.with_day(1).unwrap_or(day);
            let w = self.workload.entry(month).or_default();
            for (k, (now, was)) in rec.visits.iter().zip(visits).enumerate() {
                w.visits[k] += u64::from(now - was);
            }
            w.tokutei_productions += u64::from(tokutei);
        }
    }

    /// Advances every record's day measures through `until` (call once at the end of a run).
    pub fn finish(&mut self, until: NaiveDate) {
        let switch = self.switch;
        for rec in &mut self.records {
            rec.advance(until, switch);
        }
    }

    /// Run-wide totals.
    pub fn totals(&self) -> Totals {
        let mut t = Totals {
            events: self.events,
            notifications: self.notifications.clone(),
            ..Totals::default()
        };
        for office in Office::ALL {
            t.visits.insert(office, 0);
        }
        for rec in &self.records {
            for (k, office) in Office::ALL.iter().enumerate() {
                *t.visits.entry(*office).or_insert(0) += u64::from(rec.visits[k]);
            }
            t.deadline_misses += u64::from(rec.deadline_misses);
            t.refusals += u64::from(rec.refusals);
            t.outage_days += rec.days.outage_days;
            t.inconsistency_days += rec.days.inconsistency_days;
            t.special_period_days += rec.days.special_period_days;
        }
        t.cards_produced = self.cards_produced;
        t
    }

    /// SHA-256 of the projections' canonical JSON: the "final state hash".
    pub fn state_hash(&self) -> String {
        let mut h = HashWriter::new();
        serde_json::to_writer(&mut h, self).expect("projections always serialize");
        h.finish()
    }
}

/// A pending application from its filing event.
fn pending(
    procedure: Procedure,
    filed_on: NaiveDate,
    expiry: Option<NaiveDate>,
) -> PendingApplication {
    PendingApplication {
        filed_on,
        expiry_at_filing: expiry,
        decided_on: None,
        procedure,
        granted: false,
    }
}

/// The bookkeeping for one event. No judgement: every decision was made by the office, and
/// when a pending application ends is the model's rule.
fn apply_event(rec: &mut CardRecord, event: &Event, day: NaiveDate) {
    if let Some(p) = rec.pending
        && let Some(end) = rules::pending_application_end(event, p.procedure, p.granted)
    {
        match end {
            // The special period runs through the disposition day and ends then (§9).
            PendingEnd::Refused => {
                rec.pending = Some(PendingApplication {
                    decided_on: Some(day),
                    ..p
                })
            }
            PendingEnd::Superseded | PendingEnd::CardIssued => rec.pending = None,
        }
    }
    match event {
        Event::CounterVisited { office, .. } => rec.visit(*office, day),
        Event::ProcedureRefused { .. } | Event::TokuteiApplicationRefused { .. } => {
            rec.refusals += 1
        }
        Event::DeadlineMissed { .. } => rec.deadline_misses += 1,
        Event::ImmigrationRecordOpened {
            born_on,
            status,
            period_expiry,
            card,
            municipality,
            address,
            ..
        } => {
            rec.born_on = Some(*born_on);
            rec.residence_card = card.clone();
            rec.bureau = View {
                status: Some(*status),
                period_expiry: *period_expiry,
                card_number: card.as_ref().map(|c| c.number),
                municipality: Some(municipality.clone()),
                address: Some(address.clone()),
            };
        }
        Event::ExtensionApplied {
            filed_on,
            expiry_at_filing,
            ..
        } => rec.pending = Some(pending(Procedure::Extension, *filed_on, *expiry_at_filing)),
        Event::StatusChangeApplied {
            filed_on,
            expiry_at_filing,
            ..
        } => {
            rec.pending = Some(pending(
                Procedure::StatusChange,
                *filed_on,
                *expiry_at_filing,
            ))
        }
        Event::ExtensionGranted { .. } | Event::StatusChangeGranted { .. } => {
            if let Some(p) = rec.pending.as_mut() {
                p.granted = true;
            }
        }
        Event::StatusChanged { to, new_expiry, .. } => {
            rec.bureau.status = Some(*to);
            rec.bureau.period_expiry = *new_expiry;
        }
        Event::ResidenceNotified {
            municipality,
            address,
            status,
            period_expiry,
            card,
            ..
        } => {
            rec.city_hall = View {
                status: Some(*status),
                period_expiry: *period_expiry,
                card_number: card.map(|(_, n)| n),
                municipality: Some(municipality.clone()),
                address: Some(address.clone()),
            }
        }
        Event::MyNumberFunctionsSuspended { tokutei_card, .. } => {
            rec.set_use_state(tokutei_card.is_some(), UseState::Suspended { on: day })
        }
        Event::PinLocked { .. } => rec.pin_locked = true,
        Event::PinUnlocked { .. } => rec.pin_locked = false,
        Event::CardReadyForCollection { kind, .. } => rec.card_ready = Some(*kind),
        Event::PeriodOfStayExtended { new_expiry, .. } => {
            rec.bureau.period_expiry = Some(*new_expiry)
        }
        Event::ResidenceCardIssued { card, .. } => {
            rec.residence_card = Some(card.clone());
            rec.bureau.card_number = Some(card.number);
            rec.card_ready = None;
        }
        Event::AddressRecorded {
            municipality,
            address,
            ..
        } => {
            rec.bureau.municipality = Some(municipality.clone());
            rec.bureau.address = Some(address.clone());
        }
        Event::ResidentRegistered {
            municipality,
            address,
            status,
            period_expiry,
            card_number,
            ..
        } => {
            rec.city_hall = View {
                status: Some(*status),
                period_expiry: *period_expiry,
                card_number: *card_number,
                municipality: Some(municipality.clone()),
                address: Some(address.clone()),
            }
        }
        Event::MovedWithinMunicipality { address, .. } => {
            rec.city_hall.address = Some(address.clone())
        }
        Event::MoveInRecorded {
            municipality,
            address,
            ..
        } => {
            rec.city_hall.municipality = Some(municipality.clone());
            rec.city_hall.address = Some(address.clone());
        }
        Event::ImmigrationDataUpdated {
            status,
            period_expiry,
            card_number,
            ..
        } => {
            rec.city_hall.status = Some(*status);
            rec.city_hall.period_expiry = *period_expiry;
            rec.city_hall.card_number = *card_number;
        }
        Event::CardIssuerRecordOpened {
            my_number_card,
            certificates,
            ..
        } => {
            rec.my_number_card = my_number_card.map(|card| HeldMyNumberCard {
                card,
                state: UseState::Active,
            });
            rec.certificates = *certificates;
        }
        Event::MyNumberCardValidityRecorded { valid_through, .. } => {
            if let Some(c) = rec.my_number_card.as_mut() {
                c.card.valid_through = *valid_through;
            }
        }
        Event::CertificatesIssued { certificates, .. } => rec.certificates = *certificates,
        Event::SignatureCertificateRevoked { .. } => rec.certificates.signature_through = None,
        Event::MyNumberCardExpired { .. } => {
            if let Some(c) = rec.my_number_card.as_mut() {
                c.state = UseState::Expired { on: day };
            }
        }
        Event::MyNumberCardInvalidated {
            reason,
            tokutei_card,
            ..
        } => {
            let state = UseState::Invalidated {
                on: day,
                reason: *reason,
            };
            rec.set_use_state(tokutei_card.is_some(), state)
        }
        Event::MyNumberFunctionsActivated {
            card_number,
            valid_through,
            certificates,
            ..
        } => {
            rec.tokutei_functions = Some(Functions {
                card_number: *card_number,
                valid_through: *valid_through,
                state: UseState::Active,
            });
            rec.certificates = *certificates;
        }
        Event::MyNumberFunctionsExpired { .. } => {
            if let Some(f) = rec.tokutei_functions.as_mut() {
                f.state = UseState::Expired { on: day };
            }
        }
        _ => {}
    }
}
