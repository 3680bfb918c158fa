//! The municipalities (市区町村) and their Basic Resident Register, as one pure state machine.
//!
//! A city hall records address changes (転居, 転出, 転入; docs/domain.md §5.2, §5.3), writes the new
//! address on the cards presented, relays residence notifications to the bureau (N1) and the
//! move-in to the former municipality (N9), keeps the register in step with the bureau's notices
//! (N3), closes the entry of a resident who leaves Japan (§5.14), and handles the separate My
//! Number card: validity changes after an extension (§5.4)
//! and continued use after a move (§5.3), with their deadlines (§10). One service covers every
//! municipality; each resident's entry names the municipality it belongs to.

//!
//! The rooms: `register` (the entry of one resident and its bookkeeping), `moves` (residence
//! notification and address changes), `my_number` (the separate card at the window), `spr` (the
//! special permanent resident's certificate procedures, forwarded to the bureau). This file
//! routes each input to one of them and keeps the register in step with the other offices'
//! notices.

mod moves;
mod my_number;
mod register;
mod spr;

use model::capacity::{self, Queues};
use model::command::Command;
use model::event::Event;
use model::ids::{Municipality, ResidentId};
use model::machine::{Arrival, Context, Decision, Input, ResidentTable, StateMachine};
use model::procedure::Procedure;
use model::rules::{RecordItem, RefusalRule};
use model::service::{Office, Service};
use model::time::SimTime;

pub use register::{Entry, MoveOut};
use spr::SprFiling;

#[cfg(test)]
mod tests;

/// The register: one optional entry per resident id.
#[derive(Debug, Default, Clone)]
pub struct CityHall {
    entries: ResidentTable<Entry>,
    /// The windows' queues under the policy's capacity, per municipality (decision 17).
    queues: Queues,
}

/// One decision at the window about one registered resident: their entry, the run's context,
/// and the events and timers decided so far. Every rule of the city hall is a method on it.
pub(crate) struct Window<'a> {
    pub entry: &'a Entry,
    pub ctx: Context<'a>,
    pub resident: ResidentId,
    decision: Decision,
}

impl<'a> Window<'a> {
    /// A window deciding into `out`'s vectors (taken, and given back by [`Window::done`]).
    fn new(
        entry: &'a Entry,
        ctx: Context<'a>,
        resident: ResidentId,
        out: &mut Decision,
    ) -> Window<'a> {
        Window {
            entry,
            ctx,
            resident,
            decision: std::mem::take(out),
        }
    }

    pub(crate) fn push(&mut self, event: Event) {
        self.decision.push(event);
    }

    pub(crate) fn timer(&mut self, at: SimTime, command: Command) {
        self.decision.timer(at, command);
    }

    /// The resident came to the window of their municipality for `procedure`.
    pub(crate) fn visit(&mut self, procedure: Procedure) {
        self.push(visit(self.resident, &self.entry.municipality, procedure));
    }

    /// The resident came to the window of `municipality` (a move-in: the new one).
    pub(crate) fn visit_at(&mut self, municipality: &Municipality, procedure: Procedure) {
        self.push(visit(self.resident, municipality, procedure));
    }

    /// The municipality refuses `procedure` under `rule`.
    pub(crate) fn refuse(&mut self, procedure: Procedure, rule: RefusalRule) {
        self.push(refused(self.resident, procedure, rule));
    }

    /// Gives the decision back to `out`.
    fn done(self, out: &mut Decision) {
        *out = self.decision;
    }
}

pub(crate) fn visit(
    resident: ResidentId,
    municipality: &Municipality,
    procedure: Procedure,
) -> Event {
    Event::CounterVisited {
        resident,
        office: Office::CityHall,
        municipality: Some(*municipality),
        procedure,
    }
}

pub(crate) fn refused(resident: ResidentId, procedure: Procedure, rule: RefusalRule) -> Event {
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

    fn decide_command(&self, command: &Command, ctx: &Context<'_>, d: &mut Decision) {
        if let Command::EnrolResident { resident, profile } = command {
            if profile.registered {
                d.push(Event::ResidentRegistered {
                    resident: *resident,
                    municipality: profile.municipality,
                    address: profile.address,
                    my_number: profile.my_number,
                    status: profile.status,
                    period_expiry: profile.period_expiry,
                    card_number: profile.residence_card.as_ref().map(|c| c.number),
                    card_kind: profile.residence_card.as_ref().map(|c| c.kind),
                    my_number_card: profile.my_number_card,
                    born_on: profile.born_on,
                });
            }
            return;
        }
        if let Command::NotifyResidence { .. } = command {
            return self.notify_residence(command, ctx, d);
        }
        if let Command::NotifyBirth { .. } = command {
            return self.notify_birth(command, ctx, d);
        }
        let resident = command.resident();
        let Some(entry) = self.entry(resident) else {
            if let Some(procedure) = command.procedure() {
                d.push(refused(resident, procedure, RefusalRule::NotRegisteredHere));
            }
            return;
        };
        let mut window = Window::new(entry, *ctx, resident, d);
        match command {
            // §5.8: special permanent residents file their certificate procedures here; the
            // municipality forwards them to the bureau (N7).
            Command::RenewSprCertificate { tokutei, .. } => window.spr_filing(SprFiling {
                procedure: Procedure::SprCertificateRenewal,
                reissue: None,
                item_change: None,
                tokutei: *tokutei,
            }),
            Command::NotifyItemChange {
                item,
                changed_on,
                tokutei,
                ..
            } => window.spr_filing(SprFiling {
                procedure: Procedure::ItemChange,
                reissue: None,
                item_change: Some((*item, *changed_on)),
                tokutei: *tokutei,
            }),
            Command::RequestReissue {
                reason, tokutei, ..
            } => window.spr_filing(SprFiling {
                procedure: reason.procedure(),
                reissue: Some(*reason),
                item_change: None,
                tokutei: *tokutei,
            }),
            Command::ApplyTokuteiAlone { .. } => {
                window.visit(Procedure::TokuteiApplication);
                window.push(Event::TokuteiApplicationRefused {
                    resident,
                    attached_to: Procedure::TokuteiApplication,
                    rule: RefusalRule::TokuteiStandAlone,
                });
            }
            Command::RequestMyNumberSpecialPeriodExtension { applied_on, .. } => {
                window.my_number_special_period_extension(*applied_on)
            }
            Command::ResetPin { .. } => window.reset_pin(),
            Command::RequestMyNumberCardReissue { reason, .. } => {
                window.my_number_card_reissue(*reason)
            }
            Command::CollectMyNumberCard { .. } => window.collect_my_number_card(),
            Command::UpdateMyNumberCardItems { .. } => window.update_my_number_card_items(),
            Command::NotifyMoveWithinMunicipality {
                address,
                moved_on,
                tokutei,
                ..
            } => window.move_within(address, *moved_on, *tokutei),
            Command::NotifyMoveOut {
                to,
                planned_on,
                card_based,
                ..
            } => window.move_out(to, *planned_on, *card_based),
            Command::NotifyMoveIn {
                municipality,
                address,
                moved_on,
                present_my_number_card,
                tokutei,
                ..
            } => window.move_in(
                municipality,
                address,
                *moved_on,
                *present_my_number_card,
                *tokutei,
            ),
            Command::ConfirmMyNumberContinuity { .. } => window.confirm_continuity(),
            // 職権消除 (§6 N2): the entry goes, and with it the resident's place in the register.
            Command::DeleteRegisterEntry { .. } => window.push(Event::RegisterEntryDeleted {
                resident,
                municipality: entry.municipality,
            }),
            Command::NotifyDeparture { leaves_on, .. } => window.notify_departure(*leaves_on),
            Command::CloseEntryOnDeparture { .. } => window.close_entry_on_departure(),
            Command::CheckContinuityDeadline { deadline, .. } => {
                window.check_continuity_deadline(*deadline)
            }
            Command::RequestMyNumberValidityChange {
                presented_expiry, ..
            } => window.my_number_validity_change(*presented_expiry),
            _ => {}
        }
        window.done(d);
    }

    fn decide_notice(&self, event: &Event, arrival: Arrival, ctx: &Context<'_>, d: &mut Decision) {
        let resident = event.resident();
        let Some(entry) = self.entry(resident) else {
            return;
        };
        // §16.8: with the N3 switch off the register ignores the bureau's notices.
        let n3 = ctx.policy.switches.bureau_notifies_municipality;
        match event {
            // A late notice of a change of status older than the status the register holds
            // (links that delay or reorder, issue 8): the register keeps the later one.
            Event::StatusChanged { to, .. } if n3 && arrival.older(RecordItem::Status) => {
                d.push(Event::OlderStatusNoticeIgnored {
                    resident,
                    notified_status: *to,
                    kept_status: entry.status,
                });
            }
            // N3: the new status, with its period unless a later notice set the period (an
            // extension decided after the change, whose notice came first).
            Event::StatusChanged { to, new_expiry, .. } if n3 => {
                d.push(Event::ImmigrationDataUpdated {
                    resident,
                    status: *to,
                    period_expiry: if arrival.older(RecordItem::Period) {
                        entry.period_expiry
                    } else {
                        *new_expiry
                    },
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
            // A late notice of an older period (links that delay or reorder, issue 8): the
            // register already holds a later period from a later notice and keeps it.
            Event::PeriodOfStayExtended { new_expiry, .. }
                if n3
                    && (arrival.older(RecordItem::Period)
                        || entry.period_expiry.is_some_and(|kept| kept > *new_expiry)) =>
            {
                d.push(Event::OlderPeriodNoticeIgnored {
                    resident,
                    notified_expiry: *new_expiry,
                    kept_expiry: entry.period_expiry.unwrap_or(*new_expiry),
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
            // A late notice of a card older than the one the register holds (issue 8).
            Event::ResidenceCardIssued { card, .. } if n3 && arrival.older(RecordItem::Card) => {
                d.push(Event::OlderCardNoticeIgnored {
                    resident,
                    notified_card: card.number,
                    kept_card: entry.card_number,
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
            // N8: J-LIS produced the new separate card applied for here.
            Event::MyNumberCardProduced { .. } => {
                let mut window = Window::new(entry, *ctx, resident, d);
                window.my_number_card_produced();
                window.done(d);
            }
            // The bureau's notice of a departure for good (§5.14 [C]): an entry still open —
            // the resident left without notifying the move abroad — is deleted of the
            // municipality's own motion, per the switch.
            Event::Departed { .. } if n3 && ctx.policy.switches.departure_notice_deletes_entry => {
                d.push(Event::RegisterEntryDeleted {
                    resident,
                    municipality: entry.municipality,
                });
            }
            // N9: the former municipality closes its entry.
            Event::MoveInRecorded {
                from: Some(from), ..
            } if entry.former.as_ref() == Some(from) => {
                d.push(Event::RegisterEntryClosed {
                    resident,
                    municipality: *from,
                });
            }
            _ => {}
        }
    }
}

impl StateMachine for CityHall {
    const SERVICE: Service = Service::CityHall;

    fn for_residents(residents: std::ops::Range<u32>) -> Self {
        CityHall {
            entries: ResidentTable::for_residents(residents),
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
        *out = capacity::at_counter(&self.queues, Office::CityHall, input, decision, ctx);
    }

    /// Decides and applies, then keeps the windows' queues: the residents registered in each
    /// municipality, and who is taken in or queued.
    fn handle_into(&mut self, input: &Input, ctx: &Context<'_>, out: &mut Decision) {
        let served = self.entries.iter().map(|(r, e)| (r, Some(e.municipality)));
        capacity::recount(&mut self.queues, ctx, served);
        self.decide_into(input, ctx, out);
        for event in &out.events {
            self.apply(event);
        }
        capacity::keep(
            &mut self.queues,
            capacity::Queue::Counter(Office::CityHall),
            out,
            ctx,
        );
    }

    fn apply(&mut self, event: &Event) {
        let resident = event.resident();
        self.queues
            .apply(capacity::Queue::Counter(Office::CityHall), event);
        if let Some(entry) = Entry::opened(event) {
            self.entries.insert(resident, entry);
        } else if let Event::RegisterEntryDeleted { .. } | Event::MoveAbroadRecorded { .. } = event
        {
            self.entries.remove(resident);
        } else if let Some(entry) = self.entries.get_mut(resident) {
            entry.apply(event);
        }
    }
}
