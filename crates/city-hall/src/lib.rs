//! The municipalities (市区町村) and their Basic Resident Register, as one pure state machine.
//!
//! A city hall records address changes (転居, 転出, 転入; domain-rules §5.2, §5.3), writes the new
//! address on the cards presented, relays residence notifications to the bureau (N1) and the
//! move-in to the former municipality (N9), keeps the register in step with the bureau's notices
//! (N3), and handles the separate My Number card: validity changes after an extension (§5.4)
//! and continued use after a move (§5.3), with their deadlines (§10). One service covers every
//! municipality; each resident's entry names the municipality it belongs to.

use chrono::NaiveDate;
use model::card::{CardKind, MyNumberCard};
use model::card_number::ResidenceCardNumber;
use model::command::Command;
use model::event::Event;
use model::ids::{Address, Municipality, ResidentId};
use model::machine::{Context, Decision, Input, ResidentTable, StateMachine};
use model::mynumber::MyNumber;
use model::policy::TokuteiContinuityRule;
use model::procedure::Procedure;
use model::rules::{self, Consequence, Duty, RefusalRule};
use model::service::{Office, Service};
use model::status::Status;
use model::time::start_of_day;
use model::validity;

#[cfg(test)]
mod tests;

/// A move-out recorded and not yet followed by a move-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveOut {
    pub to: Municipality,
    pub planned_on: NaiveDate,
    pub card_based: bool,
}

/// One resident's register entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub municipality: Municipality,
    pub address: Address,
    pub my_number: MyNumber,
    pub born_on: NaiveDate,
    pub status: Status,
    pub period_expiry: Option<NaiveDate>,
    pub card_number: Option<ResidenceCardNumber>,
    /// The kind of the residence card last notified (a Tokutei card carries My Number functions).
    pub card_kind: Option<CardKind>,
    pub my_number_card: Option<MyNumberCard>,
    pub moving_out: Option<MoveOut>,
    /// The municipality the resident moved from, until it closes its entry (N9).
    pub former: Option<Municipality>,
    /// The 90-day continued-use deadline, while it runs (§5.3).
    pub continuity_deadline: Option<NaiveDate>,
    /// The separate card already had its one special-period extension (§5.13).
    pub special_extended: bool,
}

impl Entry {
    fn holds_tokutei(&self) -> bool {
        self.card_kind.is_some_and(CardKind::is_tokutei)
    }

    /// Whether the separate My Number card is held and still valid on `today` (§5.4: it lapses
    /// after its expiry).
    fn holds_valid_my_number_card(&self, today: NaiveDate) -> bool {
        self.my_number_card
            .is_some_and(|c| today <= c.valid_through)
    }

    /// The cards on which the municipality writes a new address at the counter (§5.2).
    fn cards_written(&self, today: NaiveDate) -> Vec<CardKind> {
        let mut cards = Vec::new();
        if let Some(kind) = self.card_kind {
            cards.push(kind);
        }
        if self.holds_valid_my_number_card(today) {
            cards.push(CardKind::MyNumberCard);
        }
        cards
    }

    /// Whether the resident holds a card with My Number functions the continuity rule covers.
    fn continuity_applies(&self, rule: TokuteiContinuityRule, today: NaiveDate) -> bool {
        self.holds_valid_my_number_card(today)
            || (self.holds_tokutei() && rule == TokuteiContinuityRule::Applies)
    }
}

/// The register: one optional entry per resident id.
#[derive(Debug, Default, Clone)]
pub struct CityHall {
    entries: ResidentTable<Entry>,
}

fn visit(resident: ResidentId, municipality: &Municipality, procedure: Procedure) -> Event {
    Event::CounterVisited {
        resident,
        office: Office::CityHall,
        municipality: Some(municipality.clone()),
        procedure,
    }
}

/// What follows an address notification at the window (§5.2, §5.3): a Tokutei application made
/// with it goes to the bureau (N7, §4), and a notification after the duty's deadline (14 days
/// from the move) is accepted with the missed deadline flagged (§10).
fn address_notice_follow_ups(
    d: &mut Decision,
    resident: ResidentId,
    procedure: Procedure,
    tokutei: bool,
    duty: Duty,
    moved_on: NaiveDate,
    ctx: &Context<'_>,
) {
    let today = ctx.today();
    if tokutei {
        d.push(Event::ApplicationForwarded {
            resident,
            procedure,
            tokutei: true,
            filed_on: today,
        });
    }
    let deadline = duty.deadline(moved_on, ctx.policy.switches.deadline_roll);
    if today > deadline {
        d.push(Event::DeadlineMissed {
            resident,
            duty,
            deadline,
            consequence: Consequence::PenaltyExposure,
        });
    }
}

fn refused(resident: ResidentId, procedure: Procedure, rule: RefusalRule) -> Event {
    Event::ProcedureRefused {
        resident,
        procedure,
        rule,
    }
}

impl CityHall {
    pub fn entry(&self, resident: ResidentId) -> Option<&Entry> {
        self.entries.get(resident)
    }

    fn entry_mut(&mut self, resident: ResidentId) -> Option<&mut Entry> {
        self.entries.get_mut(resident)
    }

    fn decide_command(&self, command: &Command, ctx: &Context<'_>) -> Decision {
        let mut d = Decision::none();
        let today = ctx.today();
        let roll = ctx.policy.switches.deadline_roll;
        if let Command::EnrolResident { resident, profile } = command {
            if profile.registered {
                d.push(Event::ResidentRegistered {
                    resident: *resident,
                    municipality: profile.municipality.clone(),
                    address: profile.address.clone(),
                    my_number: profile.my_number,
                    status: profile.status,
                    period_expiry: profile.period_expiry,
                    card_number: profile.residence_card.as_ref().map(|c| c.number),
                    card_kind: profile.residence_card.as_ref().map(|c| c.kind),
                    my_number_card: profile.my_number_card,
                    born_on: profile.born_on,
                });
            }
            return d;
        }
        let resident = command.resident();
        if let Command::NotifyResidence {
            municipality,
            address,
            born_on,
            status,
            period_expiry,
            landed_on,
            card,
            tokutei,
            ..
        } = command
        {
            let procedure = Procedure::ResidenceNotification;
            d.push(visit(resident, municipality, procedure));
            if self.entry(resident).is_some() {
                d.push(refused(resident, procedure, RefusalRule::NotExpectedHere));
                return d;
            }
            // The My Number is assigned when the resident record is created (§5.1 [B]).
            d.push(Event::ResidenceNotified {
                resident,
                municipality: municipality.clone(),
                address: address.clone(),
                my_number: MyNumber::generate(ctx.seed, u64::from(resident.0)),
                status: *status,
                period_expiry: *period_expiry,
                born_on: *born_on,
                card: *card,
            });
            if let Some(landed_on) = landed_on {
                let deadline = Duty::ResidenceNotification.deadline(*landed_on, roll);
                if today > deadline {
                    d.push(Event::DeadlineMissed {
                        resident,
                        duty: Duty::ResidenceNotification,
                        deadline,
                        consequence: Consequence::PenaltyExposure,
                    });
                }
            }
            if *tokutei {
                d.push(Event::ApplicationForwarded {
                    resident,
                    procedure,
                    tokutei: true,
                    filed_on: today,
                });
            }
            return d;
        }
        let Some(entry) = self.entry(resident) else {
            if let Some(procedure) = command.procedure() {
                d.push(refused(resident, procedure, RefusalRule::NotRegisteredHere));
            }
            return d;
        };
        match command {
            // §5.8: special permanent residents file their certificate procedures here; the
            // municipality forwards them to the bureau (N7).
            Command::RenewSprCertificate { tokutei, .. } => {
                let procedure = Procedure::SprCertificateRenewal;
                d.push(visit(resident, &entry.municipality, procedure));
                if entry.status != Status::SpecialPermanentResident {
                    d.push(refused(
                        resident,
                        procedure,
                        RefusalRule::WrongOfficeForStatus,
                    ));
                } else {
                    d.push(Event::ApplicationForwarded {
                        resident,
                        procedure,
                        tokutei: *tokutei,
                        filed_on: today,
                    });
                }
            }
            Command::ApplyTokuteiAlone { .. } => {
                d.push(visit(
                    resident,
                    &entry.municipality,
                    Procedure::TokuteiApplication,
                ));
                d.push(Event::TokuteiApplicationRefused {
                    resident,
                    attached_to: Procedure::TokuteiApplication,
                    rule: RefusalRule::TokuteiStandAlone,
                });
            }
            // §5.13: the legacy special-period extension of the separate card, on proof of a
            // pending application (the 申請中 stamp) — the municipality cannot know otherwise.
            Command::RequestMyNumberSpecialPeriodExtension { applied_on, .. } => {
                let procedure = Procedure::MyNumberSpecialPeriodExtension;
                d.push(visit(resident, &entry.municipality, procedure));
                let Some(card) = entry.my_number_card else {
                    d.push(refused(resident, procedure, RefusalRule::NoMyNumberCard));
                    return d;
                };
                let Some(expiry) = entry.period_expiry else {
                    d.push(refused(resident, procedure, RefusalRule::NoPeriodOfStay));
                    return d;
                };
                match validity::my_number_special_period_extension(
                    card.valid_through,
                    expiry,
                    *applied_on,
                    None,
                    entry.special_extended,
                    today,
                ) {
                    Ok(valid_through) => d.push(Event::MyNumberCardSpecialPeriodExtended {
                        resident,
                        previous: card.valid_through,
                        valid_through,
                    }),
                    Err(reason) => d.push(refused(
                        resident,
                        procedure,
                        RefusalRule::Validity { reason },
                    )),
                }
            }
            // §5.12: PINs are reset at the municipal window.
            Command::ResetPin { .. } => {
                d.push(visit(resident, &entry.municipality, Procedure::PinReset));
                d.push(Event::PinResetAtCounter { resident });
            }
            Command::NotifyMoveWithinMunicipality {
                address,
                moved_on,
                tokutei,
                ..
            } => {
                d.push(visit(
                    resident,
                    &entry.municipality,
                    Procedure::MoveWithinMunicipality,
                ));
                d.push(Event::MovedWithinMunicipality {
                    resident,
                    municipality: entry.municipality.clone(),
                    address: address.clone(),
                    moved_on: *moved_on,
                    written_on: entry.cards_written(today),
                });
                address_notice_follow_ups(
                    &mut d,
                    resident,
                    Procedure::MoveWithinMunicipality,
                    *tokutei,
                    Duty::MoveWithinNotification,
                    *moved_on,
                    ctx,
                );
            }
            Command::NotifyMoveOut {
                to,
                planned_on,
                card_based,
                ..
            } => {
                // A card-based move-out (特例転出) is filed online: no counter visit (§5.3).
                if !card_based {
                    d.push(visit(resident, &entry.municipality, Procedure::MoveOut));
                }
                d.push(Event::MoveOutRecorded {
                    resident,
                    municipality: entry.municipality.clone(),
                    to: to.clone(),
                    planned_on: *planned_on,
                    card_based: *card_based,
                });
            }
            Command::NotifyMoveIn {
                municipality,
                address,
                moved_on,
                present_my_number_card,
                tokutei,
                ..
            } => {
                d.push(visit(resident, municipality, Procedure::MoveIn));
                let from = entry
                    .moving_out
                    .as_ref()
                    .map(|_| entry.municipality.clone());
                d.push(Event::MoveInRecorded {
                    resident,
                    municipality: municipality.clone(),
                    from,
                    address: address.clone(),
                    moved_on: *moved_on,
                    written_on: entry.cards_written(today),
                });
                address_notice_follow_ups(
                    &mut d,
                    resident,
                    Procedure::MoveIn,
                    *tokutei,
                    Duty::MoveInNotification,
                    *moved_on,
                    ctx,
                );
                let rule = ctx.policy.switches.tokutei_continuity_rule;
                let late_card_based =
                    entry
                        .moving_out
                        .as_ref()
                        .filter(|m| m.card_based)
                        .and_then(|m| {
                            rules::late_move_in_after_card_based_move_out(
                                *moved_on,
                                m.planned_on,
                                today,
                                roll,
                            )
                        });
                if let Some(deadline) =
                    late_card_based.filter(|_| entry.continuity_applies(rule, today))
                {
                    d.push(Event::DeadlineMissed {
                        resident,
                        duty: Duty::MoveInAfterCardBasedMoveOut,
                        deadline,
                        consequence: Consequence::MyNumberCardLapses,
                    });
                } else if entry.continuity_applies(rule, today) {
                    if *present_my_number_card {
                        d.push(Event::MyNumberContinuityConfirmed {
                            resident,
                            municipality: municipality.clone(),
                        });
                    } else {
                        let deadline = Duty::MyNumberContinuity.deadline(today, roll);
                        d.push(Event::MyNumberContinuityDue { resident, deadline });
                        d.timer(
                            start_of_day(deadline.succ_opt().unwrap_or(deadline)),
                            Command::CheckContinuityDeadline { resident, deadline },
                        );
                    }
                }
            }
            Command::ConfirmMyNumberContinuity { .. } => {
                d.push(visit(
                    resident,
                    &entry.municipality,
                    Procedure::MyNumberContinuity,
                ));
                match entry.continuity_deadline {
                    Some(deadline) if today <= deadline => {
                        d.push(Event::MyNumberContinuityConfirmed {
                            resident,
                            municipality: entry.municipality.clone(),
                        })
                    }
                    _ => d.push(refused(
                        resident,
                        Procedure::MyNumberContinuity,
                        RefusalRule::NothingPending,
                    )),
                }
            }
            Command::CheckContinuityDeadline { deadline, .. } => {
                // A card that lapsed by its own expiry meanwhile has nothing left to lapse.
                let rule = ctx.policy.switches.tokutei_continuity_rule;
                if entry.continuity_deadline == Some(*deadline)
                    && entry.continuity_applies(rule, *deadline)
                {
                    d.push(Event::DeadlineMissed {
                        resident,
                        duty: Duty::MyNumberContinuity,
                        deadline: *deadline,
                        consequence: Consequence::MyNumberCardLapses,
                    });
                }
            }
            Command::RequestMyNumberValidityChange { .. } => {
                let procedure = Procedure::MyNumberValidityChange;
                d.push(visit(resident, &entry.municipality, procedure));
                let Some(card) = entry.my_number_card else {
                    let rule = if entry.holds_tokutei() {
                        RefusalRule::HoldsTokuteiCard
                    } else {
                        RefusalRule::NoMyNumberCard
                    };
                    d.push(refused(resident, procedure, rule));
                    return d;
                };
                let changed = validity::my_number_validity_change(
                    entry.status.card_category(),
                    entry.born_on,
                    card.issued_on,
                    card.valid_through,
                    entry.period_expiry,
                    today,
                );
                match changed {
                    Ok(valid_through) if valid_through != card.valid_through => {
                        d.push(Event::MyNumberCardValidityChanged {
                            resident,
                            previous: card.valid_through,
                            valid_through,
                        })
                    }
                    Ok(_) => d.push(refused(resident, procedure, RefusalRule::NothingPending)),
                    Err(reason) => d.push(refused(
                        resident,
                        procedure,
                        RefusalRule::Validity { reason },
                    )),
                }
            }
            _ => {}
        }
        d
    }

    fn decide_notice(&self, event: &Event, ctx: &Context<'_>) -> Decision {
        let mut d = Decision::none();
        let resident = event.resident();
        let Some(entry) = self.entry(resident) else {
            return d;
        };
        // §16.8: with the N3 switch off the register ignores the bureau's notices.
        let n3 = ctx.policy.switches.bureau_notifies_municipality;
        match event {
            Event::StatusChanged { to, new_expiry, .. } if n3 => {
                d.push(Event::ImmigrationDataUpdated {
                    resident,
                    status: *to,
                    period_expiry: *new_expiry,
                    card_number: entry.card_number,
                    card_kind: entry.card_kind,
                });
            }
            Event::ItemChangeNotified { item, .. } if n3 => {
                d.push(Event::RegisterItemUpdated {
                    resident,
                    item: *item,
                });
            }
            // N3: the bureau's changes reach the register.
            Event::PeriodOfStayExtended { new_expiry, .. } if n3 => {
                d.push(Event::ImmigrationDataUpdated {
                    resident,
                    status: entry.status,
                    period_expiry: Some(*new_expiry),
                    card_number: entry.card_number,
                    card_kind: entry.card_kind,
                });
            }
            Event::ResidenceCardIssued { card, .. } if n3 => {
                d.push(Event::ImmigrationDataUpdated {
                    resident,
                    status: entry.status,
                    period_expiry: entry.period_expiry,
                    card_number: Some(card.number),
                    card_kind: Some(card.kind),
                });
            }
            // N8: J-LIS invalidated the separate card.
            Event::MyNumberCardInvalidated {
                reason,
                tokutei_card: None,
                ..
            } if entry.my_number_card.is_some() => {
                d.push(Event::MyNumberCardWithdrawn {
                    resident,
                    reason: *reason,
                });
            }
            // N9: the former municipality closes its entry.
            Event::MoveInRecorded {
                from: Some(from), ..
            } if entry.former.as_ref() == Some(from) => {
                d.push(Event::RegisterEntryClosed {
                    resident,
                    municipality: from.clone(),
                });
            }
            _ => {}
        }
        d
    }
}

impl StateMachine for CityHall {
    const SERVICE: Service = Service::CityHall;

    fn with_capacity(residents: usize) -> Self {
        CityHall {
            entries: ResidentTable::with_capacity(residents),
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
        // A register entry is opened at enrolment or by the first residence notification; the
        // two events carry the same facts, except that a new arrival has no My Number card yet.
        let opened = match event {
            Event::ResidentRegistered {
                municipality,
                address,
                my_number,
                status,
                period_expiry,
                card_number,
                card_kind,
                my_number_card,
                born_on,
                ..
            } => Some((
                municipality,
                address,
                my_number,
                born_on,
                status,
                period_expiry,
                card_number.zip(*card_kind).map(|(n, k)| (k, n)),
                *my_number_card,
            )),
            Event::ResidenceNotified {
                municipality,
                address,
                my_number,
                status,
                period_expiry,
                born_on,
                card,
                ..
            } => Some((
                municipality,
                address,
                my_number,
                born_on,
                status,
                period_expiry,
                *card,
                None,
            )),
            _ => None,
        };
        if let Some((
            municipality,
            address,
            my_number,
            born_on,
            status,
            period_expiry,
            card,
            my_number_card,
        )) = opened
        {
            self.entries.insert(
                resident,
                Entry {
                    municipality: municipality.clone(),
                    address: address.clone(),
                    my_number: *my_number,
                    born_on: *born_on,
                    status: *status,
                    period_expiry: *period_expiry,
                    card_number: card.map(|(_, n)| n),
                    card_kind: card.map(|(k, _)| k),
                    my_number_card,
                    moving_out: None,
                    former: None,
                    continuity_deadline: None,
                    special_extended: false,
                },
            );
            return;
        }
        let Some(e) = self.entry_mut(resident) else {
            return;
        };
        match event {
            Event::MovedWithinMunicipality { address, .. } => e.address = address.clone(),
            Event::MoveOutRecorded {
                to,
                planned_on,
                card_based,
                ..
            } => {
                e.moving_out = Some(MoveOut {
                    to: to.clone(),
                    planned_on: *planned_on,
                    card_based: *card_based,
                })
            }
            Event::MoveInRecorded {
                municipality,
                from,
                address,
                ..
            } => {
                e.former = from.clone();
                e.municipality = municipality.clone();
                e.address = address.clone();
                e.moving_out = None;
                e.continuity_deadline = None;
            }
            Event::RegisterEntryClosed { .. } => e.former = None,
            Event::ImmigrationDataUpdated {
                status,
                period_expiry,
                card_number,
                card_kind,
                ..
            } => {
                e.status = *status;
                e.period_expiry = *period_expiry;
                e.card_number = *card_number;
                e.card_kind = *card_kind;
            }
            Event::MyNumberCardValidityChanged { valid_through, .. } => {
                if let Some(card) = e.my_number_card.as_mut() {
                    card.valid_through = *valid_through;
                }
                // A validity change after the decision ends the special-period extension (§5.13).
                e.special_extended = false;
            }
            Event::MyNumberCardSpecialPeriodExtended { valid_through, .. } => {
                if let Some(card) = e.my_number_card.as_mut() {
                    card.valid_through = *valid_through;
                }
                e.special_extended = true;
            }
            Event::MyNumberContinuityDue { deadline, .. } => {
                e.continuity_deadline = Some(*deadline)
            }
            Event::MyNumberContinuityConfirmed { .. } => e.continuity_deadline = None,
            Event::MyNumberCardWithdrawn { .. } => e.my_number_card = None,
            Event::DeadlineMissed {
                consequence: Consequence::MyNumberCardLapses,
                ..
            } => {
                e.continuity_deadline = None;
                e.my_number_card = None;
            }
            _ => {}
        }
    }
}
