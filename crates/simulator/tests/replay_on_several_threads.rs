//! A replay that keeps no log folds on several threads (`replay::replay_parallel`): whatever
//! the number of threads it must give exactly what a replay on one thread gives — the
//! projections, the log hash, the commit checks — and, on a damaged log, the same first error.

use chrono::NaiveDate;
use event_store::{EventStore, NewEvent};
use model::policy::Policy;
use population::{Population, PopulationSpec};
use simulator::replay::{replay_each, replay_parallel};
use simulator::{RunInput, RunOptions, RunOutput, run};

const SEED: u64 = 5;

/// A 2,500-resident year — more residents than one block of the parallel replay (1,024), so that
/// every thread folds some — stored with a commit every 700 events.
fn stored_run() -> (RunOutput, NaiveDate, NaiveDate) {
    let population = Population::generate(PopulationSpec::new(2_500, SEED));
    let store = EventStore::open_in_memory().expect("a new log");
    let out = run(
        RunInput::of_population(&population, Policy::default()),
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
    let (mut out, start, until) = stored_run();
    let store = out.store.take().expect("the store comes back");
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
    let (mut out, start, until) = stored_run();
    let stored = out.store.take().expect("the store comes back");
    let records = stored.read_all().expect("read");
    assert!(records.len() > 20_000, "{} events", records.len());
    let switch = Policy::default().switches.validity.special_period_my_number;
    // Payloads that do not decode, found by the folding threads (each event's resident decides
    // which): the replay must name the first in the log, as one thread does, whichever thread
    // met which.
    for (damaged, first) in [
        ([12_001, 18_001], "event 12001: the"),
        ([12_001, 6_001], "event 6001: the"),
        ([6_002, 6_001], "event 6001: the"),
    ] {
        let batch: Vec<NewEvent> = records
            .iter()
            .cloned()
            .map(|mut record| {
                if damaged.contains(&record.global_seq) {
                    record.payload = vec![0xc1];
                }
                NewEvent {
                    expected_version: record.stream_version - 1,
                    record,
                }
            })
            .collect();
        // In memory (read in one pass) and in a finished file (read in chunks).
        let mut in_memory = EventStore::open_in_memory().expect("a log");
        in_memory
            .append(&batch)
            .expect("the store takes any payload");
        let file = TempLog::new(&format!("damaged-{}-{}", damaged[0], damaged[1]));
        EventStore::create(&file.0)
            .and_then(|mut log| log.append(&batch))
            .expect("the store takes any payload");
        let in_file = EventStore::open_read_only(&file.0).expect("open");
        assert!(in_file.chunks(1).expect("counted").is_some());
        for store in [&in_memory, &in_file] {
            let one = replay_each(store, start, until, None, switch, |_| {})
                .err()
                .unwrap_or_else(|| panic!("{damaged:?}: one thread replayed a damaged log"));
            assert!(one.to_string().contains(first), "{damaged:?}: {one}");
            for threads in [2, 3] {
                let many = replay_parallel(store, start, until, None, switch, threads)
                    .err()
                    .unwrap_or_else(|| panic!("{damaged:?}: {threads} threads replayed it"));
                assert_eq!(
                    many.to_string(),
                    one.to_string(),
                    "{damaged:?}, {threads} threads"
                );
            }
        }
    }
}

/// A log file of this test process's own, removed when dropped.
struct TempLog(std::path::PathBuf);

impl TempLog {
    fn new(name: &str) -> TempLog {
        let path = std::env::temp_dir().join(format!(
            "zairyu-replay-test-{}-{name}.db",
            std::process::id()
        ));
        let log = TempLog(path);
        log.remove();
        log
    }

    fn remove(&self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

impl Drop for TempLog {
    fn drop(&mut self) {
        self.remove();
    }
}

#[test]
fn a_finished_log_read_in_chunks_replays_as_one_thread_does() {
    let file = TempLog::new("finished");
    let population = Population::generate(PopulationSpec::new(2_500, SEED));
    let out = run(
        RunInput::of_population(&population, Policy::default()),
        RunOptions {
            store: Some(EventStore::create(&file.0).expect("a new log")),
            keep_log: false,
            batch_size: 700,
            threads: 2,
            ..RunOptions::default()
        },
    )
    .expect("the run");
    drop(out.store);
    let (start, until) = (population.spec.start, population.until);
    let store = EventStore::open_read_only(&file.0).expect("open");
    // More than two chunks of rows per reader: each reader reads several, in turn.
    let events = store.count().expect("count");
    assert!(events > 20_000, "{events} events");
    assert!(store.chunks(1).expect("counted").is_some());
    let switch = Policy::default().switches.validity.special_period_my_number;
    let mid = start + chrono::Duration::days(150);
    for as_of in [None, Some(mid)] {
        let one = replay_each(&store, start, until, as_of, switch, |_| {}).expect("replays");
        assert_eq!(one.log_hash, out.log_hash);
        assert_eq!(one.events, events);
        assert!(one.commits.checked > 10, "{:?}", one.commits);
        assert!(one.commits.mismatch.is_none() && one.commits.beyond_log.is_none());
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
