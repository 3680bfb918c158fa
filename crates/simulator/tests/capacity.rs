//! Office capacity (issue 14 item 6, issue 8's J-LIS backlog; decision 17): a run with a
//! capacity writes the same log in any number of shards, because each block of residents queues
//! on its own and is simulated whole by one shard; and with one block the queue is the single
//! queue of the whole population — no day takes in more than its share, and the places are given
//! out first come, first served.

use std::collections::BTreeMap;

use model::capacity::{Capacity, PerThousand};
use model::event::Event;
use model::policy::Policy;
use model::service::Office;
use population::{Population, PopulationSpec};
use projection::measures::Measures;
use simulator::{RunInput, RunOptions, RunOutput, run};

const SEED: u64 = 5;

/// A policy whose capacities are tight enough for queues to form at every office.
fn tight(block: u32) -> Policy {
    let rate = |r| PerThousand::new(r).expect("a positive rate");
    Policy {
        capacity: Some(Capacity {
            immigration_bureau: Some(rate(0.6)),
            city_hall: Some(rate(1.5)),
            jlis_production: Some(rate(0.3)),
            block,
        }),
        ..Policy::default()
    }
}

fn run_population(residents: usize, policy: Policy, threads: usize) -> RunOutput {
    let population = Population::generate(PopulationSpec::new(residents, SEED));
    run(
        RunInput::of_population(&population, policy),
        RunOptions {
            threads,
            ..RunOptions::default()
        },
    )
    .expect("the run succeeds")
}

#[test]
fn a_run_with_a_capacity_writes_one_log_in_one_two_or_three_shards() {
    let runs: Vec<RunOutput> = (1..=3)
        .map(|threads| run_population(3_000, tight(1_000), threads))
        .collect();
    let measures = Measures::from_projections(&runs[0].projections);
    for queue in ["immigration_bureau", "city_hall", "jlis_production"] {
        assert!(
            measures.get(&format!("waiting_days.{queue}")) > 0,
            "someone waits at {queue}: {measures:?}"
        );
        assert!(measures.get(&format!("residents_waited.{queue}")) > 0);
    }
    for other in &runs[1..] {
        assert_eq!(runs[0].log.len(), other.log.len());
        if let Some(k) = (0..runs[0].log.len()).find(|&k| runs[0].log[k] != other.log[k]) {
            panic!(
                "the logs differ first at event {}:\n{:?}\n{:?}",
                k + 1,
                runs[0].log[k],
                other.log[k]
            );
        }
        assert_eq!(runs[0].log_hash, other.log_hash);
        assert_eq!(runs[0].state_hash, other.state_hash);
        assert_eq!(measures, Measures::from_projections(&other.projections));
    }
}

#[test]
fn with_one_block_no_day_takes_in_more_than_its_share_and_places_go_first_come_first_served() {
    // 1,767 residents at the start, their 223 arrivals and 10 newborns make 2,000 in one block:
    // at 0.5 per 1,000 the bureau takes in exactly one resident a working day.
    let residents = 1_767;
    let block = Population::records(residents);
    assert_eq!(block, 2_000);
    let policy = Policy {
        capacity: Some(Capacity {
            immigration_bureau: PerThousand::new(0.5),
            block: block as u32,
            ..Capacity::default()
        }),
        ..Policy::default()
    };
    let out = run_population(residents, policy, 2);
    let mut taken_in: BTreeMap<chrono::NaiveDate, u32> = BTreeMap::new();
    // The latest place given at earlier instants, and at the current one: within an instant
    // the log lists the residents in id order, not in the order the counter took them.
    let (mut before, mut now) = (None, None);
    let mut instant = None;
    let mut sent_away = 0;
    for env in &out.log {
        if instant != Some(env.occurred_at) {
            instant = Some(env.occurred_at);
            before = before.max(now);
        }
        match &env.event {
            Event::CounterVisited {
                office: Office::ImmigrationBureau,
                ..
            } => *taken_in.entry(env.occurred_at.date()).or_default() += 1,
            Event::CounterCapacityReached {
                office: Office::ImmigrationBureau,
                waits_until,
                ..
            } => {
                sent_away += 1;
                assert!(*waits_until > env.occurred_at.date());
                // Each later comer's place is on or after the places given before it.
                assert!(
                    before.is_none_or(|p| p <= *waits_until),
                    "{before:?} then {waits_until}"
                );
                now = now.max(Some(*waits_until));
            }
            _ => {}
        }
    }
    assert!(sent_away > 10, "a queue forms: {sent_away} sent away");
    let busiest = taken_in.values().max().copied().unwrap_or(0);
    assert_eq!(busiest, 1, "one a day: {taken_in:?}");
    // Without a capacity the same residents crowd the counters on some days.
    let unlimited = run_population(residents, Policy::default(), 2);
    let mut per_day: BTreeMap<chrono::NaiveDate, u32> = BTreeMap::new();
    for env in &unlimited.log {
        if let Event::CounterVisited {
            office: Office::ImmigrationBureau,
            ..
        } = &env.event
        {
            *per_day.entry(env.occurred_at.date()).or_default() += 1;
        }
    }
    assert!(per_day.values().any(|&n| n > 1));
}
