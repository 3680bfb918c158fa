//! The immigration bureau (出入国在留管理庁 and its regional bureaus) as a pure state machine.
//!
//! It decides residence applications — extensions (domain-rules §5.4), changes of status (§5.5)
//! and permanent residence (§5.6) — and handles the card procedures: validity renewal (§5.7),
//! SPR certificates forwarded by the municipality (§5.8), item changes (§5.9), reissues (§5.10,
//! §5.11) and the card at landing (§5.1). Every issuance gets a new number (§14). A Tokutei
//! application rides on one of these procedures (§3, §4): the bureau asks J-LIS to produce the
//! card (N4) and hands it over when J-LIS reports it produced (N5). It learns addresses from the
//! municipalities (N1) and never talks to them directly: everything it says is an event.

use chrono::NaiveDate;
use model::card::{CardKind, ResidenceCard};
use model::card_number::ResidenceCardNumber;
use model::command::{Command, Decision as Outcome};
use model::event::Event;
use model::ids::{Address, Municipality, ResidentId};
use model::machine::{Context, Decision, Input, ResidentTable, StateMachine};
use model::policy::{
    DispositionAt, LostTokuteiReplacement, MunicipalTokuteiPickup, TokuteiPinReset,
};
use model::procedure::{Procedure, ReissueReason};
use model::rules::{self, Consequence, Duty, RefusalRule, TokuteiApplication, Venue};
use model::service::{Channel, Office, Service};
use model::status::Status;
use model::validity;

#[cfg(test)]
mod tests;

/// What a granted application changes once the card is issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub status: Status,
    pub expiry: Option<NaiveDate>,
}

/// A pending residence application (extension, change of status, permanent residence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub procedure: Procedure,
    pub filed_on: NaiveDate,
    pub channel: Channel,
    /// A Tokutei application was accepted with it.
    pub tokutei: bool,
    /// The status applied for (change of status).
    pub to: Option<Status>,
    /// Set once granted, until the card is issued.
    pub granted: Option<Grant>,
}

/// A card in production or waiting at a counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ready {
    pub kind: CardKind,
    pub at: Office,
    /// J-LIS is still producing it.
    pub producing: bool,
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
    /// An extension or change of status (the special period applies, §9).
    pub pending: Option<Pending>,
    /// A permanent residence application, which may run alongside an extension (§5.6).
    pub pending_pr: Option<Pending>,
    /// A card procedure under way (renewal, item change, reissue, SPR certificate).
    pub card_procedure: Option<Procedure>,
    pub ready: Option<Ready>,
    /// Landed at a port that does not hand over cards: the card follows the residence
    /// notification (§5.1).
    pub awaiting_card: bool,
    /// Landed (or on record from the start).
    pub landed: bool,
}

impl Record {
    fn holds_tokutei(&self) -> bool {
        self.card.as_ref().is_some_and(|c| c.kind.is_tokutei())
    }

    /// The grant that takes effect at the next issuance, if any.
    fn grant(&self) -> Option<(Procedure, Grant)> {
        [self.pending.as_ref(), self.pending_pr.as_ref()]
            .into_iter()
            .flatten()
            .find_map(|p| p.granted.map(|g| (p.procedure, g)))
    }
}

/// The bureau's state: one optional record per resident id.
#[derive(Debug, Default, Clone)]
pub struct ImmigrationBureau {
    records: ResidentTable<Record>,
}

fn visit(resident: ResidentId, procedure: Procedure) -> Event {
    Event::CounterVisited {
        resident,
        office: Office::ImmigrationBureau,
        municipality: None,
        procedure,
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

    fn record_mut(&mut self, resident: ResidentId) -> Option<&mut Record> {
        self.records.get_mut(resident)
    }

    /// The validity of a card issued today (§8.1–§8.3).
    fn validity(
        rec: &Record,
        ctx: &Context<'_>,
        status: Status,
        expiry: Option<NaiveDate>,
        renewal: bool,
    ) -> NaiveDate {
        let today = ctx.today();
        let law = rules::card_law(ctx.policy, today);
        let switches = ctx.policy.switches.validity;
        if status == Status::SpecialPermanentResident {
            let previous = rec
                .card
                .as_ref()
                .filter(|_| renewal)
                .map(|c| c.valid_through);
            validity::spr_certificate_valid_through(law, rec.born_on, today, previous, switches)
        } else {
            // An `Other` status always has an expiry on record; should one be missing, the card
            // keeps the old card's date rather than inventing one.
            validity::residence_card_valid_through(
                law,
                status.card_category(),
                rec.born_on,
                today,
                expiry,
                renewal,
                switches,
            )
            .unwrap_or_else(|_| rec.card.as_ref().map_or(today, |c| c.valid_through))
        }
    }

    /// The validity of a new card of `kind`: a reissue or an item change replaces the card, not
    /// its validity (switch `reissue_keeps_validity`, [C]) — unless the new card is a first
    /// Tokutei card, whose validity is that of a new-format card (§8.6); any other card gets the
    /// validity the rules give on the day (§8).
    fn new_card_validity(
        rec: &Record,
        ctx: &Context<'_>,
        kind: CardKind,
        status: Status,
        expiry: Option<NaiveDate>,
        procedure: Option<Procedure>,
    ) -> NaiveDate {
        let renewal = matches!(
            procedure,
            Some(Procedure::CardRenewal | Procedure::SprCertificateRenewal)
        );
        let replacement = matches!(
            procedure,
            Some(Procedure::Reissue | Procedure::LossReissue | Procedure::ItemChange)
        );
        let first_tokutei = kind.is_tokutei() && !rec.holds_tokutei();
        rec.card
            .as_ref()
            .filter(|_| replacement && !first_tokutei && ctx.policy.switches.reissue_keeps_validity)
            .map(|c| c.valid_through)
            .unwrap_or_else(|| Self::validity(rec, ctx, status, expiry, renewal))
    }

    /// The Tokutei decision for an application attached to `procedure`.
    /// `filed_on` is the day the application was made (for one forwarded by a municipality,
    /// the day of the window visit, not of its arrival).
    #[allow(clippy::too_many_arguments)]
    fn tokutei_event(
        rec: &Record,
        ctx: &Context<'_>,
        resident: ResidentId,
        procedure: Procedure,
        channel: Channel,
        venue: Venue<'_>,
        filed_on: NaiveDate,
    ) -> Event {
        let app = TokuteiApplication {
            date: filed_on,
            venue,
            channel,
            attached_to: Some(procedure),
            status: rec.status,
            registered: rec.registered,
        };
        match rules::tokutei_refusal(ctx.policy, &app) {
            None => Event::TokuteiApplicationAccepted {
                resident,
                attached_to: procedure,
            },
            Some(rule) => Event::TokuteiApplicationRefused {
                resident,
                attached_to: procedure,
                rule,
            },
        }
    }

    /// Orders the card a procedure produces: the same day at a counter for a standard card, or
    /// from J-LIS for a Tokutei card (§5.4 [B]: about ten days).
    #[allow(clippy::too_many_arguments)]
    fn produce(
        d: &mut Decision,
        rec: &Record,
        ctx: &Context<'_>,
        resident: ResidentId,
        status: Status,
        expiry: Option<NaiveDate>,
        tokutei: bool,
        at: Office,
        procedure: Option<Procedure>,
    ) {
        let law = rules::card_law(ctx.policy, ctx.today());
        let kind = rules::residence_document_kind(law, status, tokutei);
        if kind.is_tokutei() {
            d.push(Event::TokuteiCardRequested {
                resident,
                kind,
                valid_through: Self::new_card_validity(rec, ctx, kind, status, expiry, procedure),
                collect_at: at,
            });
        } else {
            d.push(Event::CardReadyForCollection { resident, kind, at });
        }
    }

    /// Files an extension or a change of status (§5.4, §5.5) or a PR application (§5.6).
    #[allow(clippy::too_many_arguments)]
    fn file_application(
        d: &mut Decision,
        rec: &Record,
        ctx: &Context<'_>,
        resident: ResidentId,
        procedure: Procedure,
        to: Option<Status>,
        channel: Channel,
        tokutei: bool,
    ) {
        if channel == Channel::Counter {
            d.push(visit(resident, procedure));
        }
        let today = ctx.today();
        let refusal = match procedure {
            Procedure::PermanentResidence if rec.status == Status::PermanentResident => {
                Some(RefusalRule::NothingPending)
            }
            Procedure::PermanentResidence if rec.pending_pr.is_some() => {
                Some(RefusalRule::AlreadyPending)
            }
            Procedure::PermanentResidence => None,
            _ if to == Some(Status::PermanentResident) => {
                Some(RefusalRule::UsePermanentResidenceApplication)
            }
            _ if !rec.status.has_period_of_stay() => Some(RefusalRule::NoPeriodOfStay),
            _ if rec.pending.is_some() => Some(RefusalRule::AlreadyPending),
            _ => None,
        };
        if let Some(rule) = refusal {
            d.push(refused(resident, procedure, rule));
            return;
        }
        d.push(match (procedure, to) {
            (Procedure::StatusChange, Some(to)) => Event::StatusChangeApplied {
                resident,
                to,
                channel,
                filed_on: today,
                expiry_at_filing: rec.period_expiry,
            },
            (Procedure::PermanentResidence, _) => Event::PermanentResidenceApplied {
                resident,
                channel,
                filed_on: today,
            },
            _ => Event::ExtensionApplied {
                resident,
                channel,
                filed_on: today,
                expiry_at_filing: rec.period_expiry,
            },
        });
        if tokutei {
            d.push(Self::tokutei_event(
                rec,
                ctx,
                resident,
                procedure,
                channel,
                Venue::Bureau,
                ctx.today(),
            ));
        }
    }

    /// Decides a pending residence application: grants change the card, refusals end it.
    fn decide_application(
        d: &mut Decision,
        rec: &Record,
        ctx: &Context<'_>,
        resident: ResidentId,
        procedure: Procedure,
        grant: Option<Grant>,
    ) {
        let pending = match procedure {
            Procedure::PermanentResidence => rec.pending_pr.as_ref(),
            _ => rec.pending.as_ref().filter(|p| p.procedure == procedure),
        };
        let Some(pending) = pending.filter(|p| p.granted.is_none()) else {
            d.push(refused(resident, procedure, RefusalRule::NothingPending));
            return;
        };
        let Some(grant) = grant else {
            d.push(match procedure {
                Procedure::Extension => Event::ExtensionRefused {
                    resident,
                    expiry: rec.period_expiry,
                },
                _ => Event::ApplicationRefused {
                    resident,
                    procedure,
                },
            });
            return;
        };
        d.push(match procedure {
            Procedure::StatusChange => Event::StatusChangeGranted {
                resident,
                to: grant.status,
                new_expiry: grant.expiry.unwrap_or(ctx.today()),
            },
            Procedure::PermanentResidence => Event::PermanentResidenceGranted { resident },
            _ => Event::ExtensionGranted {
                resident,
                new_expiry: grant.expiry.unwrap_or(ctx.today()),
            },
        });
        if ctx.policy.switches.disposition_at == DispositionAt::Decision {
            Self::take_effect(d, rec, resident, procedure, grant);
        }
        // A Tokutei holder's new card stays a Tokutei card (§8.6; C: the sources describe only
        // first applications).
        let tokutei = pending.tokutei || rec.holds_tokutei();
        Self::produce(
            d,
            rec,
            ctx,
            resident,
            grant.status,
            grant.expiry,
            tokutei,
            Office::ImmigrationBureau,
            None,
        );
    }

    /// The legal effect of a grant: a new period or a new status (N3).
    fn take_effect(
        d: &mut Decision,
        rec: &Record,
        resident: ResidentId,
        procedure: Procedure,
        grant: Grant,
    ) {
        match procedure {
            Procedure::Extension => d.push(Event::PeriodOfStayExtended {
                resident,
                previous_expiry: rec.period_expiry,
                new_expiry: grant.expiry.unwrap_or_default(),
            }),
            _ => {
                d.push(Event::StatusChanged {
                    resident,
                    from: rec.status,
                    to: grant.status,
                    new_expiry: grant.expiry,
                });
                // A status without a period of stay leaves nothing for a pending extension or
                // change of status to decide (§5.6).
                if !grant.status.has_period_of_stay()
                    && let Some(p) = rec.pending.as_ref().filter(|p| p.procedure != procedure)
                {
                    d.push(Event::ApplicationSuperseded {
                        resident,
                        procedure: p.procedure,
                    });
                }
            }
        }
    }

    /// A card procedure: renewal, item change, reissue, or a forwarded SPR application.
    #[allow(clippy::too_many_arguments)]
    fn card_procedure(
        d: &mut Decision,
        rec: &Record,
        ctx: &Context<'_>,
        resident: ResidentId,
        procedure: Procedure,
        reissue: Option<ReissueReason>,
        tokutei: bool,
        at: Office,
        filed_on: NaiveDate,
    ) {
        let today = ctx.today();
        let venue = if at == Office::CityHall {
            Venue::Municipality(&rec.municipality)
        } else {
            Venue::Bureau
        };
        // §5.8: an SPR's procedures are filed at the municipality, and only theirs are.
        let spr = rec.status == Status::SpecialPermanentResident;
        if spr != matches!(venue, Venue::Municipality(_)) {
            d.push(refused(
                resident,
                procedure,
                RefusalRule::WrongOfficeForStatus,
            ));
            return;
        }
        if rec.ready.is_some() || rec.card_procedure.is_some() {
            d.push(refused(resident, procedure, RefusalRule::AlreadyPending));
            return;
        }
        let Some(card) = rec.card.as_ref() else {
            d.push(refused(resident, procedure, RefusalRule::NothingPending));
            return;
        };
        let refusal = match procedure {
            Procedure::CardRenewal | Procedure::SprCertificateRenewal => {
                let tied = rules::tied_to_sixteenth_birthday(rec.born_on, card.valid_through);
                let opens_on = rules::renewal_window_opens(card.valid_through, tied);
                if !rules::card_is_renewable(rec.status, rec.born_on, card.valid_through) {
                    Some(RefusalRule::NotRenewable)
                } else if today < opens_on {
                    Some(RefusalRule::RenewalWindowNotOpen { opens_on })
                } else {
                    None
                }
            }
            Procedure::LossReissue => match reissue {
                Some(ReissueReason::Lost {
                    reported_on: None, ..
                }) => Some(RefusalRule::PoliceReportMissing),
                _ => None,
            },
            _ => None,
        };
        if let Some(rule) = refusal {
            d.push(refused(resident, procedure, rule));
            return;
        }
        d.push(Event::CardApplicationReceived {
            resident,
            procedure,
            reissue,
        });
        // Deadlines that a late filing misses; the filing is still accepted (§10).
        let duty = match (procedure, reissue) {
            (Procedure::CardRenewal | Procedure::SprCertificateRenewal, _)
                if !rec.status.has_period_of_stay() =>
            {
                Some((Duty::CardRenewal, card.valid_through))
            }
            (_, Some(ReissueReason::Lost { learned_on, .. })) => {
                Some((Duty::LossReissue, learned_on))
            }
            _ => None,
        };
        let missed = duty
            .map(|(duty, from)| (duty, duty.deadline(from, ctx.policy.switches.deadline_roll)))
            .filter(|(_, deadline)| today > *deadline);
        if let Some((duty, deadline)) = missed {
            d.push(Event::DeadlineMissed {
                resident,
                duty,
                deadline,
                consequence: Consequence::PenaltyExposure,
            });
        }
        // What kind of card replaces this one.
        let lost_tokutei = procedure == Procedure::LossReissue && card.kind.is_tokutei();
        let standard_after_loss = lost_tokutei
            && ctx.policy.switches.lost_tokutei_replacement == LostTokuteiReplacement::StandardCard;
        let mut with_tokutei = rec.holds_tokutei() && !standard_after_loss;
        if tokutei {
            if procedure == Procedure::LossReissue
                && ctx.policy.switches.lost_tokutei_replacement
                    == LostTokuteiReplacement::StandardCard
            {
                d.push(Event::TokuteiApplicationRefused {
                    resident,
                    attached_to: procedure,
                    rule: RefusalRule::TokuteiNotForLossReissue,
                });
            } else {
                let channel = Channel::Counter;
                let event =
                    Self::tokutei_event(rec, ctx, resident, procedure, channel, venue, filed_on);
                with_tokutei |= matches!(event, Event::TokuteiApplicationAccepted { .. });
                d.push(event);
            }
        }
        Self::produce(
            d,
            rec,
            ctx,
            resident,
            rec.status,
            rec.period_expiry,
            with_tokutei,
            at,
            Some(procedure),
        );
    }

    /// Hands over a ready card: the grant takes effect (§5.4), the card is issued with a new
    /// number (§14), and a replaced Tokutei card goes back (§1).
    fn collect(d: &mut Decision, rec: &Record, ctx: &Context<'_>, resident: ResidentId) {
        let at = rec.ready.map_or(Office::ImmigrationBureau, |r| r.at);
        let municipality = (at == Office::CityHall).then(|| rec.municipality.clone());
        d.push(Event::CounterVisited {
            resident,
            office: at,
            municipality,
            procedure: Procedure::CardCollection,
        });
        let Some(ready) = rec.ready.filter(|r| !r.producing) else {
            d.push(refused(
                resident,
                Procedure::CardCollection,
                RefusalRule::NothingPending,
            ));
            return;
        };
        let (mut status, mut expiry) = (rec.status, rec.period_expiry);
        if let Some((procedure, grant)) = rec.grant() {
            if ctx.policy.switches.disposition_at == DispositionAt::CardIssuance {
                // Permission is effected by issuing the card (§1, §5.4 [A* MOJ 2010]).
                Self::take_effect(d, rec, resident, procedure, grant);
            }
            status = grant.status;
            expiry = grant.expiry;
        }
        Self::issue(d, rec, ctx, resident, ready.kind, status, expiry);
    }

    /// Records the issuance of a card of `kind` (§8, §14).
    fn issue(
        d: &mut Decision,
        rec: &Record,
        ctx: &Context<'_>,
        resident: ResidentId,
        kind: CardKind,
        status: Status,
        expiry: Option<NaiveDate>,
    ) {
        let serial = rec.cards_issued + 1;
        let card = ResidenceCard {
            kind,
            number: ResidenceCardNumber::generate(ctx.seed, resident.0, serial),
            issued_on: ctx.today(),
            valid_through: Self::new_card_validity(
                rec,
                ctx,
                kind,
                status,
                expiry,
                rec.card_procedure,
            ),
        };
        if let Some(old) = rec.card.as_ref().filter(|c| c.kind.is_tokutei())
            && !kind.is_tokutei()
        {
            d.push(Event::TokuteiCardReturned {
                resident,
                card_number: old.number,
            });
        }
        d.push(Event::ResidenceCardIssued {
            resident,
            card,
            replaces: rec.card.as_ref().map(|c| c.number),
        });
    }

    fn decide_command(&self, command: &Command, ctx: &Context<'_>) -> Decision {
        let mut d = Decision::none();
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
                d.push(refused(resident, procedure, RefusalRule::NothingPending));
            }
            return d;
        };
        let d = &mut d;
        match command {
            Command::FileExtension {
                channel, tokutei, ..
            } => Self::file_application(
                d,
                rec,
                ctx,
                resident,
                Procedure::Extension,
                None,
                *channel,
                *tokutei,
            ),
            Command::FileStatusChange {
                to,
                channel,
                tokutei,
                ..
            } => Self::file_application(
                d,
                rec,
                ctx,
                resident,
                Procedure::StatusChange,
                Some(*to),
                *channel,
                *tokutei,
            ),
            Command::FilePermanentResidence {
                channel, tokutei, ..
            } => Self::file_application(
                d,
                rec,
                ctx,
                resident,
                Procedure::PermanentResidence,
                None,
                *channel,
                *tokutei,
            ),
            Command::DecideExtension { decision, .. } => {
                let grant = match decision {
                    Outcome::Grant { new_expiry } => Some(Grant {
                        status: rec.status,
                        expiry: Some(*new_expiry),
                    }),
                    Outcome::Refuse => None,
                };
                Self::decide_application(d, rec, ctx, resident, Procedure::Extension, grant);
            }
            Command::DecideStatusChange { decision, .. } => {
                let to = rec
                    .pending
                    .as_ref()
                    .and_then(|p| p.to)
                    .unwrap_or(rec.status);
                let grant = match decision {
                    Outcome::Grant { new_expiry } => Some(Grant {
                        status: to,
                        expiry: Some(*new_expiry),
                    }),
                    Outcome::Refuse => None,
                };
                Self::decide_application(d, rec, ctx, resident, Procedure::StatusChange, grant);
            }
            Command::DecidePermanentResidence { grant, .. } => {
                let grant = grant.then_some(Grant {
                    status: Status::PermanentResident,
                    expiry: None,
                });
                Self::decide_application(
                    d,
                    rec,
                    ctx,
                    resident,
                    Procedure::PermanentResidence,
                    grant,
                );
            }
            Command::FileCardRenewal { tokutei, .. } => {
                d.push(visit(resident, Procedure::CardRenewal));
                Self::card_procedure(
                    d,
                    rec,
                    ctx,
                    resident,
                    Procedure::CardRenewal,
                    None,
                    *tokutei,
                    Office::ImmigrationBureau,
                    ctx.today(),
                );
            }
            Command::NotifyItemChange {
                item,
                changed_on,
                tokutei,
                ..
            } => {
                d.push(visit(resident, Procedure::ItemChange));
                if rec.status == Status::SpecialPermanentResident {
                    d.push(refused(
                        resident,
                        Procedure::ItemChange,
                        RefusalRule::WrongOfficeForStatus,
                    ));
                    return std::mem::take(d);
                }
                d.push(Event::ItemChangeNotified {
                    resident,
                    item: *item,
                    changed_on: *changed_on,
                });
                let deadline = Duty::ItemChangeNotification
                    .deadline(*changed_on, ctx.policy.switches.deadline_roll);
                if ctx.today() > deadline {
                    d.push(Event::DeadlineMissed {
                        resident,
                        duty: Duty::ItemChangeNotification,
                        deadline,
                        consequence: Consequence::PenaltyExposure,
                    });
                }
                Self::card_procedure(
                    d,
                    rec,
                    ctx,
                    resident,
                    Procedure::ItemChange,
                    None,
                    *tokutei,
                    Office::ImmigrationBureau,
                    ctx.today(),
                );
            }
            Command::RequestReissue {
                reason, tokutei, ..
            } => {
                let procedure = reason.procedure();
                d.push(visit(resident, procedure));
                Self::card_procedure(
                    d,
                    rec,
                    ctx,
                    resident,
                    procedure,
                    Some(*reason),
                    *tokutei,
                    Office::ImmigrationBureau,
                    ctx.today(),
                );
            }
            Command::Land { port, tokutei, .. } => {
                if rec.landed {
                    d.push(refused(
                        resident,
                        Procedure::Landing,
                        RefusalRule::NotExpectedHere,
                    ));
                    return std::mem::take(d);
                }
                let card_at_port = rules::card_handed_over_at_port(port);
                d.push(Event::Landed {
                    resident,
                    port: port.clone(),
                    card_at_port,
                });
                if *tokutei {
                    d.push(Self::tokutei_event(
                        rec,
                        ctx,
                        resident,
                        Procedure::Landing,
                        Channel::Airport,
                        Venue::Bureau,
                        ctx.today(),
                    ));
                }
                if card_at_port && rec.status.is_card_holding() {
                    let law = rules::card_law(ctx.policy, ctx.today());
                    let kind = rules::residence_document_kind(law, rec.status, false);
                    Self::issue(d, rec, ctx, resident, kind, rec.status, rec.period_expiry);
                }
            }
            Command::ApplyTokuteiAlone { .. } => {
                d.push(visit(resident, Procedure::TokuteiApplication));
                d.push(Event::TokuteiApplicationRefused {
                    resident,
                    attached_to: Procedure::TokuteiApplication,
                    rule: RefusalRule::TokuteiStandAlone,
                });
            }
            Command::CollectCard { .. } => Self::collect(d, rec, ctx, resident),
            // §5.12, §16.5: whether the bureau can reset a Tokutei card's PIN is unknown.
            Command::ResetPin { .. } => {
                d.push(visit(resident, Procedure::PinReset));
                let allowed = rec.holds_tokutei()
                    && ctx.policy.switches.tokutei_pin_reset
                        == TokuteiPinReset::BureauOrMunicipalWindow;
                d.push(if allowed {
                    Event::PinResetAtCounter { resident }
                } else {
                    refused(
                        resident,
                        Procedure::PinReset,
                        RefusalRule::PinResetOnlyAtMunicipality,
                    )
                });
            }
            _ => {}
        }
        std::mem::take(d)
    }

    fn decide_notice(&self, event: &Event, ctx: &Context<'_>) -> Decision {
        let mut d = Decision::none();
        let resident = event.resident();
        let Some(rec) = self.record(resident) else {
            return d;
        };
        match event {
            Event::TokuteiCardProduced { kind, .. } => {
                let at = rec.ready.map_or(Office::ImmigrationBureau, |r| r.at);
                d.push(Event::CardReadyForCollection {
                    resident,
                    kind: *kind,
                    at,
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
            // N1 after landing: the bureau learns the address; a card not handed over at the
            // port is issued now and mailed (§5.1 [A ISA-PORT]).
            Event::ResidenceNotified {
                municipality,
                address,
                ..
            } => {
                d.push(Event::AddressRecorded {
                    resident,
                    municipality: municipality.clone(),
                    address: address.clone(),
                });
                if rec.awaiting_card {
                    let law = rules::card_law(ctx.policy, ctx.today());
                    let kind = rules::residence_document_kind(law, rec.status, false);
                    Self::issue(
                        &mut d,
                        rec,
                        ctx,
                        resident,
                        kind,
                        rec.status,
                        rec.period_expiry,
                    );
                }
            }
            // N7: an application made at the municipal window.
            Event::ApplicationForwarded {
                procedure,
                tokutei,
                filed_on,
                ..
            } => match procedure {
                Procedure::SprCertificateRenewal => Self::card_procedure(
                    &mut d,
                    rec,
                    ctx,
                    resident,
                    *procedure,
                    None,
                    *tokutei,
                    Office::CityHall,
                    *filed_on,
                ),
                _ if *tokutei => {
                    let event = Self::tokutei_event(
                        rec,
                        ctx,
                        resident,
                        *procedure,
                        Channel::Counter,
                        Venue::Municipality(&rec.municipality),
                        *filed_on,
                    );
                    let accepted = matches!(event, Event::TokuteiApplicationAccepted { .. });
                    d.push(event);
                    // A standard card waiting at the counter is superseded by the Tokutei card
                    // ordered now (its grant, if any, takes effect at collection all the same);
                    // a Tokutei card already in production needs nothing more.
                    if accepted && !rec.ready.is_some_and(|r| r.kind.is_tokutei()) {
                        let at = match ctx.policy.switches.municipal_tokutei_pickup {
                            MunicipalTokuteiPickup::BureauCounter => Office::ImmigrationBureau,
                            MunicipalTokuteiPickup::MunicipalCounter => Office::CityHall,
                        };
                        // A granted application takes effect with this card.
                        let (status, expiry) = rec
                            .grant()
                            .map_or((rec.status, rec.period_expiry), |(_, g)| {
                                (g.status, g.expiry)
                            });
                        Self::produce(&mut d, rec, ctx, resident, status, expiry, true, at, None);
                    }
                }
                _ => {}
            },
            _ => {}
        }
        d
    }
}

impl StateMachine for ImmigrationBureau {
    const SERVICE: Service = Service::ImmigrationBureau;

    fn with_capacity(residents: usize) -> Self {
        ImmigrationBureau {
            records: ResidentTable::with_capacity(residents),
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
            self.records.insert(
                resident,
                Record {
                    born_on: *born_on,
                    status: *status,
                    period_expiry: *period_expiry,
                    card: card.clone(),
                    municipality: municipality.clone(),
                    address: address.clone(),
                    registered: *registered,
                    cards_issued: *cards_issued,
                    pending: None,
                    pending_pr: None,
                    card_procedure: None,
                    ready: None,
                    awaiting_card: false,
                    // A resident on record without a card has yet to land (§5.1).
                    landed: card.is_some() || !status.is_card_holding(),
                },
            );
            return;
        }
        let Some(rec) = self.record_mut(resident) else {
            return;
        };
        let new_pending = |procedure, channel, filed_on, to| Pending {
            procedure,
            filed_on,
            channel,
            tokutei: false,
            to,
            granted: None,
        };
        match event {
            Event::ExtensionApplied {
                channel, filed_on, ..
            } => rec.pending = Some(new_pending(Procedure::Extension, *channel, *filed_on, None)),
            Event::StatusChangeApplied {
                to,
                channel,
                filed_on,
                ..
            } => {
                rec.pending = Some(new_pending(
                    Procedure::StatusChange,
                    *channel,
                    *filed_on,
                    Some(*to),
                ))
            }
            Event::PermanentResidenceApplied {
                channel, filed_on, ..
            } => {
                rec.pending_pr = Some(new_pending(
                    Procedure::PermanentResidence,
                    *channel,
                    *filed_on,
                    None,
                ))
            }
            Event::TokuteiApplicationAccepted { attached_to, .. } => match attached_to {
                Procedure::PermanentResidence => {
                    if let Some(p) = rec.pending_pr.as_mut() {
                        p.tokutei = true;
                    }
                }
                Procedure::Extension | Procedure::StatusChange => {
                    if let Some(p) = rec.pending.as_mut() {
                        p.tokutei = true;
                    }
                }
                _ => {}
            },
            Event::ExtensionGranted { new_expiry, .. } => {
                if let Some(p) = rec.pending.as_mut() {
                    p.granted = Some(Grant {
                        status: rec.status,
                        expiry: Some(*new_expiry),
                    });
                }
            }
            Event::StatusChangeGranted { to, new_expiry, .. } => {
                if let Some(p) = rec.pending.as_mut() {
                    p.granted = Some(Grant {
                        status: *to,
                        expiry: Some(*new_expiry),
                    });
                }
            }
            Event::PermanentResidenceGranted { .. } => {
                if let Some(p) = rec.pending_pr.as_mut() {
                    p.granted = Some(Grant {
                        status: Status::PermanentResident,
                        expiry: None,
                    });
                }
            }
            Event::CardApplicationReceived { procedure, .. } => {
                rec.card_procedure = Some(*procedure)
            }
            Event::TokuteiCardRequested {
                kind, collect_at, ..
            } => {
                rec.ready = Some(Ready {
                    kind: *kind,
                    at: *collect_at,
                    producing: true,
                })
            }
            Event::CardReadyForCollection { kind, at, .. } => {
                rec.ready = Some(Ready {
                    kind: *kind,
                    at: *at,
                    producing: false,
                })
            }
            Event::PeriodOfStayExtended { new_expiry, .. } => {
                rec.period_expiry = Some(*new_expiry);
            }
            Event::StatusChanged { to, new_expiry, .. } => {
                rec.status = *to;
                rec.period_expiry = *new_expiry;
            }
            Event::ResidenceCardIssued { card, .. } => {
                rec.card = Some(card.clone());
                rec.cards_issued += 1;
                rec.ready = None;
                rec.card_procedure = None;
                rec.awaiting_card = false;
            }
            Event::Landed { card_at_port, .. } => {
                rec.landed = true;
                rec.awaiting_card = !card_at_port;
            }
            Event::AddressRecorded {
                municipality,
                address,
                ..
            } => {
                rec.municipality = municipality.clone();
                rec.address = address.clone();
                // A municipality relayed an address: the person is in its register (N1).
                rec.registered = true;
            }
            _ => {}
        }
        // A pending application ends by the one rule in model (refused, superseded, or granted
        // and its card issued). One card carries one grant: an extension's before a PR's.
        let ends = |p: &Option<Pending>| {
            p.as_ref().is_some_and(|p| {
                rules::pending_application_end(event, p.procedure, p.granted.is_some()).is_some()
            })
        };
        if ends(&rec.pending) {
            rec.pending = None;
        } else if ends(&rec.pending_pr) {
            rec.pending_pr = None;
        }
    }
}
