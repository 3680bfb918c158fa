//! Behaviour of the event store through its public API: ordering, atomicity, idempotency,
//! optimistic concurrency, ids in log order, commit hashes, recovery after a kill, schema
//! versions, logs of format 1, and metadata.

use chrono::{NaiveDate, NaiveDateTime};
use event_store::{
    AppendResult, CommitHash, EventRecord, EventStore, JapaneseTexts, LogFormat, NewEvent, RunMeta,
    SCHEMA_VERSION, StoreError, StoredHeader, StoredRow,
};
use model::envelope::StreamId;
use model::ids::ResidentId;
use model::service::Service;
use rusqlite::Connection;
use uuid::Uuid;

fn at(day: u32, second: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 6, day)
        .and_then(|d| d.and_hms_opt(9, 0, second))
        .expect("valid test time")
}

/// The id of event `n`: ids increase with `n`, as they do along a log, and their low half is
/// spread out like a real run's.
fn id(n: u64) -> Uuid {
    let mut x = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    Uuid::from_u64_pair(n, x ^ (x >> 31))
}

/// Stream `s`: the offices take turns, so that one resident has several streams.
fn stream(s: u32) -> StreamId {
    StreamId {
        service: Service::ALL[s as usize % 3],
        resident: ResidentId(s / 3),
    }
}

fn record(n: u64, s: u32, version: u32) -> EventRecord {
    EventRecord {
        global_seq: 0,
        event_id: id(n),
        stream: stream(s),
        stream_version: version,
        event_type: "PeriodOfStayExtended".into(),
        schema_version: 2,
        occurred_at: at(14, (n % 60) as u32),
        effective_on: n
            .is_multiple_of(2)
            .then(|| NaiveDate::from_ymd_opt(2026, 7, 1).expect("date")),
        correlation_id: id(1_000_000 + n),
        causation_id: (!n.is_multiple_of(3)).then(|| id(2_000_000 + n)),
        payload: format!("在留期間更新 {n}").into_bytes(),
    }
}

fn event(n: u64, s: u32, version: u32) -> NewEvent {
    NewEvent {
        record: record(n, s, version),
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
        schema_version: 2,
        final_state_hash: None,
        projection_version: None,
        log_hash: None,
        finished: false,
        label: "test run".into(),
        start: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        until: chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        resident_names: vec!["mei".into(), "ana".into()],
        title: "A test run".into(),
        description: "What it shows.".into(),
        display_names: vec!["Li Mei".into(), "Ana".into()],
        ja: JapaneseTexts {
            title: "試しの実行".into(),
            description: "何を示すか。".into(),
            label: String::new(),
        },
    }
}

fn golden_v1(name: &str) -> std::path::PathBuf {
    golden("v1", name)
}

fn golden(format: &str, name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/golden")
        .join(format)
        .join(name)
}

#[test]
fn given_several_batches_when_appended_then_global_seq_is_gap_free_from_one() {
    let mut store = EventStore::open_in_memory().expect("store");
    let first = store
        .append(&[event(1, 0, 1), event(2, 1, 1), event(3, 0, 2)])
        .expect("first batch");
    let second = store
        .append(&[event(4, 2, 1), event(5, 1, 2)])
        .expect("second batch");
    assert_eq!(first, written(1..=3));
    assert_eq!(second, written(4..=5));
    let seqs: Vec<u64> = store
        .read_all()
        .expect("read")
        .iter()
        .map(|r| r.global_seq)
        .collect();
    assert_eq!(seqs, vec![1, 2, 3, 4, 5]);
    assert_eq!(store.count().expect("count"), 5);
    assert_eq!(store.last_global_seq().expect("last"), 5);
}

#[test]
fn given_stored_events_when_read_back_then_every_field_round_trips() {
    let mut store = EventStore::open_in_memory().expect("store");
    let mut odd = record(7, 4, 1);
    odd.event_type = "ATypeThisBuildDoesNotKnow".into();
    odd.occurred_at = NaiveDate::from_ymd_opt(1969, 12, 31)
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .expect("time");
    odd.effective_on = NaiveDate::from_ymd_opt(1, 1, 1);
    odd.stream.resident = ResidentId(u32::MAX);
    odd.payload = Vec::new();
    let batch = [
        NewEvent {
            record: odd.clone(),
            expected_version: 0,
        },
        event(8, 3, 1),
        event(9, 3, 2),
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
    assert_eq!(read, expected);
    assert_eq!(store.read_at(2).expect("read"), Some(expected[1].clone()));
    assert_eq!(store.read_at(4).expect("read"), None);
}

#[test]
fn given_a_fraction_of_a_second_when_appended_then_refused_and_nothing_written() {
    let mut store = EventStore::open_in_memory().expect("store");
    let mut e = event(1, 0, 1);
    e.record.occurred_at = NaiveDate::from_ymd_opt(2026, 6, 14)
        .and_then(|d| d.and_hms_milli_opt(9, 0, 0, 500))
        .expect("time");
    assert!(matches!(
        store.append(&[event(0, 1, 1), e]),
        Err(StoreError::SubSecondTime { .. })
    ));
    assert_eq!(store.count().expect("count"), 0);
}

#[test]
fn given_a_version_conflict_mid_batch_when_appended_then_the_whole_batch_is_rolled_back() {
    let mut store = EventStore::open_in_memory().expect("store");
    store.append(&[event(1, 0, 1)]).expect("seed");
    let stale = NewEvent {
        record: record(4, 0, 1),
        expected_version: 0,
    };
    let err = store
        .append(&[event(2, 1, 1), event(3, 0, 2), stale])
        .expect_err("conflict");
    assert!(
        matches!(&err, StoreError::VersionConflict { stream, expected: 0, actual: 2 }
            if *stream == stream_name(0)),
        "{err:?}"
    );
    assert_eq!(store.count().expect("count"), 1);
    assert_eq!(store.stream_version(stream(0)).expect("version"), 1);
    assert_eq!(store.stream_version(stream(1)).expect("version"), 0);
    // The rolled-back events left no trace, in the file or in memory: they can be appended
    // again, the sequence continues without a gap and their ids are new again.
    let again = store
        .append(&[event(2, 1, 1), event(3, 0, 2)])
        .expect("retry");
    assert_eq!(again, written(2..=3));
}

fn stream_name(s: u32) -> String {
    stream(s).to_string()
}

#[test]
fn given_a_stream_ahead_of_expected_when_appended_then_version_conflict_reports_both() {
    let mut store = EventStore::open_in_memory().expect("store");
    let err = store.append(&[event(1, 0, 3)]).expect_err("gap");
    assert!(
        matches!(
            &err,
            StoreError::VersionConflict {
                expected: 2,
                actual: 0,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(store.count().expect("count"), 0);
}

#[test]
fn given_a_stored_event_when_the_same_event_is_appended_again_then_duplicate_and_nothing_added() {
    let mut store = EventStore::open_in_memory().expect("store");
    let seed: Vec<NewEvent> = (1..=9).map(|n| event(n, 0, n as u32)).collect();
    store.append(&seed).expect("seed");
    // Retries of earlier events after the stream moved on are still recognised as themselves
    // (found by bisecting the log, whose ids increase).
    for n in [1, 5, 8, 9] {
        let results = store.append(&[event(n, 0, n as u32)]).expect("retry");
        assert_eq!(results, vec![AppendResult::Duplicate { global_seq: n }]);
    }
    let results = store
        .append(&[event(3, 0, 3), event(10, 0, 10)])
        .expect("retry and new");
    assert_eq!(
        results,
        vec![
            AppendResult::Duplicate { global_seq: 3 },
            AppendResult::Written { global_seq: 10 }
        ]
    );
    assert_eq!(store.count().expect("count"), 10);
}

#[test]
fn given_one_event_twice_in_a_batch_when_appended_then_the_second_is_a_duplicate() {
    let mut store = EventStore::open_in_memory().expect("store");
    let results = store
        .append(&[event(1, 0, 1), event(1, 0, 1)])
        .expect("append");
    assert_eq!(
        results,
        vec![
            AppendResult::Written { global_seq: 1 },
            AppendResult::Duplicate { global_seq: 1 }
        ]
    );
    assert_eq!(store.count().expect("count"), 1);
}

#[test]
fn given_a_stored_id_when_another_payload_claims_it_then_duplicate_id_mismatch_and_rollback() {
    let mut store = EventStore::open_in_memory().expect("store");
    store.append(&[event(1, 0, 1)]).expect("seed");
    let mut impostor = event(1, 0, 1);
    impostor.record.payload = b"changed".to_vec();
    let err = store
        .append(&[event(2, 1, 1), impostor])
        .expect_err("mismatch");
    assert!(
        matches!(err, StoreError::DuplicateIdMismatch { event_id } if event_id == id(1)),
        "{err:?}"
    );
    assert_eq!(store.count().expect("count"), 1);
}

#[test]
fn given_a_new_id_below_the_last_one_when_appended_then_refused_as_out_of_order() {
    let mut store = EventStore::open_in_memory().expect("store");
    store
        .append(&[event(10, 0, 1), event(20, 1, 1)])
        .expect("seed");
    let err = store
        .append(&[event(21, 2, 1), event(15, 3, 1)])
        .expect_err("out of order");
    assert!(
        matches!(err, StoreError::IdOutOfOrder { event_id } if event_id == id(15)),
        "{err:?}"
    );
    assert_eq!(store.count().expect("count"), 2);
    // The rolled-back event 21 was forgotten too: it can still be appended.
    assert_eq!(
        store.append(&[event(21, 2, 1)]).expect("append"),
        written([3])
    );
}

#[test]
fn given_stream_version_not_expected_plus_one_when_appended_then_refused_before_writing() {
    let mut store = EventStore::open_in_memory().expect("store");
    let bad = NewEvent {
        record: record(1, 0, 5),
        expected_version: 0,
    };
    let err = store.append(&[event(2, 1, 1), bad]).expect_err("invalid");
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
        .append(&[event(1, 0, 1), event(2, 1, 1), event(3, 0, 2)])
        .expect("1");
    store.append(&[event(4, 1, 2), event(5, 0, 3)]).expect("2");
    let a = store.read_stream(stream(0)).expect("read");
    let versions: Vec<(u32, u64)> = a.iter().map(|r| (r.stream_version, r.global_seq)).collect();
    assert_eq!(versions, vec![(1, 1), (2, 3), (3, 5)]);
    assert_eq!(store.stream_version(stream(0)).expect("v"), 3);
    assert_eq!(store.stream_version(stream(99)).expect("v"), 0);
    assert!(store.read_stream(stream(99)).expect("read").is_empty());
}

#[test]
fn given_a_log_when_an_office_is_read_back_then_its_events_before_the_instant() {
    // What a crashed office rebuilds from: its own events about a range of residents, before
    // its restart, in log order — not another office's, not another resident's, not later ones.
    let mut store = EventStore::open_in_memory().expect("store");
    let mut versions = std::collections::BTreeMap::new();
    let mut batch = Vec::new();
    for n in 1..=60u64 {
        // Streams 0..12: offices in turn, residents 0..4; time goes on with `n`.
        let s = (n * 7 % 12) as u32;
        let v = versions.entry(s).or_insert(0);
        *v += 1;
        let mut e = event(n, s, *v);
        e.record.occurred_at = at(14, n as u32 - 1);
        batch.push(e);
    }
    store.append(&batch[..30]).expect("first");
    store.append(&batch[30..]).expect("second");
    let before = at(14, 45);
    let city_hall = store
        .read_office_before(Service::CityHall, 1..3, before)
        .expect("read back");
    let expected: Vec<EventRecord> = store
        .read_all()
        .expect("all")
        .into_iter()
        .filter(|r| r.stream.service == Service::CityHall)
        .filter(|r| (1..3).contains(&r.stream.resident.0))
        .filter(|r| r.occurred_at < before)
        .collect();
    assert!(expected.len() >= 5, "{}", expected.len());
    assert_eq!(city_hall, expected);
    // The police have recorded nothing: the log has no code for them.
    assert!(
        store
            .read_office_before(Service::Police, 0..4, before)
            .expect("nothing")
            .is_empty()
    );
    // A log of format 1 is read the slow way, with the same answer.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v1.db");
    std::fs::copy(golden_v1("extension_integrated.db"), &path).expect("copy");
    let v1 = EventStore::open_read_only(&path).expect("v1");
    let all = v1.read_all().expect("all");
    let last = all.last().expect("events").occurred_at;
    let bureau = v1
        .read_office_before(Service::ImmigrationBureau, 0..u32::MAX, last)
        .expect("v1 read back");
    assert!(!bureau.is_empty());
    let expected: Vec<EventRecord> = all
        .into_iter()
        .filter(|r| r.stream.service == Service::ImmigrationBureau && r.occurred_at < last)
        .collect();
    assert_eq!(bureau, expected);
}

#[test]
fn given_a_log_when_streamed_with_for_each_then_rows_come_in_order_and_errors_stop_it() {
    let mut store = EventStore::open_in_memory().expect("store");
    let batch: Vec<NewEvent> = (1..=20).map(|n| event(n, n as u32, 1)).collect();
    store.append(&batch).expect("append");
    let mut seen = Vec::new();
    store
        .for_each_after(15, |r| {
            seen.push(r.global_seq);
            Ok::<(), StoreError>(())
        })
        .expect("stream");
    assert_eq!(seen, vec![16, 17, 18, 19, 20]);
    let window: Vec<u64> = store
        .read_after(4, 3)
        .expect("window")
        .iter()
        .map(|r| r.global_seq)
        .collect();
    assert_eq!(window, vec![5, 6, 7]);
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

/// A tiny deterministic generator, so the script below explores many cases yet always the
/// same ones.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// What the store must answer, computed the slow and obvious way: a list of what was written.
#[derive(Default, Clone)]
struct Oracle {
    written: Vec<EventRecord>,
}

impl Oracle {
    fn version(&self, s: StreamId) -> u32 {
        self.written
            .iter()
            .filter(|r| r.stream == s)
            .map(|r| r.stream_version)
            .max()
            .unwrap_or(0)
    }

    /// The results of appending `batch`, or the kind of error; `self` moves on only if it
    /// succeeds.
    fn append(&mut self, batch: &[NewEvent]) -> Result<Vec<AppendResult>, &'static str> {
        let mut next = self.clone();
        let mut results = Vec::new();
        for e in batch {
            if let Some(stored) = next
                .written
                .iter()
                .find(|r| r.event_id == e.record.event_id)
            {
                let mut same = e.record.clone();
                same.global_seq = stored.global_seq;
                if same != *stored {
                    return Err("mismatch");
                }
                results.push(AppendResult::Duplicate {
                    global_seq: stored.global_seq,
                });
                continue;
            }
            if next
                .written
                .last()
                .is_some_and(|last| last.event_id >= e.record.event_id)
            {
                return Err("out of order");
            }
            if next.version(e.record.stream) != e.expected_version {
                return Err("conflict");
            }
            let global_seq = next.written.len() as u64 + 1;
            next.written.push(EventRecord {
                global_seq,
                ..e.record.clone()
            });
            results.push(AppendResult::Written { global_seq });
        }
        *self = next;
        Ok(results)
    }
}

#[test]
fn given_random_appends_with_conflicts_duplicates_and_disorder_then_the_store_agrees_with_an_oracle()
 {
    let mut store = EventStore::open_in_memory().expect("store");
    let mut oracle = Oracle::default();
    let mut rng = Rng(0x5EED);
    let streams = 60u32;
    let mut next_n = 10u64;
    let mut tally = std::collections::BTreeMap::<&str, usize>::new();
    for _ in 0..150 {
        let mut batch: Vec<NewEvent> = Vec::new();
        let mut local: Vec<u32> = (0..streams).map(|s| oracle.version(stream(s))).collect();
        for _ in 0..=rng.below(12) {
            let roll = rng.below(100);
            let stored = &oracle.written;
            if roll < 6 && !stored.is_empty() {
                // A retry of an event already in the log.
                let r = &stored[rng.below(stored.len() as u64) as usize];
                batch.push(NewEvent {
                    record: r.clone(),
                    expected_version: r.stream_version - 1,
                });
            } else if roll < 8 && !stored.is_empty() {
                // Someone else's content under a stored id.
                let r = &stored[rng.below(stored.len() as u64) as usize];
                let mut e = NewEvent {
                    record: r.clone(),
                    expected_version: r.stream_version - 1,
                };
                e.record.payload = b"tampered".to_vec();
                batch.push(e);
            } else if roll < 10 && !batch.is_empty() {
                // The same event twice in one batch.
                batch.push(batch[rng.below(batch.len() as u64) as usize].clone());
            } else if roll < 12 {
                // An id below the last one that was never stored.
                batch.push(event(next_n - 5 - rng.below(4), 0, local[0] + 1));
            } else {
                let s = rng.below(u64::from(streams)) as u32;
                // Now and then a stale or a future expected version.
                let expected = match rng.below(100) {
                    0..=3 => local[s as usize].saturating_sub(1),
                    4..=5 => local[s as usize] + 1,
                    _ => local[s as usize],
                };
                next_n += 10;
                batch.push(event(next_n, s, expected + 1));
                if expected == local[s as usize] {
                    local[s as usize] += 1;
                }
            }
        }
        let want = oracle.append(&batch);
        let got = store.append(&batch);
        match (&want, &got) {
            (Ok(w), Ok(g)) => {
                assert_eq!(w, g);
                *tally.entry("ok").or_default() += 1;
                let dups = g
                    .iter()
                    .filter(|r| matches!(r, AppendResult::Duplicate { .. }))
                    .count();
                *tally.entry("duplicates").or_default() += dups;
            }
            (Err(kind), Err(e)) => {
                let same = match *kind {
                    "mismatch" => matches!(e, StoreError::DuplicateIdMismatch { .. }),
                    "out of order" => matches!(e, StoreError::IdOutOfOrder { .. }),
                    _ => matches!(e, StoreError::VersionConflict { .. }),
                };
                assert!(same, "oracle says {kind}, store says {e:?}");
                *tally.entry(kind).or_default() += 1;
            }
            _ => panic!("the store and the oracle disagree: {want:?} / {got:?}"),
        }
    }
    // The script exercised every outcome, not just the happy path.
    for (kind, at_least) in [
        ("ok", 20),
        ("conflict", 5),
        ("mismatch", 3),
        ("duplicates", 3),
        ("out of order", 3),
    ] {
        assert!(
            tally.get(kind).copied().unwrap_or(0) >= at_least,
            "{tally:?}"
        );
    }
    assert_eq!(store.read_all().expect("read"), oracle.written);
    for s in 0..streams {
        assert_eq!(
            store.stream_version(stream(s)).expect("v"),
            oracle.version(stream(s))
        );
    }
}

#[test]
fn given_a_run_killed_before_finish_when_opened_then_its_events_and_checks_are_all_there() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run.db");
    let batch: Vec<NewEvent> = (1..=50)
        .map(|n| event(n, (n % 7) as u32, ((n - 1) / 7 + 1) as u32))
        .collect();
    {
        let mut store = EventStore::create(&path).expect("create");
        store.write_run_meta(&meta()).expect("meta");
        store.append_committing(&batch[..30], "h30").expect("first");
        store
            .append_committing(&batch[30..], "h50")
            .expect("second");
        // Dropped without finish(), as if the process had been killed.
    }
    let mut store = EventStore::open(&path).expect("open");
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
    // The reopened writer read the log back: its checks know every stream and id.
    assert!(matches!(
        store.append(&[event(1, 1, 1)]).expect("dup")[..],
        [AppendResult::Duplicate { global_seq: 1 }]
    ));
    assert!(matches!(
        store.append(&[event(99, 1, 1)]),
        Err(StoreError::VersionConflict { .. })
    ));
    assert_eq!(
        store.append(&[event(99, 1, 9)]).expect("next"),
        written([51])
    );
}

#[test]
fn given_commits_with_hashes_when_read_back_then_each_names_its_last_event_and_a_failed_one_none() {
    let mut store = EventStore::open_in_memory().expect("store");
    store
        .append_committing(&[event(1, 0, 1), event(2, 0, 2)], "two")
        .expect("commit");
    store.append(&[event(3, 0, 3)]).expect("no hash");
    assert!(
        store
            .append_committing(&[event(4, 0, 9)], "refused")
            .is_err()
    );
    store
        .append_committing(&[event(4, 0, 4)], "four")
        .expect("commit");
    store
        .append_committing(&[], "an empty batch is no commit")
        .expect("nothing");
    assert_eq!(
        store.commits().expect("commits"),
        vec![
            CommitHash {
                last_global_seq: 2,
                log_hash: "two".into()
            },
            CommitHash {
                last_global_seq: 4,
                log_hash: "four".into()
            }
        ]
    );
}

#[test]
fn given_a_new_file_when_created_then_it_is_schema_4_with_its_tables_and_view_and_no_index() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run.db");
    let mut store = EventStore::create(&path).expect("create");
    assert_eq!(store.format(), LogFormat::V2);
    store.write_run_meta(&meta()).expect("meta");
    store.append(&[event(1, 4, 1)]).expect("append");
    drop(store);
    let conn = Connection::open(&path).expect("raw");
    let pragma = |p: &str| -> String {
        conn.query_row(&format!("PRAGMA {p}"), [], |r| {
            r.get::<_, rusqlite::types::Value>(0)
        })
        .map(|v| format!("{v:?}"))
        .expect("pragma")
    };
    assert_eq!(SCHEMA_VERSION, 5);
    assert_eq!(pragma("user_version"), "Integer(5)");
    assert_eq!(
        pragma("application_id"),
        format!("Integer({})", event_store::APPLICATION_ID)
    );
    assert_eq!(pragma("journal_mode"), "Text(\"wal\")");
    let names: Vec<String> = conn
        .prepare("SELECT type || ' ' || name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
        .and_then(|mut s| {
            s.query_map([], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()
        })
        .expect("schema");
    assert_eq!(
        names,
        [
            "table commits",
            "table event_types",
            "table events",
            "view events_readable",
            "table run_meta",
            "table services"
        ]
    );
    // The readable view needs nothing but SQLite: names, text times, UUIDs.
    let row: (String, String, String, String, Option<String>) = conn
        .query_row(
            "SELECT event_id, stream, event_type, occurred_at, effective_on FROM events_readable",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .expect("view");
    assert_eq!(
        row,
        (
            id(1).to_string(),
            "city-hall/resident/1".to_owned(),
            "PeriodOfStayExtended".to_owned(),
            "2026-06-14T09:00:01".to_owned(),
            None
        )
    );
    for table in event_store::STORE_TABLES {
        assert!(
            names.iter().any(|n| n.ends_with(&format!(" {table}"))),
            "{table}"
        );
    }
}

#[test]
fn given_an_empty_v0_file_when_opened_then_it_becomes_a_current_log() {
    let file = tempfile::NamedTempFile::new().expect("file");
    let mut store = EventStore::open(file.path()).expect("open");
    store.append(&[event(1, 0, 1)]).expect("append");
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
    drop(EventStore::create(&path).expect("create"));
    Connection::open(&path)
        .and_then(|c| c.execute_batch("PRAGMA user_version = 6"))
        .expect("bump");
    for err in [
        EventStore::open(&path).expect_err("too new"),
        EventStore::open_read_only(&path).expect_err("too new"),
    ] {
        assert!(
            matches!(
                err,
                StoreError::SchemaTooNew {
                    found: 6,
                    supported: 5
                }
            ),
            "{err:?}"
        );
    }
}

#[test]
fn given_a_log_of_format_1_when_opened_then_it_reads_and_is_never_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v1.db");
    std::fs::copy(golden_v1("extension_integrated.db"), &path).expect("copy");
    let before = std::fs::read(&path).expect("read");
    let reader = EventStore::open_read_only(&path).expect("read-only");
    assert_eq!(reader.format(), LogFormat::V1);
    let events = reader.read_all().expect("every row reads and checks");
    assert!(events.len() > 10);
    assert_eq!(events[0].schema_version, 1);
    assert!(events[0].payload.starts_with(b"{\"type\":"));
    assert!(reader.commits().expect("none").is_empty());
    drop(reader);
    let err = EventStore::open(&path).expect_err("not written");
    assert!(
        matches!(err, StoreError::ReadOnlyFormat { format: 1 }),
        "{err:?}"
    );
    assert_eq!(std::fs::read(&path).expect("read"), before, "untouched");
    // Its random ids are checked for repeats by the format-1 reader's id table.
    Connection::open(&path)
        .and_then(|c| {
            c.execute_batch(
                "DROP INDEX events_event_id;
                 UPDATE events SET event_id = (SELECT event_id FROM events WHERE global_seq = 2)
                 WHERE global_seq = 9",
            )
        })
        .expect("tamper");
    let err = EventStore::open_read_only(&path)
        .expect("open")
        .read_all()
        .expect_err("duplicate id");
    assert!(
        matches!(&err, StoreError::Corrupt { reason, .. } if reason.contains("already stored at global_seq 2")),
        "{err}"
    );
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
    let mut store = EventStore::create(&path).expect("create");
    store.append(&[event(1, 0, 1)]).expect("append");
    drop(store);
    assert!(matches!(
        EventStore::create(&path),
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
    let mut store = EventStore::create(&path).expect("create");
    assert_eq!(store.read_run_meta().expect("read"), None);
    assert!(matches!(
        store.finish("s", 2, "l"),
        Err(StoreError::RunMetaMissing)
    ));
    store.write_run_meta(&meta()).expect("write");
    assert_eq!(store.read_run_meta().expect("read"), Some(meta()));
    store.append(&[event(1, 0, 1)]).expect("append");
    store
        .finish("sha256:state", 2, "sha256:log")
        .expect("finish");
    drop(store);
    let store = EventStore::open(&path).expect("open");
    let finished = RunMeta {
        final_state_hash: Some("sha256:state".into()),
        projection_version: Some(2),
        log_hash: Some("sha256:log".into()),
        finished: true,
        ..meta()
    };
    assert_eq!(store.read_run_meta().expect("read"), Some(finished));
}

#[test]
fn given_a_log_of_schema_3_when_read_then_it_has_no_japanese_texts_and_is_left_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v3.db");
    std::fs::copy(golden("v2", "extension_integrated.db"), &path).expect("copy");
    let before = std::fs::read(&path).expect("read");
    let reader = EventStore::open_read_only(&path).expect("read-only");
    assert_eq!(reader.format(), LogFormat::V2);
    let meta = reader.read_run_meta().expect("read").expect("meta");
    assert!(!meta.title.is_empty(), "the English title is there");
    assert_eq!(meta.ja, JapaneseTexts::default());
    drop(reader);
    assert_eq!(
        std::fs::read(&path).expect("read"),
        before,
        "a reader never migrates"
    );
}

#[test]
fn given_a_log_of_schema_3_when_written_then_it_stays_schema_3_and_takes_metadata() {
    // A run killed by the build before this one is resumed by this one: its log stays version
    // 3, and metadata written to it (a run stopped before it wrote any) keeps the English only.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v3.db");
    let mut store = EventStore::create(&path).expect("create");
    store.write_run_meta(&meta()).expect("meta");
    drop(store);
    let conn = Connection::open(&path).expect("raw");
    conn.execute_batch(
        "ALTER TABLE run_meta DROP COLUMN title_ja; ALTER TABLE run_meta DROP COLUMN \
         description_ja; ALTER TABLE run_meta DROP COLUMN label_ja; DELETE FROM run_meta; \
         PRAGMA user_version = 3;",
    )
    .expect("make it a version-3 log");
    drop(conn);
    let mut store = EventStore::open(&path).expect("a writer continues a version-3 log");
    assert_eq!(store.format(), LogFormat::V2);
    store.write_run_meta(&meta()).expect("meta");
    store.append(&[event(1, 0, 1)]).expect("append");
    let read = store.read_run_meta().expect("read").expect("meta");
    assert_eq!(
        read,
        RunMeta {
            ja: JapaneseTexts::default(),
            ..meta()
        }
    );
    drop(store);
    let version: u32 = Connection::open(&path)
        .and_then(|c| c.query_row("PRAGMA user_version", [], |r| r.get(0)))
        .expect("pragma");
    assert_eq!(version, 3);
}

#[test]
fn given_a_log_of_schema_4_when_finished_then_it_stays_schema_4_without_a_projection_version() {
    // A run killed by a build of schema 4 and resumed by this one: its log keeps its layout, so
    // it records no projection version, and `replay` will not compare its state hash.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v4.db");
    let mut store = EventStore::create(&path).expect("create");
    store.write_run_meta(&meta()).expect("meta");
    drop(store);
    let conn = Connection::open(&path).expect("raw");
    conn.execute_batch(
        "ALTER TABLE run_meta DROP COLUMN projection_version; DELETE FROM run_meta; \
         PRAGMA user_version = 4;",
    )
    .expect("make it a version-4 log");
    drop(conn);
    let mut store = EventStore::open(&path).expect("a writer continues a version-4 log");
    store.write_run_meta(&meta()).expect("meta");
    store.append(&[event(1, 0, 1)]).expect("append");
    store
        .finish("sha256:state", 2, "sha256:log")
        .expect("finish");
    let read = store.read_run_meta().expect("read").expect("meta");
    assert_eq!(read.final_state_hash.as_deref(), Some("sha256:state"));
    assert_eq!(read.projection_version, None);
    assert!(read.finished);
    drop(store);
    let version: u32 = Connection::open(&path)
        .and_then(|c| c.query_row("PRAGMA user_version", [], |r| r.get(0)))
        .expect("pragma");
    assert_eq!(version, 4);
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
fn given_a_writer_when_another_connection_appends_then_the_next_append_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run.db");
    let mut bulk = EventStore::create(&path).expect("create");
    bulk.append(&[event(1, 0, 1)]).expect("append");
    // A second store is refused by the writer's lock; a raw connection gets past it, and the
    // writer's own check still catches what it did.
    assert!(matches!(
        EventStore::open(&path),
        Err(StoreError::Locked { .. })
    ));
    let intruder = Connection::open(&path).expect("raw");
    intruder
        .execute(
            "INSERT INTO events SELECT 2, randomblob(16), service, resident, 2, event_type,
                 schema_version, occurred_at, effective_on, correlation_id, causation_id, payload
             FROM events WHERE global_seq = 1",
            [],
        )
        .expect("intruder append");
    let err = bulk.append(&[event(3, 1, 1)]).expect_err("refused");
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
    let records: Vec<EventRecord> = (1..=250).map(|n| record(n, (n % 9) as u32, 1)).collect();
    let report =
        event_store::baseline::raw_append_baseline(&path, &records, 100).expect("baseline");
    assert_eq!(report.rows, 250);
    assert!(report.seconds >= 0.0);
    let conn = Connection::open(&path).expect("raw");
    let (n, max, indexes): (i64, i64, i64) = conn
        .query_row(
            "SELECT count(*), max(global_seq), \
             (SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL) \
             FROM events",
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

/// The parts of `record`'s row, as a run's writer reads them from an event's canonical bytes.
fn header(record: &EventRecord) -> StoredHeader {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("date");
    StoredHeader {
        global_seq: 0,
        event_id: record.event_id,
        stream: record.stream,
        stream_version: record.stream_version,
        event_type: record.event_type.clone(),
        type_index: None,
        schema_version: record.schema_version,
        occurred_seconds: record.occurred_at.and_utc().timestamp(),
        effective_days: record.effective_on.map(|d| (d - epoch).num_days()),
        correlation_id: record.correlation_id,
        causation_id: record.causation_id,
    }
}

fn rows<'a>(records: &'a [EventRecord]) -> Vec<StoredRow<'a>> {
    records
        .iter()
        .map(|r| StoredRow {
            header: header(r),
            payload: &r.payload,
        })
        .collect()
}

#[test]
fn given_rows_as_their_parts_when_appended_then_the_log_is_the_one_records_make() {
    // Two batches, every optional field both present and absent, several streams.
    let batches: Vec<Vec<(u64, u32, u32)>> = vec![
        vec![(1, 0, 1), (2, 1, 1), (3, 0, 2), (4, 2, 1)],
        vec![(5, 1, 2), (6, 0, 3), (7, 3, 1)],
    ];
    let mut by_records = EventStore::open_in_memory().expect("store");
    let mut by_rows = EventStore::open_in_memory().expect("store");
    for (k, batch) in batches.iter().enumerate() {
        let hash = format!("hash {k}");
        let events: Vec<NewEvent> = batch.iter().map(|&(n, s, v)| event(n, s, v)).collect();
        let records: Vec<EventRecord> = events.iter().map(|e| e.record.clone()).collect();
        let expected = by_records
            .append_committing(&events, &hash)
            .expect("records");
        let results = by_rows
            .append_stored_committing(&rows(&records), &hash)
            .expect("rows");
        assert_eq!(results, expected);
    }
    assert_eq!(
        by_rows.read_all().expect("read"),
        by_records.read_all().expect("read")
    );
    assert_eq!(
        by_rows.commits().expect("commits"),
        by_records.commits().expect("commits")
    );
    assert_eq!(by_rows.stream_version(stream(0)).expect("version"), 3);
}

#[test]
fn given_rows_as_their_parts_when_a_check_fails_then_refused_and_rolled_back_as_records_are() {
    let mut store = EventStore::open_in_memory().expect("store");
    let seed = [record(10, 0, 1), record(20, 1, 1)];
    store
        .append_stored_committing(&rows(&seed), "seed")
        .expect("seed");
    let before = store.read_all().expect("read");
    let commits = store.commits().expect("commits");
    // A stale stream version mid-batch.
    let stale = [record(21, 2, 1), record(22, 0, 1)];
    let err = store
        .append_stored_committing(&rows(&stale), "stale")
        .expect_err("conflict");
    assert!(
        matches!(
            &err,
            StoreError::VersionConflict {
                expected: 0,
                actual: 1,
                ..
            }
        ),
        "{err:?}"
    );
    // A new id below the last one.
    let disorder = [record(21, 2, 1), record(15, 3, 1)];
    let err = store
        .append_stored_committing(&rows(&disorder), "disorder")
        .expect_err("out of order");
    assert!(
        matches!(err, StoreError::IdOutOfOrder { event_id } if event_id == id(15)),
        "{err:?}"
    );
    // A stored id claimed by other content.
    let mut impostor = [record(21, 2, 1), record(10, 0, 1)];
    impostor[1].payload = b"changed".to_vec();
    let err = store
        .append_stored_committing(&rows(&impostor), "impostor")
        .expect_err("mismatch");
    assert!(
        matches!(err, StoreError::DuplicateIdMismatch { event_id } if event_id == id(10)),
        "{err:?}"
    );
    // A stream version of 0 (no expected version below it).
    let zero = [record(21, 2, 0)];
    let err = store
        .append_stored_committing(&rows(&zero), "zero")
        .expect_err("invalid");
    assert!(
        matches!(
            err,
            StoreError::InvalidStreamVersion {
                stream_version: 0,
                ..
            }
        ),
        "{err:?}"
    );
    // A time no reader could read back.
    let mut far = rows(&zero);
    far[0].header.stream_version = 1;
    far[0].header.occurred_seconds = i64::MAX;
    let err = store
        .append_stored_committing(&far, "far")
        .expect_err("out of range");
    assert!(
        matches!(
            err,
            StoreError::OutOfRange {
                what: "occurred_at",
                ..
            }
        ),
        "{err:?}"
    );
    // Nothing of any refused batch is in the file, in the commits or in the writer's memory:
    // the same events append cleanly afterwards, and the same one again is a duplicate.
    assert_eq!(store.read_all().expect("read"), before);
    assert_eq!(store.commits().expect("commits"), commits);
    let next = [record(21, 2, 1), record(22, 0, 2)];
    assert_eq!(
        store
            .append_stored_committing(&rows(&next), "next")
            .expect("append"),
        written(3..=4)
    );
    assert_eq!(
        store
            .append_stored_committing(&rows(&next[1..]), "again")
            .expect("duplicate"),
        vec![AppendResult::Duplicate { global_seq: 4 }]
    );
    assert_eq!(store.count().expect("count"), 4);
}
