//! The immigration bureau (出入国在留管理庁 and its regional bureaus) as a pure state machine.
//!
//! It decides residence applications — extensions (docs/domain.md §5.4), changes of status (§5.5)
//! and permanent residence (§5.6), and a newborn's acquisition of a status (§5.15) — and handles the card procedures: validity renewal (§5.7),
//! SPR certificates forwarded by the municipality (§5.8), item changes (§5.9), reissues (§5.10,
//! §5.11), the card at landing (§5.1) and its return at a departure for good (§5.14). Every
//! issuance gets a new number (§14). A Tokutei application rides on one of these procedures (§3,
//! §4): the bureau asks J-LIS to produce the card (N4) and hands it over when J-LIS reports it
//! produced (N5). It learns addresses from the municipalities (N1) and never talks to them
//! directly: everything it says is an event.
//!
//! The rooms: `record` (the record of one resident and its bookkeeping), `applications` (the
//! residence applications and their decisions), `cards` (card procedures, Tokutei, issuance).
//! This file routes each input to one of them.

mod applications;
mod cards;
mod record;

use model::capacity::{self, Queues};
use model::command::Command;
use model::event::Event;
use model::ids::{Address, Municipality, ResidentId};
use model::machine::{Arrival, Context, Decision, Input, ResidentTable, StateMachine};
use model::policy::TokuteiPinReset;
use model::procedure::Procedure;
use model::rules::{RecordItem, RefusalRule};
use model::service::{Office, Service};

pub use record::{Grant, Pending, Ready, Record};

#[cfg(test)]
mod tests;

/// The bureau's state: one optional record per resident id.
#[derive(Debug, Default, Clone)]
pub struct ImmigrationBureau {
    records: ResidentTable<Record>,
    /// The counters' queues under the policy's capacity (decision 17).
    queues: Queues,
}

/// One decision about one resident: the bureau's record of them, the run's context, and the
/// events decided so far. Every rule of the bureau is a method on it.
pub(crate) struct Case<'a> {
    pub rec: &'a Record,
    pub ctx: Context<'a>,
    pub resident: ResidentId,
    decision: Decision,
}

impl<'a> Case<'a> {
    /// A case deciding into `out`'s vectors (taken, and given back by [`Case::done`]).
    fn new(
        rec: &'a Record,
        ctx: Context<'a>,
        resident: ResidentId,
        out: &mut Decision,
    ) -> Case<'a> {
        Case {
            rec,
            ctx,
            resident,
            decision: std::mem::take(out),
        }
    }

    pub(crate) fn push(&mut self, event: Event) {
        self.decision.push(event);
    }

    pub(crate) fn timer(&mut self, at: model::time::SimTime, command: Command) {
        self.decision.timer(at, command);
    }

    /// The resident came to the bureau's counter for `procedure`.
    pub(crate) fn visit(&mut self, procedure: Procedure) {
        self.push(Event::CounterVisited {
            resident: self.resident,
            office: Office::ImmigrationBureau,
            municipality: None,
            procedure,
        });
    }

    /// N1: the address a municipality relayed is recorded, unless the notice is older than the
    /// one that set the address the bureau holds (links that delay or reorder, issue 8): then
    /// the bureau keeps its own and says why — a record never moves backwards.
    fn record_address(&mut self, municipality: Municipality, address: Address, arrival: Arrival) {
        let resident = self.resident;
        self.push(if arrival.older(RecordItem::Address) {
            Event::OlderAddressNoticeIgnored {
                resident,
                notified_municipality: municipality,
                notified_address: address,
                kept_municipality: self.rec.municipality,
                kept_address: self.rec.address,
            }
        } else {
            Event::AddressRecorded {
                resident,
                municipality,
                address,
            }
        });
    }

    /// The bureau refuses `procedure` under `rule`.
    pub(crate) fn refuse(&mut self, procedure: Procedure, rule: RefusalRule) {
        self.push(refused(self.resident, procedure, rule));
    }

    /// Gives the decision back to `out`.
    fn done(self, out: &mut Decision) {
        *out = self.decision;
    }
}

fn refused(resident: ResidentId, procedure: Procedure, rule: RefusalRule) -> Event {
    Event::ProcedureRefused {
        resident,
        procedure,
        rule,
    }
}

impl ImmigrationBureau {
    pub fn record(&self, resident: ResidentId) -> Option<&Record> {
        self.records.get(resident)
    }

    fn decide_command(&self, command: &Command, ctx: &Context<'_>, d: &mut Decision) {
        if let Command::EnrolResident { resident, profile } = command {
            d.push(Event::ImmigrationRecordOpened {
                resident: *resident,
                born_on: profile.born_on,
                status: profile.status,
                period_expiry: profile.period_expiry,
                card: profile.residence_card.clone(),
                municipality: profile.municipality,
                address: profile.address,
                registered: profile.registered,
                cards_issued: profile.cards_issued,
            });
            // An application filed before the run is on record from the start (§5.4–§5.6).
            if let Some(p) = profile.pending {
                d.push(applications::applied(
                    *resident,
                    p.procedure,
                    p.to,
                    p.channel,
                    p.filed_on,
                    profile.period_expiry,
                ));
            }
            return;
        }
        let resident = command.resident();
        let Some(rec) = self.record(resident) else {
            // A scenario validated against its residents cannot get here; a refusal keeps the
            // run going and names the problem.
            if let Some(procedure) = command.procedure() {
                d.push(refused(resident, procedure, RefusalRule::NothingPending));
            }
            return;
        };
        // A person who left Japan for good (§5.14) comes to no counter: whatever they would do
        // is not expected here, and without a visit.
        if rec.departed && !matches!(command, Command::Depart { .. }) {
            if let Some(procedure) = command.procedure() {
                d.push(refused(resident, procedure, RefusalRule::NotExpectedHere));
            }
            return;
        }
        let mut case = Case::new(rec, *ctx, resident, d);
        match command {
            Command::FileExtension {
                channel, tokutei, ..
            } => case.file_application(Procedure::Extension, None, *channel, *tokutei),
            Command::FileStatusChange {
                to,
                channel,
                tokutei,
                ..
            } => case.file_application(Procedure::StatusChange, Some(*to), *channel, *tokutei),
            Command::FilePermanentResidence {
                channel, tokutei, ..
            } => case.file_application(Procedure::PermanentResidence, None, *channel, *tokutei),
            Command::DecideExtension { decision, .. } => case.decide_extension(*decision),
            Command::DecideStatusChange { decision, .. } => case.decide_status_change(*decision),
            Command::DecidePermanentResidence { grant, .. } => {
                case.decide_permanent_residence(*grant)
            }
            Command::FileStatusAcquisition { to, tokutei, .. } => {
                case.file_status_acquisition(*to, *tokutei)
            }
            Command::DecideStatusAcquisition { decision, .. } => {
                case.decide_status_acquisition(*decision)
            }
            Command::FileCardRenewal { tokutei, .. } => {
                case.visit(Procedure::CardRenewal);
                case.card_at_bureau(Procedure::CardRenewal, None, *tokutei);
            }
            Command::NotifyItemChange {
                item,
                changed_on,
                tokutei,
                ..
            } => case.notify_item_change(*item, *changed_on, *tokutei),
            Command::RequestReissue {
                reason, tokutei, ..
            } => {
                let procedure = reason.procedure();
                case.visit(procedure);
                case.card_at_bureau(procedure, Some(*reason), *tokutei);
            }
            Command::Land { port, tokutei, .. } => case.land(port, *tokutei),
            Command::Depart { port, .. } => case.depart(port),
            Command::ApplyTokuteiAlone { .. } => {
                case.visit(Procedure::TokuteiApplication);
                case.push(Event::TokuteiApplicationRefused {
                    resident,
                    attached_to: Procedure::TokuteiApplication,
                    rule: RefusalRule::TokuteiStandAlone,
                });
            }
            Command::CollectCard { .. } => case.collect(),
            Command::DeliverMailedCard { .. } => case.deliver_mailed_card(),
            // §5.12, §16.5: whether the bureau can reset a Tokutei card's PIN is unknown.
            Command::ResetPin { .. } => {
                case.visit(Procedure::PinReset);
                let allowed = rec.holds_tokutei()
                    && ctx.policy.switches.tokutei_pin_reset
                        == TokuteiPinReset::BureauOrMunicipalWindow;
                if allowed {
                    case.push(Event::PinResetAtCounter { resident });
                } else {
                    case.refuse(Procedure::PinReset, RefusalRule::PinResetOnlyAtMunicipality);
                }
            }
            _ => {}
        }
        case.done(d);
    }

    fn decide_notice(&self, event: &Event, arrival: Arrival, ctx: &Context<'_>, d: &mut Decision) {
        let resident = event.resident();
        let Some(rec) = self.record(resident) else {
            return;
        };
        let mut case = Case::new(rec, *ctx, resident, d);
        match event {
            // N5: J-LIS produced the Tokutei card; it waits at the counter chosen.
            Event::TokuteiCardProduced { kind, .. } => {
                let at = rec.ready.map_or(Office::ImmigrationBureau, |r| r.at);
                case.push(Event::CardReadyForCollection {
                    resident,
                    kind: *kind,
                    at,
                });
            }
            // N1: a municipality recorded a move.
            Event::MovedWithinMunicipality {
                municipality,
                address,
                ..
            }
            | Event::MoveInRecorded {
                municipality,
                address,
                ..
            } => case.record_address(*municipality, *address, arrival),
            // N1 after landing: the bureau learns the address; a card not handed over at the
            // port is issued now and mailed (§5.1 [A ISA-PORT]).
            Event::ResidenceNotified {
                municipality,
                address,
                ..
            } => {
                case.record_address(*municipality, *address, arrival);
                if rec.awaiting_card {
                    case.issue_standard_card();
                }
            }
            // N1 after a birth notification: the child is in a register, at this address (§5.15).
            Event::BirthRegistered {
                municipality,
                address,
                ..
            } => case.record_address(*municipality, *address, arrival),
            // N7: an application made at the municipal window.
            Event::ApplicationForwarded {
                procedure,
                tokutei,
                filed_on,
                ..
            } => match procedure {
                Procedure::SprCertificateRenewal => {
                    case.card_procedure(*procedure, None, *tokutei, Office::CityHall, *filed_on)
                }
                _ if *tokutei => case.forwarded_tokutei(*procedure, *filed_on),
                _ => {}
            },
            // N2: a municipality deleted the person's register entry (61条の8の2), or closed it
            // on a move abroad (§5.14).
            Event::RegisterEntryDeleted { municipality, .. }
            | Event::MoveAbroadRecorded { municipality, .. } => {
                case.push(Event::RegisterDeletionRecorded {
                    resident,
                    municipality: *municipality,
                })
            }
            // N7: an SPR's item change or reissue made at the municipal window (§5.8).
            Event::SprApplicationForwarded {
                procedure,
                reissue,
                item_change,
                tokutei,
                filed_on,
                ..
            } => case.forwarded_spr_filing(*procedure, *reissue, *item_change, *tokutei, *filed_on),
            _ => {}
        }
        case.done(d);
    }
}

impl StateMachine for ImmigrationBureau {
    const SERVICE: Service = Service::ImmigrationBureau;

    fn for_residents(residents: std::ops::Range<u32>) -> Self {
        ImmigrationBureau {
            records: ResidentTable::for_residents(residents),
            queues: Queues::default(),
        }
    }

    fn decide_into(&self, input: &Input, ctx: &Context<'_>, out: &mut Decision) {
        match input {
            Input::Command(c) => self.decide_command(c, ctx, out),
            Input::Notice {
                event,
                number,
                order,
                ..
            } => self.decide_notice(event, Arrival::new(*number, *order), ctx, out),
        }
        // A visit beyond the day's capacity waits for a later day (decision 17).
        let decision = std::mem::take(out);
        *out = capacity::at_counter(
            &self.queues,
            Office::ImmigrationBureau,
            input,
            decision,
            ctx,
        )
    }

    /// Decides and applies, then keeps the counters' queues: who is served, taken in, queued.
    fn handle_into(&mut self, input: &Input, ctx: &Context<'_>, out: &mut Decision) {
        capacity::recount(
            &mut self.queues,
            ctx,
            self.records.iter().map(|(r, _)| (r, None)),
        );
        self.decide_into(input, ctx, out);
        for event in &out.events {
            self.apply(event);
        }
        capacity::keep(
            &mut self.queues,
            capacity::Queue::Counter(Office::ImmigrationBureau),
            out,
            ctx,
        );
    }

    fn apply(&mut self, event: &Event) {
        let resident = event.resident();
        self.queues
            .apply(capacity::Queue::Counter(Office::ImmigrationBureau), event);
        if let Some(rec) = Record::opened(event) {
            self.records.insert(resident, rec);
        } else if let Some(rec) = self.records.get_mut(resident) {
            rec.apply(event);
        }
    }
}
