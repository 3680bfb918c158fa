//! The log does not depend on the machine, and a run does not claim events the store did not
//! write.
//!
//! A synthetic population is run with its services on one thread and on four, with the log
//! writer committing in small and in large batches: the log hash and the state hash must not
//! change. Then the same run is appended a second time to the store that already holds it:
//! the store reports the events as duplicates, so the run must fail, naming the first event.

use event_store::EventStore;
use model::policy::Policy;
use population::{Population, PopulationSpec};
use simulator::{RunInput, RunOptions, RunOutput, SimError, run};

const SEED: u64 = 11;

/// Runs a 1,000-resident year under the default policy into `store`, on a runtime with
/// `workers` threads (`None`: the current thread only).
fn run_on(
    workers: Option<usize>,
    batch_size: usize,
    store: EventStore,
) -> Result<RunOutput, SimError> {
    let population = Population::generate(PopulationSpec::new(1_000, SEED));
    let input = RunInput {
        residents: population.profiles(),
        steps: population.steps(),
        start: population.spec.start,
        until: population.until,
        policy: Policy::default(),
        seed: SEED,
    };
    let runtime = match workers {
        None => tokio::runtime::Builder::new_current_thread().build(),
        Some(n) => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(n)
            .build(),
    }
    .expect("a runtime");
    runtime.block_on(run(
        input,
        RunOptions {
            store: Some(store),
            keep_log: false,
            batch_size,
            ..RunOptions::default()
        },
    ))
}

fn fresh_store() -> EventStore {
    EventStore::open_in_memory().expect("an in-memory log")
}

#[test]
fn the_log_is_the_same_on_one_thread_or_four_and_whatever_the_batch_size() {
    let one = run_on(None, 100_000, fresh_store()).unwrap();
    let four = run_on(Some(4), 100_000, fresh_store()).unwrap();
    let small_batches = run_on(Some(4), 97, fresh_store()).unwrap();
    assert!(one.events > 1_000, "a real run: {} events", one.events);
    for other in [&four, &small_batches] {
        assert_eq!(one.events, other.events);
        assert_eq!(one.log_hash, other.log_hash);
        assert_eq!(one.state_hash, other.state_hash);
    }
    // What reached the store is the whole log, in the same order.
    let stored = |o: &RunOutput| o.store.as_ref().unwrap().read_all().unwrap();
    assert_eq!(stored(&one), stored(&small_batches));
    assert_eq!(stored(&one).len() as u64, one.events);
}

#[test]
fn a_run_fails_when_the_store_reports_an_event_it_did_not_write() {
    let first = run_on(Some(2), 500, fresh_store()).unwrap();
    let store = first.store.expect("the store comes back");
    match run_on(Some(2), 500, store) {
        Err(SimError::NotWritten { global_seq }) => assert_eq!(global_seq, 1),
        Err(other) => panic!("expected NotWritten, got {other}"),
        Ok(out) => panic!(
            "a run into a log that already holds it succeeded: {} events",
            out.events
        ),
    }
}
