//! Where a stored run commits, and what each commit records (decisions 11 and 25).
//!
//! The merger feeds the log hash in log order and hands each batch to the writer with the hash of
//! the log up to its last event, which the batch's commit records: every recorded hash must be
//! the hash of exactly the events stored up to it, whatever the thread count. The first batches
//! are small and grow (`scheduler::FIRST_BATCH`), so that the writer starts before a whole batch
//! of the enrolment is merged; where the commits fall depends only on the events, so two runs of
//! the same input commit at the same events.

use event_store::{CommitHash, EventStore};
use model::policy::Policy;
use population::{Population, PopulationSpec};
use simulator::log::{LogHasher, RunHeader};
use simulator::scheduler::FIRST_BATCH;
use simulator::{RunInput, RunOptions, RunOutput, run};

/// Large enough that the enrolment alone is more than the first batch.
const RESIDENTS: usize = 4_000;
const BATCH: usize = 100_000;

fn stored_run(population: &Population, threads: usize) -> RunOutput {
    run(
        RunInput::of_population(population, Policy::default()),
        RunOptions {
            store: Some(EventStore::open_in_memory().expect("an in-memory log")),
            keep_log: false,
            batch_size: BATCH,
            threads,
            ..RunOptions::default()
        },
    )
    .expect("the run succeeds")
}

/// The hash of the log up to each commit, recomputed from the stored events.
fn recomputed(store: &EventStore, commits: &[CommitHash]) -> Vec<String> {
    let mut hasher = LogHasher::new(&RunHeader::default());
    let mut at = commits.iter().map(|c| c.last_global_seq).peekable();
    let mut hashes = Vec::new();
    store
        .for_each(|record| {
            hasher.add(&record);
            if at.peek() == Some(&record.global_seq) {
                at.next();
                hashes.push(hasher.current());
            }
            Ok::<(), event_store::StoreError>(())
        })
        .expect("the log reads back");
    hashes
}

#[test]
fn every_commit_records_the_hash_of_the_log_up_to_it_and_the_first_batches_are_small() {
    let population = Population::generate(PopulationSpec::new(RESIDENTS, 5));
    let one = stored_run(&population, 1);
    let two = stored_run(&population, 2);
    let store = one.store.as_ref().expect("the store comes back");
    let commits = store.commits().expect("commits read back");
    assert!(
        one.events > 4 * FIRST_BATCH as u64,
        "a real run: {} events",
        one.events
    );

    // Each commit's hash is the hash of the events stored up to it, and the last one is the
    // run's log hash.
    let hashes: Vec<&str> = commits.iter().map(|c| c.log_hash.as_str()).collect();
    assert_eq!(hashes, recomputed(store, &commits));
    let last = commits.last().expect("the run committed");
    assert_eq!(last.last_global_seq, one.events);
    assert_eq!(last.log_hash, one.log_hash);

    // The first commit holds the first batch alone (the enrolment is larger), and no batch is
    // more than twice the limit before it, nor more than the batch size.
    assert_eq!(commits[0].last_global_seq, FIRST_BATCH as u64);
    let mut limit = FIRST_BATCH as u64;
    let mut before = 0;
    for c in &commits {
        let size = c.last_global_seq - before;
        assert!(
            size >= 1 && size <= limit,
            "a commit of {size} events, limit {limit}"
        );
        before = c.last_global_seq;
        limit = (limit * 2).min(BATCH as u64);
    }

    // Another thread count commits at the same events, with the same hashes.
    let other = two.store.as_ref().expect("the store comes back");
    assert_eq!(other.commits().expect("commits read back"), commits);
    assert_eq!(two.log_hash, one.log_hash);
}
