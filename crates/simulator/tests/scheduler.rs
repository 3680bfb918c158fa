//! The scheduler end to end on hand-built inputs: the extension flow under both regimes, and
//! determinism of the log.

use chrono::{NaiveDate, NaiveDateTime};
use model::card::{CardKind, Certificates, MyNumberCard, ResidenceCard};
use model::card_number::ResidenceCardNumber;
use model::command::{Command, Decision, ResidentProfile};
use model::ids::ResidentId;
use model::mynumber::MyNumber;
use model::policy::{Policy, Regime};
use model::service::{Channel, Office};
use model::status::Status;
use model::time::opening_time;
use simulator::{RunInput, RunOptions, RunOutput, Scripted, run};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn profile() -> ResidentProfile {
    ResidentProfile {
        name: "mei".into(),
        born_on: d(1995, 4, 12),
        status: Status::EngineerSpecialistHumanities,
        period_expiry: Some(d(2026, 7, 31)),
        municipality: "shinjuku".into(),
        address: "1-2-3 Nishi-Shinjuku".into(),
        registered: true,
        my_number: MyNumber::generate(1, 0),
        residence_card: Some(ResidenceCard {
            kind: CardKind::ResidenceCard,
            number: ResidenceCardNumber::generate(1, 0, 1),
            issued_on: d(2023, 7, 25),
            valid_through: d(2026, 7, 31),
        }),
        my_number_card: Some(MyNumberCard {
            issued_on: d(2023, 9, 1),
            valid_through: d(2026, 7, 31),
        }),
        certificates: Certificates {
            signature_through: Some(d(2026, 7, 31)),
            user_auth_through: Some(d(2026, 7, 31)),
        },
        cards_issued: 1,
        pending: None,
    }
}

fn extension(regime: Regime, tokutei: bool, city_hall_visit: bool) -> RunOutput {
    let r = ResidentId(0);
    let mut steps: Vec<(NaiveDateTime, Command)> = vec![
        (
            opening_time(d(2026, 7, 1)),
            Command::FileExtension {
                resident: r,
                channel: Channel::Counter,
                tokutei,
            },
        ),
        (
            opening_time(d(2026, 7, 15)),
            Command::DecideExtension {
                resident: r,
                decision: Decision::Grant {
                    new_expiry: d(2029, 7, 31),
                },
                decided_on: None,
            },
        ),
    ];
    if city_hall_visit {
        steps.push((
            opening_time(d(2026, 7, 20)),
            Command::RequestMyNumberValidityChange {
                resident: r,
                presented_expiry: None,
            },
        ));
    }
    let residents = Scripted {
        residents: vec![profile()],
        steps,
        supply_follow_ups: false,
    };
    run(
        RunInput {
            residents: &residents,
            start: d(2026, 6, 20),
            until: d(2026, 12, 31),
            policy: Policy::with_regime(regime),
            seed: 1,
        },
        RunOptions::default(),
    )
    .unwrap()
}

#[test]
fn legacy_extension_costs_two_bureau_visits_and_one_city_hall_visit() {
    let out = extension(Regime::Legacy, false, true);
    let rec = &out.projections.records[0];
    assert_eq!(rec.visits_to(Office::ImmigrationBureau), 2);
    assert_eq!(rec.visits_to(Office::CityHall), 1);
    assert_eq!(
        rec.my_number_card.unwrap().card.valid_through,
        d(2029, 7, 31)
    );
    assert!(rec.my_number_usable(d(2026, 8, 15), Default::default()));
    assert_eq!(rec.days.outage_days, 0);
}

#[test]
fn legacy_extension_without_city_hall_visit_lapses_the_my_number_card() {
    let out = extension(Regime::Legacy, false, false);
    let rec = &out.projections.records[0];
    assert_eq!(rec.visits_to(Office::CityHall), 0);
    assert!(!rec.my_number_usable(d(2026, 8, 1), Default::default()));
    // Outage from 2026-08-01 through 2026-12-31: 153 days.
    assert_eq!(rec.days.outage_days, 153);
}

#[test]
fn integrated_extension_with_tokutei_needs_no_city_hall_visit() {
    let out = extension(Regime::Integrated, true, false);
    let rec = &out.projections.records[0];
    assert_eq!(rec.visits_to(Office::ImmigrationBureau), 2);
    assert_eq!(rec.visits_to(Office::CityHall), 0);
    let card = rec.residence_card.as_ref().unwrap();
    assert_eq!(card.kind, CardKind::TokuteiResidenceCard);
    assert_eq!(card.valid_through, d(2029, 7, 31));
    assert!(rec.my_number_usable(d(2026, 12, 31), Default::default()));
    assert_eq!(rec.days.outage_days, 0);
}

#[test]
fn same_inputs_and_seed_give_the_same_log_hash() {
    let a = extension(Regime::Integrated, true, false);
    let b = extension(Regime::Integrated, true, false);
    assert_eq!(a.log_hash, b.log_hash);
    assert_eq!(a.state_hash, b.state_hash);
    let c = extension(Regime::Legacy, false, true);
    assert_ne!(a.log_hash, c.log_hash);
}

#[test]
fn a_run_that_never_stops_recording_events_for_a_resident_fails_instead_of_running_on() {
    // A resident who locks the PIN and has it reset every minute, for months: a stand-in for
    // a decision that re-schedules itself for ever. The run stops with an error naming the resident and the
    // instant, instead of running on (issue 8, invariant 11).
    let r = ResidentId(0);
    let from = opening_time(d(2026, 7, 1));
    let residents = Scripted {
        residents: vec![profile()],
        steps: (0..150_000)
            .map(|k| {
                let command = if k % 2 == 0 {
                    Command::LockPin { resident: r }
                } else {
                    Command::ResetPin {
                        resident: r,
                        at_bureau: false,
                    }
                };
                (from + chrono::Duration::minutes(k), command)
            })
            .collect(),
        supply_follow_ups: false,
    };
    let out = run(
        RunInput {
            residents: &residents,
            start: d(2026, 6, 20),
            until: d(2026, 12, 31),
            policy: Policy::default(),
            seed: 1,
        },
        RunOptions::default(),
    );
    let Err(e) = out else {
        panic!("the run ended normally");
    };
    let text = e.to_string();
    assert!(
        matches!(e, simulator::SimError::NoProgress { .. }),
        "{text}"
    );
    assert!(text.contains("made no progress"), "{text}");
    assert!(
        text.contains("R0 recorded more than 100000 events"),
        "{text}"
    );
}
