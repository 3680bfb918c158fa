//! Given/when/then tests of J-LIS's decisions (docs/domain.md §5.3, §5.4, §6 N4/N5/N8, §8.4–§8.6,
//! §10).
//!
//! `given` folds events into a fresh state with `apply` only; `when` runs `decide` with an
//! injected context; `then` compares the exact events and timers decided.

use super::*;
use model::card::ResidenceCard;
use model::card::{CardKind, MyNumberCard};
use model::card_number::ResidenceCardNumber;
use model::command::ResidentProfile;
use model::ids::Address;
use model::machine::testing::{self, SEED, When, cmd, notice, then, then_with_timers};
use model::mynumber::MyNumber;
use model::policy::{Policy, Regime};
use model::status::Status;
use model::time::{Latency, SimTime, opening_time};

const R: ResidentId = ResidentId(0);

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// 10:00 on the given day.
fn at(y: i32, m: u32, day: u32) -> SimTime {
    opening_time(d(y, m, day)) + chrono::Duration::hours(1)
}

fn integrated() -> Policy {
    Policy::default()
}

fn legacy() -> Policy {
    Policy::with_regime(Regime::Legacy)
}

// ---- given / when / then ----

fn given(events: &[Event]) -> CardIssuer {
    testing::given(events)
}

// ---- fixtures ----

fn born() -> NaiveDate {
    d(1990, 4, 1)
}

/// Issued 2021-10-01, valid through the period expiry 2027-03-31.
fn my_number_card() -> MyNumberCard {
    MyNumberCard {
        issued_on: d(2021, 10, 1),
        valid_through: d(2027, 3, 31),
    }
}

fn certificates() -> Certificates {
    Certificates {
        signature_through: Some(d(2026, 4, 1)),
        user_auth_through: Some(d(2026, 4, 1)),
    }
}

fn opened_with(my_number_card: Option<MyNumberCard>, certificates: Certificates) -> Event {
    Event::CardIssuerRecordOpened {
        resident: R,
        born_on: born(),
        my_number_card,
        certificates,
    }
}

/// A resident holding a separate My Number card with both certificates.
fn opened() -> Event {
    opened_with(Some(my_number_card()), certificates())
}

fn opened_without_card() -> Event {
    opened_with(None, Certificates::default())
}

fn profile(my_number_card: Option<MyNumberCard>) -> ResidentProfile {
    ResidentProfile {
        name: "mei".into(),
        born_on: born(),
        status: Status::EngineerSpecialistHumanities,
        period_expiry: Some(d(2027, 3, 31)),
        municipality: "shinjuku".into(),
        address: "1-2-3 Nishi-Shinjuku".into(),
        registered: true,
        my_number: MyNumber::generate(SEED, 0),
        residence_card: None,
        my_number_card,
        certificates: if my_number_card.is_some() {
            certificates()
        } else {
            Certificates::default()
        },
        cards_issued: 1,
        pending: None,
    }
}

fn enrol(my_number_card: Option<MyNumberCard>) -> Input {
    cmd(Command::EnrolResident {
        resident: R,
        profile: std::sync::Arc::new(profile(my_number_card)),
    })
}

fn expire_card(valid_through: NaiveDate) -> Command {
    Command::ExpireMyNumberCard {
        resident: R,
        valid_through,
    }
}

fn expire_functions(valid_through: NaiveDate) -> Command {
    Command::ExpireMyNumberFunctions {
        resident: R,
        valid_through,
    }
}

fn tokutei_number() -> ResidenceCardNumber {
    ResidenceCardNumber::generate(SEED, R.0, 2)
}

fn tokutei_requested() -> Event {
    Event::TokuteiCardRequested {
        resident: R,
        kind: CardKind::TokuteiResidenceCard,
        valid_through: d(2029, 9, 30),
        collect_at: model::service::Office::ImmigrationBureau,
    }
}

fn production_started(ready_on: NaiveDate) -> Event {
    Event::TokuteiProductionStarted {
        resident: R,
        kind: CardKind::TokuteiResidenceCard,
        ready_on,
    }
}

fn produced() -> Event {
    Event::TokuteiCardProduced {
        resident: R,
        kind: CardKind::TokuteiResidenceCard,
    }
}

fn card_issued(kind: CardKind, issued_on: NaiveDate, valid_through: NaiveDate) -> Event {
    Event::ResidenceCardIssued {
        resident: R,
        card: ResidenceCard {
            kind,
            number: tokutei_number(),
            issued_on,
            valid_through,
        },
        replaces: Some(ResidenceCardNumber::generate(SEED, R.0, 1)),
    }
}

/// Both certificates running through `through`.
fn certs_through(through: NaiveDate) -> Certificates {
    Certificates {
        signature_through: Some(through),
        user_auth_through: Some(through),
    }
}

fn functions_activated(valid_through: NaiveDate) -> Event {
    Event::MyNumberFunctionsActivated {
        resident: R,
        card_number: tokutei_number(),
        valid_through,
        certificates: certs_through(valid_through),
    }
}

fn invalidated(reason: InvalidationReason, tokutei_card: Option<ResidenceCardNumber>) -> Event {
    Event::MyNumberCardInvalidated {
        resident: R,
        reason,
        tokutei_card,
    }
}

fn missed(duty: Duty, consequence: Consequence) -> Event {
    Event::DeadlineMissed {
        resident: R,
        duty,
        deadline: d(2026, 10, 5),
        consequence,
    }
}

fn moved_within() -> Event {
    Event::MovedWithinMunicipality {
        resident: R,
        municipality: "shinjuku".into(),
        address: "4-5-6 Okubo".into(),
        moved_on: d(2026, 7, 1),
        written_on: vec![CardKind::ResidenceCard, CardKind::MyNumberCard],
    }
}

fn moved_in() -> Event {
    Event::MoveInRecorded {
        resident: R,
        municipality: "setagaya".into(),
        from: Some("shinjuku".into()),
        address: Address::from("7-8-9 Sangenjaya"),
        moved_on: d(2026, 7, 1),
        written_on: vec![CardKind::ResidenceCard, CardKind::MyNumberCard],
    }
}

fn revoked() -> Event {
    Event::SignatureCertificateRevoked {
        resident: R,
        reason: RevocationReason::AddressChanged,
    }
}

// ---- enrolment and the separate card's expiry (§5.4, §8.4) ----

#[test]
fn given_my_number_card_when_enrolled_then_record_opened_and_expiry_timer_set_for_day_after() {
    let decision = given(&[]).when(&legacy(), at(2026, 7, 1), enrol(Some(my_number_card())));
    then_with_timers(
        &decision,
        &[opened()],
        &[(start_of_day(d(2027, 4, 1)), expire_card(d(2027, 3, 31)))],
    );
}

#[test]
fn given_no_my_number_card_when_enrolled_then_record_opened_without_timer() {
    let decision = given(&[]).when(&legacy(), at(2026, 7, 1), enrol(None));
    then(&decision, &[opened_without_card()]);
}

#[test]
fn given_active_card_when_expiry_timer_fires_then_my_number_card_expired() {
    let decision = given(&[opened()]).when(
        &legacy(),
        start_of_day(d(2027, 4, 1)),
        cmd(expire_card(d(2027, 3, 31))),
    );
    then(
        &decision,
        &[Event::MyNumberCardExpired {
            resident: R,
            valid_through: d(2027, 3, 31),
        }],
    );
}

#[test]
fn given_validity_changed_since_when_stale_expiry_timer_fires_then_nothing() {
    let issuer = given(&[
        opened(),
        Event::MyNumberCardValidityRecorded {
            resident: R,
            valid_through: d(2030, 3, 31),
        },
    ]);
    let stale = issuer.when(
        &legacy(),
        start_of_day(d(2027, 4, 1)),
        cmd(expire_card(d(2027, 3, 31))),
    );
    then(&stale, &[]);
    let fresh = issuer.when(
        &legacy(),
        start_of_day(d(2030, 4, 1)),
        cmd(expire_card(d(2030, 3, 31))),
    );
    then(
        &fresh,
        &[Event::MyNumberCardExpired {
            resident: R,
            valid_through: d(2030, 3, 31),
        }],
    );
}

#[test]
fn given_card_invalidated_when_expiry_timer_fires_then_nothing() {
    let issuer = given(&[
        opened(),
        invalidated(InvalidationReason::ContinuityNotConfirmed, None),
    ]);
    let decision = issuer.when(
        &legacy(),
        start_of_day(d(2027, 4, 1)),
        cmd(expire_card(d(2027, 3, 31))),
    );
    then(&decision, &[]);
}

// ---- Tokutei production (N4, N5) ----

#[test]
fn given_tokutei_card_requested_when_notice_arrives_then_production_started_with_policy_lead_time()
{
    let decision = given(&[opened()]).when(
        &integrated(),
        at(2026, 7, 15),
        notice(Service::ImmigrationBureau, tokutei_requested()),
    );
    then_with_timers(
        &decision,
        &[production_started(d(2026, 7, 25))],
        &[(
            at(2026, 7, 25),
            Command::CompleteTokuteiProduction { resident: R },
        )],
    );
}

#[test]
fn given_shorter_lead_time_when_tokutei_requested_then_ready_on_follows_the_policy() {
    let mut policy = integrated();
    policy.card_production_lead_time = Latency::days(3);
    let decision = given(&[opened()]).when(
        &policy,
        at(2026, 7, 15),
        notice(Service::ImmigrationBureau, tokutei_requested()),
    );
    assert_eq!(decision.events, vec![production_started(d(2026, 7, 18))]);
    assert_eq!(decision.timers[0].0, at(2026, 7, 18));
}

#[test]
fn given_production_started_when_production_timer_fires_then_tokutei_card_produced_once() {
    let mut issuer = given(&[opened(), production_started(d(2026, 7, 25))]);
    let policy = integrated();
    let ctx = Context {
        now: at(2026, 7, 25),
        policy: &policy,
        seed: SEED,
    };
    let complete = cmd(Command::CompleteTokuteiProduction { resident: R });
    then(&issuer.handle(&complete, &ctx), &[produced()]);
    then(&issuer.handle(&complete, &ctx), &[]);
}

#[test]
fn given_nothing_in_production_when_production_timer_fires_then_nothing() {
    let decision = given(&[opened()]).when(
        &integrated(),
        at(2026, 7, 25),
        cmd(Command::CompleteTokuteiProduction { resident: R }),
    );
    then(&decision, &[]);
}

// ---- Tokutei issuance (§8.5, §8.6, §16.6) ----

#[test]
fn given_separate_card_when_tokutei_card_issued_then_functions_activated_and_separate_card_invalidated()
 {
    let decision = given(&[opened()]).when(
        &integrated(),
        at(2026, 7, 27),
        notice(
            Service::ImmigrationBureau,
            card_issued(
                CardKind::TokuteiResidenceCard,
                d(2026, 7, 27),
                d(2029, 9, 30),
            ),
        ),
    );
    then_with_timers(
        &decision,
        &[
            functions_activated(d(2029, 9, 30)),
            invalidated(InvalidationReason::ReplacedByTokutei, None),
        ],
        &[(
            start_of_day(d(2029, 10, 1)),
            expire_functions(d(2029, 9, 30)),
        )],
    );
}

#[test]
fn given_existing_card_kept_switch_when_tokutei_card_issued_then_separate_card_not_invalidated() {
    let mut policy = integrated();
    policy.switches.existing_my_number_card_on_tokutei = ExistingMyNumberCardOnTokutei::Kept;
    let decision = given(&[opened()]).when(
        &policy,
        at(2026, 7, 27),
        notice(
            Service::ImmigrationBureau,
            card_issued(
                CardKind::TokuteiResidenceCard,
                d(2026, 7, 27),
                d(2029, 9, 30),
            ),
        ),
    );
    then_with_timers(
        &decision,
        &[functions_activated(d(2029, 9, 30))],
        &[(
            start_of_day(d(2029, 10, 1)),
            expire_functions(d(2029, 9, 30)),
        )],
    );
}

#[test]
fn given_ten_year_tokutei_card_when_issued_then_certificates_end_at_5th_birthday_after_issuance() {
    // §8.5: certificates run to the 5th birthday after issuance even on a longer card.
    let card_through = d(2036, 4, 1);
    let decision = given(&[opened_without_card()]).when(
        &integrated(),
        at(2026, 7, 27),
        notice(
            Service::ImmigrationBureau,
            card_issued(CardKind::TokuteiResidenceCard, d(2026, 7, 27), card_through),
        ),
    );
    assert_eq!(
        decision.events,
        vec![Event::MyNumberFunctionsActivated {
            resident: R,
            card_number: tokutei_number(),
            valid_through: card_through,
            certificates: certs_through(d(2031, 4, 1)),
        }]
    );
}

#[test]
fn given_holder_under_15_when_tokutei_card_issued_then_no_signature_certificate() {
    let child = Event::CardIssuerRecordOpened {
        resident: R,
        born_on: d(2015, 1, 10),
        my_number_card: None,
        certificates: Certificates::default(),
    };
    let decision = given(&[child]).when(
        &integrated(),
        at(2026, 7, 27),
        notice(
            Service::ImmigrationBureau,
            card_issued(
                CardKind::TokuteiResidenceCard,
                d(2026, 7, 27),
                d(2029, 9, 30),
            ),
        ),
    );
    let Some(Event::MyNumberFunctionsActivated { certificates, .. }) = decision.events.first()
    else {
        panic!("functions not activated: {decision:?}");
    };
    assert_eq!(
        *certificates,
        Certificates {
            signature_through: None,
            user_auth_through: Some(d(2029, 9, 30)),
        }
    );
}

#[test]
fn given_separate_card_when_standard_card_issued_then_nothing() {
    let decision = given(&[opened()]).when(
        &integrated(),
        at(2026, 7, 27),
        notice(
            Service::ImmigrationBureau,
            card_issued(
                CardKind::NewFormatResidenceCard,
                d(2026, 7, 27),
                d(2029, 9, 30),
            ),
        ),
    );
    then(&decision, &[]);
}

#[test]
fn given_active_functions_when_functions_timer_fires_then_functions_expired_unless_stale() {
    let issuer = given(&[opened_without_card(), functions_activated(d(2029, 9, 30))]);
    let fired = issuer.when(
        &integrated(),
        start_of_day(d(2029, 10, 1)),
        cmd(expire_functions(d(2029, 9, 30))),
    );
    then(
        &fired,
        &[Event::MyNumberFunctionsExpired {
            resident: R,
            valid_through: d(2029, 9, 30),
        }],
    );
    let stale = issuer.when(
        &integrated(),
        start_of_day(d(2027, 4, 1)),
        cmd(expire_functions(d(2027, 3, 31))),
    );
    then(&stale, &[]);
}

// ---- N8 from the municipality ----

#[test]
fn given_separate_card_when_validity_change_notified_then_recorded_with_new_certificates_and_timer()
{
    let changed = Event::MyNumberCardValidityChanged {
        resident: R,
        previous: d(2027, 3, 31),
        valid_through: d(2030, 3, 31),
    };
    let decision = given(&[opened()]).when(
        &legacy(),
        at(2027, 3, 10),
        notice(Service::CityHall, changed),
    );
    then_with_timers(
        &decision,
        &[
            Event::MyNumberCardValidityRecorded {
                resident: R,
                valid_through: d(2030, 3, 31),
            },
            Event::CertificatesIssued {
                resident: R,
                certificates: certs_through(d(2030, 3, 31)),
            },
        ],
        &[(start_of_day(d(2030, 4, 1)), expire_card(d(2030, 3, 31)))],
    );
}

#[test]
fn given_signature_certificate_when_address_changes_then_signature_certificate_revoked() {
    let issuer = given(&[opened()]);
    for event in [moved_within(), moved_in()] {
        let decision = issuer.when(&legacy(), at(2026, 7, 6), notice(Service::CityHall, event));
        then(&decision, &[revoked()]);
    }
}

#[test]
fn given_no_signature_certificate_when_address_changes_then_nothing_revoked() {
    let user_auth_only = Certificates {
        signature_through: None,
        user_auth_through: Some(d(2026, 4, 1)),
    };
    let issuer = given(&[opened_with(Some(my_number_card()), user_auth_only)]);
    for event in [moved_within(), moved_in()] {
        let decision = issuer.when(&legacy(), at(2026, 7, 6), notice(Service::CityHall, event));
        then(&decision, &[]);
    }
}

#[test]
fn given_signature_revoked_when_address_changes_again_then_nothing_revoked() {
    let mut issuer = given(&[opened()]);
    let policy = legacy();
    let ctx = Context {
        now: at(2026, 7, 6),
        policy: &policy,
        seed: SEED,
    };
    then(
        &issuer.handle(&notice(Service::CityHall, moved_within()), &ctx),
        &[revoked()],
    );
    then(
        &issuer.handle(&notice(Service::CityHall, moved_in()), &ctx),
        &[],
    );
}

// ---- missed deadlines (§5.3, §10) ----

#[test]
fn given_separate_card_when_continuity_deadline_missed_then_card_invalidated_continuity_not_confirmed()
 {
    let decision = given(&[opened()]).when(
        &legacy(),
        start_of_day(d(2026, 10, 6)),
        notice(
            Service::CityHall,
            missed(Duty::MyNumberContinuity, Consequence::MyNumberCardLapses),
        ),
    );
    then(
        &decision,
        &[invalidated(
            InvalidationReason::ContinuityNotConfirmed,
            None,
        )],
    );
}

#[test]
fn given_separate_card_when_late_move_in_after_card_based_move_out_then_card_invalidated_for_that()
{
    let decision = given(&[opened()]).when(
        &legacy(),
        at(2026, 7, 20),
        notice(
            Service::CityHall,
            missed(
                Duty::MoveInAfterCardBasedMoveOut,
                Consequence::MyNumberCardLapses,
            ),
        ),
    );
    then(
        &decision,
        &[invalidated(
            InvalidationReason::LateMoveInAfterCardBasedMoveOut,
            None,
        )],
    );
}

#[test]
fn given_only_tokutei_functions_when_continuity_deadline_missed_then_tokutei_functions_invalidated()
{
    let issuer = given(&[opened_without_card(), functions_activated(d(2029, 9, 30))]);
    let decision = issuer.when(
        &integrated(),
        start_of_day(d(2026, 10, 6)),
        notice(
            Service::CityHall,
            missed(Duty::MyNumberContinuity, Consequence::MyNumberCardLapses),
        ),
    );
    then(
        &decision,
        &[invalidated(
            InvalidationReason::ContinuityNotConfirmed,
            Some(tokutei_number()),
        )],
    );
}

#[test]
fn given_penalty_only_deadline_when_missed_then_card_not_invalidated() {
    let decision = given(&[opened()]).when(
        &legacy(),
        at(2026, 7, 20),
        notice(
            Service::CityHall,
            missed(Duty::MoveInNotification, Consequence::PenaltyExposure),
        ),
    );
    then(&decision, &[]);
}

#[test]
fn given_card_already_expired_when_continuity_deadline_missed_then_nothing_invalidated() {
    let issuer = given(&[
        opened(),
        Event::MyNumberCardExpired {
            resident: R,
            valid_through: d(2027, 3, 31),
        },
    ]);
    let decision = issuer.when(
        &legacy(),
        start_of_day(d(2027, 7, 6)),
        notice(
            Service::CityHall,
            missed(Duty::MyNumberContinuity, Consequence::MyNumberCardLapses),
        ),
    );
    then(&decision, &[]);
}

#[test]
fn given_no_record_when_commands_or_notices_arrive_then_nothing() {
    let issuer = given(&[]);
    then(
        &issuer.when(
            &legacy(),
            start_of_day(d(2027, 4, 1)),
            cmd(expire_card(d(2027, 3, 31))),
        ),
        &[],
    );
    then(
        &issuer.when(
            &integrated(),
            at(2026, 7, 15),
            notice(Service::ImmigrationBureau, tokutei_requested()),
        ),
        &[],
    );
}

// ---- a whole Tokutei flow: handle = decide + apply, and apply alone rebuilds the state ----

#[test]
fn given_separate_card_when_tokutei_flow_runs_then_functions_active_and_state_replays_from_log() {
    let policy = integrated();
    let mut issuer = given(&[opened()]);
    let mut log = vec![opened()];
    let steps = [
        (
            at(2026, 7, 15),
            notice(Service::ImmigrationBureau, tokutei_requested()),
        ),
        (
            at(2026, 7, 25),
            cmd(Command::CompleteTokuteiProduction { resident: R }),
        ),
        (
            at(2026, 7, 27),
            notice(
                Service::ImmigrationBureau,
                card_issued(
                    CardKind::TokuteiResidenceCard,
                    d(2026, 7, 27),
                    d(2029, 9, 30),
                ),
            ),
        ),
    ];
    for (now, input) in steps {
        let ctx = Context {
            now,
            policy: &policy,
            seed: SEED,
        };
        log.extend(issuer.handle(&input, &ctx).events);
    }
    let chip = issuer.chip(R).unwrap();
    assert_eq!(chip.producing, None);
    assert_eq!(
        chip.tokutei,
        Some(TokuteiFunctions {
            card_number: tokutei_number(),
            valid_through: d(2029, 9, 30),
            state: CardState::Active,
        })
    );
    assert_eq!(
        chip.my_number_card.map(|(_, s)| s),
        Some(CardState::Invalidated)
    );
    assert_eq!(chip.certificates, certs_through(d(2029, 9, 30)));
    assert_eq!(given(&log).chip(R), Some(chip));
}

// ---- a new separate card after a loss or a lapse; its update after an item change (§5.9,
// §5.11, §8.4) ----

/// The new card the window applied for on 2026-09-03, valid through 2027-03-31.
fn new_card() -> MyNumberCard {
    MyNumberCard {
        issued_on: d(2026, 9, 3),
        valid_through: d(2027, 3, 31),
    }
}

fn reissue_applied(reason: MyNumberCardReissueReason) -> Event {
    Event::MyNumberCardReissueApplied {
        resident: R,
        reason,
        card: new_card(),
    }
}

fn lost() -> MyNumberCardReissueReason {
    MyNumberCardReissueReason::Lost {
        reported_on: Some(d(2026, 9, 2)),
    }
}

fn suspended() -> Event {
    Event::MyNumberFunctionsSuspended {
        resident: R,
        tokutei_card: None,
    }
}

#[test]
fn given_a_suspended_card_when_the_window_takes_a_loss_notification_then_the_card_ends_and_a_new_one_is_produced()
 {
    let jlis = given(&[opened(), suspended()]);
    let decision = jlis.when(
        &legacy(),
        at(2026, 9, 3),
        notice(Service::CityHall, reissue_applied(lost())),
    );
    let ready_at = at(2026, 10, 3);
    then_with_timers(
        &decision,
        &[
            invalidated(InvalidationReason::ReportedLost, None),
            Event::MyNumberCardProductionStarted {
                resident: R,
                ready_on: d(2026, 10, 3),
            },
        ],
        &[(
            ready_at,
            Command::CompleteMyNumberCardProduction { resident: R },
        )],
    );
}

#[test]
fn given_a_lapsed_card_when_the_window_applies_for_a_new_one_then_production_follows_the_policy_lead_time()
 {
    let lapsed = Event::MyNumberCardExpired {
        resident: R,
        valid_through: d(2027, 3, 31),
    };
    let jlis = given(&[opened(), lapsed]);
    let policy = Policy {
        my_number_card_lead_time: Latency::days(14),
        ..legacy()
    };
    let decision = jlis.when(
        &policy,
        at(2026, 9, 3),
        notice(
            Service::CityHall,
            reissue_applied(MyNumberCardReissueReason::Lapsed),
        ),
    );
    // A lapsed card is not invalidated again: only production starts.
    then_with_timers(
        &decision,
        &[Event::MyNumberCardProductionStarted {
            resident: R,
            ready_on: d(2026, 9, 17),
        }],
        &[(
            at(2026, 9, 17),
            Command::CompleteMyNumberCardProduction { resident: R },
        )],
    );
}

#[test]
fn given_production_started_when_its_timer_fires_then_produced_once() {
    let started = Event::MyNumberCardProductionStarted {
        resident: R,
        ready_on: d(2026, 10, 3),
    };
    let complete = || cmd(Command::CompleteMyNumberCardProduction { resident: R });
    let jlis = given(&[opened(), started.clone()]);
    let decision = jlis.when(&legacy(), at(2026, 10, 3), complete());
    then(&decision, &[Event::MyNumberCardProduced { resident: R }]);
    let jlis = given(&[
        opened(),
        started,
        Event::MyNumberCardProduced { resident: R },
    ]);
    then(&jlis.when(&legacy(), at(2026, 10, 3), complete()), &[]);
}

#[test]
fn given_a_new_card_handed_over_when_notified_then_activated_with_new_certificates_and_an_expiry_timer()
 {
    let jlis = given(&[
        opened(),
        suspended(),
        invalidated(InvalidationReason::ReportedLost, None),
    ]);
    let handed_over = Event::MyNumberCardIssued {
        resident: R,
        card: new_card(),
        fee_yen: 1000,
    };
    let decision = jlis.when(
        &legacy(),
        at(2026, 10, 8),
        notice(Service::CityHall, handed_over),
    );
    then_with_timers(
        &decision,
        &[Event::MyNumberCardActivated {
            resident: R,
            card: new_card(),
            certificates: certs_through(d(2027, 3, 31)),
        }],
        &[(lapse_time(d(2027, 3, 31)), expire_card(d(2027, 3, 31)))],
    );
    // Applied: the chip holds the new card, active, with its certificates.
    let mut jlis = jlis;
    jlis.apply(&decision.events[0]);
    let chip = jlis.chip(R).expect("a record");
    assert_eq!(chip.my_number_card, Some((new_card(), CardState::Active)));
    assert_eq!(chip.certificates, certs_through(d(2027, 3, 31)));
}

#[test]
fn given_a_signature_certificate_revoked_by_a_name_change_when_the_card_is_updated_then_certificates_issued()
 {
    let name_revoked = Event::SignatureCertificateRevoked {
        resident: R,
        reason: RevocationReason::ItemChanged {
            item: ChangedItem::Name,
        },
    };
    let updated = Event::MyNumberCardItemsUpdated {
        resident: R,
        item: ChangedItem::Name,
    };
    let jlis = given(&[opened(), name_revoked]);
    let decision = jlis.when(
        &legacy(),
        at(2026, 8, 17),
        notice(Service::CityHall, updated.clone()),
    );
    then(
        &decision,
        &[Event::CertificatesIssued {
            resident: R,
            certificates: certs_through(d(2027, 3, 31)),
        }],
    );
    // A nationality change revokes nothing, and the update issues nothing.
    let jlis = given(&[opened()]);
    then(
        &jlis.when(
            &legacy(),
            at(2026, 8, 17),
            notice(Service::CityHall, updated),
        ),
        &[],
    );
}

// ---- N8 with N2: a register entry deleted ex officio (職権消除) ----

#[test]
fn given_separate_card_when_register_entry_deleted_then_card_invalidated() {
    let deleted = Event::RegisterEntryDeleted {
        resident: R,
        municipality: "shinjuku".into(),
    };
    let decision = given(&[opened()]).when(
        &legacy(),
        at(2026, 9, 1),
        notice(Service::CityHall, deleted.clone()),
    );
    then(
        &decision,
        &[invalidated(InvalidationReason::RegisterEntryDeleted, None)],
    );
    // Without a card carrying the functions there is nothing to invalidate.
    let decision = given(&[opened_without_card()]).when(
        &legacy(),
        at(2026, 9, 1),
        notice(Service::CityHall, deleted),
    );
    then(&decision, &[]);
}

// ---- production capacity (decision 17, issue 8's backlog) ----

/// J-LIS starts one Tokutei production a working day: one resident at 1,000 per 1,000.
fn one_production_a_day() -> Policy {
    Policy {
        capacity: Some(model::capacity::Capacity {
            jlis_production: model::capacity::PerThousand::new(1000.0),
            ..Default::default()
        }),
        ..Policy::default()
    }
}

/// J-LIS with the resident enrolled as a run keeps it (`handle`: its queue counts them).
fn enrolled(policy: &Policy) -> CardIssuer {
    let mut issuer = given(&[]);
    let ctx = Context {
        now: opening_time(d(2026, 7, 1)),
        policy,
        seed: SEED,
    };
    issuer.handle(&enrol(None), &ctx);
    issuer
}

#[test]
fn given_productions_beyond_the_day_s_capacity_when_requested_then_they_queue_and_the_lead_time_grows()
 {
    let policy = one_production_a_day();
    let mut issuer = enrolled(&policy);
    // Thursday 2026-07-09: the first request starts at once, ready ten days later.
    let thursday = at(2026, 7, 9);
    let first = issuer.handle(
        &notice(Service::ImmigrationBureau, tokutei_requested()),
        &Context {
            now: thursday,
            policy: &policy,
            seed: SEED,
        },
    );
    then_with_timers(
        &first,
        &[production_started(d(2026, 7, 19))],
        &[(
            thursday + chrono::Duration::days(10),
            Command::CompleteTokuteiProduction { resident: R },
        )],
    );
    // A second request the same day waits for Friday; a third for Monday (the weekend is
    // closed): each card is ready a working day later than the one before.
    let mut starts = Vec::new();
    for _ in 0..2 {
        let decision = issuer.handle(
            &notice(Service::ImmigrationBureau, tokutei_requested()),
            &Context {
                now: thursday,
                policy: &policy,
                seed: SEED,
            },
        );
        let Event::ProductionQueued { starts_on, .. } = decision.events[0] else {
            panic!("queued: {decision:?}");
        };
        let ready = opening_time(starts_on) + chrono::Duration::days(10);
        assert_eq!(decision.events[1], production_started(ready.date()));
        assert_eq!(
            decision.timers,
            [(ready, Command::CompleteTokuteiProduction { resident: R })]
        );
        starts.push(starts_on);
    }
    assert_eq!(starts, [d(2026, 7, 10), d(2026, 7, 13)]);
    // The backlog drains: a request on Tuesday 07-14, after the queued ones have started,
    // starts at once.
    let tuesday = at(2026, 7, 14);
    let later = issuer.when(
        &policy,
        tuesday,
        notice(Service::ImmigrationBureau, tokutei_requested()),
    );
    then_with_timers(
        &later,
        &[production_started(d(2026, 7, 24))],
        &[(
            tuesday + chrono::Duration::days(10),
            Command::CompleteTokuteiProduction { resident: R },
        )],
    );
}

#[test]
fn given_no_production_capacity_when_requested_then_production_starts_at_once() {
    let policy = integrated();
    let issuer = enrolled(&policy);
    let decision = issuer.when(
        &policy,
        at(2026, 7, 9),
        notice(Service::ImmigrationBureau, tokutei_requested()),
    );
    assert_eq!(decision.events, [production_started(d(2026, 7, 19))]);
}

// ---- N8: a register entry closed on a move abroad (§5.14) ----

#[test]
fn given_a_card_with_my_number_functions_when_the_entry_closes_on_a_move_abroad_then_invalidated() {
    let closed = Event::MoveAbroadRecorded {
        resident: R,
        municipality: "shinjuku".into(),
    };
    let decision = given(&[opened()]).when(
        &legacy(),
        at(2026, 9, 29),
        notice(Service::CityHall, closed.clone()),
    );
    then(
        &decision,
        &[invalidated(InvalidationReason::MovedAbroad, None)],
    );
    // A Tokutei card's functions end the same way.
    let decision = given(&[opened_without_card(), functions_activated(d(2029, 3, 31))]).when(
        &integrated(),
        at(2026, 9, 29),
        notice(Service::CityHall, closed),
    );
    then(
        &decision,
        &[invalidated(
            InvalidationReason::MovedAbroad,
            Some(tokutei_number()),
        )],
    );
}
