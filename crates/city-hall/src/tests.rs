//! Given/when/then tests of the municipality's decisions (docs/domain.md §5.2–§5.4, §6, §8.4, §10).
//!
//! `given` folds events into a fresh state with `apply` only; `when` runs `decide` with an
//! injected context; `then` compares the exact events (and timers) decided.

use super::*;
use chrono::NaiveDate;
use model::calendar::DeadlineRoll;
use model::card::{CardKind, Certificates, MyNumberCard, ResidenceCard};
use model::card_number::ResidenceCardNumber;
use model::command::ResidentProfile;
use model::machine::NoticeOrder;
use model::machine::testing::{self, SEED, When, cmd, notice, then, then_with_timers};
use model::mynumber::MyNumber;
use model::policy::TokuteiContinuityRule;
use model::policy::{Policy, Regime};
use model::procedure::{ChangedItem, MyNumberCardReissueReason, ReissueReason};
use model::rules::InvalidationReason;
use model::rules::RecordItem;
use model::rules::{Consequence, Duty};
use model::status::Status;
use model::time::start_of_day;
use model::time::{SimTime, opening_time};
use model::validity::RefusalReason;

const R: ResidentId = ResidentId(0);

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// 10:00 on the given day: counters are open.
fn at(y: i32, m: u32, day: u32) -> SimTime {
    opening_time(d(y, m, day)) + chrono::Duration::hours(1)
}

fn legacy() -> Policy {
    Policy::with_regime(Regime::Legacy)
}

fn integrated() -> Policy {
    Policy::default()
}

// ---- given / when / then ----

fn given(events: &[Event]) -> CityHall {
    testing::given(events)
}

// ---- fixtures ----

fn born() -> NaiveDate {
    d(1990, 4, 1)
}

fn card_number() -> ResidenceCardNumber {
    ResidenceCardNumber::generate(SEED, R.0, 1)
}

/// A separate My Number card issued 2021-10-01 (age 31: the cap is the 10th birthday after
/// issuance, 2031-04-01), valid through the period expiry 2027-03-31.
fn my_number_card() -> MyNumberCard {
    MyNumberCard {
        issued_on: d(2021, 10, 1),
        valid_through: d(2027, 3, 31),
    }
}

fn registered_with(
    born_on: NaiveDate,
    card_kind: CardKind,
    my_number_card: Option<MyNumberCard>,
) -> Event {
    Event::ResidentRegistered {
        resident: R,
        municipality: "shinjuku".into(),
        address: "1-2-3 Nishi-Shinjuku".into(),
        my_number: MyNumber::generate(SEED, 0),
        status: Status::EngineerSpecialistHumanities,
        period_expiry: Some(d(2027, 3, 31)),
        card_number: Some(card_number()),
        card_kind: Some(card_kind),
        my_number_card,
        born_on,
    }
}

/// Registered in Shinjuku with a first-generation residence card and a My Number card.
fn registered() -> Event {
    registered_with(born(), CardKind::ResidenceCard, Some(my_number_card()))
}

fn registered_without_my_number_card() -> Event {
    registered_with(born(), CardKind::ResidenceCard, None)
}

fn profile(registered: bool) -> ResidentProfile {
    ResidentProfile {
        name: "mei".into(),
        born_on: born(),
        status: Status::EngineerSpecialistHumanities,
        period_expiry: Some(d(2027, 3, 31)),
        municipality: "shinjuku".into(),
        address: "1-2-3 Nishi-Shinjuku".into(),
        registered,
        my_number: MyNumber::generate(SEED, 0),
        residence_card: Some(ResidenceCard {
            kind: CardKind::ResidenceCard,
            number: card_number(),
            issued_on: d(2024, 3, 20),
            valid_through: d(2027, 3, 31),
        }),
        my_number_card: Some(my_number_card()),
        certificates: Certificates::default(),
        cards_issued: 1,
        pending: None,
    }
}

fn enrol(registered: bool) -> Input {
    cmd(Command::EnrolResident {
        resident: R,
        profile: std::sync::Arc::new(profile(registered)),
    })
}

fn visit_for(municipality: &str, procedure: Procedure) -> Event {
    Event::CounterVisited {
        resident: R,
        office: Office::CityHall,
        municipality: Some(municipality.into()),
        procedure,
    }
}

fn move_within(moved_on: NaiveDate) -> Input {
    cmd(Command::NotifyMoveWithinMunicipality {
        resident: R,
        address: "4-5-6 Okubo".into(),
        moved_on,
        tokutei: false,
    })
}

fn moved_within(moved_on: NaiveDate, written_on: Vec<CardKind>) -> Event {
    Event::MovedWithinMunicipality {
        resident: R,
        municipality: "shinjuku".into(),
        address: "4-5-6 Okubo".into(),
        moved_on,
        written_on,
    }
}

fn move_out(planned_on: NaiveDate, card_based: bool) -> Input {
    cmd(Command::NotifyMoveOut {
        resident: R,
        to: "setagaya".into(),
        planned_on,
        card_based,
    })
}

fn move_out_recorded(planned_on: NaiveDate, card_based: bool) -> Event {
    Event::MoveOutRecorded {
        resident: R,
        municipality: "shinjuku".into(),
        to: "setagaya".into(),
        planned_on,
        card_based,
    }
}

fn move_in(moved_on: NaiveDate, present_my_number_card: bool) -> Input {
    cmd(Command::NotifyMoveIn {
        resident: R,
        municipality: "setagaya".into(),
        address: "7-8-9 Sangenjaya".into(),
        moved_on,
        present_my_number_card,
        tokutei: false,
    })
}

fn moved_in(moved_on: NaiveDate, written_on: Vec<CardKind>) -> Event {
    Event::MoveInRecorded {
        resident: R,
        municipality: "setagaya".into(),
        from: Some("shinjuku".into()),
        address: "7-8-9 Sangenjaya".into(),
        moved_on,
        written_on,
    }
}

fn both_cards() -> Vec<CardKind> {
    vec![CardKind::ResidenceCard, CardKind::MyNumberCard]
}

fn missed(duty: Duty, deadline: NaiveDate, consequence: Consequence) -> Event {
    Event::DeadlineMissed {
        resident: R,
        duty,
        deadline,
        consequence,
    }
}

fn continuity_due(deadline: NaiveDate) -> Event {
    Event::MyNumberContinuityDue {
        resident: R,
        deadline,
    }
}

fn check_continuity(deadline: NaiveDate) -> Command {
    Command::CheckContinuityDeadline {
        resident: R,
        deadline,
    }
}

fn request_validity_change() -> Input {
    cmd(Command::RequestMyNumberValidityChange {
        resident: R,
        presented_expiry: None,
    })
}

/// N3 as applied: the register shows the bureau's new period expiry.
fn n3_applied(new_expiry: NaiveDate) -> Event {
    Event::ImmigrationDataUpdated {
        resident: R,
        status: Status::EngineerSpecialistHumanities,
        period_expiry: Some(new_expiry),
        card_number: Some(card_number()),
        card_kind: Some(CardKind::ResidenceCard),
    }
}

fn refused(procedure: Procedure, rule: RefusalRule) -> Event {
    Event::ProcedureRefused {
        resident: R,
        procedure,
        rule,
    }
}

// ---- enrolment ----

#[test]
fn given_registered_profile_when_enrolled_then_resident_registered() {
    let decision = given(&[]).when(&legacy(), at(2026, 7, 1), enrol(true));
    then(&decision, &[registered()]);
}

#[test]
fn given_unregistered_profile_when_enrolled_then_nothing_recorded_and_procedures_refused() {
    let mut city = given(&[]);
    let policy = legacy();
    let ctx = Context {
        now: at(2026, 7, 1),
        policy: &policy,
        seed: SEED,
    };
    then(&city.handle(&enrol(false), &ctx), &[]);
    assert!(city.entry(R).is_none());
    let decision = city.when(&policy, at(2026, 7, 2), move_in(d(2026, 7, 1), true));
    then(
        &decision,
        &[refused(Procedure::MoveIn, RefusalRule::NotRegisteredHere)],
    );
}

// ---- the first residence notification (§5.1) and the register's scope (§3) ----

fn notify_residence(status: Status, tokutei: bool) -> Input {
    cmd(Command::NotifyResidence {
        resident: R,
        municipality: "shinjuku".into(),
        address: "1-2-3 Nishi-Shinjuku".into(),
        born_on: born(),
        status,
        period_expiry: Some(d(2026, 9, 30)),
        due_from: Some(d(2026, 7, 1)),
        after_status_change: false,
        card: None,
        tokutei,
    })
}

#[test]
fn given_an_arriving_student_when_notifying_residence_then_registered_with_a_my_number() {
    let decision = given(&[]).when(
        &legacy(),
        at(2026, 7, 6),
        notify_residence(Status::Student, false),
    );
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::ResidenceNotification),
            Event::ResidenceNotified {
                resident: R,
                municipality: "shinjuku".into(),
                address: "1-2-3 Nishi-Shinjuku".into(),
                my_number: MyNumber::generate(SEED, 0),
                status: Status::Student,
                period_expiry: Some(d(2026, 9, 30)),
                born_on: born(),
                card: None,
            },
        ],
    );
}

#[test]
fn given_a_short_term_visitor_when_notifying_residence_then_refused_by_every_rule_and_nothing_recorded()
 {
    let visit = visit_for("shinjuku", Procedure::ResidenceNotification);
    let not_in_scope = refused(
        Procedure::ResidenceNotification,
        RefusalRule::NotInRegisterScope {
            status: Status::TemporaryVisitor,
        },
    );
    let tokutei_refused = |rule| Event::TokuteiApplicationRefused {
        resident: R,
        attached_to: Procedure::ResidenceNotification,
        rule,
    };
    // Integrated: the register's rule and the Tokutei application's own.
    let mut city = given(&[]);
    let decision = city.when(
        &integrated(),
        at(2026, 7, 6),
        notify_residence(Status::TemporaryVisitor, true),
    );
    then(
        &decision,
        &[
            visit.clone(),
            not_in_scope.clone(),
            tokutei_refused(RefusalRule::TokuteiNotMidToLongTerm {
                status: Status::TemporaryVisitor,
            }),
        ],
    );
    let ctx = Context {
        now: at(2026, 7, 6),
        policy: &integrated(),
        seed: SEED,
    };
    city.handle(&notify_residence(Status::TemporaryVisitor, true), &ctx);
    assert!(city.entry(R).is_none(), "no register entry");
    // Legacy: there is no Tokutei card to apply for; a diplomat is outside the register too.
    let decision = given(&[]).when(
        &legacy(),
        at(2026, 7, 6),
        notify_residence(Status::TemporaryVisitor, true),
    );
    then(
        &decision,
        &[
            visit.clone(),
            not_in_scope,
            tokutei_refused(RefusalRule::TokuteiNotInRegime),
        ],
    );
    let decision = given(&[]).when(
        &legacy(),
        at(2026, 7, 6),
        notify_residence(Status::Diplomat, false),
    );
    then(
        &decision,
        &[
            visit,
            refused(
                Procedure::ResidenceNotification,
                RefusalRule::NotInRegisterScope {
                    status: Status::Diplomat,
                },
            ),
        ],
    );
}

// ---- the residence notification after a change of status (19条の8, §5.5) ----

/// A former short-term visitor presents the card a change of status gave her on 2026-07-27.
fn notify_after_status_change(tokutei: bool) -> Input {
    cmd(Command::NotifyResidence {
        resident: R,
        municipality: "shinjuku".into(),
        address: "3-3 Okubo".into(),
        born_on: born(),
        status: Status::SpouseOfJapanese,
        period_expiry: Some(d(2029, 7, 27)),
        due_from: Some(d(2026, 7, 27)),
        after_status_change: true,
        card: Some((CardKind::NewFormatResidenceCard, card_number())),
        tokutei,
    })
}

#[test]
fn given_a_new_mid_to_long_term_resident_when_notifying_after_the_change_then_registered_from_the_card_and_the_application_forwarded()
 {
    let procedure = Procedure::ResidenceNotificationAfterStatusChange;
    let registered_from_card = Event::ResidenceNotified {
        resident: R,
        municipality: "shinjuku".into(),
        address: "3-3 Okubo".into(),
        my_number: MyNumber::generate(SEED, 0),
        status: Status::SpouseOfJapanese,
        period_expiry: Some(d(2029, 7, 27)),
        born_on: born(),
        card: Some((CardKind::NewFormatResidenceCard, card_number())),
    };
    // In time (the 14 days from 2026-07-27 end on 2026-08-10), with a Tokutei application.
    let decision = given(&[]).when(
        &integrated(),
        at(2026, 8, 3),
        notify_after_status_change(true),
    );
    then(
        &decision,
        &[
            visit_for("shinjuku", procedure),
            registered_from_card.clone(),
            Event::ApplicationForwarded {
                resident: R,
                procedure,
                tokutei: true,
                filed_on: d(2026, 8, 3),
            },
        ],
    );
    // Late: accepted, the missed deadline flagged (§10).
    let decision = given(&[]).when(
        &integrated(),
        at(2026, 8, 17),
        notify_after_status_change(false),
    );
    then(
        &decision,
        &[
            visit_for("shinjuku", procedure),
            registered_from_card,
            Duty::ResidenceNotification.missed(R, d(2026, 8, 10)),
        ],
    );
}

#[test]
fn given_a_registered_resident_when_notifying_after_a_change_of_status_then_not_expected_here() {
    let procedure = Procedure::ResidenceNotificationAfterStatusChange;
    let decision = given(&[registered()]).when(
        &integrated(),
        at(2026, 8, 3),
        notify_after_status_change(true),
    );
    then(
        &decision,
        &[
            visit_for("shinjuku", procedure),
            refused(procedure, RefusalRule::NotExpectedHere),
        ],
    );
}

// ---- 転居 (§5.2) ----

#[test]
fn given_both_cards_when_moving_within_municipality_on_time_then_address_written_on_both() {
    let decision =
        given(&[registered()]).when(&legacy(), at(2026, 7, 10), move_within(d(2026, 7, 1)));
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MoveWithinMunicipality),
            moved_within(d(2026, 7, 1), both_cards()),
        ],
    );
}

#[test]
fn given_no_my_number_card_when_moving_within_then_written_on_residence_card_only() {
    let decision = given(&[registered_without_my_number_card()]).when(
        &legacy(),
        at(2026, 7, 10),
        move_within(d(2026, 7, 1)),
    );
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MoveWithinMunicipality),
            moved_within(d(2026, 7, 1), vec![CardKind::ResidenceCard]),
        ],
    );
}

#[test]
fn given_move_on_wednesday_when_notified_on_day_14_then_on_time() {
    // 2026-07-01 (Wed) + 14 days = 2026-07-15 (Wed): the last day counts.
    let decision =
        given(&[registered()]).when(&legacy(), at(2026, 7, 15), move_within(d(2026, 7, 1)));
    assert_eq!(decision.events.len(), 2, "{decision:?}");
}

#[test]
fn given_move_when_notified_after_14_days_then_deadline_missed_with_penalty_exposure() {
    let decision =
        given(&[registered()]).when(&legacy(), at(2026, 7, 16), move_within(d(2026, 7, 1)));
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MoveWithinMunicipality),
            moved_within(d(2026, 7, 1), both_cards()),
            missed(
                Duty::MoveWithinNotification,
                d(2026, 7, 15),
                Consequence::PenaltyExposure,
            ),
        ],
    );
}

#[test]
fn given_deadline_on_saturday_before_a_monday_holiday_when_notified_on_the_tuesday_then_on_time() {
    // Moved Sat 2026-07-04: day 14 is Sat 07-18, which rolls over Sunday and 海の日 (Mon 07-20)
    // to Tue 07-21 (§5 [C]).
    let decision =
        given(&[registered()]).when(&legacy(), at(2026, 7, 21), move_within(d(2026, 7, 4)));
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MoveWithinMunicipality),
            moved_within(d(2026, 7, 4), both_cards()),
        ],
    );
}

#[test]
fn given_rolled_deadline_when_notified_on_wednesday_then_missed_deadline_is_the_tuesday() {
    let decision =
        given(&[registered()]).when(&legacy(), at(2026, 7, 22), move_within(d(2026, 7, 4)));
    assert_eq!(
        decision.events.last(),
        Some(&missed(
            Duty::MoveWithinNotification,
            d(2026, 7, 21),
            Consequence::PenaltyExposure,
        ))
    );
}

#[test]
fn given_no_roll_or_a_weekend_roll_when_notified_on_the_tuesday_then_an_earlier_deadline_missed() {
    for (roll, due) in [
        (DeadlineRoll::None, d(2026, 7, 18)),
        // Only weekends move: the Monday holiday (海の日) is the last day.
        (DeadlineRoll::NextWeekday, d(2026, 7, 20)),
    ] {
        let mut policy = legacy();
        policy.switches.deadline_roll = roll;
        let decision =
            given(&[registered()]).when(&policy, at(2026, 7, 21), move_within(d(2026, 7, 4)));
        assert_eq!(
            decision.events.last(),
            Some(&missed(
                Duty::MoveWithinNotification,
                due,
                Consequence::PenaltyExposure,
            )),
            "{roll:?}"
        );
    }
}

// ---- 転出 / 転入 (§5.3) ----

#[test]
fn given_registered_when_moving_out_at_the_counter_then_counter_visited_and_move_out_recorded() {
    let decision =
        given(&[registered()]).when(&legacy(), at(2026, 6, 25), move_out(d(2026, 7, 1), false));
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MoveOut),
            move_out_recorded(d(2026, 7, 1), false),
        ],
    );
}

#[test]
fn given_registered_when_moving_out_card_based_then_no_counter_visit() {
    let decision =
        given(&[registered()]).when(&legacy(), at(2026, 6, 25), move_out(d(2026, 7, 1), true));
    then(&decision, &[move_out_recorded(d(2026, 7, 1), true)]);
}

#[test]
fn given_move_out_when_moving_in_presenting_my_number_card_then_continuity_confirmed() {
    let city = given(&[registered(), move_out_recorded(d(2026, 7, 1), false)]);
    let decision = city.when(&legacy(), at(2026, 7, 6), move_in(d(2026, 7, 1), true));
    then(
        &decision,
        &[
            visit_for("setagaya", Procedure::MoveIn),
            moved_in(d(2026, 7, 1), both_cards()),
            Event::MyNumberContinuityConfirmed {
                resident: R,
                municipality: "setagaya".into(),
            },
        ],
    );
}

#[test]
fn given_move_out_when_moving_in_without_my_number_card_then_continuity_due_in_90_days_with_timer()
{
    // Filed Mon 2026-07-06: day 90 is Sun 2026-10-04, rolled to Mon 2026-10-05; the check runs
    // at the start of the following day.
    let city = given(&[registered(), move_out_recorded(d(2026, 7, 1), false)]);
    let decision = city.when(&legacy(), at(2026, 7, 6), move_in(d(2026, 7, 1), false));
    then_with_timers(
        &decision,
        &[
            visit_for("setagaya", Procedure::MoveIn),
            moved_in(d(2026, 7, 1), both_cards()),
            continuity_due(d(2026, 10, 5)),
        ],
        &[(
            start_of_day(d(2026, 10, 6)),
            check_continuity(d(2026, 10, 5)),
        )],
    );
}

#[test]
fn given_no_my_number_card_when_moving_in_then_no_continuity_duty() {
    let city = given(&[
        registered_without_my_number_card(),
        move_out_recorded(d(2026, 7, 1), false),
    ]);
    let decision = city.when(&legacy(), at(2026, 7, 6), move_in(d(2026, 7, 1), false));
    then(
        &decision,
        &[
            visit_for("setagaya", Procedure::MoveIn),
            moved_in(d(2026, 7, 1), vec![CardKind::ResidenceCard]),
        ],
    );
}

#[test]
fn given_move_in_after_14_days_then_move_in_deadline_missed_with_penalty_exposure() {
    let city = given(&[registered(), move_out_recorded(d(2026, 7, 1), false)]);
    let decision = city.when(&legacy(), at(2026, 7, 16), move_in(d(2026, 7, 1), true));
    assert_eq!(
        decision.events[2],
        missed(
            Duty::MoveInNotification,
            d(2026, 7, 15),
            Consequence::PenaltyExposure,
        )
    );
}

#[test]
fn given_continuity_due_when_deadline_timer_fires_then_my_number_card_lapses() {
    let city = given(&[
        registered(),
        move_out_recorded(d(2026, 7, 1), false),
        moved_in(d(2026, 7, 1), both_cards()),
        continuity_due(d(2026, 10, 5)),
    ]);
    let decision = city.when(
        &legacy(),
        start_of_day(d(2026, 10, 6)),
        cmd(check_continuity(d(2026, 10, 5))),
    );
    then(
        &decision,
        &[missed(
            Duty::MyNumberContinuity,
            d(2026, 10, 5),
            Consequence::MyNumberCardLapses,
        )],
    );
}

#[test]
fn given_continuity_confirmed_when_deadline_timer_fires_then_nothing() {
    let city = given(&[
        registered(),
        move_out_recorded(d(2026, 7, 1), false),
        moved_in(d(2026, 7, 1), both_cards()),
        continuity_due(d(2026, 10, 5)),
        Event::MyNumberContinuityConfirmed {
            resident: R,
            municipality: "setagaya".into(),
        },
    ]);
    let decision = city.when(
        &legacy(),
        start_of_day(d(2026, 10, 6)),
        cmd(check_continuity(d(2026, 10, 5))),
    );
    then(&decision, &[]);
}

#[test]
fn given_continuity_due_when_card_presented_before_deadline_then_confirmed() {
    let city = given(&[
        registered(),
        move_out_recorded(d(2026, 7, 1), false),
        moved_in(d(2026, 7, 1), both_cards()),
        continuity_due(d(2026, 10, 5)),
    ]);
    let confirm = cmd(Command::ConfirmMyNumberContinuity { resident: R });
    let decision = city.when(&legacy(), at(2026, 10, 5), confirm.clone());
    then(
        &decision,
        &[
            visit_for("setagaya", Procedure::MyNumberContinuity),
            Event::MyNumberContinuityConfirmed {
                resident: R,
                municipality: "setagaya".into(),
            },
        ],
    );
    let late = city.when(&legacy(), at(2026, 10, 6), confirm);
    then(
        &late,
        &[
            visit_for("setagaya", Procedure::MyNumberContinuity),
            refused(Procedure::MyNumberContinuity, RefusalRule::NothingPending),
        ],
    );
}

#[test]
fn given_card_based_move_out_when_moving_in_more_than_14_days_after_moving_then_card_lapses() {
    // Moved 2026-07-01: the 14-day deadline (07-15) is earlier than 30 days after the planned
    // date (07-31). Presenting the card does not save it.
    let city = given(&[registered(), move_out_recorded(d(2026, 7, 1), true)]);
    let decision = city.when(&legacy(), at(2026, 7, 20), move_in(d(2026, 7, 1), true));
    then(
        &decision,
        &[
            visit_for("setagaya", Procedure::MoveIn),
            moved_in(d(2026, 7, 1), both_cards()),
            missed(
                Duty::MoveInNotification,
                d(2026, 7, 15),
                Consequence::PenaltyExposure,
            ),
            missed(
                Duty::MoveInAfterCardBasedMoveOut,
                d(2026, 7, 15),
                Consequence::MyNumberCardLapses,
            ),
        ],
    );
}

#[test]
fn given_card_based_move_out_when_moving_in_more_than_30_days_after_planned_date_then_card_lapses()
{
    // Planned Mon 2026-06-01 + 30 days = Wed 07-01; moved 07-01, filed 07-03 (in 14 days of
    // moving, but past the 30-day deadline).
    let city = given(&[registered(), move_out_recorded(d(2026, 6, 1), true)]);
    let decision = city.when(&legacy(), at(2026, 7, 3), move_in(d(2026, 7, 1), true));
    then(
        &decision,
        &[
            visit_for("setagaya", Procedure::MoveIn),
            moved_in(d(2026, 7, 1), both_cards()),
            missed(
                Duty::MoveInAfterCardBasedMoveOut,
                d(2026, 7, 1),
                Consequence::MyNumberCardLapses,
            ),
        ],
    );
}

#[test]
fn given_card_based_move_out_when_moving_in_on_time_presenting_card_then_continuity_confirmed() {
    let city = given(&[registered(), move_out_recorded(d(2026, 7, 1), true)]);
    let decision = city.when(&legacy(), at(2026, 7, 10), move_in(d(2026, 7, 1), true));
    assert_eq!(
        decision.events.last(),
        Some(&Event::MyNumberContinuityConfirmed {
            resident: R,
            municipality: "setagaya".into(),
        })
    );
    assert_eq!(decision.events.len(), 3, "{decision:?}");
}

#[test]
fn given_tokutei_holder_when_moving_in_without_presenting_then_continuity_rule_per_switch() {
    let city = given(&[
        registered_with(born(), CardKind::TokuteiResidenceCard, None),
        move_out_recorded(d(2026, 7, 1), false),
    ]);
    let applies = city.when(&integrated(), at(2026, 7, 6), move_in(d(2026, 7, 1), false));
    assert_eq!(applies.events.last(), Some(&continuity_due(d(2026, 10, 5))));
    assert_eq!(applies.timers.len(), 1);

    let mut exempt = integrated();
    exempt.switches.tokutei_continuity_rule = TokuteiContinuityRule::Exempt;
    let decision = city.when(&exempt, at(2026, 7, 6), move_in(d(2026, 7, 1), false));
    then(
        &decision,
        &[
            visit_for("setagaya", Procedure::MoveIn),
            moved_in(d(2026, 7, 1), vec![CardKind::TokuteiResidenceCard]),
        ],
    );
}

// A lapsed card is not "held": §5.4 "after expiry the card lapses"; §5.3's continuity rule
// exists to stop a valid card from lapsing. (Both fail against the current lib.rs; see report.)

#[test]
fn given_expired_my_number_card_when_moving_within_then_address_not_written_on_it() {
    // The card ran to 2027-03-31; the move is notified on 2027-04-10.
    let decision =
        given(&[registered()]).when(&legacy(), at(2027, 4, 10), move_within(d(2027, 4, 5)));
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MoveWithinMunicipality),
            moved_within(d(2027, 4, 5), vec![CardKind::ResidenceCard]),
        ],
    );
}

#[test]
fn given_expired_my_number_card_when_moving_in_without_presenting_then_no_continuity_duty() {
    let city = given(&[registered(), move_out_recorded(d(2027, 4, 5), false)]);
    let decision = city.when(&legacy(), at(2027, 4, 12), move_in(d(2027, 4, 5), false));
    then(
        &decision,
        &[
            visit_for("setagaya", Procedure::MoveIn),
            moved_in(d(2027, 4, 5), vec![CardKind::ResidenceCard]),
        ],
    );
}

// ---- N9: the former municipality closes its entry ----

#[test]
fn given_move_in_from_former_municipality_when_notice_arrives_then_register_entry_closed() {
    let mut city = given(&[
        registered(),
        move_out_recorded(d(2026, 7, 1), false),
        moved_in(d(2026, 7, 1), both_cards()),
    ]);
    let policy = legacy();
    let ctx = Context {
        now: at(2026, 7, 7),
        policy: &policy,
        seed: SEED,
    };
    let n9 = notice(Service::CityHall, moved_in(d(2026, 7, 1), both_cards()));
    then(
        &city.handle(&n9, &ctx),
        &[Event::RegisterEntryClosed {
            resident: R,
            municipality: "shinjuku".into(),
        }],
    );
    // Closed once: a repeated notice changes nothing.
    then(&city.when(&policy, at(2026, 7, 8), n9), &[]);
}

// ---- N3 and the legacy My Number validity change (§5.4, §8.4) ----

#[test]
fn given_registered_when_period_of_stay_extended_notice_then_register_updated() {
    let extended = Event::PeriodOfStayExtended {
        resident: R,
        previous_expiry: Some(d(2027, 3, 31)),
        new_expiry: d(2030, 3, 31),
    };
    let decision = given(&[registered()]).when(
        &legacy(),
        at(2027, 3, 2),
        notice(Service::ImmigrationBureau, extended),
    );
    then(&decision, &[n3_applied(d(2030, 3, 31))]);
}

#[test]
fn given_a_later_period_registered_when_an_older_period_notice_arrives_late_then_it_is_ignored() {
    // Two extensions in a row whose N3 notices arrive in the wrong order (a slow or reordering
    // link, issue 8): the register keeps the later period and says why it ignored the other.
    let older = Event::PeriodOfStayExtended {
        resident: R,
        previous_expiry: Some(d(2027, 3, 31)),
        new_expiry: d(2028, 3, 31),
    };
    let decision = given(&[registered(), n3_applied(d(2030, 3, 31))]).when(
        &integrated(),
        at(2027, 6, 2),
        notice(Service::ImmigrationBureau, older),
    );
    then(
        &decision,
        &[Event::OlderPeriodNoticeIgnored {
            resident: R,
            notified_expiry: d(2028, 3, 31),
            kept_expiry: d(2030, 3, 31),
        }],
    );
}

/// A notice numbered `number` about an event, arriving after the notices `order` says the
/// register's inbox already took up (issue 8).
fn late_notice(event: Event, number: u32, order: NoticeOrder) -> Input {
    Input::Notice {
        from: Service::ImmigrationBureau,
        event,
        number,
        order,
    }
}

fn status_changed(to: Status, new_expiry: NaiveDate) -> Event {
    Event::StatusChanged {
        resident: R,
        from: Status::EngineerSpecialistHumanities,
        to,
        new_expiry: Some(new_expiry),
    }
}

#[test]
fn given_a_later_status_taken_up_when_an_older_status_notice_arrives_then_it_is_ignored() {
    // Two changes of status whose N3 notices cross (issue 8): the register took up the second
    // (the resident's event 20) and keeps it; the first (event 12) arrives late and is ignored
    // with the statuses named.
    let later = Event::ImmigrationDataUpdated {
        resident: R,
        status: Status::SpouseOfJapanese,
        period_expiry: Some(d(2030, 3, 31)),
        card_number: Some(card_number()),
        card_kind: Some(CardKind::ResidenceCard),
    };
    let taken = NoticeOrder::default().taken_up(&[RecordItem::Status, RecordItem::Period], 20);
    let decision = given(&[registered(), later]).when(
        &integrated(),
        at(2027, 6, 2),
        late_notice(status_changed(Status::Student, d(2028, 3, 31)), 12, taken),
    );
    then(
        &decision,
        &[Event::OlderStatusNoticeIgnored {
            resident: R,
            notified_status: Status::Student,
            kept_status: Status::SpouseOfJapanese,
        }],
    );
    // The same notice in order (nothing later taken up) changes the status and the period.
    let in_order = given(&[registered()]).when(
        &integrated(),
        at(2027, 6, 2),
        late_notice(
            status_changed(Status::Student, d(2028, 3, 31)),
            12,
            NoticeOrder::default(),
        ),
    );
    then(
        &in_order,
        &[Event::ImmigrationDataUpdated {
            resident: R,
            status: Status::Student,
            period_expiry: Some(d(2028, 3, 31)),
            card_number: Some(card_number()),
            card_kind: Some(CardKind::ResidenceCard),
        }],
    );
}

#[test]
fn given_a_later_period_taken_up_when_an_older_status_notice_arrives_then_only_status_moves() {
    // A change of status (event 12) then an extension of the new status (event 20), whose
    // notice came first: the late change of status still brings the new status, but not its
    // period, which the extension already replaced.
    let taken = NoticeOrder::default().taken_up(&[RecordItem::Period], 20);
    let decision = given(&[registered(), n3_applied(d(2031, 3, 31))]).when(
        &integrated(),
        at(2027, 6, 2),
        late_notice(status_changed(Status::Student, d(2028, 3, 31)), 12, taken),
    );
    then(
        &decision,
        &[Event::ImmigrationDataUpdated {
            resident: R,
            status: Status::Student,
            period_expiry: Some(d(2031, 3, 31)),
            card_number: Some(card_number()),
            card_kind: Some(CardKind::ResidenceCard),
        }],
    );
}

#[test]
fn given_a_later_period_taken_up_when_an_older_period_notice_arrives_then_it_is_ignored_by_order() {
    // Notices cross even when the older one names a later date (an extension shortened by a
    // change of status decided after it): the order, not the date, says which is older.
    let taken = NoticeOrder::default().taken_up(&[RecordItem::Status, RecordItem::Period], 20);
    let older = Event::PeriodOfStayExtended {
        resident: R,
        previous_expiry: Some(d(2027, 3, 31)),
        new_expiry: d(2032, 3, 31),
    };
    let decision = given(&[registered(), n3_applied(d(2028, 3, 31))]).when(
        &integrated(),
        at(2027, 6, 2),
        late_notice(older, 12, taken),
    );
    then(
        &decision,
        &[Event::OlderPeriodNoticeIgnored {
            resident: R,
            notified_expiry: d(2032, 3, 31),
            kept_expiry: d(2028, 3, 31),
        }],
    );
}

#[test]
fn given_a_later_card_taken_up_when_an_older_card_notice_arrives_then_it_is_ignored() {
    // Two cards issued in a row (a reissue, then a card with the next extension): the notice of
    // the first arrives after the second's, and the register keeps the second card's number.
    let newer_number = ResidenceCardNumber::generate(SEED, R.0, 3);
    let older_number = ResidenceCardNumber::generate(SEED, R.0, 2);
    let newer = Event::ImmigrationDataUpdated {
        resident: R,
        status: Status::EngineerSpecialistHumanities,
        period_expiry: Some(d(2027, 3, 31)),
        card_number: Some(newer_number),
        card_kind: Some(CardKind::ResidenceCard),
    };
    let older = Event::ResidenceCardIssued {
        resident: R,
        card: ResidenceCard {
            kind: CardKind::ResidenceCard,
            number: older_number,
            issued_on: d(2027, 5, 1),
            valid_through: d(2027, 3, 31),
        },
        replaces: Some(card_number()),
    };
    let taken = NoticeOrder::default().taken_up(&[RecordItem::Card], 30);
    let decision = given(&[registered(), newer]).when(
        &integrated(),
        at(2027, 6, 2),
        late_notice(older.clone(), 25, taken),
    );
    then(
        &decision,
        &[Event::OlderCardNoticeIgnored {
            resident: R,
            notified_card: older_number,
            kept_card: Some(newer_number),
        }],
    );
    // A later status notice does not make a card notice older: each item keeps its own order.
    let status_only = NoticeOrder::default().taken_up(&[RecordItem::Status], 30);
    let decision = given(&[registered()]).when(
        &integrated(),
        at(2027, 6, 2),
        late_notice(older, 25, status_only),
    );
    then(
        &decision,
        &[Event::ImmigrationDataUpdated {
            resident: R,
            status: Status::EngineerSpecialistHumanities,
            period_expiry: Some(d(2027, 3, 31)),
            card_number: Some(older_number),
            card_kind: Some(CardKind::ResidenceCard),
        }],
    );
}

#[test]
fn given_a_period_registered_when_the_same_period_is_notified_again_then_nothing_moves_back() {
    // A notice of the period the register already holds is no older: it is applied (and
    // changes nothing), never ignored as stale.
    let again = Event::PeriodOfStayExtended {
        resident: R,
        previous_expiry: Some(d(2027, 3, 31)),
        new_expiry: d(2030, 3, 31),
    };
    let decision = given(&[registered(), n3_applied(d(2030, 3, 31))]).when(
        &integrated(),
        at(2027, 6, 2),
        notice(Service::ImmigrationBureau, again),
    );
    then(&decision, &[n3_applied(d(2030, 3, 31))]);
}

#[test]
fn given_registered_when_residence_card_issued_notice_then_register_shows_new_card() {
    let new_number = ResidenceCardNumber::generate(SEED, R.0, 2);
    let issued = Event::ResidenceCardIssued {
        resident: R,
        card: ResidenceCard {
            kind: CardKind::NewFormatResidenceCard,
            number: new_number,
            issued_on: d(2027, 3, 1),
            valid_through: d(2030, 3, 31),
        },
        replaces: Some(card_number()),
    };
    let decision = given(&[registered(), n3_applied(d(2030, 3, 31))]).when(
        &integrated(),
        at(2027, 3, 2),
        notice(Service::ImmigrationBureau, issued),
    );
    then(
        &decision,
        &[Event::ImmigrationDataUpdated {
            resident: R,
            status: Status::EngineerSpecialistHumanities,
            period_expiry: Some(d(2030, 3, 31)),
            card_number: Some(new_number),
            card_kind: Some(CardKind::NewFormatResidenceCard),
        }],
    );
}

#[test]
fn given_n3_applied_when_validity_change_requested_then_card_valid_through_new_expiry() {
    let mut city = given(&[registered()]);
    let policy = legacy();
    let extended = Event::PeriodOfStayExtended {
        resident: R,
        previous_expiry: Some(d(2027, 3, 31)),
        new_expiry: d(2030, 3, 31),
    };
    let ctx = Context {
        now: at(2027, 3, 2),
        policy: &policy,
        seed: SEED,
    };
    city.handle(&notice(Service::ImmigrationBureau, extended), &ctx);
    let decision = city.when(&policy, at(2027, 3, 10), request_validity_change());
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MyNumberValidityChange),
            Event::MyNumberCardValidityChanged {
                resident: R,
                previous: d(2027, 3, 31),
                valid_through: d(2030, 3, 31),
            },
        ],
    );
}

#[test]
fn given_new_expiry_beyond_10th_birthday_after_issuance_when_validity_changed_then_capped() {
    // Card issued 2021-10-01 at 31: the 10th birthday after issuance is 2031-04-01.
    let city = given(&[registered(), n3_applied(d(2031, 9, 30))]);
    let decision = city.when(&legacy(), at(2027, 3, 10), request_validity_change());
    assert_eq!(
        decision.events.last(),
        Some(&Event::MyNumberCardValidityChanged {
            resident: R,
            previous: d(2027, 3, 31),
            valid_through: d(2031, 4, 1),
        })
    );
}

#[test]
fn given_card_issued_under_18_when_validity_changed_then_capped_at_5th_birthday() {
    // Born 2012-05-10, card issued 2024-04-01 at 11: the 5th birthday after is 2028-05-10.
    let child_card = MyNumberCard {
        issued_on: d(2024, 4, 1),
        valid_through: d(2027, 3, 31),
    };
    let city = given(&[
        registered_with(d(2012, 5, 10), CardKind::ResidenceCard, Some(child_card)),
        n3_applied(d(2030, 3, 31)),
    ]);
    let decision = city.when(&legacy(), at(2027, 3, 10), request_validity_change());
    assert_eq!(
        decision.events.last(),
        Some(&Event::MyNumberCardValidityChanged {
            resident: R,
            previous: d(2027, 3, 31),
            valid_through: d(2028, 5, 10),
        })
    );
}

#[test]
fn given_card_expired_when_validity_change_requested_then_refused_already_expired() {
    let city = given(&[registered(), n3_applied(d(2030, 3, 31))]);
    let decision = city.when(&legacy(), at(2027, 4, 1), request_validity_change());
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MyNumberValidityChange),
            refused(
                Procedure::MyNumberValidityChange,
                RefusalRule::Validity {
                    reason: RefusalReason::CardAlreadyExpired,
                },
            ),
        ],
    );
}

#[test]
fn given_no_my_number_card_when_validity_change_requested_then_refused_no_card() {
    let decision = given(&[registered_without_my_number_card()]).when(
        &legacy(),
        at(2027, 3, 10),
        request_validity_change(),
    );
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MyNumberValidityChange),
            refused(
                Procedure::MyNumberValidityChange,
                RefusalRule::NoMyNumberCard,
            ),
        ],
    );
}

#[test]
fn given_tokutei_card_only_when_validity_change_requested_then_refused_holds_tokutei() {
    let city = given(&[registered_with(
        born(),
        CardKind::TokuteiResidenceCard,
        None,
    )]);
    let decision = city.when(&integrated(), at(2027, 3, 10), request_validity_change());
    assert_eq!(
        decision.events.last(),
        Some(&refused(
            Procedure::MyNumberValidityChange,
            RefusalRule::HoldsTokuteiCard,
        ))
    );
}

#[test]
fn given_no_new_expiry_when_validity_change_requested_then_refused_nothing_pending() {
    let decision =
        given(&[registered()]).when(&legacy(), at(2027, 3, 10), request_validity_change());
    assert_eq!(
        decision.events.last(),
        Some(&refused(
            Procedure::MyNumberValidityChange,
            RefusalRule::NothingPending,
        ))
    );
}

// ---- N8 from J-LIS ----

#[test]
fn given_separate_card_when_j_lis_invalidates_it_then_card_withdrawn_from_register() {
    let mut city = given(&[registered()]);
    let policy = integrated();
    let ctx = Context {
        now: at(2027, 3, 2),
        policy: &policy,
        seed: SEED,
    };
    let invalidated = Event::MyNumberCardInvalidated {
        resident: R,
        reason: InvalidationReason::ReplacedByTokutei,
        tokutei_card: None,
    };
    let decision = city.handle(&notice(Service::CardIssuer, invalidated), &ctx);
    then(
        &decision,
        &[Event::MyNumberCardWithdrawn {
            resident: R,
            reason: InvalidationReason::ReplacedByTokutei,
        }],
    );
    assert_eq!(city.entry(R).unwrap().my_number_card, None);
}

#[test]
fn given_tokutei_functions_invalidated_when_notice_arrives_then_separate_card_not_withdrawn() {
    let invalidated = Event::MyNumberCardInvalidated {
        resident: R,
        reason: InvalidationReason::ContinuityNotConfirmed,
        tokutei_card: Some(card_number()),
    };
    let decision = given(&[registered()]).when(
        &integrated(),
        at(2027, 3, 2),
        notice(Service::CardIssuer, invalidated),
    );
    then(&decision, &[]);
}

// ---- the evidence a validity change needs (switch validity_change_evidence, §5.4, §6 N3) ----

#[test]
fn given_no_notice_yet_when_the_new_card_is_presented_then_the_switch_decides_whether_it_is_enough()
{
    use model::policy::ValidityChangeEvidence;
    // The register still shows 2027-03-31; the new card presented shows 2030-03-31.
    let presenting = cmd(Command::RequestMyNumberValidityChange {
        resident: R,
        presented_expiry: Some(d(2030, 3, 31)),
    });
    let visit = visit_for("shinjuku", Procedure::MyNumberValidityChange);
    // By default the register alone counts: nothing to change until N3 arrives.
    let decision = given(&[registered()]).when(&legacy(), at(2027, 3, 10), presenting.clone());
    then(
        &decision,
        &[
            visit.clone(),
            refused(
                Procedure::MyNumberValidityChange,
                RefusalRule::NothingPending,
            ),
        ],
    );
    // With the card as evidence, the period it shows is taken.
    let mut policy = legacy();
    policy.switches.validity_change_evidence = ValidityChangeEvidence::CardPresented;
    let decision = given(&[registered()]).when(&policy, at(2027, 3, 10), presenting);
    then(
        &decision,
        &[
            visit,
            Event::MyNumberCardValidityChanged {
                resident: R,
                previous: d(2027, 3, 31),
                valid_through: d(2030, 3, 31),
            },
        ],
    );
}

// ---- a special permanent resident's certificate procedures (§5.8) ----

fn spr_registered() -> Event {
    match registered_with(born(), CardKind::SprCertificate, None) {
        Event::ResidentRegistered {
            resident,
            municipality,
            address,
            my_number,
            card_number,
            card_kind,
            my_number_card,
            born_on,
            ..
        } => Event::ResidentRegistered {
            resident,
            municipality,
            address,
            my_number,
            status: Status::SpecialPermanentResident,
            period_expiry: None,
            card_number,
            card_kind,
            my_number_card,
            born_on,
        },
        other => other,
    }
}

/// A name change on 2026-09-01, notified at the municipal window.
fn name_change_at_window() -> Input {
    cmd(Command::NotifyItemChange {
        resident: R,
        item: ChangedItem::Name,
        changed_on: d(2026, 9, 1),
        tokutei: false,
        at_city_hall: true,
    })
}

#[test]
fn given_an_spr_when_notifying_an_item_change_at_the_window_then_forwarded_to_the_bureau() {
    let decision =
        given(&[spr_registered()]).when(&legacy(), at(2026, 9, 7), name_change_at_window());
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::ItemChange),
            Event::SprApplicationForwarded {
                resident: R,
                procedure: Procedure::ItemChange,
                reissue: None,
                item_change: Some((ChangedItem::Name, d(2026, 9, 1))),
                tokutei: false,
                filed_on: d(2026, 9, 7),
            },
        ],
    );
}

#[test]
fn given_an_spr_when_asking_for_a_reissue_after_loss_at_the_window_then_forwarded_with_its_reason()
{
    let lost = ReissueReason::Lost {
        learned_on: d(2026, 9, 1),
        reported_on: Some(d(2026, 9, 2)),
    };
    let decision = given(&[spr_registered()]).when(
        &integrated(),
        at(2026, 9, 3),
        cmd(Command::RequestReissue {
            resident: R,
            reason: lost,
            tokutei: true,
            at_city_hall: true,
        }),
    );
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::LossReissue),
            Event::SprApplicationForwarded {
                resident: R,
                procedure: Procedure::LossReissue,
                reissue: Some(lost),
                item_change: None,
                tokutei: true,
                filed_on: d(2026, 9, 3),
            },
        ],
    );
}

#[test]
fn given_a_mid_to_long_term_resident_when_notifying_an_item_change_at_the_window_then_refused_and_nothing_forwarded()
 {
    let decision = given(&[registered()]).when(&legacy(), at(2026, 9, 7), name_change_at_window());
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::ItemChange),
            refused(Procedure::ItemChange, RefusalRule::WrongOfficeForStatus),
        ],
    );
}

// ---- the separate My Number card's own life (§5.9, §5.11, §8.4) ----

fn request_new_card(reason: MyNumberCardReissueReason) -> Input {
    cmd(Command::RequestMyNumberCardReissue {
        resident: R,
        reason,
    })
}

fn lost_reported(reported_on: Option<NaiveDate>) -> MyNumberCardReissueReason {
    MyNumberCardReissueReason::Lost { reported_on }
}

/// The new card applied for on `on`: valid through the period expiry 2027-03-31 (the birthday
/// cap, the 10th birthday after issuance, is later; §8.4).
fn new_card(on: NaiveDate) -> MyNumberCard {
    MyNumberCard {
        issued_on: on,
        valid_through: d(2027, 3, 31),
    }
}

fn applied(reason: MyNumberCardReissueReason, on: NaiveDate) -> Event {
    Event::MyNumberCardReissueApplied {
        resident: R,
        reason,
        card: new_card(on),
    }
}

fn my_number_card_ready() -> Event {
    Event::CardReadyForCollection {
        resident: R,
        kind: CardKind::MyNumberCard,
        at: Office::CityHall,
    }
}

#[test]
fn given_a_lost_card_reported_to_the_police_when_a_new_card_is_requested_then_the_application_is_taken()
 {
    let hall = given(&[registered()]);
    let reason = lost_reported(Some(d(2026, 9, 2)));
    let decision = hall.when(&legacy(), at(2026, 9, 3), request_new_card(reason));
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MyNumberCardReissue),
            applied(reason, d(2026, 9, 3)),
        ],
    );
}

#[test]
fn given_no_police_report_when_a_new_card_is_requested_after_a_loss_then_refused() {
    let hall = given(&[registered()]);
    let decision = hall.when(
        &legacy(),
        at(2026, 9, 3),
        request_new_card(lost_reported(None)),
    );
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MyNumberCardReissue),
            refused(
                Procedure::MyNumberCardReissue,
                RefusalRule::PoliceReportMissing,
            ),
        ],
    );
}

#[test]
fn given_a_card_still_valid_when_a_new_card_is_requested_for_a_lapse_then_refused_as_still_valid() {
    let hall = given(&[registered()]);
    let decision = hall.when(
        &legacy(),
        at(2027, 3, 31),
        request_new_card(MyNumberCardReissueReason::Lapsed),
    );
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MyNumberCardReissue),
            refused(
                Procedure::MyNumberCardReissue,
                RefusalRule::Validity {
                    reason: RefusalReason::CardStillValid,
                },
            ),
        ],
    );
}

#[test]
fn given_a_card_past_its_validity_when_a_new_card_is_requested_for_a_lapse_then_taken_with_the_new_period()
 {
    // The period was extended to 2030-03-31 (N3) but the card was not: it lapsed on 2027-04-01.
    let hall = given(&[registered(), n3_applied(d(2030, 3, 31))]);
    let decision = hall.when(
        &legacy(),
        at(2027, 4, 5),
        request_new_card(MyNumberCardReissueReason::Lapsed),
    );
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MyNumberCardReissue),
            Event::MyNumberCardReissueApplied {
                resident: R,
                reason: MyNumberCardReissueReason::Lapsed,
                card: MyNumberCard {
                    issued_on: d(2027, 4, 5),
                    valid_through: d(2030, 3, 31),
                },
            },
        ],
    );
}

#[test]
fn given_a_card_lapsed_for_continuity_when_a_new_card_is_requested_then_taken() {
    let lapsed = missed(
        Duty::MyNumberContinuity,
        d(2026, 9, 30),
        Consequence::MyNumberCardLapses,
    );
    let hall = given(&[registered(), lapsed]);
    let reason = MyNumberCardReissueReason::Lapsed;
    let decision = hall.when(&legacy(), at(2026, 10, 5), request_new_card(reason));
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MyNumberCardReissue),
            applied(reason, d(2026, 10, 5)),
        ],
    );
}

#[test]
fn given_never_a_card_when_a_new_card_is_requested_then_refused_no_my_number_card() {
    let hall = given(&[registered_without_my_number_card()]);
    let decision = hall.when(
        &legacy(),
        at(2026, 9, 3),
        request_new_card(MyNumberCardReissueReason::Lapsed),
    );
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MyNumberCardReissue),
            refused(Procedure::MyNumberCardReissue, RefusalRule::NoMyNumberCard),
        ],
    );
}

#[test]
fn given_a_tokutei_holder_without_a_separate_card_when_a_new_card_is_requested_then_refused() {
    let hall = given(&[registered_with(
        born(),
        CardKind::TokuteiResidenceCard,
        None,
    )]);
    let decision = hall.when(
        &integrated(),
        at(2026, 9, 3),
        request_new_card(lost_reported(Some(d(2026, 9, 2)))),
    );
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MyNumberCardReissue),
            refused(
                Procedure::MyNumberCardReissue,
                RefusalRule::HoldsTokuteiCard,
            ),
        ],
    );
}

#[test]
fn given_a_new_card_applied_for_when_requested_again_then_already_pending() {
    let reason = lost_reported(Some(d(2026, 9, 2)));
    let hall = given(&[registered(), applied(reason, d(2026, 9, 3))]);
    let decision = hall.when(&legacy(), at(2026, 9, 4), request_new_card(reason));
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MyNumberCardReissue),
            refused(Procedure::MyNumberCardReissue, RefusalRule::AlreadyPending),
        ],
    );
}

#[test]
fn given_a_new_card_applied_for_when_j_lis_has_produced_it_then_it_is_ready_at_the_window() {
    let reason = lost_reported(Some(d(2026, 9, 2)));
    let hall = given(&[registered(), applied(reason, d(2026, 9, 3))]);
    let produced = Event::MyNumberCardProduced { resident: R };
    let decision = hall.when(
        &legacy(),
        at(2026, 10, 5),
        notice(Service::CardIssuer, produced.clone()),
    );
    then(&decision, &[my_number_card_ready()]);
    // Nothing applied for: a stray notice changes nothing.
    let hall = given(&[registered()]);
    let decision = hall.when(
        &legacy(),
        at(2026, 10, 5),
        notice(Service::CardIssuer, produced),
    );
    then(&decision, &[]);
}

#[test]
fn given_a_new_card_ready_when_collected_then_handed_over_against_the_fee() {
    let reason = lost_reported(Some(d(2026, 9, 2)));
    let hall = given(&[
        registered(),
        applied(reason, d(2026, 9, 3)),
        my_number_card_ready(),
    ]);
    let collect = cmd(Command::CollectMyNumberCard { resident: R });
    let decision = hall.when(&legacy(), at(2026, 10, 8), collect);
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::CardCollection),
            Event::MyNumberCardIssued {
                resident: R,
                card: new_card(d(2026, 9, 3)),
                fee_yen: 1000,
            },
        ],
    );
}

#[test]
fn given_a_new_card_not_yet_ready_when_collecting_then_nothing_pending() {
    let reason = lost_reported(Some(d(2026, 9, 2)));
    let hall = given(&[registered(), applied(reason, d(2026, 9, 3))]);
    let collect = cmd(Command::CollectMyNumberCard { resident: R });
    let decision = hall.when(&legacy(), at(2026, 9, 10), collect);
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::CardCollection),
            refused(Procedure::CardCollection, RefusalRule::NothingPending),
        ],
    );
}

#[test]
fn given_a_name_change_in_the_register_when_the_card_is_updated_then_items_updated_once() {
    let item_updated = Event::RegisterItemUpdated {
        resident: R,
        item: ChangedItem::Name,
    };
    let update = || cmd(Command::UpdateMyNumberCardItems { resident: R });
    let hall = given(&[registered(), item_updated]);
    let decision = hall.when(&legacy(), at(2026, 8, 17), update());
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MyNumberCardItemUpdate),
            Event::MyNumberCardItemsUpdated {
                resident: R,
                item: ChangedItem::Name,
            },
        ],
    );
    // Before the bureau's notice has reached the register there is nothing to write.
    let hall = given(&[registered()]);
    let decision = hall.when(&legacy(), at(2026, 8, 10), update());
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MyNumberCardItemUpdate),
            refused(
                Procedure::MyNumberCardItemUpdate,
                RefusalRule::NothingPending,
            ),
        ],
    );
}

// ---- ex-officio deletion of a register entry (職権消除, §6 N2) ----

#[test]
fn given_registered_resident_when_entry_deleted_ex_officio_then_deleted_and_no_entry_left() {
    let city = given(&[registered()]);
    let decision = city.when(
        &integrated(),
        at(2026, 9, 1),
        cmd(Command::DeleteRegisterEntry { resident: R }),
    );
    let deleted = Event::RegisterEntryDeleted {
        resident: R,
        municipality: "shinjuku".into(),
    };
    then(&decision, std::slice::from_ref(&deleted));
    // The deletion is no visit (the municipality acts of its own motion), and once it is
    // applied there is no entry left to move or notify at.
    let after = given(&[registered(), deleted]);
    assert!(after.entry(R).is_none());
}

// ---- capacity of the windows (decision 17) ----

/// The windows take in one resident a working day per municipality: two residents registered in
/// Shinjuku at 500 per 1,000.
fn one_a_day() -> Policy {
    Policy {
        capacity: Some(model::capacity::Capacity {
            city_hall: model::capacity::PerThousand::new(500.0),
            ..Default::default()
        }),
        ..legacy()
    }
}

const OTHER: ResidentId = ResidentId(1);

/// Residents 0 and 1 registered in Shinjuku under `policy`, as a run keeps them (`handle`, so
/// that the windows' queues count the residents registered in the municipality).
fn registered_two(policy: &Policy) -> CityHall {
    let mut city = given(&[]);
    let ctx = Context {
        now: at(2026, 7, 1),
        policy,
        seed: SEED,
    };
    for r in [R, OTHER] {
        let mut p = profile(true);
        p.my_number = MyNumber::generate(SEED, r.0.into());
        let decision = city.handle(
            &cmd(Command::EnrolResident {
                resident: r,
                profile: std::sync::Arc::new(p),
            }),
            &ctx,
        );
        assert!(matches!(
            decision.events[..],
            [Event::ResidentRegistered { .. }]
        ));
    }
    city
}

fn move_within_for(resident: ResidentId) -> Command {
    Command::NotifyMoveWithinMunicipality {
        resident,
        address: "4-5-6 Okubo".into(),
        moved_on: d(2026, 7, 10),
        tokutei: false,
    }
}

/// `city` decides and keeps `command` at `now`, as a run does.
fn handled(city: &mut CityHall, policy: &Policy, now: SimTime, command: Command) -> Decision {
    let ctx = Context {
        now,
        policy,
        seed: SEED,
    };
    city.handle(&cmd(command), &ctx)
}

fn waited(resident: ResidentId, until: NaiveDate) -> Event {
    Event::CounterCapacityReached {
        resident,
        office: Office::CityHall,
        municipality: Some("shinjuku".into()),
        procedure: Procedure::MoveWithinMunicipality,
        waits_until: until,
    }
}

#[test]
fn given_a_place_left_today_when_a_resident_notifies_a_move_then_they_are_taken_in() {
    let policy = one_a_day();
    let city = registered_two(&policy);
    // Friday 2026-07-17, nobody taken in yet.
    let decision = city.when(&policy, at(2026, 7, 17), cmd(move_within_for(R)));
    then(
        &decision,
        &[
            visit_for("shinjuku", Procedure::MoveWithinMunicipality),
            moved_within(d(2026, 7, 10), both_cards()),
        ],
    );
}

#[test]
fn given_the_day_full_when_another_resident_comes_then_they_are_sent_past_the_closed_days() {
    let policy = one_a_day();
    let mut city = registered_two(&policy);
    let friday = at(2026, 7, 17);
    handled(&mut city, &policy, friday, move_within_for(R));
    let decision = city.when(&policy, friday, cmd(move_within_for(OTHER)));
    // Saturday, Sunday and Monday 07-20 (海の日) are closed: Tuesday 07-21, at opening time,
    // with the same notification; nothing is recorded at the window today.
    then_with_timers(
        &decision,
        &[waited(OTHER, d(2026, 7, 21))],
        &[(opening_time(d(2026, 7, 21)), move_within_for(OTHER))],
    );
    // Without a capacity the same notification is taken in on the Friday.
    let unlimited = registered_two(&legacy());
    let decision = unlimited.when(&legacy(), friday, cmd(move_within_for(OTHER)));
    assert!(matches!(
        decision.events[0],
        Event::CounterVisited {
            resident: OTHER,
            ..
        }
    ));
}

#[test]
fn given_a_place_given_for_today_when_the_resident_comes_back_then_they_are_first_in_the_queue() {
    let policy = one_a_day();
    let mut city = registered_two(&policy);
    let friday = at(2026, 7, 17);
    handled(&mut city, &policy, friday, move_within_for(R));
    handled(&mut city, &policy, friday, move_within_for(OTHER));
    // Tuesday's one place is theirs: back at opening time, they are taken in.
    let tuesday = opening_time(d(2026, 7, 21));
    let back = handled(&mut city, &policy, tuesday, move_within_for(OTHER));
    assert_eq!(
        back.events[..2],
        [
            Event::CounterVisited {
                resident: OTHER,
                office: Office::CityHall,
                municipality: Some("shinjuku".into()),
                procedure: Procedure::MoveWithinMunicipality,
            },
            Event::MovedWithinMunicipality {
                resident: OTHER,
                municipality: "shinjuku".into(),
                address: "4-5-6 Okubo".into(),
                moved_on: d(2026, 7, 10),
                written_on: both_cards(),
            },
        ]
    );
    // Anyone else who comes that day is behind them: Wednesday.
    let later = city.when(&policy, at(2026, 7, 21), cmd(move_within_for(R)));
    then_with_timers(
        &later,
        &[waited(R, d(2026, 7, 22))],
        &[(opening_time(d(2026, 7, 22)), move_within_for(R))],
    );
}

// ---- departure for good (§5.14) ----

#[test]
fn given_registered_resident_when_a_move_abroad_is_notified_then_visit_and_the_entry_closes_on_the_day_of_leaving()
 {
    let leaves_on = d(2026, 9, 29);
    let decision = given(&[registered()]).when(
        &legacy(),
        at(2026, 9, 25),
        cmd(Command::NotifyDeparture {
            resident: R,
            leaves_on,
        }),
    );
    let notified = Event::DepartureNotified {
        resident: R,
        municipality: "shinjuku".into(),
        leaves_on,
    };
    then_with_timers(
        &decision,
        &[
            visit_for("shinjuku", Procedure::DepartureNotification),
            notified.clone(),
        ],
        &[(
            start_of_day(leaves_on),
            Command::CloseEntryOnDeparture { resident: R },
        )],
    );
    // The entry stays until the day of leaving, then closes and is gone.
    let city = given(&[registered(), notified.clone()]);
    assert!(city.entry(R).is_some());
    let decision = city.when(
        &legacy(),
        start_of_day(leaves_on),
        cmd(Command::CloseEntryOnDeparture { resident: R }),
    );
    let closed = Event::MoveAbroadRecorded {
        resident: R,
        municipality: "shinjuku".into(),
    };
    then(&decision, std::slice::from_ref(&closed));
    let after = given(&[registered(), notified, closed]);
    assert!(after.entry(R).is_none());
}

#[test]
fn given_an_entry_still_open_when_the_bureau_tells_of_a_departure_then_deleted_ex_officio_unless_the_switch_says_not()
 {
    let departed = Event::Departed {
        resident: R,
        port: "kansai".into(),
        card_returned: Some(card_number()),
    };
    let decision = given(&[registered()]).when(
        &integrated(),
        at(2026, 9, 30),
        notice(Service::ImmigrationBureau, departed.clone()),
    );
    then(
        &decision,
        &[Event::RegisterEntryDeleted {
            resident: R,
            municipality: "shinjuku".into(),
        }],
    );
    let mut keeps = integrated();
    keeps.switches.departure_notice_deletes_entry = false;
    let decision = given(&[registered()]).when(
        &keeps,
        at(2026, 9, 30),
        notice(Service::ImmigrationBureau, departed),
    );
    then(&decision, &[]);
}

// ---- birth of a foreign child (§5.15) ----

fn newborn() -> NaiveDate {
    d(2026, 7, 3)
}

fn notify_birth() -> Input {
    cmd(Command::NotifyBirth {
        resident: R,
        municipality: "setagaya".into(),
        address: "2-14-7 Kitazawa".into(),
        born_on: newborn(),
    })
}

fn birth_registered() -> Event {
    Event::BirthRegistered {
        resident: R,
        municipality: "setagaya".into(),
        address: "2-14-7 Kitazawa".into(),
        my_number: MyNumber::generate(SEED, 0),
        born_on: newborn(),
    }
}

#[test]
fn given_a_newborn_when_the_birth_is_notified_then_registered_without_a_status_with_a_my_number() {
    let decision = given(&[]).when(&legacy(), at(2026, 7, 10), notify_birth());
    then(
        &decision,
        &[
            visit_for("setagaya", Procedure::BirthNotification),
            birth_registered(),
        ],
    );
    // The register holds a transitional stayer, without a card, until the bureau's notice.
    let city = given(&[birth_registered()]);
    let entry = city.entry(R).expect("registered");
    assert_eq!(entry.status, Status::TransitionalStayer);
    assert_eq!((entry.period_expiry, entry.card_number), (None, None));
    // N3 of the status acquired brings the status and the period.
    let decision = city.when(
        &legacy(),
        at(2026, 7, 29),
        notice(
            Service::ImmigrationBureau,
            Event::StatusChanged {
                resident: R,
                from: Status::TransitionalStayer,
                to: Status::Dependent,
                new_expiry: Some(d(2029, 6, 30)),
            },
        ),
    );
    then(
        &decision,
        &[Event::ImmigrationDataUpdated {
            resident: R,
            status: Status::Dependent,
            period_expiry: Some(d(2029, 6, 30)),
            card_number: None,
            card_kind: None,
        }],
    );
}

#[test]
fn given_a_newborn_when_the_birth_is_notified_on_the_fifteenth_day_then_the_late_notice_is_flagged()
{
    // Born on Friday 07-03: the 14 days count the day of birth (戸籍法43条), so they end on
    // Thursday 07-16; a notification on Friday 07-17 is late, received all the same.
    let on_time = given(&[]).when(&legacy(), at(2026, 7, 16), notify_birth());
    assert!(
        !on_time
            .events
            .iter()
            .any(|e| matches!(e, Event::DeadlineMissed { .. }))
    );
    let late = given(&[]).when(&legacy(), at(2026, 7, 17), notify_birth());
    then(
        &late,
        &[
            visit_for("setagaya", Procedure::BirthNotification),
            birth_registered(),
            missed(
                Duty::BirthNotification,
                d(2026, 7, 16),
                Consequence::PenaltyExposure,
            ),
        ],
    );
}

#[test]
fn given_a_registered_child_when_the_birth_is_notified_again_then_not_expected_here() {
    let decision = given(&[birth_registered()]).when(&legacy(), at(2026, 7, 13), notify_birth());
    then(
        &decision,
        &[
            visit_for("setagaya", Procedure::BirthNotification),
            refused(Procedure::BirthNotification, RefusalRule::NotExpectedHere),
        ],
    );
}
