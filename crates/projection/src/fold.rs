//! The bookkeeping of the card record: what each event changes in it. No judgement: every
//! decision was made by an office, and when a pending application ends is the model's rule
//! (`model::rules::pending_application_end`). One function per part of the record, each
//! ignoring the events that do not concern it.

use chrono::NaiveDate;
use model::event::Event;
use model::procedure::Procedure;
use model::rules::{self, PendingEnd};

use crate::record::{CardRecord, Functions, HeldMyNumberCard, PendingApplication, UseState, View};

/// Folds one event, recorded on `day`, into a resident's card record.
pub(crate) fn apply_event(rec: &mut CardRecord, event: &Event, day: NaiveDate) {
    apply_to_counts(rec, event, day);
    apply_to_pending(rec, event, day);
    apply_to_views(rec, event);
    apply_to_cards(rec, event, day);
}

/// Counter visits, refusals and missed deadlines.
fn apply_to_counts(rec: &mut CardRecord, event: &Event, day: NaiveDate) {
    match event {
        Event::CounterVisited { office, .. } => rec.visit(*office, day),
        Event::ProcedureRefused { .. } | Event::TokuteiApplicationRefused { .. } => {
            rec.refusals += 1
        }
        Event::DeadlineMissed { .. } => rec.deadline_misses += 1,
        Event::CounterCapacityReached {
            office,
            waits_until,
            ..
        } => {
            let which = usize::from(*office == model::service::Office::CityHall);
            rec.waited(which, (*waits_until - day).num_days());
        }
        Event::ProductionQueued { starts_on, .. } => rec.waited(2, (*starts_on - day).num_days()),
        Event::MyNumberCardIssued { fee_yen, .. } => rec.fees_paid_yen += u64::from(*fee_yen),
        _ => {}
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

/// The pending extension or change of status: filed, granted, ended.
fn apply_to_pending(rec: &mut CardRecord, event: &Event, day: NaiveDate) {
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
        _ => {}
    }
}

/// What the bureau and the city hall each believe: status, period, card number, address.
fn apply_to_views(rec: &mut CardRecord, event: &Event) {
    match event {
        Event::ImmigrationRecordOpened {
            status,
            period_expiry,
            card,
            municipality,
            address,
            ..
        } => {
            rec.bureau = View {
                status: Some(*status),
                period_expiry: *period_expiry,
                card_number: card.as_ref().map(|c| c.number),
                municipality: Some(*municipality),
                address: Some(*address),
            };
        }
        Event::StatusChanged { to, new_expiry, .. } => {
            rec.bureau.status = Some(*to);
            rec.bureau.period_expiry = *new_expiry;
        }
        Event::PeriodOfStayExtended { new_expiry, .. } => {
            rec.bureau.period_expiry = Some(*new_expiry)
        }
        Event::ResidenceCardIssued { card, .. } => rec.bureau.card_number = Some(card.number),
        Event::AddressRecorded {
            municipality,
            address,
            ..
        } => {
            rec.bureau.municipality = Some(*municipality);
            rec.bureau.address = Some(*address);
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
                municipality: Some(*municipality),
                address: Some(*address),
            }
        }
        // A newborn is registered without a status or card (§5.15).
        Event::BirthRegistered {
            municipality,
            address,
            ..
        } => {
            rec.city_hall = View {
                status: Some(model::status::Status::TransitionalStayer),
                period_expiry: None,
                card_number: None,
                municipality: Some(*municipality),
                address: Some(*address),
            }
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
                municipality: Some(*municipality),
                address: Some(*address),
            }
        }
        Event::MovedWithinMunicipality { address, .. } => rec.city_hall.address = Some(*address),
        Event::MoveInRecorded {
            municipality,
            address,
            ..
        } => {
            rec.city_hall.municipality = Some(*municipality);
            rec.city_hall.address = Some(*address);
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
        // A move abroad closes the register entry (§5.14): the register holds nothing more.
        Event::MoveAbroadRecorded { .. } => rec.city_hall = View::default(),
        // Gone for good (§5.14): neither office's record concerns a resident of Japan any more,
        // so the day measures (outage, inconsistency) stop with the departure.
        Event::Departed { .. } => {
            rec.bureau = View::default();
            rec.city_hall = View::default();
        }
        _ => {}
    }
}

/// The cards in the resident's hands, the My Number functions, certificates and PIN.
fn apply_to_cards(rec: &mut CardRecord, event: &Event, day: NaiveDate) {
    match event {
        Event::ImmigrationRecordOpened { born_on, card, .. } => {
            rec.born_on = Some(*born_on);
            rec.residence_card = card.clone();
        }
        Event::CardReadyForCollection { kind, .. } => rec.card_ready = Some(*kind),
        Event::ResidenceCardIssued { card, .. } => {
            rec.residence_card = Some(card.clone());
            rec.card_ready = None;
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
        Event::MyNumberFunctionsSuspended { tokutei_card, .. } => {
            rec.set_use_state(tokutei_card.is_some(), UseState::Suspended { on: day })
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
        // A new separate card replaces the one on record, with new certificates and PINs.
        Event::MyNumberCardActivated {
            card, certificates, ..
        } => {
            rec.my_number_card = Some(HeldMyNumberCard {
                card: *card,
                state: UseState::Active,
            });
            rec.certificates = *certificates;
            rec.pin_locked = false;
            if rec.card_ready == Some(model::card::CardKind::MyNumberCard) {
                rec.card_ready = None;
            }
        }
        Event::PinLocked { .. } => rec.pin_locked = true,
        Event::PinUnlocked { .. } => rec.pin_locked = false,
        // The card was returned at the port (§5.14), and nothing waits to be collected.
        Event::Departed { .. } => {
            rec.residence_card = None;
            rec.card_ready = None;
        }
        _ => {}
    }
}
