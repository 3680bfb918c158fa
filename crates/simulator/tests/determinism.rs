//! The log does not depend on the machine, and a run does not claim events the store did not
//! write.
//!
//! A synthetic population is run in one, two and three shards (threads), with the log writer
//! committing in small and in large batches: the log itself (every envelope), the log hash, the
//! state hash and the measures must not change (decision 11: the global order does not depend on
//! the thread count). Then the same run is appended a second time to the store that already
//! holds it: the store reports the events as duplicates, so the run must fail, naming the first
//! event.

use event_store::EventStore;
use model::policy::Policy;
use population::{Population, PopulationSpec};
use projection::measures::Measures;
use simulator::{RunInput, RunOptions, RunOutput, Scripted, SimError, run};

const SEED: u64 = 11;

/// Runs a 1,000-resident year under the default policy into `store`, in `threads` shards,
/// keeping the log in memory.
fn run_on(threads: usize, batch_size: usize, store: EventStore) -> Result<RunOutput, SimError> {
    run_keeping(threads, batch_size, store, true)
}

/// [`run_on`], keeping the log in memory or not: without it the shards hand the writer records
/// they encoded themselves, with it envelopes the writer encodes.
fn run_keeping(
    threads: usize,
    batch_size: usize,
    store: EventStore,
    keep_log: bool,
) -> Result<RunOutput, SimError> {
    let population = Population::generate(PopulationSpec::new(1_000, SEED));
    let input = RunInput::of_population(&population, Policy::default());
    run(
        input,
        RunOptions {
            store: Some(store),
            keep_log,
            batch_size,
            threads,
            ..RunOptions::default()
        },
    )
}

fn fresh_store() -> EventStore {
    EventStore::open_in_memory().expect("an in-memory log")
}

#[test]
fn the_log_is_the_same_in_one_two_or_three_shards_and_whatever_the_batch_size() {
    let one = run_on(1, 100_000, fresh_store()).unwrap();
    let two = run_on(2, 100_000, fresh_store()).unwrap();
    let three = run_on(3, 100_000, fresh_store()).unwrap();
    let small_batches = run_on(3, 97, fresh_store()).unwrap();
    assert!(one.events > 1_000, "a real run: {} events", one.events);
    for other in [&two, &three, &small_batches] {
        assert_eq!(one.events, other.events);
        assert_eq!(one.log.len(), other.log.len());
        if let Some(k) = (0..one.log.len()).find(|&k| one.log[k] != other.log[k]) {
            panic!(
                "the logs differ first at event {}:\n{:?}\n{:?}",
                k + 1,
                one.log[k],
                other.log[k]
            );
        }
        assert_eq!(one.log_hash, other.log_hash);
        assert_eq!(one.state_hash, other.state_hash);
        assert_eq!(
            Measures::from_projections(&one.projections),
            Measures::from_projections(&other.projections)
        );
    }
    // What reached the store is the whole log, in the same order — also when the shards encode
    // the records themselves (no log kept in memory).
    let stored = |o: &RunOutput| o.store.as_ref().unwrap().read_all().unwrap();
    assert_eq!(stored(&one), stored(&small_batches));
    assert_eq!(stored(&one), stored(&two));
    assert_eq!(stored(&one).len() as u64, one.events);
    for threads in [1, 3] {
        let encoded_in_shards = run_keeping(threads, 500, fresh_store(), false).unwrap();
        assert!(encoded_in_shards.log.is_empty());
        assert_eq!(one.log_hash, encoded_in_shards.log_hash);
        assert_eq!(one.state_hash, encoded_in_shards.state_hash);
        assert_eq!(stored(&one), stored(&encoded_in_shards));
    }
}

#[test]
fn a_run_fails_when_the_store_reports_an_event_it_did_not_write() {
    let first = run_on(2, 500, fresh_store()).unwrap();
    let store = first.store.expect("the store comes back");
    match run_on(2, 500, store) {
        Err(SimError::NotWritten { global_seq }) => assert_eq!(global_seq, 1),
        Err(other) => panic!("expected NotWritten, got {other}"),
        Ok(out) => panic!(
            "a run into a log that already holds it succeeded: {} events",
            out.events
        ),
    }
}

/// Runs a scenario file in `threads` shards, keeping its log.
fn scenario_on(path: &str, threads: usize) -> RunOutput {
    let s = scenario::load(std::path::Path::new(path)).unwrap_or_else(|e| panic!("{e}"));
    let residents = Scripted {
        residents: s.residents.iter().map(|r| r.profile.clone()).collect(),
        steps: s
            .steps
            .iter()
            .map(|st| (st.at, st.command.clone()))
            .collect(),
        supply_follow_ups: s.policy.regime != s.written_for,
    };
    run(
        RunInput {
            residents: &residents,
            start: s.start,
            until: s.until,
            policy: s.policy.clone(),
            seed: s.seed,
        },
        RunOptions {
            threads,
            ..RunOptions::default()
        },
    )
    .unwrap()
}

#[test]
fn a_scenario_of_residents_acting_at_the_same_instants_gives_one_log_in_any_number_of_shards() {
    // Five residents whose refusals fall on the same instants: the shards' outputs must
    // interleave exactly as one shard's do.
    let path = "../../scenarios/rules/tokutei_refusals.yaml";
    let one = scenario_on(path, 1);
    let residents: std::collections::BTreeSet<_> =
        one.log.iter().map(|e| e.event.resident()).collect();
    assert!(residents.len() >= 5, "several residents: {residents:?}");
    for threads in [2, 3, 5] {
        let other = scenario_on(path, threads);
        assert_eq!(one.log, other.log, "{threads} shards");
        assert_eq!(one.log_hash, other.log_hash, "{threads} shards");
        assert_eq!(one.state_hash, other.state_hash, "{threads} shards");
    }
}
