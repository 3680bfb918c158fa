//! Residence applications: filing an extension (docs/domain.md §5.4), a change of status (§5.5),
//! a permanent residence application (§5.6) or a newborn's status acquisition (§5.15), the
//! bureau's decision on it (an input, not
//! simulated judgement), and the grant's legal effect — on the decision day or when the new card
//! is issued, per the policy (docs/decisions/0004).

use chrono::NaiveDate;
use model::command::Decision as Outcome;
use model::event::Event;
use model::ids::ResidentId;
use model::policy::DispositionAt;
use model::procedure::Procedure;
use model::rules::{self, Duty, RefusalRule, Venue};
use model::service::{Channel, Office};
use model::status::Status;

use crate::Case;
use crate::record::Grant;

/// The event that records a residence application received: an extension, a change of status
/// to `to`, or permanent residence, filed on `filed_on` while the period ran to `expiry`.
pub(crate) fn applied(
    resident: ResidentId,
    procedure: Procedure,
    to: Option<Status>,
    channel: Channel,
    filed_on: NaiveDate,
    expiry: Option<NaiveDate>,
) -> Event {
    match (procedure, to) {
        (Procedure::StatusChange, Some(to)) => Event::StatusChangeApplied {
            resident,
            to,
            channel,
            filed_on,
            expiry_at_filing: expiry,
        },
        (Procedure::PermanentResidence, _) => Event::PermanentResidenceApplied {
            resident,
            channel,
            filed_on,
        },
        _ => Event::ExtensionApplied {
            resident,
            channel,
            filed_on,
            expiry_at_filing: expiry,
        },
    }
}

impl Case<'_> {
    /// Files an extension or a change of status (§5.4, §5.5) or a PR application (§5.6).
    pub(crate) fn file_application(
        &mut self,
        procedure: Procedure,
        to: Option<Status>,
        channel: Channel,
        tokutei: bool,
    ) {
        let (rec, resident, today) = (self.rec, self.resident, self.ctx.today());
        if channel == Channel::Counter {
            self.visit(procedure);
        }
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
            self.refuse(procedure, rule);
            return;
        }
        self.push(applied(
            resident,
            procedure,
            to,
            channel,
            today,
            rec.period_expiry,
        ));
        if tokutei {
            let event = self.tokutei_event(procedure, channel, Venue::Bureau, today);
            self.push(event);
        }
    }

    /// The decision on an extension: the same status with a new period, or a refusal.
    pub(crate) fn decide_extension(&mut self, decision: Outcome) {
        let grant = match decision {
            Outcome::Grant { new_expiry } => Some(Grant {
                status: self.rec.status,
                expiry: Some(new_expiry),
            }),
            Outcome::Refuse => None,
        };
        self.decide_application(Procedure::Extension, grant);
    }

    /// The decision on a change of status: the status applied for with a new period.
    pub(crate) fn decide_status_change(&mut self, decision: Outcome) {
        let rec = self.rec;
        let to = rec
            .pending
            .as_ref()
            .and_then(|p| p.to)
            .unwrap_or(rec.status);
        let grant = match decision {
            Outcome::Grant { new_expiry } => Some(Grant {
                status: to,
                expiry: Some(new_expiry),
            }),
            Outcome::Refuse => None,
        };
        self.decide_application(Procedure::StatusChange, grant);
    }

    /// 在留資格取得許可申請 (§5.15): a child born in Japan, still a transitional stayer, applies
    /// for status `to` within the 60 days it may stay without one (22条の2①); after the 30 days of
    /// 22条の2② the application is received with the delay flagged (§10). A Tokutei application
    /// may ride on it (§5.15 [C], switch `tokutei_with_status_acquisition`).
    pub(crate) fn file_status_acquisition(&mut self, to: Status, tokutei: bool) {
        let (rec, resident, today) = (self.rec, self.resident, self.ctx.today());
        let procedure = Procedure::StatusAcquisition;
        self.visit(procedure);
        let refusal = if rec.status != Status::TransitionalStayer || !to.is_card_holding() {
            Some(RefusalRule::NotExpectedHere)
        } else if to == Status::SpecialPermanentResident {
            // A special permanent resident's child applies at the municipality (入管特例法4条).
            Some(RefusalRule::WrongOfficeForStatus)
        } else if rec.pending.is_some() {
            Some(RefusalRule::AlreadyPending)
        } else if today > rules::stay_without_status_ends(rec.born_on) {
            Some(RefusalRule::StatusAcquisitionAfterSixtyDays {
                born_on: rec.born_on,
            })
        } else {
            None
        };
        if let Some(rule) = refusal {
            self.refuse(procedure, rule);
            return;
        }
        self.push(Event::StatusAcquisitionApplied {
            resident,
            to,
            filed_on: today,
        });
        let roll = self.ctx.policy.switches.deadline_roll;
        if let Some(late) =
            Duty::StatusAcquisitionApplication.late_filing(resident, rec.born_on, today, roll)
        {
            self.push(late);
        }
        if tokutei {
            let event = self.tokutei_event(procedure, Channel::Counter, Venue::Bureau, today);
            self.push(event);
        }
    }

    /// The decision on a status acquisition: the status applied for, with a period of stay when
    /// the status has one.
    pub(crate) fn decide_status_acquisition(&mut self, decision: Outcome) {
        let to = self
            .rec
            .pending
            .as_ref()
            .and_then(|p| p.to)
            .unwrap_or(self.rec.status);
        let grant = match decision {
            Outcome::Grant { new_expiry } => Some(Grant {
                status: to,
                expiry: to.has_period_of_stay().then_some(new_expiry),
            }),
            Outcome::Refuse => None,
        };
        self.decide_application(Procedure::StatusAcquisition, grant);
    }

    /// The decision on a permanent residence application: a status without a period.
    pub(crate) fn decide_permanent_residence(&mut self, grant: bool) {
        let grant = grant.then_some(Grant {
            status: Status::PermanentResident,
            expiry: None,
        });
        self.decide_application(Procedure::PermanentResidence, grant);
    }

    /// Decides a pending residence application: grants change the card, refusals end it.
    fn decide_application(&mut self, procedure: Procedure, grant: Option<Grant>) {
        let (rec, resident, ctx) = (self.rec, self.resident, self.ctx);
        let pending = match procedure {
            Procedure::PermanentResidence => rec.pending_pr.as_ref(),
            _ => rec.pending.as_ref().filter(|p| p.procedure == procedure),
        };
        let Some(pending) = pending.filter(|p| p.granted.is_none()) else {
            self.refuse(procedure, RefusalRule::NothingPending);
            return;
        };
        let Some(grant) = grant else {
            self.push(match procedure {
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
        self.push(match procedure {
            Procedure::StatusChange => Event::StatusChangeGranted {
                resident,
                to: grant.status,
                new_expiry: grant.expiry.unwrap_or(ctx.today()),
            },
            Procedure::PermanentResidence => Event::PermanentResidenceGranted { resident },
            Procedure::StatusAcquisition => Event::StatusAcquisitionGranted {
                resident,
                to: grant.status,
                new_expiry: grant.expiry,
            },
            _ => Event::ExtensionGranted {
                resident,
                new_expiry: grant.expiry.unwrap_or(ctx.today()),
            },
        });
        if ctx.policy.switches.disposition_at == DispositionAt::Decision {
            self.take_effect(procedure, grant);
        }
        // A Tokutei holder's new card stays a Tokutei card (§8.6; C: the sources describe only
        // first applications).
        let tokutei = pending.tokutei || rec.holds_tokutei();
        // An online application's card is mailed (§5 "Card by post"); a Tokutei card, never
        // applied for online, is collected at a counter.
        if !tokutei && rules::card_by_post(ctx.policy, pending.channel) {
            self.mail_card(grant.status);
        } else {
            let at = rules::collected_at(ctx.policy, grant.status, Office::ImmigrationBureau);
            self.produce(grant.status, grant.expiry, tokutei, at, None);
        }
    }

    /// The legal effect of a grant: a new period or a new status (N3).
    pub(crate) fn take_effect(&mut self, procedure: Procedure, grant: Grant) {
        let (rec, resident) = (self.rec, self.resident);
        match procedure {
            Procedure::Extension => self.push(Event::PeriodOfStayExtended {
                resident,
                previous_expiry: rec.period_expiry,
                new_expiry: grant.expiry.unwrap_or_default(),
            }),
            _ => {
                self.push(Event::StatusChanged {
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
                    self.push(Event::ApplicationSuperseded {
                        resident,
                        procedure: p.procedure,
                    });
                }
            }
        }
    }
}
