//! J-LIS (地方公共団体情報システム機構), the card issuer, as a pure state machine.
//!
//! It keeps the chip-side truth: the separate My Number card's validity and state, the My Number
//! functions on a Tokutei card, and the two JPKI certificates (docs/domain.md §8.4–§8.6). It
//! produces Tokutei cards on the bureau's request (N4) and reports them produced (N5), records
//! the municipality's validity changes and address changes (N8), and sets its own timers for the
//! day a card or its functions lapse, so that the log says when that happened.
//!
//! `chip` is the record of one resident and its bookkeeping; this file decides.

use chrono::NaiveDate;
use model::capacity::{self, Place, Queues};
use model::card::Certificates;
use model::command::Command;
use model::event::Event;
use model::ids::ResidentId;
use model::machine::{Context, Decision, Input, ResidentTable, StateMachine};
use model::policy::ExistingMyNumberCardOnTokutei;
use model::procedure::{ChangedItem, MyNumberCardReissueReason, Procedure};
use model::rules::{Consequence, Duty, InvalidationReason, RefusalRule, RevocationReason};
use model::service::Office;
use model::service::Service;
use model::time::start_of_day;
use model::validity::{self, CertificateKind, SpecialPeriodMyNumber};

mod chip;

pub use chip::{CardState, Chip, TokuteiFunctions};

#[cfg(test)]
mod tests;

/// J-LIS's state: one optional record per resident id.
#[derive(Debug, Default, Clone)]
pub struct CardIssuer {
    chips: ResidentTable<Chip>,
    /// The Tokutei production queue under the policy's capacity (decision 17).
    queues: Queues,
}

/// The timer that fires when a validity ends: the start of the following day.
fn lapse_time(valid_through: NaiveDate) -> model::time::SimTime {
    start_of_day(valid_through.succ_opt().unwrap_or(valid_through))
}

/// Fresh certificates for a card valid through `card_valid_through` (§8.5).
fn new_certificates(
    born_on: NaiveDate,
    today: NaiveDate,
    card_valid_through: NaiveDate,
) -> Certificates {
    let through = |kind| {
        validity::certificate_valid_through(kind, born_on, today, card_valid_through, None, false)
    };
    Certificates {
        signature_through: validity::signature_certificate_issuable(born_on, today)
            .then(|| through(CertificateKind::Signature)),
        user_auth_through: Some(through(CertificateKind::UserAuthentication)),
    }
}

impl CardIssuer {
    pub fn chip(&self, resident: ResidentId) -> Option<&Chip> {
        self.chips.get(resident)
    }

    fn decide_command(&self, command: &Command, ctx: &Context<'_>, d: &mut Decision) {
        if let Command::EnrolResident { resident, profile } = command {
            d.push(Event::CardIssuerRecordOpened {
                resident: *resident,
                born_on: profile.born_on,
                my_number_card: profile.my_number_card,
                certificates: profile.certificates,
            });
            if let Some(card) = profile.my_number_card {
                d.timer(
                    lapse_time(card.valid_through),
                    Command::ExpireMyNumberCard {
                        resident: *resident,
                        valid_through: card.valid_through,
                    },
                );
            }
            // A resident who already holds a Tokutei card has its My Number functions live,
            // aligned with the card's validity (§8.6) and carrying the enrolled certificates.
            if let Some(card) = profile
                .residence_card
                .as_ref()
                .filter(|c| c.kind.is_tokutei())
            {
                d.push(Event::MyNumberFunctionsActivated {
                    resident: *resident,
                    card_number: card.number,
                    valid_through: card.valid_through,
                    certificates: profile.certificates,
                });
                d.timer(
                    lapse_time(card.valid_through),
                    Command::ExpireMyNumberFunctions {
                        resident: *resident,
                        valid_through: card.valid_through,
                    },
                );
            }
            return;
        }
        let resident = command.resident();
        let Some(chip) = self.chip(resident) else {
            return;
        };
        match command {
            Command::ExpireMyNumberCard { valid_through, .. } => {
                // A stale timer (the validity was changed since) does nothing.
                if let Some((card, CardState::Active)) = chip.my_number_card
                    && card.valid_through == *valid_through
                {
                    d.push(Event::MyNumberCardExpired {
                        resident,
                        valid_through: *valid_through,
                    });
                }
            }
            // Under `special_period_my_number: while_card_valid` (§9, §16.2 [C]) the functions
            // follow the card, whose legal validity a pending application may extend beyond the
            // date on the chip (19条の5②); J-LIS does not know of pending applications, so it
            // records no lapse and the date rule (in the card record) decides.
            Command::ExpireMyNumberFunctions { valid_through, .. } => {
                let ends_at_expiry = ctx.policy.switches.validity.special_period_my_number
                    == SpecialPeriodMyNumber::EndsAtOriginalExpiry;
                if let Some(f) = chip.tokutei
                    && ends_at_expiry
                    && f.state == CardState::Active
                    && f.valid_through == *valid_through
                {
                    d.push(Event::MyNumberFunctionsExpired {
                        resident,
                        valid_through: *valid_through,
                    });
                }
            }
            // §5.11: the call centre suspends a lost card's functions at once, 24 hours a day.
            Command::SuspendMyNumberFunctions { .. } => {
                d.push(Event::CounterVisited {
                    resident,
                    office: Office::CallCentre,
                    municipality: None,
                    procedure: Procedure::MyNumberSuspension,
                });
                let tokutei = ctx.policy.switches.call_centre_suspends_tokutei;
                d.push(match chip.card_in_use(tokutei) {
                    Some(tokutei_card) => Event::MyNumberFunctionsSuspended {
                        resident,
                        tokutei_card,
                    },
                    None => Event::ProcedureRefused {
                        resident,
                        procedure: Procedure::MyNumberSuspension,
                        rule: RefusalRule::NoMyNumberCard,
                    },
                });
            }
            Command::LockPin { .. }
                if !chip.pin_locked
                    && (chip.my_number_card.is_some() || chip.tokutei.is_some()) =>
            {
                d.push(Event::PinLocked { resident });
            }
            Command::CompleteMyNumberCardProduction { .. } if chip.producing_my_number_card => {
                d.push(Event::MyNumberCardProduced { resident });
            }
            Command::CompleteTokuteiProduction { .. } => {
                if let Some(kind) = chip.producing {
                    d.push(Event::TokuteiCardProduced { resident, kind });
                }
            }
            _ => {}
        }
    }

    fn decide_notice(&self, event: &Event, ctx: &Context<'_>, d: &mut Decision) {
        let resident = event.resident();
        let Some(chip) = self.chip(resident) else {
            return;
        };
        let today = ctx.today();
        match event {
            // N4: produce the card; the lead time comes from the policy.
            Event::TokuteiCardRequested { kind, .. } => {
                // Beyond the day's production capacity, the production waits for a later
                // working day and the card's lead time grows by the wait (decision 17).
                let starts_at = match capacity::production_starts(&self.queues, resident, ctx) {
                    Some(Place::Later(day)) => {
                        d.push(Event::ProductionQueued {
                            resident,
                            kind: *kind,
                            starts_on: day,
                        });
                        model::time::opening_time(day)
                    }
                    Some(Place::Today) | None => ctx.now,
                };
                let ready_at = starts_at + ctx.policy.card_production_lead_time.as_duration();
                d.push(Event::TokuteiProductionStarted {
                    resident,
                    kind: *kind,
                    ready_on: ready_at.date(),
                });
                d.timer(ready_at, Command::CompleteTokuteiProduction { resident });
            }
            // The Tokutei card is in the resident's hands: its My Number functions go live.
            Event::ResidenceCardIssued { card, .. } if card.kind.is_tokutei() => {
                let certificates = new_certificates(chip.born_on, today, card.valid_through);
                d.push(Event::MyNumberFunctionsActivated {
                    resident,
                    card_number: card.number,
                    valid_through: card.valid_through,
                    certificates,
                });
                d.timer(
                    lapse_time(card.valid_through),
                    Command::ExpireMyNumberFunctions {
                        resident,
                        valid_through: card.valid_through,
                    },
                );
                let rule = ctx.policy.switches.existing_my_number_card_on_tokutei;
                if chip.separate_card_active() && rule == ExistingMyNumberCardOnTokutei::Invalidated
                {
                    d.push(Event::MyNumberCardInvalidated {
                        resident,
                        reason: InvalidationReason::ReplacedByTokutei,
                        tokutei_card: None,
                    });
                }
            }
            // N8: the municipality changed the separate card's validity; new certificates follow.
            Event::MyNumberCardValidityChanged { valid_through, .. }
                if chip.separate_card_active() =>
            {
                d.push(Event::MyNumberCardValidityRecorded {
                    resident,
                    valid_through: *valid_through,
                });
                d.push(Event::CertificatesIssued {
                    resident,
                    certificates: new_certificates(chip.born_on, today, *valid_through),
                });
                d.timer(
                    lapse_time(*valid_through),
                    Command::ExpireMyNumberCard {
                        resident,
                        valid_through: *valid_through,
                    },
                );
            }
            // N8, §5.11, §8.4: the municipality applied for a new separate card. A loss report
            // (紛失届) ends the lost card for good [A MUNI-LOSS]; the new card is produced in the
            // policy's lead time.
            Event::MyNumberCardReissueApplied { reason, .. } => {
                let lost = matches!(reason, MyNumberCardReissueReason::Lost { .. });
                if lost
                    && chip
                        .my_number_card
                        .is_some_and(|(_, state)| state != CardState::Invalidated)
                {
                    d.push(Event::MyNumberCardInvalidated {
                        resident,
                        reason: InvalidationReason::ReportedLost,
                        tokutei_card: None,
                    });
                }
                let ready_at = ctx.now + ctx.policy.my_number_card_lead_time.as_duration();
                d.push(Event::MyNumberCardProductionStarted {
                    resident,
                    ready_on: ready_at.date(),
                });
                d.timer(
                    ready_at,
                    Command::CompleteMyNumberCardProduction { resident },
                );
            }
            // N8: the new separate card was handed over; it is live with new certificates
            // (§8.5) until its validity ends.
            Event::MyNumberCardIssued { card, .. } => {
                d.push(Event::MyNumberCardActivated {
                    resident,
                    card: *card,
                    certificates: new_certificates(chip.born_on, today, card.valid_through),
                });
                d.timer(
                    lapse_time(card.valid_through),
                    Command::ExpireMyNumberCard {
                        resident,
                        valid_through: card.valid_through,
                    },
                );
            }
            // N8, §5.9, §8.5: the card brought up to date after an item change gets a new
            // signature certificate in place of the one the change revoked [A MUNI-CERT].
            Event::MyNumberCardItemsUpdated { .. }
                if chip.separate_card_active()
                    && chip.certificates.signature_through.is_none()
                    && validity::signature_certificate_issuable(chip.born_on, today) =>
            {
                if let Some((card, _)) = chip.my_number_card {
                    d.push(Event::CertificatesIssued {
                        resident,
                        certificates: new_certificates(chip.born_on, today, card.valid_through),
                    });
                }
            }
            // §5.12: the window reset the PIN.
            Event::PinResetAtCounter { .. } if chip.pin_locked => {
                d.push(Event::PinUnlocked { resident });
            }
            // §5.13: the special-period extension moves the separate card's validity.
            Event::MyNumberCardSpecialPeriodExtended { valid_through, .. }
                if chip.separate_card_active() =>
            {
                d.push(Event::MyNumberCardValidityRecorded {
                    resident,
                    valid_through: *valid_through,
                });
                d.timer(
                    lapse_time(*valid_through),
                    Command::ExpireMyNumberCard {
                        resident,
                        valid_through: *valid_through,
                    },
                );
            }
            // §8.5 [A MUNI-CERT], §5.9: a change of name, sex or date of birth revokes the
            // signature certificate (a nationality change does not).
            Event::RegisterItemUpdated { item, .. }
                if *item != ChangedItem::Nationality
                    && chip.certificates.signature_through.is_some() =>
            {
                d.push(Event::SignatureCertificateRevoked {
                    resident,
                    reason: RevocationReason::ItemChanged { item: *item },
                });
            }
            // §1, §16.1: a Tokutei card replaced by a standard card loses its functions.
            Event::TokuteiCardReturned { card_number, .. }
                if chip.tokutei.is_some_and(|f| {
                    f.card_number == *card_number && f.state != CardState::Invalidated
                }) =>
            {
                d.push(Event::MyNumberCardInvalidated {
                    resident,
                    reason: InvalidationReason::ReplacedByStandardCard,
                    tokutei_card: Some(*card_number),
                });
            }
            // §8.5: the signature certificate lapses on an address change.
            Event::MovedWithinMunicipality { .. } | Event::MoveInRecorded { .. }
                if chip.certificates.signature_through.is_some() =>
            {
                d.push(Event::SignatureCertificateRevoked {
                    resident,
                    reason: RevocationReason::AddressChanged,
                });
            }
            // N8 with N2: a register entry deleted, or closed on a move abroad (§5.14), takes
            // the card carrying the functions with it.
            Event::RegisterEntryDeleted { .. } | Event::MoveAbroadRecorded { .. } => {
                let reason = if matches!(event, Event::MoveAbroadRecorded { .. }) {
                    InvalidationReason::MovedAbroad
                } else {
                    InvalidationReason::RegisterEntryDeleted
                };
                if let Some(tokutei_card) = chip.card_in_use(true) {
                    d.push(Event::MyNumberCardInvalidated {
                        resident,
                        reason,
                        tokutei_card,
                    });
                }
            }
            // §5.3, §10: a missed continuity deadline makes the card lapse.
            Event::DeadlineMissed {
                duty,
                consequence: Consequence::MyNumberCardLapses,
                ..
            } => {
                let reason = match duty {
                    Duty::MoveInAfterCardBasedMoveOut => {
                        InvalidationReason::LateMoveInAfterCardBasedMoveOut
                    }
                    _ => InvalidationReason::ContinuityNotConfirmed,
                };
                // The card carrying the functions lapses: the separate card if active, else the
                // Tokutei card's functions.
                if let Some(tokutei_card) = chip.card_in_use(true) {
                    d.push(Event::MyNumberCardInvalidated {
                        resident,
                        reason,
                        tokutei_card,
                    });
                }
            }
            _ => {}
        }
    }
}

impl StateMachine for CardIssuer {
    const SERVICE: Service = Service::CardIssuer;

    fn for_residents(residents: std::ops::Range<u32>) -> Self {
        CardIssuer {
            chips: ResidentTable::for_residents(residents),
            queues: Queues::default(),
        }
    }

    /// Decides and applies, then keeps the production queue: the residents it serves, and the
    /// productions started or queued.
    fn handle_into(&mut self, input: &Input, ctx: &Context<'_>, out: &mut Decision) {
        capacity::recount(
            &mut self.queues,
            ctx,
            self.chips.iter().map(|(r, _)| (r, None)),
        );
        self.decide_into(input, ctx, out);
        for event in &out.events {
            self.apply(event);
        }
        capacity::keep(&mut self.queues, capacity::Queue::Production, out, ctx);
    }

    fn decide_into(&self, input: &Input, ctx: &Context<'_>, out: &mut Decision) {
        match input {
            Input::Command(c) => self.decide_command(c, ctx, out),
            Input::Notice { event, .. } => self.decide_notice(event, ctx, out),
        }
    }

    fn apply(&mut self, event: &Event) {
        let resident = event.resident();
        self.queues.apply(capacity::Queue::Production, event);
        if let Some(chip) = Chip::opened(event) {
            self.chips.insert(resident, chip);
        } else if let Some(chip) = self.chips.get_mut(resident) {
            chip.apply(event);
        }
    }
}
