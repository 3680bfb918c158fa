//! The office-visit table: for every procedure, which offices a resident must visit under each
//! regime — the simulator's own version of the guide's "current system vs after Tokutei" table
//! (docs/domain.md §17), generated from simulations rather than written down.
//!
//! Each row is a small case: one resident, the procedure's own steps, and a goal the resident
//! needs at the end (a valid residence card; and, for a resident who had My Number functions,
//! functions that are usable and valid as long as the rules allow — the lawful stay, capped per
//! §8.4). The case is first run with the procedure alone. If the goal is not met, the resident's
//! possible follow-ups (the legacy My Number validity change at city hall) are added one at a
//! time until it is. The offices of the first run that meets the goal are the answer; a row
//! whose goal cannot be met says so. Under the integrated regime the resident opts in: a Tokutei
//! application is attached wherever the rules allow one, or the resident already holds the card.

use chrono::{Days, NaiveDate};
use model::card::{CardKind, Certificates, MyNumberCard, ResidenceCard};
use model::card_number::ResidenceCardNumber;
use model::command::{Command, Decision, ResidentProfile};
use model::ids::ResidentId;
use model::mynumber::MyNumber;
use model::policy::{Policy, Regime};
use model::procedure::{ChangedItem, Procedure, ReissueReason};
use model::service::{Channel, Office};
use model::status::Status;
use model::time::{SimTime, opening_time};
use model::validity;

use crate::scheduler::{RunInput, RunOptions, Scripted, SimError, run};
use projection::CardRecord;
use projection::office_table::{Outcome, Row};

const R: ResidentId = ResidentId(0);
const SEED: u64 = 1;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

/// A case: a resident and the procedure's steps under a regime.
struct Case {
    profile: ResidentProfile,
    steps: Vec<(SimTime, Command)>,
    /// Whether the goal includes usable My Number functions.
    needs_functions: bool,
}

fn profile(
    status: Status,
    expiry: Option<NaiveDate>,
    tokutei: bool,
    my_number: bool,
) -> ResidentProfile {
    let card_issued = d(2023, 9, 25);
    let spr = status == Status::SpecialPermanentResident;
    let kind = if tokutei && spr {
        CardKind::TokuteiSprCertificate
    } else if tokutei {
        CardKind::TokuteiResidenceCard
    } else if spr {
        CardKind::SprCertificate
    } else {
        CardKind::ResidenceCard
    };
    let (card_issued, card_through) = match (tokutei, status) {
        (true, _) => (d(2026, 6, 20), expiry.unwrap_or(d(2036, 6, 20))),
        (false, Status::PermanentResident) => (d(2019, 11, 20), d(2026, 11, 19)),
        (false, Status::SpecialPermanentResident) => (d(2019, 9, 10), d(2026, 10, 5)),
        _ => (card_issued, expiry.unwrap_or(d(2030, 1, 1))),
    };
    let born_on = d(1980, 10, 5);
    let my_number_card = (my_number && !tokutei).then(|| MyNumberCard {
        issued_on: d(2023, 10, 10),
        valid_through: validity::my_number_card_valid_through(
            status.card_category(),
            born_on,
            d(2023, 10, 10),
            expiry,
        ),
    });
    let functions_through = my_number_card
        .map(|c| c.valid_through)
        .or(tokutei.then_some(card_through));
    ResidentProfile {
        name: "resident".into(),
        born_on,
        status,
        period_expiry: expiry,
        municipality: "setagaya".into(),
        address: "1-1 Kitazawa".into(),
        registered: true,
        my_number: MyNumber::generate(SEED, 0),
        residence_card: Some(ResidenceCard {
            kind,
            number: ResidenceCardNumber::generate(SEED, 0, 1),
            issued_on: card_issued,
            valid_through: card_through,
        }),
        my_number_card,
        certificates: Certificates {
            signature_through: functions_through,
            user_auth_through: functions_through,
        },
        cards_issued: 1,
        pending: None,
    }
}

/// `p` before a first registration: no residence card or certificate yet, not in the register
/// (an arrival before the first notification, a visitor before a change of status, a newborn).
fn unregistered(mut p: ResidentProfile) -> ResidentProfile {
    p.residence_card = None;
    p.registered = false;
    p.cards_issued = 0;
    p.certificates = Certificates::default();
    p
}

fn at(y: i32, m: u32, day: u32) -> SimTime {
    opening_time(d(y, m, day))
}

/// A special permanent resident whose certificate is valid well past the table's year (a
/// certificate to renew is [`profile`]'s), holding a Tokutei SPR certificate if `tokutei`.
fn spr_profile(tokutei: bool) -> ResidentProfile {
    let mut p = profile(Status::SpecialPermanentResident, None, tokutei, true);
    if let Some(card) = p.residence_card.as_mut() {
        card.issued_on = d(2023, 10, 10);
        card.valid_through = d(2033, 10, 5);
    }
    if tokutei {
        p.certificates = Certificates {
            signature_through: Some(d(2028, 10, 5)),
            user_auth_through: Some(d(2033, 10, 5)),
        };
    }
    p
}

/// The case for a special permanent resident's `procedure`, filed at the municipality (§5.8):
/// an item change, a reissue, a reissue after loss (the police report first, and under the
/// integrated regime the call to suspend the lost Tokutei SPR certificate).
fn spr_case(procedure: Procedure, tokutei: bool) -> Option<Case> {
    let mut steps = Vec::new();
    let command = match procedure {
        Procedure::ItemChange => Command::NotifyItemChange {
            resident: R,
            item: ChangedItem::Name,
            changed_on: d(2026, 8, 25),
            tokutei: false,
            at_city_hall: true,
        },
        Procedure::Reissue => Command::RequestReissue {
            resident: R,
            reason: ReissueReason::Damaged,
            tokutei: false,
            at_city_hall: true,
        },
        Procedure::LossReissue => {
            steps = before_loss_reissue(tokutei);
            loss_reissue(true)
        }
        _ => return None,
    };
    steps.push((at(2026, 9, 3), command));
    Some(Case {
        profile: spr_profile(tokutei),
        steps,
        needs_functions: true,
    })
}

/// What a resident who lost the card on 2026-09-01 does before asking for a reissue: the call
/// to suspend a Tokutei card's functions (§5.11), then the police report on 09-02.
fn before_loss_reissue(tokutei: bool) -> Vec<(SimTime, Command)> {
    let mut steps = Vec::new();
    if tokutei {
        steps.push((
            at(2026, 9, 1),
            Command::SuspendMyNumberFunctions { resident: R },
        ));
    }
    steps.push((
        at(2026, 9, 2),
        Command::ReportLoss {
            resident: R,
            lost_on: d(2026, 9, 1),
        },
    ));
    steps
}

/// The reissue after that loss, with the police report's day; an SPR's at the municipality.
fn loss_reissue(at_city_hall: bool) -> Command {
    Command::RequestReissue {
        resident: R,
        reason: ReissueReason::Lost {
            learned_on: d(2026, 9, 1),
            reported_on: Some(d(2026, 9, 2)),
        },
        tokutei: false,
        at_city_hall,
    }
}

/// The case for `procedure` under a regime (`tokutei`: the integrated resident opts in).
fn case(procedure: Procedure, tokutei: bool) -> Option<Case> {
    let engineer = Status::EngineerSpecialistHumanities;
    let expiry = Some(d(2026, 9, 30));
    let grant = Decision::Grant {
        new_expiry: d(2029, 9, 30),
    };
    let c = |profile, steps, needs_functions| {
        Some(Case {
            profile,
            steps,
            needs_functions,
        })
    };
    match procedure {
        // Leaving for good (§5.14): the notice of a move abroad on a Friday, leaving the next
        // Tuesday afternoon from Narita.
        Procedure::Departure => c(
            profile(engineer, Some(d(2029, 9, 30)), tokutei, true),
            vec![
                (
                    at(2026, 9, 25),
                    Command::NotifyDeparture {
                        resident: R,
                        leaves_on: d(2026, 9, 29),
                    },
                ),
                (
                    at(2026, 9, 29) + chrono::Duration::hours(5),
                    Command::Depart {
                        resident: R,
                        port: "narita".into(),
                    },
                ),
            ],
            false,
        ),
        Procedure::Extension => c(
            profile(engineer, expiry, false, true),
            vec![
                (
                    at(2026, 9, 1),
                    Command::FileExtension {
                        resident: R,
                        channel: Channel::Counter,
                        tokutei,
                    },
                ),
                (
                    at(2026, 9, 8),
                    Command::DecideExtension {
                        resident: R,
                        decision: grant,
                        decided_on: None,
                    },
                ),
            ],
            true,
        ),
        Procedure::StatusChange => c(
            profile(Status::Student, expiry, false, true),
            vec![
                (
                    at(2026, 9, 1),
                    Command::FileStatusChange {
                        resident: R,
                        to: engineer,
                        channel: Channel::Counter,
                        tokutei,
                    },
                ),
                (
                    at(2026, 9, 8),
                    Command::DecideStatusChange {
                        resident: R,
                        decision: grant,
                        decided_on: None,
                    },
                ),
            ],
            true,
        ),
        Procedure::PermanentResidence => c(
            profile(Status::SpouseOfJapanese, Some(d(2027, 3, 31)), false, true),
            vec![
                (
                    at(2026, 8, 3),
                    Command::FilePermanentResidence {
                        resident: R,
                        channel: Channel::Counter,
                        tokutei,
                    },
                ),
                (
                    at(2026, 8, 20),
                    Command::DecidePermanentResidence {
                        resident: R,
                        grant: true,
                        decided_on: None,
                    },
                ),
            ],
            true,
        ),
        Procedure::CardRenewal => c(
            profile(Status::PermanentResident, None, false, true),
            vec![(
                at(2026, 10, 1),
                Command::FileCardRenewal {
                    resident: R,
                    tokutei,
                },
            )],
            true,
        ),
        Procedure::SprCertificateRenewal => c(
            profile(Status::SpecialPermanentResident, None, false, true),
            vec![(
                at(2026, 9, 1),
                Command::RenewSprCertificate {
                    resident: R,
                    tokutei,
                },
            )],
            true,
        ),
        Procedure::ItemChange => c(
            profile(engineer, Some(d(2029, 9, 30)), tokutei, true),
            vec![(
                at(2026, 9, 1),
                Command::NotifyItemChange {
                    resident: R,
                    item: ChangedItem::Name,
                    changed_on: d(2026, 8, 25),
                    tokutei: false,
                    at_city_hall: false,
                },
            )],
            true,
        ),
        // A short-term visitor, not registered and holding no card, whom a change of status
        // makes a mid-to-long-term resident: the 19条の8 notification follows the new card
        // (§5.5); with a Tokutei application under the integrated regime.
        Procedure::ResidenceNotificationAfterStatusChange => {
            let p = unregistered(profile(Status::TemporaryVisitor, expiry, false, false));
            c(
                p,
                vec![
                    (
                        at(2026, 9, 1),
                        Command::FileStatusChange {
                            resident: R,
                            to: Status::SpouseOfJapanese,
                            channel: Channel::Counter,
                            tokutei: false,
                        },
                    ),
                    (
                        at(2026, 9, 8),
                        Command::DecideStatusChange {
                            resident: R,
                            decision: grant,
                            decided_on: None,
                        },
                    ),
                    (
                        at(2026, 9, 14),
                        Command::NotifyResidence {
                            resident: R,
                            municipality: "setagaya".into(),
                            address: "2-2 Daita".into(),
                            born_on: d(1980, 10, 5),
                            status: Status::TemporaryVisitor,
                            period_expiry: expiry,
                            // What the resident presents is the card in hand (the agent).
                            due_from: None,
                            after_status_change: true,
                            card: None,
                            tokutei,
                        },
                    ),
                ],
                tokutei,
            )
        }
        Procedure::Reissue => c(
            profile(engineer, Some(d(2029, 9, 30)), tokutei, true),
            vec![(
                at(2026, 9, 1),
                Command::RequestReissue {
                    resident: R,
                    reason: ReissueReason::Damaged,
                    tokutei: false,
                    at_city_hall: false,
                },
            )],
            true,
        ),
        Procedure::LossReissue => {
            let mut steps = before_loss_reissue(tokutei);
            steps.push((at(2026, 9, 3), loss_reissue(false)));
            c(
                profile(engineer, Some(d(2029, 9, 30)), tokutei, true),
                steps,
                true,
            )
        }
        Procedure::MoveWithinMunicipality => c(
            profile(engineer, Some(d(2029, 9, 30)), tokutei, true),
            vec![(
                at(2026, 9, 11),
                Command::NotifyMoveWithinMunicipality {
                    resident: R,
                    address: "5-3-1 Sangenjaya".into(),
                    moved_on: d(2026, 9, 5),
                    tokutei: false,
                },
            )],
            true,
        ),
        Procedure::MoveIn => c(
            profile(engineer, Some(d(2029, 9, 30)), tokutei, true),
            vec![
                (
                    at(2026, 9, 1),
                    Command::NotifyMoveOut {
                        resident: R,
                        to: "yokohama-naka".into(),
                        planned_on: d(2026, 9, 5),
                        card_based: false,
                    },
                ),
                (
                    at(2026, 9, 8),
                    Command::NotifyMoveIn {
                        resident: R,
                        municipality: "yokohama-naka".into(),
                        address: "3-1 Yamashita-cho".into(),
                        moved_on: d(2026, 9, 5),
                        present_my_number_card: true,
                        tokutei: false,
                    },
                ),
            ],
            true,
        ),
        Procedure::ResidenceNotification => {
            let p = unregistered(profile(engineer, Some(d(2027, 8, 31)), false, false));
            let card = Some((
                CardKind::NewFormatResidenceCard,
                ResidenceCardNumber::generate(SEED, 0, 1),
            ));
            c(
                p,
                vec![
                    (
                        at(2026, 9, 1),
                        Command::Land {
                            resident: R,
                            port: "narita".into(),
                            tokutei: false,
                        },
                    ),
                    (
                        at(2026, 9, 7),
                        Command::NotifyResidence {
                            resident: R,
                            municipality: "setagaya".into(),
                            address: "1-1 Kitazawa".into(),
                            born_on: d(1980, 10, 5),
                            status: engineer,
                            period_expiry: Some(d(2027, 8, 31)),
                            due_from: Some(d(2026, 9, 1)),
                            after_status_change: false,
                            card,
                            tokutei,
                        },
                    ),
                ],
                // A new arrival has no My Number card to keep; with a Tokutei application the
                // goal includes the functions.
                tokutei,
            )
        }
        // A child born in Japan: the birth notification registers it, the application at the
        // bureau gives it a status and a card (§5.15); with a Tokutei application under the
        // integrated regime.
        Procedure::StatusAcquisition => {
            let born_on = d(2026, 8, 28);
            let mut p = unregistered(profile(Status::TransitionalStayer, None, false, false));
            p.born_on = born_on;
            c(
                p,
                vec![
                    (
                        at(2026, 9, 1),
                        Command::NotifyBirth {
                            resident: R,
                            municipality: "setagaya".into(),
                            address: "1-1 Kitazawa".into(),
                            born_on,
                        },
                    ),
                    (
                        at(2026, 9, 8),
                        Command::FileStatusAcquisition {
                            resident: R,
                            to: Status::Dependent,
                            tokutei,
                        },
                    ),
                    (
                        at(2026, 9, 15),
                        Command::DecideStatusAcquisition {
                            resident: R,
                            decision: grant,
                            decided_on: None,
                        },
                    ),
                ],
                // A newborn has no My Number card to keep; with a Tokutei application the goal
                // includes the functions.
                tokutei,
            )
        }
        _ => None,
    }
}

/// The follow-ups a resident can add, with the day they would do it.
fn follow_ups() -> [(Procedure, Command); 1] {
    [(
        Procedure::MyNumberValidityChange,
        Command::RequestMyNumberValidityChange {
            resident: R,
            presented_expiry: None,
        },
    )]
}

/// Whether a resident who left for good (§5.14) left cleanly: no card valid and no My Number
/// functions usable at the end, nothing left behind to collect.
fn left_cleanly(rec: &CardRecord, end: NaiveDate, policy: &Policy) -> bool {
    let switch = policy.switches.validity.special_period_my_number;
    rec.cards_valid_on(end).is_empty()
        && !rec.my_number_usable(end, switch)
        && rec.card_ready.is_none()
}

/// Whether the resident ends the case with what they need.
fn goal_met(rec: &CardRecord, end: NaiveDate, needs_functions: bool, policy: &Policy) -> bool {
    let card_ok = rec
        .residence_card
        .as_ref()
        .is_some_and(|c| c.valid_through >= end);
    if !needs_functions {
        return card_ok;
    }
    let switch = policy.switches.validity.special_period_my_number;
    if !rec.my_number_usable(end, switch) {
        return false;
    }
    // The functions must last as long as the rules allow: the lawful stay, capped for a
    // separate card by the 10th/5th birthday after its issuance (§8.4).
    let through = match (rec.my_number_card, rec.tokutei_functions) {
        (_, Some(f)) if f.valid_through >= end => f.valid_through,
        (Some(c), _) => c.card.valid_through,
        _ => return false,
    };
    let stay = rec.bureau.period_expiry;
    let wanted = match (rec.my_number_card, rec.bureau.status, rec.born_on) {
        (Some(c), Some(status), Some(born)) if rec.tokutei_functions.is_none() => {
            validity::my_number_card_valid_through(
                status.card_category(),
                born,
                c.card.issued_on,
                stay,
            )
        }
        _ => stay.unwrap_or(through),
    };
    card_ok && through >= wanted
}

fn run_case(
    case: &Case,
    policy: &Policy,
    extra: &[(SimTime, Command)],
) -> Result<CardRecord, SimError> {
    let start = d(2026, 7, 1);
    let until = d(2026, 12, 31);
    let mut steps: Vec<(SimTime, Command)> = case.steps.iter().chain(extra).cloned().collect();
    steps.sort_by_key(|(t, _)| *t);
    let residents = Scripted {
        residents: vec![case.profile.clone()],
        steps,
        supply_follow_ups: false,
    };
    let out = run(
        RunInput {
            residents: &residents,
            start,
            until,
            policy: policy.clone(),
            seed: SEED,
        },
        RunOptions {
            keep_log: false,
            ..RunOptions::default()
        },
    )?;
    Ok(out
        .projections
        .records
        .into_iter()
        .next()
        .unwrap_or_default())
}

/// The outcome of `procedure` under `regime`: a special permanent resident's (`spr`), or
/// another resident's.
fn outcome(procedure: Procedure, spr: bool, regime: Regime) -> Result<Option<Outcome>, SimError> {
    let tokutei = regime == Regime::Integrated;
    let case = if spr {
        spr_case(procedure, tokutei)
    } else {
        case(procedure, tokutei)
    };
    let Some(case) = case else {
        return Ok(None);
    };
    let policy = Policy::with_regime(regime);
    let end = d(2026, 12, 31);
    let last_step = case
        .steps
        .iter()
        .map(|(t, _)| *t)
        .max()
        .unwrap_or(at(2026, 9, 1));
    // Follow-ups come a week after the procedure's last step, when the new card is in hand.
    let when = last_step
        .checked_add_days(Days::new(7))
        .unwrap_or(last_step);
    let met = |rec: &CardRecord| {
        if procedure == Procedure::Departure {
            left_cleanly(rec, end, &policy)
        } else {
            goal_met(rec, end, case.needs_functions, &policy)
        }
    };
    let mut extra: Vec<(SimTime, Command)> = Vec::new();
    let mut added = Vec::new();
    let mut rec = run_case(&case, &policy, &extra)?;
    for (follow_up, command) in follow_ups() {
        if met(&rec) {
            break;
        }
        // A validity change needs a separate My Number card to change.
        if follow_up == Procedure::MyNumberValidityChange && rec.my_number_card.is_none() {
            continue;
        }
        extra.push((when, command));
        added.push(follow_up);
        rec = run_case(&case, &policy, &extra)?;
    }
    let visits = Office::ALL
        .iter()
        .map(|o| (*o, rec.visits_to(*o)))
        .filter(|(_, n)| *n > 0)
        .collect();
    Ok(Some(Outcome {
        visits,
        goal_met: met(&rec),
        follow_ups: added,
    }))
}

/// The rows of the table, in procedure order: every procedure a resident files, then a special
/// permanent resident's certificate procedures at the municipality (§5.8).
pub fn office_table() -> Result<Vec<Row>, SimError> {
    let rows = [
        (Procedure::ResidenceNotification, false),
        (Procedure::MoveWithinMunicipality, false),
        (Procedure::MoveIn, false),
        (Procedure::Extension, false),
        (Procedure::StatusChange, false),
        (Procedure::ResidenceNotificationAfterStatusChange, false),
        (Procedure::PermanentResidence, false),
        (Procedure::CardRenewal, false),
        (Procedure::ItemChange, false),
        (Procedure::Reissue, false),
        (Procedure::LossReissue, false),
        (Procedure::Departure, false),
        (Procedure::StatusAcquisition, false),
        (Procedure::SprCertificateRenewal, false),
        (Procedure::ItemChange, true),
        (Procedure::Reissue, true),
        (Procedure::LossReissue, true),
    ];
    let mut out = Vec::new();
    for (procedure, spr) in rows {
        let (Some(legacy), Some(integrated)) = (
            outcome(procedure, spr, Regime::Legacy)?,
            outcome(procedure, spr, Regime::Integrated)?,
        ) else {
            continue;
        };
        out.push(Row {
            procedure,
            spr,
            legacy,
            integrated,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offices(o: &Outcome) -> Vec<Office> {
        o.visits.iter().map(|(o, _)| *o).collect()
    }

    #[test]
    fn after_an_extension_legacy_needs_bureau_and_city_hall_integrated_only_the_bureau() {
        let legacy = outcome(Procedure::Extension, false, Regime::Legacy)
            .unwrap()
            .unwrap();
        assert_eq!(
            offices(&legacy),
            vec![Office::ImmigrationBureau, Office::CityHall]
        );
        assert_eq!(legacy.follow_ups, vec![Procedure::MyNumberValidityChange]);
        assert!(legacy.goal_met);
        let integrated = outcome(Procedure::Extension, false, Regime::Integrated)
            .unwrap()
            .unwrap();
        assert_eq!(offices(&integrated), vec![Office::ImmigrationBureau]);
        assert!(integrated.follow_ups.is_empty());
        assert!(integrated.goal_met);
    }

    #[test]
    fn leaving_for_good_needs_the_city_hall_only_and_leaves_no_valid_card_under_both_regimes() {
        for regime in [Regime::Legacy, Regime::Integrated] {
            let o = outcome(Procedure::Departure, false, regime)
                .unwrap()
                .unwrap();
            assert_eq!(offices(&o), vec![Office::CityHall]);
            assert!(o.goal_met, "{regime:?}");
            assert!(o.follow_ups.is_empty());
        }
    }

    #[test]
    fn a_move_within_the_municipality_needs_the_city_hall_under_both_regimes() {
        for regime in [Regime::Legacy, Regime::Integrated] {
            let o = outcome(Procedure::MoveWithinMunicipality, false, regime)
                .unwrap()
                .unwrap();
            assert_eq!(offices(&o), vec![Office::CityHall]);
            assert!(o.goal_met);
        }
    }

    #[test]
    fn a_non_address_item_change_is_a_bureau_procedure_under_both_regimes() {
        for regime in [Regime::Legacy, Regime::Integrated] {
            let o = outcome(Procedure::ItemChange, false, regime)
                .unwrap()
                .unwrap();
            assert_eq!(offices(&o), vec![Office::ImmigrationBureau]);
            assert!(o.goal_met);
        }
    }

    #[test]
    fn after_a_change_of_status_the_new_resident_notifies_the_city_hall_under_both_regimes() {
        for regime in [Regime::Legacy, Regime::Integrated] {
            let o = outcome(
                Procedure::ResidenceNotificationAfterStatusChange,
                false,
                regime,
            )
            .unwrap()
            .unwrap();
            assert_eq!(
                offices(&o),
                vec![Office::ImmigrationBureau, Office::CityHall]
            );
            assert!(o.goal_met, "{regime:?}");
        }
    }

    #[test]
    fn a_lost_tokutei_card_leaves_the_functions_unrestored_by_default() {
        let o = outcome(Procedure::LossReissue, false, Regime::Integrated)
            .unwrap()
            .unwrap();
        assert!(!o.goal_met);
        assert!(offices(&o).contains(&Office::Police));
    }

    #[test]
    fn a_special_permanent_resident_s_item_change_and_reissue_are_city_hall_procedures() {
        for procedure in [Procedure::ItemChange, Procedure::Reissue] {
            for regime in [Regime::Legacy, Regime::Integrated] {
                let o = outcome(procedure, true, regime).unwrap().unwrap();
                assert_eq!(
                    offices(&o),
                    vec![Office::CityHall],
                    "{procedure:?} {regime:?}"
                );
                // Filed, then collected: both at the city hall.
                assert_eq!(
                    o.visits,
                    vec![(Office::CityHall, 2)],
                    "{procedure:?} {regime:?}"
                );
                assert!(o.goal_met, "{procedure:?} {regime:?}");
            }
        }
        let lost = outcome(Procedure::LossReissue, true, Regime::Legacy)
            .unwrap()
            .unwrap();
        assert_eq!(offices(&lost), vec![Office::CityHall, Office::Police]);
        assert!(lost.goal_met);
    }
}
