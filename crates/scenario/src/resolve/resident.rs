//! A resident's starting state as the file gives it: birth, status and period of stay, the
//! cards held (read through [`CardReader`] against the scenario's start and the policy), and a
//! pending application filed before the run. Every refusal names the value it is about.

use chrono::NaiveDate;
use model::calendar::add_years_clamped;
use model::command::FiledApplication;
use model::policy::{Policy, Regime};
use model::procedure::Procedure;
use model::profile::{CardInput, ProfileInput};
use model::service::Channel;
use model::status::Status;

use super::municipality::known_municipality;
use crate::format::{CardFile, PendingFile, PendingProcedure, ResidentFile};
use crate::node::{DeError, Located, Pos};
use crate::problem::{CardWord, Problem};

/// The status as written in files (`student`).
fn status_name(status: Status) -> String {
    serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{status:?}"))
}

/// Checks a resident entry and fills the defaults that depend on `start`.
pub(super) fn resident_input(
    r: ResidentFile,
    start: NaiveDate,
    policy: &Policy,
) -> Result<ProfileInput, DeError> {
    let born_on = r.born_on.value.0;
    if born_on > start {
        return Err(DeError::at(
            Problem::BornAfterStart { born_on, start },
            r.born_on.pos,
        ));
    }
    let status = r.status.value;
    let period_expiry = period_expiry(&r, born_on)?;
    let cards = CardReader {
        start,
        born_on,
        // A card issued a year before the run is the neutral default: old enough to be an
        // ordinary card, recent enough to be valid.
        default_issue: add_years_clamped(start, -1).max(born_on),
        policy,
        registered: r.registered,
    };
    let no_card = |card: CardWord, pos: Pos| {
        DeError::at(
            Problem::NoCardForStatus {
                status: status_name(status),
                card,
            },
            pos,
        )
    };
    // An arriving resident has nothing yet: the landing issues the card, the residence
    // notification registers them (§5.1).
    let arriving = r.arriving.as_ref().is_some_and(|a| a.value);
    if arriving {
        let extra = r
            .residence_card
            .as_ref()
            .map(|c| (c.pos, "residence_card"))
            .or(r.my_number_card.as_ref().map(|c| (c.pos, "my_number_card")));
        if let Some((pos, card)) = extra {
            return Err(DeError::at(Problem::ArrivingHoldsNo { card }, pos));
        }
    }
    let card = match (status.is_card_holding(), r.residence_card) {
        _ if arriving => None,
        (true, Some(c)) => Some(cards.read(c, "residence_card")?),
        (true, None) => Some(CardInput {
            issued_on: cards.default_issue,
            valid_through: None,
            tokutei: false,
        }),
        (false, Some(c)) => return Err(no_card(CardWord::ResidenceCard, c.pos)),
        (false, None) => None,
    };
    let my_number_card = match r.my_number_card {
        _ if arriving => None,
        Some(c) if !status.is_card_holding() => {
            return Err(no_card(CardWord::MyNumberCard, c.pos));
        }
        Some(c) if card.is_some_and(|c| c.tokutei) => {
            return Err(DeError::at(Problem::TokuteiHasMyNumber, c.pos));
        }
        Some(c) => Some(cards.read(c, "my_number_card")?),
        None => None,
    };
    let pending = match r.pending {
        Some(p) if arriving => {
            return Err(DeError::at(Problem::ArrivingPending, p.pos));
        }
        Some(p) => Some(pending_application(
            p.value,
            status,
            period_expiry,
            born_on,
            start,
        )?),
        None => None,
    };
    Ok(ProfileInput {
        name: r.name.unwrap_or_else(|| r.id.value.clone()),
        born_on,
        status,
        period_expiry,
        municipality: known_municipality(r.municipality)?,
        address: r.address,
        registered: r.registered && !arriving,
        card,
        my_number_card,
        pending,
    })
}

/// A resident's `pending:` application, checked against what the bureau would have accepted
/// when it was filed (`Case::file_application`): filed before the run and after the birth; an
/// extension or change of status only with a period of stay, filed by its expiry (no special
/// period otherwise, §9); a change of status names its new status, which is not permanent
/// residence (§5.6 is its own application); permanent residence not by a permanent resident.
fn pending_application(
    p: PendingFile,
    status: Status,
    period_expiry: Option<NaiveDate>,
    born_on: NaiveDate,
    start: NaiveDate,
) -> Result<FiledApplication, DeError> {
    let filed_on = p.filed_on.value.0;
    let at_filed = |problem: Problem| Err(DeError::at(problem, p.filed_on.pos));
    if filed_on >= start {
        return at_filed(Problem::PendingFromStart { start, filed_on });
    }
    if filed_on < born_on {
        return at_filed(Problem::FiledBeforeBirth { filed_on, born_on });
    }
    let procedure = match p.procedure.value {
        PendingProcedure::Extension => Procedure::Extension,
        PendingProcedure::StatusChange => Procedure::StatusChange,
        PendingProcedure::PermanentResidence => Procedure::PermanentResidence,
    };
    let at_procedure = |problem: Problem| Err(DeError::at(problem, p.procedure.pos));
    match (procedure, period_expiry) {
        (Procedure::PermanentResidence, _) if status == Status::PermanentResident => {
            return at_procedure(Problem::PermanentForPermanent);
        }
        (Procedure::PermanentResidence, _) => {}
        (_, None) => {
            return at_procedure(Problem::NoPeriodToExtend {
                status: status_name(status),
            });
        }
        (_, Some(expiry)) if filed_on > expiry => {
            return at_filed(Problem::FiledAfterExpiry { filed_on, expiry });
        }
        _ => {}
    }
    let to = match (procedure, p.to) {
        (Procedure::StatusChange, None) => {
            return at_procedure(Problem::StatusChangeNeedsTo);
        }
        (Procedure::StatusChange, Some(to)) if to.value == Status::PermanentResident => {
            return Err(DeError::at(Problem::PermanentIsItsOwn, to.pos));
        }
        (Procedure::StatusChange, Some(to)) => Some(to.value),
        (_, Some(to)) => {
            return Err(DeError::at(Problem::ToOnlyForChange, to.pos));
        }
        (_, None) => None,
    };
    let channel = match p.channel {
        Some(c) if c.value == Channel::Airport => {
            return Err(DeError::at(Problem::ApplicationAtPort, c.pos));
        }
        Some(c) => c.value,
        None => Channel::Counter,
    };
    Ok(FiledApplication {
        procedure,
        to,
        channel,
        filed_on,
    })
}

/// The period of stay's expiry: required exactly for the statuses that have one, and after the
/// birth.
fn period_expiry(r: &ResidentFile, born_on: NaiveDate) -> Result<Option<NaiveDate>, DeError> {
    let status = r.status.value;
    let expiry = match (status.has_period_of_stay(), &r.period_expiry) {
        (true, Some(e)) => e,
        (true, None) => {
            return Err(DeError::at(
                Problem::PeriodRequired {
                    status: status_name(status),
                },
                r.status.pos,
            ));
        }
        (false, Some(e)) => {
            return Err(DeError::at(
                Problem::NoPeriodForStatus {
                    status: status_name(status),
                },
                e.pos,
            ));
        }
        (false, None) => return Ok(None),
    };
    if expiry.value.0 <= born_on {
        return Err(DeError::at(
            Problem::ExpiryNotAfterBirth {
                expiry: expiry.value.0,
                born_on,
            },
            expiry.pos,
        ));
    }
    Ok(Some(expiry.value.0))
}

/// Reads the cards a resident holds at the start, against the scenario's start, the
/// resident's birth and the policy.
struct CardReader<'a> {
    start: NaiveDate,
    born_on: NaiveDate,
    default_issue: NaiveDate,
    policy: &'a Policy,
    registered: bool,
}

impl CardReader<'_> {
    /// One card (`what` names its key): issued between the birth and the start (by default a
    /// year before the start), valid from its issue, Tokutei only where the rules allow one.
    fn read(&self, card: Located<CardFile>, what: &'static str) -> Result<CardInput, DeError> {
        let (start, born_on, policy) = (self.start, self.born_on, self.policy);
        let issued_on = match card.value.issued_on {
            Some(d) => {
                let v = d.value.0;
                if v > start {
                    return Err(DeError::at(
                        Problem::IssuedAfterStart {
                            card: what,
                            issued_on: v,
                            start,
                        },
                        d.pos,
                    ));
                }
                if v < born_on {
                    return Err(DeError::at(
                        Problem::IssuedBeforeBirth {
                            card: what,
                            issued_on: v,
                            born_on,
                        },
                        d.pos,
                    ));
                }
                v
            }
            None => self.default_issue,
        };
        let valid_through = match card.value.valid_through {
            Some(d) if d.value.0 < issued_on => {
                return Err(DeError::at(
                    Problem::ValidBeforeIssued {
                        card: what,
                        valid_through: d.value.0,
                        issued_on,
                    },
                    d.pos,
                ));
            }
            Some(d) => Some(d.value.0),
            None => None,
        };
        let tokutei = match card.value.tokutei {
            Some(t) if t.value && what != "residence_card" => {
                return Err(DeError::at(Problem::TokuteiNotHere { card: what }, t.pos));
            }
            Some(t) if t.value && policy.regime != Regime::Integrated => {
                return Err(DeError::at(Problem::TokuteiNeedsIntegrated, t.pos));
            }
            Some(t) if t.value && issued_on < policy.bureau_counters_from => {
                return Err(DeError::at(
                    Problem::TokuteiTooEarly {
                        from: policy.bureau_counters_from,
                        issued_on,
                    },
                    t.pos,
                ));
            }
            Some(t) if t.value && !self.registered => {
                return Err(DeError::at(Problem::TokuteiNeedsRegister, t.pos));
            }
            Some(t) => t.value,
            None => false,
        };
        Ok(CardInput {
            issued_on,
            valid_through,
            tokutei,
        })
    }
}
