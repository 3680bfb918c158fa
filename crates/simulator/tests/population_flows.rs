//! The year's flows in a synthetic population (issue 14 item 1): each flow the population
//! generates happens in a run and produces the events its procedure should, the measures count
//! them, and the log does not depend on the number of threads.
//!
//! One small population is run under both regimes; every assertion is about what the offices
//! recorded, resident by resident.

use std::collections::{BTreeMap, BTreeSet};

use model::envelope::Envelope;
use model::event::Event;
use model::ids::ResidentId;
use model::policy::{Policy, Regime};
use model::procedure::Procedure;
use population::{Population, PopulationSpec};
use projection::measures::Measures;
use simulator::{RunInput, RunOptions, RunOutput, run};

/// Enough residents for every flow to happen a few times (the rarest, damage reissues, about
/// 0.5 % a year).
const RESIDENTS: usize = 4_000;
const SEED: u64 = 5;

fn population() -> Population {
    Population::generate(PopulationSpec::new(RESIDENTS, SEED))
}

fn run_under(population: &Population, regime: Regime, threads: usize) -> RunOutput {
    let policy = Policy {
        regime,
        ..Policy::default()
    };
    run(
        RunInput::of_population(population, policy),
        RunOptions {
            threads,
            ..RunOptions::default()
        },
    )
    .expect("the run")
}

/// The residents for whom `pick` holds on some event, with how many such events each.
fn residents_where(log: &[Envelope], pick: impl Fn(&Event) -> bool) -> BTreeMap<ResidentId, u32> {
    let mut found = BTreeMap::new();
    for env in log.iter().filter(|e| pick(&e.event)) {
        *found.entry(env.event.resident()).or_insert(0) += 1;
    }
    found
}

fn received(log: &[Envelope], procedure: Procedure) -> BTreeMap<ResidentId, u32> {
    residents_where(
        log,
        |e| matches!(e, Event::CardApplicationReceived { procedure: p, .. } if *p == procedure),
    )
}

fn total(m: &BTreeMap<ResidentId, u32>) -> u64 {
    m.values().map(|n| u64::from(*n)).sum()
}

/// Every resident in `who` was issued a new card — or, for a Tokutei card whose ten days of
/// production run past the end of the year, has one ordered from J-LIS.
fn each_gets_a_new_card(log: &[Envelope], who: &BTreeMap<ResidentId, u32>, what: &str) {
    let issued = residents_where(log, |e| {
        matches!(
            e,
            Event::ResidenceCardIssued { .. } | Event::TokuteiCardRequested { .. }
        )
    });
    for r in who.keys() {
        assert!(issued.contains_key(r), "{what}: {r} got no new card");
    }
}

#[test]
fn every_flow_happens_and_is_measured_under_both_regimes() {
    let population = population();
    for regime in [Regime::Legacy, Regime::Integrated] {
        let out = run_under(&population, regime, 2);
        let log = &out.log;
        let measures = Measures::from_projections(&out.projections);

        // Card validity renewals at the bureau (§5.7) and SPR certificate renewals at the
        // municipality (§5.8), each giving a new card.
        let renewals = received(log, Procedure::CardRenewal);
        let spr = received(log, Procedure::SprCertificateRenewal);
        assert!(total(&renewals) >= 20, "{regime:?}: {renewals:?}");
        assert!(total(&spr) >= 3, "{regime:?}: {spr:?}");
        each_gets_a_new_card(log, &renewals, "card renewal");
        each_gets_a_new_card(log, &spr, "SPR certificate renewal");
        assert_eq!(
            measures.get("renewals"),
            total(&renewals) + total(&spr),
            "{regime:?}"
        );
        // Every renewal is accepted: the population files inside the window (§5.7).
        let refused = residents_where(log, |e| {
            matches!(
                e,
                Event::ProcedureRefused {
                    procedure: Procedure::CardRenewal | Procedure::SprCertificateRenewal,
                    ..
                }
            )
        });
        assert!(refused.is_empty(), "{regime:?}: {refused:?}");

        // Reissues for damage (§5.10).
        let damaged = received(log, Procedure::Reissue);
        assert!(total(&damaged) >= 5, "{regime:?}: {damaged:?}");
        each_gets_a_new_card(log, &damaged, "reissue for damage");
        assert_eq!(measures.get("damage_reissues"), total(&damaged));

        // Non-address item changes (§5.9): the register learns of them (N3), and holders of a
        // separate My Number card bring it up to date at the city hall.
        let items = residents_where(log, |e| matches!(e, Event::ItemChangeNotified { .. }));
        assert!(total(&items) >= 5, "{regime:?}: {items:?}");
        assert_eq!(measures.get("item_changes"), total(&items));
        let register = residents_where(log, |e| matches!(e, Event::RegisterItemUpdated { .. }));
        assert_eq!(
            register.keys().collect::<Vec<_>>(),
            items.keys().collect::<Vec<_>>()
        );
        let updated = residents_where(log, |e| matches!(e, Event::MyNumberCardItemsUpdated { .. }));
        assert!(!updated.is_empty(), "{regime:?}: no My Number card updated");
        assert!(updated.keys().all(|r| items.contains_key(r)));

        // Locked PINs (§5.12): every lock is reset at the city hall, and nobody goes to reset a
        // PIN that is not locked.
        let locked = residents_where(log, |e| matches!(e, Event::PinLocked { .. }));
        let reset = residents_where(log, |e| matches!(e, Event::PinResetAtCounter { .. }));
        assert!(total(&locked) >= 5, "{regime:?}: {locked:?}");
        assert_eq!(reset, locked, "{regime:?}");
        assert_eq!(measures.get("pin_resets"), total(&reset));

        // Arrivals (§5.1): every arrival lands and is registered at its first residence
        // notification; the card comes at the port or, elsewhere, after the notification.
        let arrivals = Population::arrivals(RESIDENTS);
        let landed = residents_where(log, |e| matches!(e, Event::Landed { .. }));
        assert_eq!(landed.len(), arrivals, "{regime:?}");
        assert_eq!(measures.get("arrivals"), arrivals as u64);
        let notified = residents_where(log, |e| matches!(e, Event::ResidenceNotified { .. }));
        assert!(
            notified.len() * 10 >= arrivals * 9,
            "{regime:?}: {notified:?}"
        );
        assert!(notified.keys().all(|r| landed.contains_key(r)));
        let carded = residents_where(log, |e| matches!(e, Event::ResidenceCardIssued { .. }));
        assert!(notified.keys().all(|r| carded.contains_key(r)));
        let elsewhere = residents_where(log, |e| {
            matches!(
                e,
                Event::Landed {
                    card_at_port: false,
                    ..
                }
            )
        });
        assert!(
            !elsewhere.is_empty(),
            "{regime:?}: every arrival at a card airport"
        );

        // Departures (§5.14): each leaver departs once, returning the card; most notify the
        // move abroad first (the entry then closes on the day of leaving), the others' entry is
        // deleted on the bureau's notice; either way the My Number card ends, nothing is done
        // afterwards, and no leaver holds a valid card at the end.
        let departed = residents_where(log, |e| matches!(e, Event::Departed { .. }));
        assert!(departed.len() >= 60, "{regime:?}: {departed:?}");
        assert!(departed.values().all(|n| *n == 1), "{regime:?}");
        assert_eq!(measures.get("departures"), total(&departed));
        let closed = residents_where(log, |e| matches!(e, Event::MoveAbroadRecorded { .. }));
        let deleted = residents_where(log, |e| matches!(e, Event::RegisterEntryDeleted { .. }));
        assert!(
            closed.len() > deleted.len() && !deleted.is_empty(),
            "{regime:?}"
        );
        assert!(
            deleted
                .keys()
                .all(|r| departed.contains_key(r) && !closed.contains_key(r))
        );
        let last = out.log.last().map(|e| e.occurred_at.date()).expect("a log");
        for r in departed.keys() {
            let rec = out.projections.record(*r).expect("a record");
            assert!(
                rec.cards_valid_on(last).is_empty(),
                "{regime:?}: {r} {rec:?}"
            );
            let gone = log
                .iter()
                .position(|e| e.event.resident() == *r && matches!(e.event, Event::Departed { .. }))
                .expect("departed");
            let after = log[gone..]
                .iter()
                .filter(|e| e.event.resident() == *r)
                .find(|e| matches!(e.event, Event::CounterVisited { .. }));
            assert!(
                after.is_none(),
                "{regime:?}: {r} visits after leaving: {after:?}"
            );
        }

        // Births (§5.15): about the national rate; each newborn is registered once by its birth
        // notification, with a My Number of its own, applies for a status after it and gets a
        // card once granted; nothing a newborn files is refused.
        let births = Population::births(RESIDENTS);
        let registered = residents_where(log, |e| matches!(e, Event::BirthRegistered { .. }));
        let my_numbers: BTreeSet<_> = log
            .iter()
            .filter_map(|e| match &e.event {
                Event::BirthRegistered { my_number, .. } => Some(*my_number),
                _ => None,
            })
            .collect();
        assert!(
            registered.len() * 10 >= births * 8 && registered.len() <= births,
            "{regime:?}: {registered:?} of {births}"
        );
        assert!(registered.values().all(|n| *n == 1), "{regime:?}");
        assert_eq!(my_numbers.len(), registered.len());
        assert!(registered.keys().all(|r| r.index() >= RESIDENTS + arrivals));
        assert_eq!(measures.get("births"), total(&registered));
        let applied = residents_where(log, |e| matches!(e, Event::StatusAcquisitionApplied { .. }));
        assert!(applied.len() * 10 >= births * 7, "{regime:?}: {applied:?}");
        assert!(applied.keys().all(|r| registered.contains_key(r)));
        let granted = residents_where(log, |e| matches!(e, Event::StatusAcquisitionGranted { .. }));
        assert!(!granted.is_empty(), "{regime:?}");
        assert!(granted.keys().all(|r| applied.contains_key(r)));
        each_gets_a_new_card(log, &granted, "a newborn's status");
        let refused = residents_where(log, |e| {
            matches!(
                e,
                Event::ProcedureRefused {
                    procedure: Procedure::StatusAcquisition | Procedure::BirthNotification,
                    ..
                } | Event::TokuteiApplicationRefused {
                    attached_to: Procedure::StatusAcquisition,
                    ..
                }
            )
        });
        assert!(refused.is_empty(), "{regime:?}: {refused:?}");

        // Losses and thefts (§5.11) stay: a police report each.
        let losses = residents_where(log, |e| matches!(e, Event::LossReported { .. }));
        assert!(total(&losses) >= 5, "{regime:?}: {losses:?}");
        assert_eq!(measures.get("losses"), total(&losses));

        // None of the new steps is wasted: no refusal of a PIN reset or a card's update.
        let wasted = residents_where(log, |e| {
            matches!(
                e,
                Event::ProcedureRefused {
                    procedure: Procedure::PinReset | Procedure::MyNumberCardItemUpdate,
                    ..
                }
            )
        });
        assert!(wasted.is_empty(), "{regime:?}: {wasted:?}");

        // The monthly workload carries the flows month by month, adding up to the totals.
        for key in ["renewals", "losses", "pin_resets", "departures", "births"] {
            let monthly: u64 = measures
                .0
                .iter()
                .filter(|(k, _)| k.starts_with(&format!("workload.{key}.")))
                .map(|(_, v)| *v)
                .sum();
            assert_eq!(monthly, measures.get(key), "{regime:?} {key}");
        }
    }
}

#[test]
fn under_the_integrated_regime_some_residents_attach_a_tokutei_application_to_the_new_flows() {
    let population = population();
    let out = run_under(&population, Regime::Integrated, 1);
    let attached: BTreeSet<Procedure> = out
        .log
        .iter()
        .filter_map(|e| match &e.event {
            Event::TokuteiApplicationAccepted { attached_to, .. } => Some(*attached_to),
            _ => None,
        })
        .collect();
    for p in [
        Procedure::CardRenewal,
        Procedure::ItemChange,
        Procedure::ResidenceNotification,
        Procedure::StatusAcquisition,
    ] {
        assert!(attached.contains(&p), "{p:?} not in {attached:?}");
    }
}

#[test]
fn parents_who_never_apply_for_a_newborn_s_status_leave_it_registered_without_a_card() {
    let population = Population::generate(PopulationSpec::new(2_000, SEED));
    let mut policy = Policy::default();
    policy.resident.birth.no_status_acquisition = model::policy::Share::ALL;
    let out = run(
        RunInput::of_population(&population, policy),
        RunOptions::default(),
    )
    .expect("the run");
    let registered = residents_where(&out.log, |e| matches!(e, Event::BirthRegistered { .. }));
    assert!(!registered.is_empty());
    // Nobody applies, so the bureau has nothing to decide and refuses nothing.
    let at_the_bureau = residents_where(&out.log, |e| {
        matches!(
            e,
            Event::StatusAcquisitionApplied { .. }
                | Event::StatusAcquisitionGranted { .. }
                | Event::ProcedureRefused {
                    procedure: Procedure::StatusAcquisition,
                    ..
                }
        )
    });
    assert!(at_the_bureau.is_empty(), "{at_the_bureau:?}");
    for r in registered.keys() {
        let rec = out.projections.record(*r).expect("a record");
        assert!(rec.residence_card.is_none(), "{r}: {rec:?}");
    }
}

#[test]
fn the_log_with_the_flows_is_the_same_on_one_two_or_three_threads() {
    let population = population();
    let one = run_under(&population, Regime::Integrated, 1);
    for threads in [2, 3] {
        let other = run_under(&population, Regime::Integrated, threads);
        assert_eq!(other.log_hash, one.log_hash, "{threads} threads");
        assert_eq!(other.state_hash, one.state_hash, "{threads} threads");
        assert_eq!(
            Measures::from_projections(&other.projections),
            Measures::from_projections(&one.projections)
        );
    }
}
