//! J-LIS (地方公共団体情報システム機構), the card issuer, as a pure state machine.
//!
//! It keeps the chip-side truth: the separate My Number card's validity and state, the My Number
//! functions on a Tokutei card, and the two JPKI certificates (domain-rules §8.4–§8.6). It
//! produces Tokutei cards on the bureau's request (N4) and reports them produced (N5), records
//! the municipality's validity changes and address changes (N8), and sets its own timers for the
//! day a card or its functions lapse, so that the log says when that happened.

use chrono::NaiveDate;
use model::card::{CardKind, Certificates, MyNumberCard};
use model::card_number::ResidenceCardNumber;
use model::command::Command;
use model::event::Event;
use model::ids::ResidentId;
use model::machine::{Context, Decision, Input, ResidentTable, StateMachine};
use model::policy::ExistingMyNumberCardOnTokutei;
use model::procedure::{ChangedItem, Procedure};
use model::rules::{Consequence, Duty, InvalidationReason, RefusalRule, RevocationReason};
use model::service::Office;
use model::service::Service;
use model::time::start_of_day;
use model::validity::{self, CertificateKind, SpecialPeriodMyNumber};

#[cfg(test)]
mod tests;

/// Whether a card (or a card's My Number functions) can still be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardState {
    Active,
    Expired,
    Invalidated,
    /// Suspended through the call centre after a loss (§5.11).
    Suspended,
}

/// My Number functions on a Tokutei card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokuteiFunctions {
    pub card_number: ResidenceCardNumber,
    pub valid_through: NaiveDate,
    pub state: CardState,
}

/// J-LIS's record of one resident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chip {
    pub born_on: NaiveDate,
    pub my_number_card: Option<(MyNumberCard, CardState)>,
    pub tokutei: Option<TokuteiFunctions>,
    pub certificates: Certificates,
    /// A Tokutei card in production.
    pub producing: Option<CardKind>,
    /// The user-authentication PIN is locked (§5.12).
    pub pin_locked: bool,
}

impl Chip {
    fn separate_card_active(&self) -> bool {
        matches!(self.my_number_card, Some((_, CardState::Active)))
    }
}

/// J-LIS's state: one optional record per resident id.
#[derive(Debug, Default, Clone)]
pub struct CardIssuer {
    chips: ResidentTable<Chip>,
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

    fn chip_mut(&mut self, resident: ResidentId) -> Option<&mut Chip> {
        self.chips.get_mut(resident)
    }

    fn decide_command(&self, command: &Command, ctx: &Context<'_>) -> Decision {
        let mut d = Decision::none();
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
            return d;
        }
        let resident = command.resident();
        let Some(chip) = self.chip(resident) else {
            return d;
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
                let tokutei = chip
                    .tokutei
                    .filter(|f| f.state == CardState::Active)
                    .filter(|_| ctx.policy.switches.call_centre_suspends_tokutei);
                if chip.separate_card_active() {
                    d.push(Event::MyNumberFunctionsSuspended {
                        resident,
                        tokutei_card: None,
                    });
                } else if let Some(f) = tokutei {
                    d.push(Event::MyNumberFunctionsSuspended {
                        resident,
                        tokutei_card: Some(f.card_number),
                    });
                } else {
                    d.push(Event::ProcedureRefused {
                        resident,
                        procedure: Procedure::MyNumberSuspension,
                        rule: RefusalRule::NoMyNumberCard,
                    });
                }
            }
            Command::LockPin { .. }
                if !chip.pin_locked
                    && (chip.my_number_card.is_some() || chip.tokutei.is_some()) =>
            {
                d.push(Event::PinLocked { resident });
            }
            Command::CompleteTokuteiProduction { .. } => {
                if let Some(kind) = chip.producing {
                    d.push(Event::TokuteiCardProduced { resident, kind });
                }
            }
            _ => {}
        }
        d
    }

    fn decide_notice(&self, event: &Event, ctx: &Context<'_>) -> Decision {
        let mut d = Decision::none();
        let resident = event.resident();
        let Some(chip) = self.chip(resident) else {
            return d;
        };
        let today = ctx.today();
        match event {
            // N4: produce the card; the lead time comes from the policy.
            Event::TokuteiCardRequested { kind, .. } => {
                let ready_at = ctx.now + ctx.policy.card_production_lead_time.as_duration();
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
                let tokutei = chip.tokutei.filter(|f| f.state == CardState::Active);
                if chip.separate_card_active() {
                    d.push(Event::MyNumberCardInvalidated {
                        resident,
                        reason,
                        tokutei_card: None,
                    });
                } else if let Some(f) = tokutei {
                    d.push(Event::MyNumberCardInvalidated {
                        resident,
                        reason,
                        tokutei_card: Some(f.card_number),
                    });
                }
            }
            _ => {}
        }
        d
    }
}

impl StateMachine for CardIssuer {
    const SERVICE: Service = Service::CardIssuer;

    fn with_capacity(residents: usize) -> Self {
        CardIssuer {
            chips: ResidentTable::with_capacity(residents),
        }
    }

    fn decide(&self, input: &Input, ctx: &Context<'_>) -> Decision {
        match input {
            Input::Command(c) => self.decide_command(c, ctx),
            Input::Notice { event, .. } => self.decide_notice(event, ctx),
        }
    }

    fn apply(&mut self, event: &Event) {
        let resident = event.resident();
        if let Event::CardIssuerRecordOpened {
            born_on,
            my_number_card,
            certificates,
            ..
        } = event
        {
            self.chips.insert(
                resident,
                Chip {
                    born_on: *born_on,
                    my_number_card: my_number_card.map(|c| (c, CardState::Active)),
                    tokutei: None,
                    certificates: *certificates,
                    producing: None,
                    pin_locked: false,
                },
            );
            return;
        }
        let Some(chip) = self.chip_mut(resident) else {
            return;
        };
        match event {
            Event::MyNumberCardValidityRecorded { valid_through, .. } => {
                if let Some((card, _)) = chip.my_number_card.as_mut() {
                    card.valid_through = *valid_through;
                }
            }
            Event::CertificatesIssued { certificates, .. } => chip.certificates = *certificates,
            Event::SignatureCertificateRevoked { .. } => chip.certificates.signature_through = None,
            Event::MyNumberCardExpired { .. } => {
                if let Some((_, state)) = chip.my_number_card.as_mut() {
                    *state = CardState::Expired;
                }
            }
            Event::MyNumberCardInvalidated { tokutei_card, .. } => match tokutei_card {
                None => {
                    if let Some((_, state)) = chip.my_number_card.as_mut() {
                        *state = CardState::Invalidated;
                    }
                }
                Some(_) => {
                    if let Some(f) = chip.tokutei.as_mut() {
                        f.state = CardState::Invalidated;
                    }
                }
            },
            Event::TokuteiProductionStarted { kind, .. } => chip.producing = Some(*kind),
            Event::MyNumberFunctionsSuspended { tokutei_card, .. } => match tokutei_card {
                None => {
                    if let Some((_, state)) = chip.my_number_card.as_mut() {
                        *state = CardState::Suspended;
                    }
                }
                Some(_) => {
                    if let Some(f) = chip.tokutei.as_mut() {
                        f.state = CardState::Suspended;
                    }
                }
            },
            Event::PinLocked { .. } => chip.pin_locked = true,
            Event::PinUnlocked { .. } => chip.pin_locked = false,
            Event::TokuteiCardProduced { .. } => chip.producing = None,
            Event::MyNumberFunctionsActivated {
                card_number,
                valid_through,
                certificates,
                ..
            } => {
                chip.tokutei = Some(TokuteiFunctions {
                    card_number: *card_number,
                    valid_through: *valid_through,
                    state: CardState::Active,
                });
                chip.certificates = *certificates;
            }
            Event::MyNumberFunctionsExpired { .. } => {
                if let Some(f) = chip.tokutei.as_mut() {
                    f.state = CardState::Expired;
                }
            }
            _ => {}
        }
    }
}
