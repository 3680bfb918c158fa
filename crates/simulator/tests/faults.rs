//! Faults on the links and at the offices (issue 8) are seeded decisions about each notice, so a
//! run with faults is as deterministic as one without: the same log in any number of shards.
//! A duplicated notice changes nothing, and an office rebuilt from its own events after a crash
//! carries on exactly as one that never crashed.

use chrono::{NaiveDate, NaiveTime};
use model::faults::{Batch, Delay, Faults, LinkFault, NoticeCode, Outage, Redelivery};
use model::policy::{Policy, Share};
use model::service::Service;
use model::time::Latency;
use population::{Population, PopulationSpec};
use simulator::{RunInput, RunOptions, RunOutput, run};

const SEED: u64 = 23;

fn population() -> Population {
    Population::generate(PopulationSpec::new(400, SEED))
}

fn run_with(population: &Population, policy: Policy, threads: usize) -> RunOutput {
    run(
        RunInput {
            residents: population,
            start: population.spec.start,
            until: population.until,
            policy,
            seed: SEED,
        },
        RunOptions {
            threads,
            ..RunOptions::default()
        },
    )
    .unwrap()
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
        if let Some(k) = (0..one.log.len()).find(|&k| one.log.get(k) != other.log.get(k)) {
            panic!(
                "{threads} shards: the logs differ first at event {}:\n{:?}\n{:?}",
                k + 1,
                one.log[k],
                other.log.get(k)
            );
        }
        assert_eq!(one.log.len(), other.log.len());
        assert_eq!(one.log_hash, other.log_hash);
        assert_eq!(one.state_hash, other.state_hash);
        // Every figure of what the faults did is the same in any number of shards: the links',
        // the deliveries outages held, and the crashes the offices were rebuilt after.
        assert_eq!(one.faults, other.faults, "{threads} shards");
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
    let outage = |crash| Policy {
        faults: Faults {
            outages: vec![card_issuer_outage(start, crash)],
            ..Faults::default()
        },
        ..Policy::default()
    };
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
    // The same figures as measures that add up, for compare.
    let m = projection::measures::Measures::from_projections(&late.projections);
    assert_eq!(m.0["time_to_consistency.changes"], l.changes);
    assert!(m.0["time_to_consistency.within_30d"] <= l.changes);
    assert!(m.0["time_to_consistency.within_7d"] < m.0["time_to_consistency.within_30d"]);
}
