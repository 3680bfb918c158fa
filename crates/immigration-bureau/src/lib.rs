//! The immigration bureau (出入国在留管理庁 and its regional bureaus) as a pure state machine.
//!
//! It decides residence applications (here: period-of-stay extensions, domain-rules §5.4),
//! issues residence cards with a new number at every issuance (§14), takes Tokutei applications
//! attached to a procedure (§3, §4), asks J-LIS to produce a Tokutei card (N4) and hands it over
//! when J-LIS reports it produced (N5). It learns addresses from the municipalities (N1) and
//! never talks to them directly: everything it says is an event on the bus.

use chrono::NaiveDate;
use model::card::{CardKind, ResidenceCard};
use model::card_number::ResidenceCardNumber;
use model::command::{Command, Decision as Outcome};
use model::event::Event;
use model::ids::{Address, Municipality, ResidentId};
use model::machine::{Context, Decision, Input, StateMachine};
use model::policy::DispositionAt;
use model::procedure::Procedure;
use model::rules::{self, RefusalRule, TokuteiApplication, Venue};
use model::service::{Channel, Office, Service};
use model::status::Status;
use model::validity;

#[cfg(test)]
mod tests;

/// A pending extension application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingExtension {
    pub filed_on: NaiveDate,
    pub channel: Channel,
    /// A Tokutei application was accepted with it.
    pub tokutei: bool,
    /// Set once the bureau has granted it: the new expiry, awaiting card issuance.
    pub granted: Option<NaiveDate>,
}

/// The bureau's record of one resident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub born_on: NaiveDate,
    pub status: Status,
    pub period_expiry: Option<NaiveDate>,
    pub card: Option<ResidenceCard>,
    pub municipality: Municipality,
    pub address: Address,
    pub registered: bool,
    pub cards_issued: u32,
    pub pending: Option<PendingExtension>,
    /// A card waiting at the counter.
    pub ready: Option<CardKind>,
}

/// The bureau's state: one optional record per resident id.
#[derive(Debug, Default, Clone)]
pub struct ImmigrationBureau {
    records: Vec<Option<Record>>,
}

impl ImmigrationBureau {
    pub fn record(&self, resident: ResidentId) -> Option<&Record> {
        self.records.get(resident.index()).and_then(Option::as_ref)
    }

    fn record_mut(&mut self, resident: ResidentId) -> Option<&mut Record> {
        self.records
            .get_mut(resident.index())
            .and_then(Option::as_mut)
    }

    /// The validity of a card issued today with the given period expiry (§8.1, §8.2).
    fn validity(rec: &Record, ctx: &Context<'_>, expiry: Option<NaiveDate>) -> NaiveDate {
        let today = ctx.today();
        let law = rules::card_law(ctx.policy, today);
        let switches = ctx.policy.switches.validity;
        if rec.status == Status::SpecialPermanentResident {
            let previous = rec.card.as_ref().map(|c| c.valid_through);
            validity::spr_certificate_valid_through(law, rec.born_on, today, previous, switches)
        } else {
            // An `Other` status always has an expiry on record; should one be missing, the card
            // keeps the old card's date rather than inventing one.
            validity::residence_card_valid_through(
                law,
                rec.status.card_category(),
                rec.born_on,
                today,
                expiry,
                false,
                switches,
            )
            .unwrap_or_else(|_| rec.card.as_ref().map_or(today, |c| c.valid_through))
        }
    }

    fn decide_command(&self, command: &Command, ctx: &Context<'_>) -> Decision {
        let mut d = Decision::none();
        let today = ctx.today();
        if let Command::EnrolResident { resident, profile } = command {
            d.push(Event::ImmigrationRecordOpened {
                resident: *resident,
                born_on: profile.born_on,
                status: profile.status,
                period_expiry: profile.period_expiry,
                card: profile.residence_card.clone(),
                municipality: profile.municipality.clone(),
                address: profile.address.clone(),
                registered: profile.registered,
                cards_issued: profile.cards_issued,
            });
            return d;
        }
        let resident = command.resident();
        let Some(rec) = self.record(resident) else {
            // A scenario validated against its residents cannot get here; a refusal keeps the
            // run going and names the problem.
            if let Some(procedure) = command.procedure() {
                d.push(Event::ProcedureRefused {
                    resident,
                    procedure,
                    rule: RefusalRule::NothingPending,
                });
            }
            return d;
        };
        match command {
            Command::FileExtension {
                channel, tokutei, ..
            } => {
                if *channel == Channel::Counter {
                    d.push(visit(resident, Procedure::Extension));
                }
                let refusal = if !rec.status.has_period_of_stay() {
                    Some(RefusalRule::NoPeriodOfStay)
                } else if rec.pending.is_some() {
                    Some(RefusalRule::AlreadyPending)
                } else {
                    None
                };
                if let Some(rule) = refusal {
                    d.push(Event::ProcedureRefused {
                        resident,
                        procedure: Procedure::Extension,
                        rule,
                    });
                    return d;
                }
                d.push(Event::ExtensionApplied {
                    resident,
                    channel: *channel,
                    filed_on: today,
                    expiry_at_filing: rec.period_expiry,
                });
                if *tokutei {
                    let app = TokuteiApplication {
                        date: today,
                        venue: Venue::Bureau,
                        channel: *channel,
                        attached_to: Some(Procedure::Extension),
                        status: rec.status,
                        registered: rec.registered,
                    };
                    d.push(match rules::tokutei_refusal(ctx.policy, &app) {
                        None => Event::TokuteiApplicationAccepted {
                            resident,
                            attached_to: Procedure::Extension,
                        },
                        Some(rule) => Event::TokuteiApplicationRefused {
                            resident,
                            attached_to: Procedure::Extension,
                            rule,
                        },
                    });
                }
            }
            Command::DecideExtension { decision, .. } => {
                let Some(pending) = rec.pending.as_ref().filter(|p| p.granted.is_none()) else {
                    d.push(Event::ProcedureRefused {
                        resident,
                        procedure: Procedure::Extension,
                        rule: RefusalRule::NothingPending,
                    });
                    return d;
                };
                match decision {
                    Outcome::Refuse => d.push(Event::ExtensionRefused {
                        resident,
                        expiry: rec.period_expiry,
                    }),
                    Outcome::Grant { new_expiry } => {
                        d.push(Event::ExtensionGranted {
                            resident,
                            new_expiry: *new_expiry,
                        });
                        if ctx.policy.switches.disposition_at == DispositionAt::Decision {
                            d.push(Event::PeriodOfStayExtended {
                                resident,
                                previous_expiry: rec.period_expiry,
                                new_expiry: *new_expiry,
                            });
                        }
                        let law = rules::card_law(ctx.policy, today);
                        let kind = rules::residence_document_kind(law, rec.status, pending.tokutei);
                        if pending.tokutei {
                            d.push(Event::TokuteiCardRequested {
                                resident,
                                kind,
                                valid_through: Self::validity(rec, ctx, Some(*new_expiry)),
                            });
                        } else {
                            // A standard card is produced at the counter the same day (§5.4 [B]).
                            d.push(Event::CardReadyForCollection { resident, kind });
                        }
                    }
                }
            }
            Command::CollectCard { .. } => {
                // The resident came to the counter, whether or not a card was waiting.
                d.push(visit(resident, Procedure::CardCollection));
                let Some(kind) = rec.ready else {
                    d.push(Event::ProcedureRefused {
                        resident,
                        procedure: Procedure::CardCollection,
                        rule: RefusalRule::NothingPending,
                    });
                    return d;
                };
                let mut expiry = rec.period_expiry;
                if let Some(new_expiry) = rec.pending.as_ref().and_then(|p| p.granted) {
                    if ctx.policy.switches.disposition_at == DispositionAt::CardIssuance {
                        // Permission is effected by issuing the card (§1, §5.4 [A* MOJ 2010]).
                        d.push(Event::PeriodOfStayExtended {
                            resident,
                            previous_expiry: rec.period_expiry,
                            new_expiry,
                        });
                    }
                    expiry = Some(new_expiry);
                }
                let serial = rec.cards_issued + 1;
                d.push(Event::ResidenceCardIssued {
                    resident,
                    card: ResidenceCard {
                        kind,
                        number: ResidenceCardNumber::generate(ctx.seed, resident.0, serial),
                        issued_on: today,
                        valid_through: Self::validity(rec, ctx, expiry),
                    },
                    replaces: rec.card.as_ref().map(|c| c.number),
                });
            }
            _ => {}
        }
        d
    }

    fn decide_notice(&self, event: &Event) -> Decision {
        let mut d = Decision::none();
        let resident = event.resident();
        if self.record(resident).is_none() {
            return d;
        }
        match event {
            Event::TokuteiCardProduced { kind, .. } => {
                d.push(Event::CardReadyForCollection {
                    resident,
                    kind: *kind,
                });
            }
            Event::MovedWithinMunicipality {
                municipality,
                address,
                ..
            }
            | Event::MoveInRecorded {
                municipality,
                address,
                ..
            } => d.push(Event::AddressRecorded {
                resident,
                municipality: municipality.clone(),
                address: address.clone(),
            }),
            _ => {}
        }
        d
    }
}

fn visit(resident: ResidentId, procedure: Procedure) -> Event {
    Event::CounterVisited {
        resident,
        office: Office::ImmigrationBureau,
        municipality: None,
        procedure,
    }
}

impl StateMachine for ImmigrationBureau {
    const SERVICE: Service = Service::ImmigrationBureau;

    fn with_capacity(residents: usize) -> Self {
        ImmigrationBureau {
            records: Vec::with_capacity(residents),
        }
    }

    fn decide(&self, input: &Input, ctx: &Context<'_>) -> Decision {
        match input {
            Input::Command(c) => self.decide_command(c, ctx),
            Input::Notice { event, .. } => self.decide_notice(event),
        }
    }

    fn apply(&mut self, event: &Event) {
        let resident = event.resident();
        if let Event::ImmigrationRecordOpened {
            born_on,
            status,
            period_expiry,
            card,
            municipality,
            address,
            registered,
            cards_issued,
            ..
        } = event
        {
            let i = resident.index();
            if self.records.len() <= i {
                self.records.resize(i + 1, None);
            }
            self.records[i] = Some(Record {
                born_on: *born_on,
                status: *status,
                period_expiry: *period_expiry,
                card: card.clone(),
                municipality: municipality.clone(),
                address: address.clone(),
                registered: *registered,
                cards_issued: *cards_issued,
                pending: None,
                ready: None,
            });
            return;
        }
        let Some(rec) = self.record_mut(resident) else {
            return;
        };
        match event {
            Event::ExtensionApplied {
                channel, filed_on, ..
            } => {
                rec.pending = Some(PendingExtension {
                    filed_on: *filed_on,
                    channel: *channel,
                    tokutei: false,
                    granted: None,
                });
            }
            Event::TokuteiApplicationAccepted { .. } => {
                if let Some(p) = rec.pending.as_mut() {
                    p.tokutei = true;
                }
            }
            Event::ExtensionGranted { new_expiry, .. } => {
                if let Some(p) = rec.pending.as_mut() {
                    p.granted = Some(*new_expiry);
                }
            }
            Event::ExtensionRefused { .. } => rec.pending = None,
            Event::CardReadyForCollection { kind, .. } => rec.ready = Some(*kind),
            Event::PeriodOfStayExtended { new_expiry, .. } => {
                rec.period_expiry = Some(*new_expiry);
            }
            Event::ResidenceCardIssued { card, .. } => {
                rec.card = Some(card.clone());
                rec.cards_issued += 1;
                rec.ready = None;
                rec.pending = None;
            }
            Event::AddressRecorded {
                municipality,
                address,
                ..
            } => {
                rec.municipality = municipality.clone();
                rec.address = address.clone();
            }
            _ => {}
        }
    }
}
