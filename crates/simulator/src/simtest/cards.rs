//! Invariants 4 and 5 of the simulation tester: each resident's cards tracked from the events
//! alone (an independent statement, not the projections' rule functions), and the check that no
//! card carries usable My Number functions or stays valid when the law says it does not. Split
//! from `simtest.rs` so that the tester's flow reads apart from this bookkeeping.

use chrono::NaiveDate;
use model::event::Event;
use model::ids::ResidentId;
use model::procedure::Procedure;
use projection::Projections;

use super::{Failure, Invariant};

/// The My Number an event records (the register's entry, a first registration).
pub(super) fn my_number_of(event: &Event) -> Option<model::mynumber::MyNumber> {
    match event {
        Event::ResidentRegistered { my_number, .. }
        | Event::ResidenceNotified { my_number, .. }
        | Event::BirthRegistered { my_number, .. } => Some(*my_number),
        _ => None,
    }
}

/// What the log says of one resident's cards, tracked from the events alone — an independent
/// statement of invariants 4 and 5, not the projections' rule functions: the period of stay the
/// bureau last granted, the card in hand, the pending application that may open a special
/// period, and which cards carrying My Number functions J-LIS has activated and not since
/// invalidated, suspended or let lapse.
#[derive(Debug, Clone, Default)]
pub(super) struct Cards {
    /// The bureau's period of stay: `None` without one (permanent residents); the latest of
    /// every period the bureau opened, granted or extended.
    period: Option<NaiveDate>,
    /// The residence card or Tokutei card in hand.
    card: Option<model::card::ResidenceCard>,
    /// An extension or change of status filed (the day, and the expiry then), and the day of
    /// its disposition, if it came.
    application: Option<(NaiveDate, NaiveDate, Option<NaiveDate>)>,
    /// The separate My Number card J-LIS keeps in use, and its last valid day.
    separate: Option<NaiveDate>,
    /// The Tokutei card's functions J-LIS keeps in use, and their last valid day.
    functions: Option<NaiveDate>,
    /// The user-authentication PIN is locked.
    pin_locked: bool,
}

impl Cards {
    pub(super) fn observe(&mut self, event: &Event, day: NaiveDate) {
        // The disposition ends a special period: a refusal, the application superseded, or a
        // grant taking effect (the period extended or the status changed, the new card issued).
        // A refusal of another application (permanent residence) is not its disposition.
        let this_application =
            |p: &Procedure| matches!(p, Procedure::Extension | Procedure::StatusChange);
        let disposed = match event {
            Event::ExtensionRefused { .. }
            | Event::PeriodOfStayExtended { .. }
            | Event::StatusChanged { .. }
            | Event::ResidenceCardIssued { .. } => true,
            Event::ApplicationRefused { procedure, .. }
            | Event::ApplicationSuperseded { procedure, .. } => this_application(procedure),
            _ => false,
        };
        if disposed && let Some((_, _, decided)) = &mut self.application {
            decided.get_or_insert(day);
        }
        match event {
            Event::ImmigrationRecordOpened {
                period_expiry,
                card,
                ..
            } => {
                self.period = *period_expiry;
                self.card = card.clone();
            }
            Event::ExtensionGranted { new_expiry, .. }
            | Event::StatusChangeGranted { new_expiry, .. }
            | Event::PeriodOfStayExtended { new_expiry, .. } => {
                self.period = self.period.max(Some(*new_expiry));
            }
            Event::StatusChanged { new_expiry, .. } => {
                self.period = new_expiry.map(|e| self.period.map_or(e, |p| p.max(e)));
            }
            Event::ResidenceCardIssued { card, .. } => self.card = Some(card.clone()),
            Event::ExtensionApplied {
                filed_on,
                expiry_at_filing: Some(e),
                ..
            }
            | Event::StatusChangeApplied {
                filed_on,
                expiry_at_filing: Some(e),
                ..
            } => self.application = Some((*filed_on, *e, None)),
            Event::CardIssuerRecordOpened { my_number_card, .. } => {
                self.separate = my_number_card.map(|c| c.valid_through);
            }
            Event::MyNumberCardActivated { card, .. } => {
                self.separate = Some(card.valid_through);
                self.pin_locked = false;
            }
            Event::MyNumberCardValidityRecorded { valid_through, .. }
            | Event::MyNumberCardValidityChanged { valid_through, .. }
            | Event::MyNumberCardSpecialPeriodExtended { valid_through, .. } => {
                if let Some(s) = &mut self.separate {
                    *s = *valid_through;
                }
            }
            Event::MyNumberCardExpired { .. } | Event::MyNumberCardWithdrawn { .. } => {
                self.separate = None;
            }
            Event::MyNumberFunctionsActivated { valid_through, .. } => {
                self.functions = Some(*valid_through);
            }
            Event::MyNumberFunctionsExpired { .. } => self.functions = None,
            Event::MyNumberCardInvalidated { tokutei_card, .. }
            | Event::MyNumberFunctionsSuspended { tokutei_card, .. } => {
                if tokutei_card.is_some() {
                    self.functions = None;
                } else {
                    self.separate = None;
                }
            }
            Event::PinLocked { .. } => self.pin_locked = true,
            Event::PinUnlocked { .. } | Event::PinResetAtCounter { .. } => self.pin_locked = false,
            _ => {}
        }
    }

    /// Whether `day` may be in a special period (入管法20条6項, 21条4項): an extension or
    /// change of status filed by the expiry, no disposition before `day`, and `day` at most two
    /// months past that expiry — the outer bound, whatever the decision.
    fn special_period_may_run(&self, day: NaiveDate) -> bool {
        self.application.is_some_and(|(filed, expiry, decided)| {
            filed <= expiry
                && decided.is_none_or(|d| day <= d)
                && expiry
                    .checked_add_months(chrono::Months::new(2))
                    .is_some_and(|end| day <= end)
        })
    }

    /// The latest day a residence card issued on `issued_on` may be valid through: the period
    /// of stay when there is one (earlier for a child's card), else the longest scheme for a
    /// permanent resident's card (the 10th birthday after issuance, so within 11 years).
    fn legal_limit(&self, issued_on: NaiveDate) -> Option<NaiveDate> {
        match self.period {
            Some(p) => Some(p),
            None => issued_on.checked_add_months(chrono::Months::new(11 * 12)),
        }
    }
}

/// Invariants 4 and 5 for every resident on `day`, on the records folded so far.
pub(super) fn check_cards(
    cards: &[Cards],
    records: &Projections,
    day: NaiveDate,
    switch: model::validity::SpecialPeriodMyNumber,
    at: &str,
) -> Result<(), Failure> {
    for (i, c) in cards.iter().enumerate() {
        let resident = ResidentId(i as u32);
        let Some(rec) = records.record(resident) else {
            continue;
        };
        // 4: usable only on a card J-LIS activated and has not invalidated, suspended or let
        // lapse since, with the PIN not locked.
        if rec.my_number_usable(day, switch) {
            let separate = c.separate.is_some_and(|t| day <= t);
            let functions = c
                .functions
                .is_some_and(|t| day <= t || c.special_period_may_run(day));
            if c.pin_locked || !(separate || functions) {
                return Err(Failure {
                    invariant: Invariant::FunctionsOnDeadCard,
                    detail: format!(
                        "{at}: {resident}'s My Number functions are usable on {day} with {}",
                        if c.pin_locked {
                            "the PIN locked".to_owned()
                        } else {
                            format!(
                                "no card in use (separate card through {:?}, Tokutei functions through {:?})",
                                c.separate, c.functions
                            )
                        }
                    ),
                });
            }
        }
        // 5: a card in hand is valid on `day` only through its own validity (or a special
        // period), and its validity is within the law's.
        for (kind, through) in rec.cards_valid_on(day) {
            let ok = if kind == model::card::CardKind::MyNumberCard {
                c.separate.is_some_and(|t| day <= t && through <= t)
            } else {
                let issued = c.card.as_ref().filter(|card| card.kind == kind);
                issued.is_some_and(|card| {
                    card.valid_through == through
                        && (day <= through || c.special_period_may_run(day))
                        && c.legal_limit(card.issued_on).is_none_or(|l| through <= l)
                })
            };
            if !ok {
                return Err(Failure {
                    invariant: Invariant::CardPastValidity,
                    detail: format!(
                        "{at}: {resident}'s {kind:?} valid through {through} is held valid on {day} \
                         (the log: card {:?}, period of stay {:?}, application {:?}, separate card through {:?})",
                        c.card, c.period, c.application, c.separate
                    ),
                });
            }
        }
    }
    Ok(())
}
