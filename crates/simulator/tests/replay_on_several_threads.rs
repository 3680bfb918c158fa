//! A replay that keeps no log folds on several threads (`replay::replay_parallel`): whatever
//! the number of threads it must give exactly what a replay on one thread gives — the
//! projections, the log hash, the commit checks — and, on a damaged log, the same first error.

use chrono::NaiveDate;
use event_store::EventStore;
use model::policy::Policy;
use population::{Population, PopulationSpec};
use simulator::replay::{replay_each, replay_parallel};
use simulator::{RunInput, RunOptions, RunOutput, run};

const SEED: u64 = 5;

/// A 2,500-resident year — more residents than one block of the parallel replay (1,024), so that
/// every thread folds some — stored at `path` with a commit every 700 events.
fn stored_run(path: &std::path::Path) -> (RunOutput, NaiveDate, NaiveDate) {
    let population = Population::generate(PopulationSpec::new(2_500, SEED));
    let store = EventStore::create(path).expect("a new log");
    let out = run(
        RunInput {
            residents: &population,
            start: population.spec.start,
            until: population.until,
            policy: Policy::default(),
            seed: SEED,
        },
        RunOptions {
            store: Some(store),
            keep_log: false,
            batch_size: 700,
            threads: 2,
            ..RunOptions::default()
        },
    )
    .expect("the run");
    (out, population.spec.start, population.until)
}

#[test]
fn a_replay_on_two_or_three_threads_gives_what_one_thread_gives() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run.db");
    let (mut out, start, until) = stored_run(&path);
    drop(out.store.take());
    let store = EventStore::open_read_only(&path).expect("open");
    let switch = Policy::default().switches.validity.special_period_my_number;
    let mid = start + chrono::Duration::days(150);
    for as_of in [None, Some(mid)] {
        let one = replay_each(&store, start, until, as_of, switch, |_| {}).expect("replays");
        assert_eq!(one.log_hash, out.log_hash);
        assert!(one.commits.checked > 10, "{:?}", one.commits);
        assert!(one.commits.mismatch.is_none() && one.commits.beyond_log.is_none());
        if as_of.is_none() {
            assert_eq!(one.projections.state_hash(), out.state_hash);
        } else {
            assert!(
                one.projections.events < out.events,
                "folded up to {mid} only"
            );
        }
        for threads in [2, 3] {
            let many =
                replay_parallel(&store, start, until, as_of, switch, threads).expect("replays");
            assert_eq!(many.log_hash, one.log_hash, "{threads} threads");
            assert_eq!(many.events, one.events, "{threads} threads");
            assert_eq!(many.commits, one.commits, "{threads} threads");
            assert_eq!(many.projections, one.projections, "{threads} threads");
        }
    }
}

#[test]
fn a_damaged_log_fails_on_several_threads_with_the_error_one_thread_meets_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run.db");
    let (mut out, start, until) = stored_run(&path);
    drop(out.store.take());
    assert!(out.events > 20_000, "{} events", out.events);
    let pristine = std::fs::read(&path).expect("read");
    let switch = Policy::default().switches.validity.special_period_my_number;
    // A payload that does not decode (found by the folding threads) and a gap in the sequence
    // (found by the reading thread), each in turn the first in the log.
    let garbage = |seq: u64| format!("UPDATE events SET payload = x'c1' WHERE global_seq = {seq};");
    let gap =
        |seq: u64| format!("UPDATE events SET global_seq = 99999999 WHERE global_seq = {seq};");
    for (damage, first) in [
        (garbage(12_001) + &gap(18_001), "event 12001: the"),
        (gap(12_001) + &garbage(18_001), "global_seq jumps"),
        (garbage(12_001) + &garbage(6_001), "event 6001: the"),
    ] {
        std::fs::write(&path, &pristine).expect("restore");
        rusqlite::Connection::open(&path)
            .and_then(|c| c.execute_batch(&damage))
            .expect("tamper");
        let store = EventStore::open_read_only(&path).expect("open");
        let one = replay_each(&store, start, until, None, switch, |_| {})
            .err()
            .unwrap_or_else(|| panic!("{damage}: one thread replayed a damaged log"));
        assert!(one.to_string().contains(first), "{damage}: {one}");
        for threads in [2, 3] {
            let many = replay_parallel(&store, start, until, None, switch, threads)
                .err()
                .unwrap_or_else(|| panic!("{damage}: {threads} threads replayed it"));
            assert_eq!(
                many.to_string(),
                one.to_string(),
                "{damage}, {threads} threads"
            );
        }
    }
}
