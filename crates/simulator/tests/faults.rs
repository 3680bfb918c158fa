//! Faults on the links and at the offices (issue 8) are seeded decisions about each notice, so a
//! run with faults is as deterministic as one without: the same log in any number of shards.
//! A duplicated notice changes nothing, and an office rebuilt from its own events after a crash
//! carries on exactly as one that never crashed — from the log when the run stores one
//! (decision 21), from the journal it kept in memory when not.

use chrono::{NaiveDate, NaiveTime};
use event_store::EventStore;
use model::faults::{Batch, Delay, Faults, LinkFault, NoticeCode, Outage, Redelivery};
use model::policy::{Policy, Share};
use model::service::Service;
use model::time::Latency;
use population::{Population, PopulationSpec};
use projection::measures::Measures;
use simulator::{RunInput, RunOptions, RunOutput, SimError, run};

const SEED: u64 = 23;

fn population() -> Population {
    Population::generate(PopulationSpec::new(400, SEED))
}

fn run_with(population: &Population, policy: Policy, threads: usize) -> RunOutput {
    run_into(
        population,
        policy,
        RunOptions {
            threads,
            ..RunOptions::default()
        },
    )
    .unwrap()
}

fn run_into(
    population: &Population,
    policy: Policy,
    options: RunOptions<'_>,
) -> Result<RunOutput, SimError> {
    run(RunInput::of_population(population, policy), options)
}

/// [`run_with`] appending the log to `store` (keeping it in memory too when `keep_log`).
fn run_stored(
    population: &Population,
    policy: Policy,
    threads: usize,
    store: EventStore,
    keep_log: bool,
) -> RunOutput {
    run_into(
        population,
        policy,
        RunOptions {
            store: Some(store),
            keep_log,
            threads,
            batch_size: 997,
            ..RunOptions::default()
        },
    )
    .unwrap()
}

fn in_memory() -> EventStore {
    EventStore::open_in_memory().unwrap()
}

/// A policy that takes J-LIS out of service for a fortnight, crashing it or not.
fn card_issuer_down(start: NaiveDate, crash: bool) -> Policy {
    Policy {
        faults: Faults {
            outages: vec![card_issuer_outage(start, crash)],
            ..Faults::default()
        },
        ..Policy::default()
    }
}

fn code(c: &str) -> NoticeCode {
    serde_json::from_value(serde_json::Value::String(c.into())).unwrap()
}

fn share(x: f64) -> Share {
    Share::new(x).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The J-LIS outage of the tests: a fortnight in the year the population runs.
fn card_issuer_outage(start: NaiveDate, crash: bool) -> Outage {
    Outage {
        office: Service::CardIssuer,
        from: start + chrono::Days::new(100),
        through: start + chrono::Days::new(113),
        crash,
    }
}

/// Every kind of fault at once.
fn stormy(start: NaiveDate) -> Policy {
    Policy {
        faults: Faults {
            links: vec![
                LinkFault {
                    notice: Some(code("N3")),
                    batch: Some(Batch {
                        at: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
                        business_days: true,
                    }),
                    loss: share(0.2),
                    redelivery: Some(Redelivery {
                        after: Latency::days(2),
                        attempts: 1,
                    }),
                    duplicate: share(0.2),
                    ..LinkFault::default()
                },
                LinkFault {
                    notice: Some(code("N1")),
                    delay: Some(Delay::Lognormal {
                        median: Latency::hours(20),
                        sigma: serde_json::from_str("1.0").unwrap(),
                    }),
                    ..LinkFault::default()
                },
                LinkFault {
                    duplicate: share(0.3),
                    reorder_window: Latency::hours(6),
                    loss: share(0.02),
                    ..LinkFault::default()
                },
            ],
            outages: vec![card_issuer_outage(start, true)],
        },
        ..Policy::default()
    }
}

/// Asserts that `other` wrote `one`'s log (saying where they part first), with its hashes and
/// every figure of what the faults did: the links', the deliveries outages held, and the
/// crashes the offices were rebuilt after.
fn assert_same_run(one: &RunOutput, other: &RunOutput, what: &str) {
    if let Some(k) = (0..one.log.len()).find(|&k| one.log.get(k) != other.log.get(k)) {
        panic!(
            "{what}: the logs differ first at event {}:\n{:?}\n{:?}",
            k + 1,
            one.log[k],
            other.log.get(k)
        );
    }
    assert_eq!(one.log.len(), other.log.len(), "{what}");
    assert_eq!(one.log_hash, other.log_hash, "{what}");
    assert_eq!(one.state_hash, other.state_hash, "{what}");
    assert_eq!(one.faults, other.faults, "{what}");
}

#[test]
fn a_run_with_every_kind_of_fault_writes_one_log_in_one_two_or_three_shards() {
    let population = population();
    let policy = stormy(population.spec.start);
    let one = run_with(&population, policy.clone(), 1);
    let t = one.faults.total();
    assert!(t.sent > 500, "{t:?}");
    assert!(t.lost > 0 && t.redelivered > 0 && t.duplicated > 0, "{t:?}");
    assert!(one.faults.held_by_outages > 0, "{:?}", one.faults);
    assert!(!one.faults.restarts.is_empty(), "{:?}", one.faults);
    for threads in [2, 3] {
        let other = run_with(&population, policy.clone(), threads);
        assert_same_run(&one, &other, &format!("{threads} shards"));
    }
    // The faults changed what happened.
    let perfect = run_with(&population, Policy::default(), 1);
    assert_ne!(one.log_hash, perfect.log_hash);
}

#[test]
fn duplicated_notices_change_nothing() {
    let population = population();
    let policy = Policy {
        faults: Faults {
            links: vec![LinkFault {
                duplicate: share(0.5),
                ..LinkFault::default()
            }],
            ..Faults::default()
        },
        ..Policy::default()
    };
    let duplicated = run_with(&population, policy, 2);
    assert!(
        duplicated.faults.total().duplicated > 100,
        "{:?}",
        duplicated.faults
    );
    let perfect = run_with(&population, Policy::default(), 2);
    assert_eq!(duplicated.log, perfect.log);
    assert_eq!(duplicated.state_hash, perfect.state_hash);
}

#[test]
fn an_office_rebuilt_from_its_own_events_after_a_crash_carries_on_as_if_it_had_not_crashed() {
    let population = population();
    let start = population.spec.start;
    let outage = |crash| card_issuer_down(start, crash);
    let crashed = run_with(&population, outage(true), 2);
    let down = run_with(&population, outage(false), 2);
    // One crash, one restart, in two shards as in one.
    assert_eq!(crashed.faults.restarts.len(), 1, "{:?}", crashed.faults);
    assert_eq!(
        run_with(&population, outage(true), 1).faults,
        crashed.faults
    );
    assert!(down.faults.restarts.is_empty());
    assert_eq!(crashed.log, down.log);
    // The outage itself changed the run: deliveries to J-LIS waited a fortnight.
    assert!(down.faults.held_by_outages > 0);
    let perfect = run_with(&population, Policy::default(), 2);
    assert_ne!(down.log_hash, perfect.log_hash);
    let held = down
        .log
        .iter()
        .filter(|e| e.service == Service::CardIssuer)
        .filter(|e| (date(2000, 1, 1)..).contains(&e.occurred_at.date()))
        .filter(|e| {
            let o = card_issuer_outage(start, false);
            (o.from..=o.through).contains(&e.occurred_at.date())
        })
        .count();
    assert_eq!(held, 0, "J-LIS recorded nothing while it was down");
}

#[test]
fn a_crashed_office_rebuilds_from_the_log_as_from_its_journal_in_any_number_of_shards() {
    // Every kind of fault, J-LIS crashing among them: a run that stores its log rebuilds J-LIS
    // from its events read back from the log, one that does not from the journal J-LIS kept.
    // Both end in the same state with the same log, in one, two or three shards, whether the
    // writer or the shards encode the records.
    let population = population();
    let policy = stormy(population.spec.start);
    let journal = run_with(&population, policy.clone(), 1);
    assert!(!journal.faults.restarts.is_empty(), "{:?}", journal.faults);
    let measures = Measures::from_projections(&journal.projections);
    for threads in [1, 2, 3] {
        let stored = run_stored(&population, policy.clone(), threads, in_memory(), true);
        assert_same_run(&journal, &stored, &format!("{threads} shards with a store"));
        assert_eq!(measures, Measures::from_projections(&stored.projections));
        // What the store holds is that log.
        let records = stored.store.as_ref().unwrap().read_all().unwrap();
        assert_eq!(records.len(), stored.log.len());
    }
    let encoded_in_shards = run_stored(&population, policy, 2, in_memory(), false);
    assert!(encoded_in_shards.log.is_empty());
    assert_eq!(journal.log_hash, encoded_in_shards.log_hash);
    assert_eq!(journal.state_hash, encoded_in_shards.state_hash);
}

#[test]
fn an_office_rebuilt_from_the_log_after_a_crash_ends_as_one_that_never_crashed() {
    // Issue 8: a service restarted from the log ends in the same state as one that never
    // crashed (the same fortnight's outage, without the crash).
    let population = population();
    let start = population.spec.start;
    let down = run_with(&population, card_issuer_down(start, false), 2);
    for threads in [1, 3] {
        let crashed = run_stored(
            &population,
            card_issuer_down(start, true),
            threads,
            in_memory(),
            true,
        );
        assert_eq!(crashed.faults.restarts.len(), 1, "{:?}", crashed.faults);
        assert_eq!(crashed.log, down.log);
        assert_eq!(crashed.log_hash, down.log_hash);
        assert_eq!(crashed.state_hash, down.state_hash);
    }
}

#[test]
fn a_resumed_run_rebuilds_a_crashed_office_only_from_what_it_recorded_before_the_restart() {
    // A resumed run meets the restart with the whole log of the first run already stored, J-LIS's
    // events after the restart included: the read-back takes only those before it, so the
    // resumed run checks every stored event and ends with the same log hash.
    let population = population();
    let policy = card_issuer_down(population.spec.start, true);
    let first = run_stored(&population, policy.clone(), 2, in_memory(), false);
    let store = first.store.unwrap();
    let stored = store.read_all().unwrap();
    let restart = first.faults.restarts.first().unwrap().1;
    assert!(
        stored
            .iter()
            .any(|r| r.stream.service == Service::CardIssuer && r.occurred_at > restart),
        "J-LIS recorded something after its restart"
    );
    let resumed = run_into(
        &population,
        policy,
        RunOptions {
            store: Some(store),
            keep_log: false,
            threads: 3,
            resume: true,
            ..RunOptions::default()
        },
    )
    .unwrap();
    assert_eq!(resumed.log_hash, first.log_hash);
    assert_eq!(resumed.state_hash, first.state_hash);
    assert_eq!(resumed.store.unwrap().read_all().unwrap(), stored);
}

#[test]
fn a_policy_without_faults_serializes_as_before() {
    // Runs without faults keep their log hashes: the policy's text has no `faults` key.
    let text = serde_json::to_string(&Policy::default()).unwrap();
    assert!(!text.contains("faults"), "{text}");
    let stormy = serde_json::to_string(&stormy(date(2026, 1, 1))).unwrap();
    assert!(stormy.contains("\"faults\""));
    let back: Policy = serde_json::from_str(&stormy).unwrap();
    assert_eq!(back, self::stormy(date(2026, 1, 1)));
}

#[test]
fn time_to_consistency_waits_for_j_lis_too() {
    // N4 (bureau → J-LIS) ten days late: J-LIS activates the My Number functions on a new
    // Tokutei card ten days after the bureau issued it, and the offices agree only then — the
    // time to consistency counts J-LIS, not only the bureau and the register.
    let population = population();
    let late_n4 = Policy {
        faults: Faults {
            links: vec![LinkFault {
                notice: Some(code("N4")),
                delay: Some(Delay::Fixed(Latency::days(10))),
                ..LinkFault::default()
            }],
            ..Faults::default()
        },
        ..Policy::default()
    };
    let late = run_with(&population, late_n4, 2);
    let perfect = run_with(&population, Policy::default(), 2);
    let (l, p) = (
        late.projections.sync.measures(),
        perfect.projections.sync.measures(),
    );
    assert!(l.max_minutes >= 10 * 24 * 60, "{l:?}");
    assert!(l.max_minutes > p.max_minutes, "{l:?} {p:?}");
    assert!(l.changes > 0 && p.changes > 0);
    // The same figures as measures that add up, for compare: the median, the 95th percentile
    // and the longest, in whole hours rounded up, read from a histogram of hours.
    let m = projection::measures::Measures::from_projections(&late.projections);
    assert_eq!(m.get("time_to_consistency.changes"), l.changes);
    for (key, minutes) in [
        ("p50_hours", l.p50_minutes),
        ("p95_hours", l.p95_minutes),
        ("max_hours", l.max_minutes),
    ] {
        let hours = m.get(&format!("time_to_consistency.{key}"));
        assert_eq!(hours, minutes.div_ceil(60), "{key}: {l:?}");
    }
    assert!(m.get("time_to_consistency.max_hours") >= 240);
}

#[test]
fn time_to_consistency_in_compare_is_the_same_for_one_two_and_three_threads() {
    // The percentiles of a run are read from a histogram that adds up over shards, so the
    // figures compare shows do not depend on how the population was split.
    let population = population();
    let late_n3 = Policy {
        faults: Faults {
            links: vec![LinkFault {
                notice: Some(code("N3")),
                delay: Some(Delay::Uniform {
                    min: Latency::hours(1),
                    max: Latency::days(20),
                }),
                ..LinkFault::default()
            }],
            ..Faults::default()
        },
        ..Policy::default()
    };
    let figures = |threads| {
        let out = run_with(&population, late_n3.clone(), threads);
        let m = projection::measures::Measures::from_projections(&out.projections);
        let sync = out.projections.sync.measures();
        (
            [
                "time_to_consistency.changes",
                "time_to_consistency.p50_hours",
                "time_to_consistency.p95_hours",
                "time_to_consistency.max_hours",
                "residents_inconsistent_at_end",
            ]
            .map(|k| m.get(k)),
            sync,
        )
    };
    let (one, sync) = figures(1);
    assert!(one[0] > 0 && one[3] > one[1], "{one:?}");
    // The whole run's own nearest ranks, rounded up to the hour.
    assert_eq!(one[1], sync.p50_minutes.div_ceil(60));
    assert_eq!(one[2], sync.p95_minutes.div_ceil(60));
    assert_eq!(one[3], sync.max_minutes.div_ceil(60));
    assert_eq!(figures(2).0, one);
    assert_eq!(figures(3).0, one);
}

#[test]
fn work_left_undelivered_at_the_end_is_counted_not_dropped() {
    // N3 notices a month on the way, and the city hall out of service from a fortnight before
    // the end until after it: notices still in transit and deliveries the outage holds past
    // the end are flagged in the run's figures and measures, the same for any thread count.
    let population = population();
    let until = population.until;
    let policy = Policy {
        faults: Faults {
            links: vec![LinkFault {
                notice: Some(code("N3")),
                delay: Some(Delay::Fixed(Latency::days(30))),
                ..LinkFault::default()
            }],
            outages: vec![Outage {
                office: Service::CityHall,
                from: until - chrono::Days::new(14),
                through: until + chrono::Days::new(30),
                crash: false,
            }],
        },
        ..Policy::default()
    };
    let one = run_with(&population, policy.clone(), 1);
    let u = one.faults.undelivered;
    assert!(u.notices > 0 && u.held_by_outages > 0, "{u:?}");
    let m = one.measures();
    assert_eq!(m.get("undelivered_at_end.notices"), u.notices);
    assert_eq!(
        m.get("undelivered_at_end.held_by_outages"),
        u.held_by_outages
    );
    assert_eq!(
        run_with(&population, policy.clone(), 3).faults.undelivered,
        u
    );
    // On perfect links a notice sent in the last hours of the run is still on its way; nothing
    // is held.
    let perfect = run_with(&population, Policy::default(), 2)
        .faults
        .undelivered;
    assert_eq!(perfect.held_by_outages, 0);
    assert!(perfect.notices < u.notices, "{perfect:?} {u:?}");
}
