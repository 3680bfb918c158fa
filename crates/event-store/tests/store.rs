//! Behaviour of the event store through its public API: ordering, atomicity, idempotency,
//! optimistic concurrency, the two index modes, recovery, schema versions and metadata.

use chrono::{NaiveDate, NaiveDateTime};
use event_store::{
    AppendResult, EventRecord, EventStore, IndexMode, NewEvent, RunMeta, SCHEMA_VERSION, StoreError,
};
use rusqlite::Connection;
use uuid::Uuid;

const BOTH_MODES: [IndexMode; 2] = [IndexMode::Live, IndexMode::Deferred];

fn at(day: u32, second: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 6, day)
        .and_then(|d| d.and_hms_opt(9, 0, second))
        .expect("valid test time")
}

/// A spread-out but deterministic id, like the seeded UUIDs of a real run.
fn id(n: u64) -> Uuid {
    let mut x = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    Uuid::from_u64_pair(x ^ (x >> 31), n)
}

fn record(n: u64, stream: &str, version: u64) -> EventRecord {
    EventRecord {
        global_seq: 0,
        event_id: id(n),
        stream: stream.to_owned(),
        stream_version: version,
        event_type: "PeriodOfStayExtended".to_owned(),
        schema_version: 1,
        occurred_at: at(14, (n % 60) as u32),
        effective_on: n
            .is_multiple_of(2)
            .then(|| NaiveDate::from_ymd_opt(2026, 7, 1).expect("date")),
        service: "immigration-bureau".to_owned(),
        correlation_id: id(1_000_000 + n),
        causation_id: (!n.is_multiple_of(3)).then(|| id(2_000_000 + n)),
        payload: format!(r#"{{"n":{n},"note":"在留期間更新"}}"#),
    }
}

fn event(n: u64, stream: &str, version: u64) -> NewEvent {
    NewEvent {
        record: record(n, stream, version),
        expected_version: version - 1,
    }
}

fn written(seqs: impl IntoIterator<Item = u64>) -> Vec<AppendResult> {
    seqs.into_iter()
        .map(|global_seq| AppendResult::Written { global_seq })
        .collect()
}

fn meta() -> RunMeta {
    RunMeta {
        scenario_hash: "sha256:abc".into(),
        policy: r#"{"regime":"integrated","uptake":0.4}"#.into(),
        seed: u64::MAX - 7,
        code_version: "0.1.0+test".into(),
        schema_version: 1,
        final_state_hash: None,
        log_hash: None,
        finished: false,
        label: "test run".into(),
        start: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        until: chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        resident_names: vec!["mei".into(), "ana".into()],
        title: "A test run".into(),
        description: "What it shows.".into(),
        display_names: vec!["Li Mei".into(), "Ana".into()],
    }
}

#[test]
fn given_several_batches_when_appended_then_global_seq_is_gap_free_from_one() {
    for mode in BOTH_MODES {
        let mut store = EventStore::create_in_memory(mode).expect("store");
        let first = store
            .append(&[event(1, "a", 1), event(2, "b", 1), event(3, "a", 2)])
            .expect("first batch");
        let second = store
            .append(&[event(4, "c", 1), event(5, "b", 2)])
            .expect("second batch");
        assert_eq!(first, written(1..=3), "{mode:?}");
        assert_eq!(second, written(4..=5), "{mode:?}");
        let seqs: Vec<u64> = store
            .read_all()
            .expect("read")
            .iter()
            .map(|r| r.global_seq)
            .collect();
        assert_eq!(seqs, vec![1, 2, 3, 4, 5], "{mode:?}");
        assert_eq!(store.count().expect("count"), 5);
        assert_eq!(store.last_global_seq().expect("last"), 5);
    }
}

#[test]
fn given_stored_events_when_read_back_then_every_field_round_trips() {
    for mode in BOTH_MODES {
        let mut store = EventStore::create_in_memory(mode).expect("store");
        let mut odd = record(7, "card-issuer/card/7", 1);
        odd.occurred_at = NaiveDate::from_ymd_opt(2026, 6, 14)
            .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 123_456_789))
            .expect("time");
        let batch = [
            NewEvent {
                record: odd.clone(),
                expected_version: 0,
            },
            event(8, "x", 1),
            event(9, "x", 2),
        ];
        store.append(&batch).expect("append");
        let read = store.read_all().expect("read");
        let expected: Vec<EventRecord> = batch
            .iter()
            .zip(1..)
            .map(|(e, seq)| EventRecord {
                global_seq: seq,
                ..e.record.clone()
            })
            .collect();
        assert_eq!(read, expected, "{mode:?}");
    }
}

#[test]
fn given_a_version_conflict_mid_batch_when_appended_then_the_whole_batch_is_rolled_back() {
    for mode in BOTH_MODES {
        let mut store = EventStore::create_in_memory(mode).expect("store");
        store.append(&[event(1, "a", 1)]).expect("seed");
        let stale = NewEvent {
            record: record(4, "a", 1),
            expected_version: 0,
        };
        let err = store
            .append(&[event(2, "b", 1), event(3, "a", 2), stale])
            .expect_err("conflict");
        assert!(
            matches!(&err, StoreError::VersionConflict { stream, expected: 0, actual: 2 } if stream == "a"),
            "{mode:?}: {err:?}"
        );
        assert_eq!(store.count().expect("count"), 1, "{mode:?}");
        assert_eq!(store.stream_version("a").expect("version"), 1, "{mode:?}");
        assert_eq!(store.stream_version("b").expect("version"), 0, "{mode:?}");
        // The rolled-back events left no trace, in the file or in memory: they can be
        // appended again and the sequence continues without a gap.
        let again = store
            .append(&[event(2, "b", 1), event(3, "a", 2)])
            .expect("retry");
        assert_eq!(again, written(2..=3), "{mode:?}");
    }
}

#[test]
fn given_a_stream_ahead_of_expected_when_appended_then_version_conflict_reports_both() {
    for mode in BOTH_MODES {
        let mut store = EventStore::create_in_memory(mode).expect("store");
        let err = store.append(&[event(1, "a", 3)]).expect_err("gap");
        assert!(
            matches!(
                &err,
                StoreError::VersionConflict {
                    expected: 2,
                    actual: 0,
                    ..
                }
            ),
            "{mode:?}: {err:?}"
        );
        assert_eq!(store.count().expect("count"), 0);
    }
}

#[test]
fn given_a_stored_event_when_the_same_event_is_appended_again_then_duplicate_and_nothing_added() {
    for mode in BOTH_MODES {
        let mut store = EventStore::create_in_memory(mode).expect("store");
        store
            .append(&[event(1, "a", 1), event(2, "a", 2)])
            .expect("seed");
        // A retry of event 1 after the stream moved on is still recognised as itself.
        let results = store
            .append(&[event(1, "a", 1), event(3, "a", 3)])
            .expect("retry");
        assert_eq!(
            results,
            vec![
                AppendResult::Duplicate { global_seq: 1 },
                AppendResult::Written { global_seq: 3 }
            ],
            "{mode:?}"
        );
        assert_eq!(store.count().expect("count"), 3, "{mode:?}");
    }
}

#[test]
fn given_one_event_twice_in_a_batch_when_appended_then_the_second_is_a_duplicate() {
    for mode in BOTH_MODES {
        let mut store = EventStore::create_in_memory(mode).expect("store");
        let results = store
            .append(&[event(1, "a", 1), event(1, "a", 1)])
            .expect("append");
        assert_eq!(
            results,
            vec![
                AppendResult::Written { global_seq: 1 },
                AppendResult::Duplicate { global_seq: 1 }
            ],
            "{mode:?}"
        );
        assert_eq!(store.count().expect("count"), 1);
    }
}

#[test]
fn given_a_stored_id_when_another_payload_claims_it_then_duplicate_id_mismatch_and_rollback() {
    for mode in BOTH_MODES {
        let mut store = EventStore::create_in_memory(mode).expect("store");
        store.append(&[event(1, "a", 1)]).expect("seed");
        let mut impostor = event(1, "a", 1);
        impostor.record.payload = r#"{"n":1,"note":"changed"}"#.into();
        let err = store
            .append(&[event(2, "b", 1), impostor])
            .expect_err("mismatch");
        assert!(
            matches!(err, StoreError::DuplicateIdMismatch { event_id } if event_id == id(1)),
            "{mode:?}: {err:?}"
        );
        assert_eq!(store.count().expect("count"), 1, "{mode:?}");
    }
}

#[test]
fn given_stream_version_not_expected_plus_one_when_appended_then_refused_before_writing() {
    let mut store = EventStore::open_in_memory().expect("store");
    let bad = NewEvent {
        record: record(1, "a", 5),
        expected_version: 0,
    };
    let err = store.append(&[event(2, "b", 1), bad]).expect_err("invalid");
    assert!(
        matches!(
            err,
            StoreError::InvalidStreamVersion {
                stream_version: 5,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(store.count().expect("count"), 0);
}

#[test]
fn given_interleaved_streams_when_read_by_stream_then_in_version_order() {
    let mut store = EventStore::open_in_memory().expect("store");
    store
        .append(&[event(1, "a", 1), event(2, "b", 1), event(3, "a", 2)])
        .expect("1");
    store
        .append(&[event(4, "b", 2), event(5, "a", 3)])
        .expect("2");
    let a = store.read_stream("a").expect("read");
    let versions: Vec<(u64, u64)> = a.iter().map(|r| (r.stream_version, r.global_seq)).collect();
    assert_eq!(versions, vec![(1, 1), (2, 3), (3, 5)]);
    assert_eq!(store.stream_version("a").expect("v"), 3);
    assert_eq!(store.stream_version("nobody").expect("v"), 0);
    assert!(store.read_stream("nobody").expect("read").is_empty());
}

#[test]
fn given_a_log_when_streamed_with_for_each_then_rows_come_in_order_and_errors_stop_it() {
    let mut store = EventStore::open_in_memory().expect("store");
    let batch: Vec<NewEvent> = (1..=20).map(|n| event(n, &format!("s{n}"), 1)).collect();
    store.append(&batch).expect("append");
    let mut seen = Vec::new();
    store
        .for_each_after(15, |r| {
            seen.push(r.global_seq);
            Ok::<(), StoreError>(())
        })
        .expect("stream");
    assert_eq!(seen, vec![16, 17, 18, 19, 20]);
    let mut visited = 0;
    let stopped = store.for_each(|r| {
        visited += 1;
        if r.global_seq == 3 {
            Err(StoreError::RunMetaMissing)
        } else {
            Ok(())
        }
    });
    assert!(matches!(stopped, Err(StoreError::RunMetaMissing)));
    assert_eq!(visited, 3);
}

/// A tiny deterministic generator, so the equivalence test explores many cases yet always
/// the same ones.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn given_the_same_appends_with_conflicts_and_duplicates_when_run_live_and_deferred_then_results_match()
 {
    let mut live = EventStore::create_in_memory(IndexMode::Live).expect("live");
    let mut deferred = EventStore::create_in_memory(IndexMode::Deferred).expect("deferred");
    let mut rng = Rng(0x5EED);
    let streams = 60;
    let mut versions = vec![0u64; streams];
    let mut written_events: Vec<NewEvent> = Vec::new();
    let mut next_n = 1u64;
    let (mut oks, mut conflicts, mut mismatches, mut dups) = (0, 0, 0, 0);
    for _ in 0..120 {
        let mut local = versions.clone();
        let mut batch: Vec<NewEvent> = Vec::new();
        for _ in 0..=rng.below(12) {
            let roll = rng.below(100);
            if roll < 6 && !written_events.is_empty() {
                // A retry of an event already in the log.
                batch.push(written_events[rng.below(written_events.len() as u64) as usize].clone());
            } else if roll < 8 && !written_events.is_empty() {
                // Someone else's content under a stored id.
                let mut e = written_events[rng.below(written_events.len() as u64) as usize].clone();
                e.record.payload = r#"{"tampered":true}"#.into();
                batch.push(e);
            } else if roll < 10 && !batch.is_empty() {
                // The same event twice in one batch.
                batch.push(batch[rng.below(batch.len() as u64) as usize].clone());
            } else {
                let s = rng.below(streams as u64) as usize;
                // Now and then a stale or a future expected version.
                let expected = match rng.below(100) {
                    0..=3 => local[s].saturating_sub(1),
                    4..=5 => local[s] + 1,
                    _ => local[s],
                };
                batch.push(event(next_n, &format!("stream/{s}"), expected + 1));
                next_n += 1;
                if expected == local[s] {
                    local[s] += 1;
                }
            }
        }
        let a = live.append(&batch);
        let b = deferred.append(&batch);
        match (&a, &b) {
            (Ok(x), Ok(y)) => {
                assert_eq!(x, y);
                oks += 1;
                for (e, r) in batch.iter().zip(x) {
                    match r {
                        AppendResult::Written { .. } => {
                            let s: usize = e.record.stream["stream/".len()..].parse().expect("n");
                            versions[s] = e.record.stream_version;
                            written_events.push(e.clone());
                        }
                        AppendResult::Duplicate { .. } => dups += 1,
                    }
                }
            }
            (Err(x), Err(y)) => {
                assert_eq!(format!("{x:?}"), format!("{y:?}"));
                match x {
                    StoreError::VersionConflict { .. } => conflicts += 1,
                    StoreError::DuplicateIdMismatch { .. } => mismatches += 1,
                    other => panic!("unexpected error {other:?}"),
                }
            }
            _ => panic!("modes disagree: live {a:?}, deferred {b:?}"),
        }
    }
    // The script exercised every outcome, not just the happy path.
    assert!(
        oks > 20 && conflicts > 5 && mismatches > 3 && dups > 3,
        "oks {oks}, conflicts {conflicts}, mismatches {mismatches}, dups {dups}"
    );
    assert_eq!(
        live.read_all().expect("live"),
        deferred.read_all().expect("deferred")
    );
    for s in 0..streams {
        let name = format!("stream/{s}");
        assert_eq!(
            live.stream_version(&name).expect("v"),
            deferred.stream_version(&name).expect("v")
        );
    }
    assert!(!deferred.indexes_present().expect("indexes"));
    deferred.write_run_meta(&meta()).expect("meta");
    deferred.finish("state", "log").expect("finish");
    assert!(deferred.indexes_present().expect("indexes"));
    assert_eq!(deferred.index_mode(), IndexMode::Live);
    assert_eq!(
        live.read_all().expect("live"),
        deferred.read_all().expect("deferred")
    );
}

#[test]
fn given_a_deferred_run_killed_before_finish_when_opened_then_indexes_are_built_and_all_events_replay()
 {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run.db");
    let batch: Vec<NewEvent> = (0..50)
        .map(|n| event(n, &format!("s{}", n % 7), n / 7 + 1))
        .collect();
    {
        let mut store = EventStore::create(&path, IndexMode::Deferred).expect("create");
        store.write_run_meta(&meta()).expect("meta");
        store.append(&batch[..30]).expect("first");
        store.append(&batch[30..]).expect("second");
        assert!(!store.indexes_present().expect("indexes"));
        // Dropped without finish(), as if the process had been killed.
    }
    let mut store = EventStore::open(&path).expect("open");
    assert!(store.indexes_present().expect("indexes"));
    assert_eq!(store.index_mode(), IndexMode::Live);
    let all = store.read_all().expect("read");
    assert_eq!(all.len(), 50);
    assert!(all.iter().zip(1..).all(|(r, seq)| r.global_seq == seq));
    assert!(
        !store
            .read_run_meta()
            .expect("meta")
            .expect("present")
            .finished
    );
    // The recovered log is a working live log: checks come from the new indexes.
    assert!(matches!(
        store.append(&[event(0, "s0", 1)]).expect("dup")[..],
        [AppendResult::Duplicate { global_seq: 1 }]
    ));
    assert!(matches!(
        store.append(&[event(99, "s1", 1)]),
        Err(StoreError::VersionConflict { .. })
    ));
}

#[test]
fn given_a_new_file_when_created_then_user_version_and_application_id_are_set() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run.db");
    drop(EventStore::create(&path, IndexMode::Live).expect("create"));
    let conn = Connection::open(&path).expect("raw");
    let version: u32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("pragma");
    let app: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .expect("pragma");
    let journal: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("pragma");
    assert_eq!((version, SCHEMA_VERSION), (2, 2));
    assert_eq!(app, event_store::APPLICATION_ID);
    assert_eq!(journal, "wal");
}

#[test]
fn given_an_empty_v0_file_when_opened_then_it_is_migrated_to_the_current_schema() {
    let file = tempfile::NamedTempFile::new().expect("file");
    let mut store = EventStore::open(file.path()).expect("open");
    assert!(store.indexes_present().expect("indexes"));
    store.append(&[event(1, "a", 1)]).expect("append");
    drop(store);
    let conn = Connection::open(file.path()).expect("raw");
    let version: u32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("pragma");
    assert_eq!(version, SCHEMA_VERSION);
}

#[test]
fn given_a_log_from_a_newer_build_when_opened_then_schema_too_new() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run.db");
    drop(EventStore::create(&path, IndexMode::Live).expect("create"));
    Connection::open(&path)
        .and_then(|c| c.execute_batch("PRAGMA user_version = 3"))
        .expect("bump");
    for err in [
        EventStore::open(&path).expect_err("too new"),
        EventStore::open_read_only(&path).expect_err("too new"),
    ] {
        assert!(
            matches!(
                err,
                StoreError::SchemaTooNew {
                    found: 3,
                    supported: 2
                }
            ),
            "{err:?}"
        );
    }
}

#[test]
fn given_some_other_database_when_opened_then_not_an_event_log_and_left_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("other.db");
    Connection::open(&path)
        .and_then(|c| c.execute_batch("CREATE TABLE notes (t TEXT)"))
        .expect("foreign db");
    let err = EventStore::open(&path).expect_err("foreign");
    assert!(matches!(err, StoreError::NotAnEventLog { .. }), "{err:?}");
    let journal: String = Connection::open(&path)
        .and_then(|c| c.query_row("PRAGMA journal_mode", [], |r| r.get(0)))
        .expect("pragma");
    assert_eq!(journal, "delete");
}

#[test]
fn given_an_existing_log_when_created_again_then_already_exists_and_missing_file_is_not_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run.db");
    let mut store = EventStore::create(&path, IndexMode::Live).expect("create");
    store.append(&[event(1, "a", 1)]).expect("append");
    drop(store);
    assert!(matches!(
        EventStore::create(&path, IndexMode::Deferred),
        Err(StoreError::AlreadyExists { .. })
    ));
    assert_eq!(
        EventStore::open(&path)
            .expect("reopen")
            .count()
            .expect("count"),
        1
    );
    let missing = dir.path().join("missing.db");
    assert!(matches!(
        EventStore::open(&missing),
        Err(StoreError::NotFound { .. })
    ));
    assert!(!missing.exists());
}

#[test]
fn given_run_meta_when_written_and_finished_then_it_round_trips_with_hashes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run.db");
    let mut store = EventStore::create(&path, IndexMode::Deferred).expect("create");
    assert_eq!(store.read_run_meta().expect("read"), None);
    assert!(matches!(
        store.finish("s", "l"),
        Err(StoreError::RunMetaMissing)
    ));
    store.write_run_meta(&meta()).expect("write");
    assert_eq!(store.read_run_meta().expect("read"), Some(meta()));
    store.append(&[event(1, "a", 1)]).expect("append");
    store.finish("sha256:state", "sha256:log").expect("finish");
    drop(store);
    let store = EventStore::open(&path).expect("open");
    let finished = RunMeta {
        final_state_hash: Some("sha256:state".into()),
        log_hash: Some("sha256:log".into()),
        finished: true,
        ..meta()
    };
    assert_eq!(store.read_run_meta().expect("read"), Some(finished));
    assert!(store.indexes_present().expect("indexes"));
}

#[test]
fn given_policy_that_is_not_json_when_written_then_refused() {
    let mut store = EventStore::open_in_memory().expect("store");
    let bad = RunMeta {
        policy: "regime=integrated".into(),
        ..meta()
    };
    assert!(matches!(
        store.write_run_meta(&bad),
        Err(StoreError::Sqlite(_))
    ));
    assert_eq!(store.read_run_meta().expect("read"), None);
}

#[test]
fn given_a_deferred_store_when_another_connection_appends_then_the_next_append_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run.db");
    let mut bulk = EventStore::create(&path, IndexMode::Deferred).expect("create");
    bulk.append(&[event(1, "a", 1)]).expect("append");
    // A second store is refused by the writer's lock; a raw connection gets past it, and the
    // deferred writer's own check still catches what it did.
    assert!(matches!(
        EventStore::open(&path),
        Err(StoreError::Locked { .. })
    ));
    let intruder = Connection::open(&path).expect("raw");
    intruder
        .execute(
            "INSERT INTO events SELECT 2, randomblob(16), stream, 2, event_type, schema_version,
                 occurred_at, effective_on, service, correlation_id, causation_id, payload
             FROM events WHERE global_seq = 1",
            [],
        )
        .expect("intruder append");
    let err = bulk.append(&[event(3, "b", 1)]).expect_err("refused");
    assert!(
        matches!(
            err,
            StoreError::ConcurrentWriter {
                expected: 1,
                found: 2
            }
        ),
        "{err:?}"
    );
    drop(bulk);
    let count: i64 = intruder
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .expect("count");
    assert_eq!(count, 2);
}

#[test]
fn given_records_when_run_through_the_baseline_then_all_rows_are_written_in_batches() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("baseline.db");
    let records: Vec<EventRecord> = (1..=250)
        .map(|n| record(n, &format!("s{}", n % 9), n))
        .collect();
    let report =
        event_store::baseline::raw_append_baseline(&path, &records, 100).expect("baseline");
    assert_eq!(report.rows, 250);
    assert!(report.seconds >= 0.0);
    let conn = Connection::open(&path).expect("raw");
    let (n, max, indexes): (i64, i64, i64) = conn
        .query_row(
            "SELECT count(*), max(global_seq), \
             (SELECT count(*) FROM sqlite_schema WHERE type = 'index') FROM events",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("query");
    assert_eq!((n, max, indexes), (250, 250, 0));
    let again = event_store::baseline::raw_append_baseline(&path, &records, 100);
    assert!(matches!(again, Err(StoreError::AlreadyExists { .. })));
    let zero = event_store::baseline::raw_append_baseline(&dir.path().join("z.db"), &records, 0);
    assert!(matches!(zero, Err(StoreError::InvalidBatchSize)));
}
