//! The log as a file: private to its owner, one writer at a time, replaced only on request and
//! never under another process, read without a single byte or file changing, and checked for
//! gaps and duplicates by every reader.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use event_store::{EventRecord, EventStore, NewEvent, RunMeta, StoreError};
use model::envelope::StreamId;
use model::ids::ResidentId;
use model::service::Service;
use rusqlite::Connection;
use uuid::Uuid;

/// Event `n` (ids increase with `n`, as a log's must) of resident `resident`'s bureau stream.
fn event(n: u64, resident: u32, version: u32) -> NewEvent {
    NewEvent {
        record: EventRecord {
            global_seq: 0,
            event_id: Uuid::from_u64_pair(n, 0x5eed),
            stream: StreamId {
                service: Service::ImmigrationBureau,
                resident: ResidentId(resident),
            },
            stream_version: version,
            event_type: "PeriodOfStayExtended".into(),
            schema_version: 2,
            occurred_at: NaiveDate::from_ymd_opt(2026, 7, 1)
                .and_then(|d| d.and_hms_opt(9, 0, 0))
                .expect("time"),
            effective_on: None,
            correlation_id: Uuid::from_u64_pair(0xc0, n),
            causation_id: None,
            payload: format!("n{n}").into_bytes(),
        },
        expected_version: version - 1,
    }
}

fn meta(label: &str) -> RunMeta {
    RunMeta {
        scenario_hash: "sha256:abc".into(),
        policy: "{}".into(),
        seed: 1,
        code_version: "test".into(),
        schema_version: 1,
        final_state_hash: None,
        projection_version: None,
        log_hash: None,
        finished: false,
        label: label.into(),
        start: NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"),
        until: NaiveDate::from_ymd_opt(2026, 12, 31).expect("date"),
        resident_names: vec!["mei".into()],
        title: "A title".into(),
        description: "A description.".into(),
        display_names: vec!["Li Mei".into()],
        ja: Default::default(),
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

/// A finished log of `events` events (stream `s`, one version each).
fn finished_log(path: &Path, label: &str, events: u64) {
    let mut store = EventStore::create(path).expect("create");
    store.write_run_meta(&meta(label)).expect("meta");
    let batch: Vec<NewEvent> = (1..=events).map(|n| event(n, 0, n as u32)).collect();
    store.append(&batch).expect("append");
    store.finish("state", 2, "log").expect("finish");
}

/// Every file in `dir` with its bytes and modification time.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| {
            let p = e.expect("entry").path();
            let m = std::fs::metadata(&p).expect("metadata");
            (
                p.clone(),
                std::fs::read(&p).expect("read"),
                m.modified().expect("mtime"),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_log_and_its_write_ahead_files_are_private_to_their_owner() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run.db");
    let mut store = EventStore::create(&path).expect("create");
    store.write_run_meta(&meta("private")).expect("meta");
    store.append(&[event(1, 0, 1)]).expect("append");
    for p in [path.clone(), sidecar(&path, "-wal"), sidecar(&path, "-shm")] {
        assert_eq!(mode(&p), 0o600, "{}", p.display());
    }
    // An empty file given as the log is made private before the log goes in.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").expect("empty");
    std::fs::set_permissions(&empty, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    drop(EventStore::create(&empty).expect("create"));
    assert_eq!(mode(&empty), 0o600);
}

#[test]
fn a_second_writer_and_a_reader_are_refused_while_a_log_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run.db");
    let mut writer = EventStore::create(&path).expect("create");
    writer.write_run_meta(&meta("first")).expect("meta");
    let locked = |r: Result<EventStore, StoreError>| matches!(r, Err(StoreError::Locked { .. }));
    assert!(locked(EventStore::open(&path)));
    assert!(locked(EventStore::open_read_only(&path)));
    assert!(locked(EventStore::create_replacing(&path).map(|(s, _)| s)));
    assert!(matches!(
        EventStore::summary(&path),
        Err(StoreError::Locked { .. })
    ));
    writer
        .append(&[event(1, 0, 1)])
        .expect("the writer goes on");
    writer.finish("state", 2, "log").expect("finish");
    drop(writer);
    // Once it is closed, readers come in, and then no writer may replace it under them.
    let reader = EventStore::open_read_only(&path).expect("reader");
    let second = EventStore::open_read_only(&path).expect("two readers");
    assert!(locked(EventStore::create_replacing(&path).map(|(s, _)| s)));
    assert_eq!(reader.count().expect("count"), 1);
    drop((reader, second));
    assert_eq!(
        EventStore::open(&path).expect("writer").count().expect("n"),
        1
    );
}

#[test]
fn replacing_a_log_says_what_it_held_and_refuses_anything_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run.db");
    finished_log(&path, "the first run", 3);
    assert!(matches!(
        EventStore::create(&path),
        Err(StoreError::AlreadyExists { .. })
    ));
    let (mut store, replaced) = EventStore::create_replacing(&path).expect("replace");
    let replaced = replaced.expect("it replaced a log");
    assert_eq!(replaced.label.as_deref(), Some("the first run"));
    assert_eq!((replaced.events, replaced.finished), (3, true));
    assert_eq!(store.count().expect("count"), 0);
    assert_eq!(store.read_run_meta().expect("meta"), None);
    store.append(&[event(9, 1, 1)]).expect("append");
    drop(store);
    assert_eq!(mode(&path), 0o600);

    // Somebody else's database and a text file are left exactly as they were.
    let other = dir.path().join("other.db");
    Connection::open(&other)
        .and_then(|c| c.execute_batch("CREATE TABLE notes (t TEXT)"))
        .expect("foreign db");
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a log\n").expect("text");
    std::fs::set_permissions(&text, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    for p in [&other, &text] {
        let before = std::fs::read(p).expect("read");
        let err = EventStore::create_replacing(p).expect_err("refused");
        assert!(matches!(err, StoreError::NotAnEventLog { .. }), "{err:?}");
        assert_eq!(std::fs::read(p).expect("read"), before);
    }
    assert_eq!(mode(&text), 0o644);
    // No log there yet: a plain creation.
    let fresh = dir.path().join("fresh.db");
    let (_, replaced) = EventStore::create_replacing(&fresh).expect("create");
    assert_eq!(replaced, None);
}

#[test]
fn reading_a_finished_log_changes_no_byte_and_creates_no_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run.db");
    finished_log(&path, "finished", 5);
    let before = snapshot(dir.path());
    assert_eq!(before.len(), 1, "a finished log is one file");
    {
        let mut store = EventStore::open_read_only(&path).expect("open");
        assert!(store.is_read_only());
        assert_eq!(store.read_all().expect("read").len(), 5);
        assert_eq!(
            store.read_run_meta().expect("meta").expect("meta").title,
            "A title"
        );
        assert!(
            store.append(&[event(6, 0, 6)]).is_err(),
            "a reader cannot append"
        );
        let summary = EventStore::summary(&path).expect("summary");
        assert_eq!((summary.events, summary.finished), (5, true));
    }
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn reading_the_log_of_a_killed_run_sees_its_committed_prefix_and_changes_nothing() {
    let live = tempfile::tempdir().expect("tempdir");
    let running = live.path().join("run.db");
    let mut store = EventStore::create(&running).expect("create");
    store.write_run_meta(&meta("killed")).expect("meta");
    store
        .append(&[event(1, 0, 1), event(2, 0, 2)])
        .expect("append");
    store.append(&[event(3, 1, 1)]).expect("append");
    // What a killed process leaves: the files as they are mid-run, with no finish, no
    // checkpoint and no cleanup of the WAL (and no lock, which dies with the process).
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run.db");
    for suffix in ["", "-wal", "-shm"] {
        std::fs::copy(sidecar(&running, suffix), sidecar(&path, suffix)).expect("copy");
    }
    drop(store);
    assert!(
        std::fs::metadata(sidecar(&path, "-wal"))
            .expect("wal")
            .len()
            > 0
    );
    let before = snapshot(dir.path());
    {
        let reader = EventStore::open_read_only(&path).expect("open");
        let all = reader.read_all().expect("read");
        assert_eq!(all.len(), 3);
        assert!(
            !reader
                .read_run_meta()
                .expect("meta")
                .expect("meta")
                .finished
        );
    }
    let after = snapshot(dir.path());
    let names = |s: &[(PathBuf, Vec<u8>, std::time::SystemTime)]| {
        s.iter().map(|f| f.0.clone()).collect::<Vec<_>>()
    };
    assert_eq!(names(&after), names(&before), "no file created or removed");
    // The database and its write-ahead file are untouched (the -shm index may be rebuilt).
    for (b, a) in before.iter().zip(&after) {
        if !a.0.to_string_lossy().ends_with("-shm") {
            assert_eq!(b, a, "{}", a.0.display());
        }
    }
}

#[test]
fn a_reader_refuses_logs_with_gaps_duplicate_ids_or_skipped_versions() {
    let tamper = [
        (
            "UPDATE events SET global_seq = 7 WHERE global_seq = 3",
            "global_seq jumps",
        ),
        (
            "UPDATE events SET event_id = (SELECT event_id FROM events WHERE global_seq = 1)
             WHERE global_seq = 3",
            "does not follow the previous one",
        ),
        (
            "UPDATE events SET stream_version = 5 WHERE global_seq = 3",
            "goes from version 2 to 5",
        ),
    ];
    for (sql, expected) in tamper {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("run.db");
        {
            // A log has no unique index to stop the tampering: every reader checks.
            let mut store = EventStore::create(&path).expect("create");
            store.write_run_meta(&meta("tampered")).expect("meta");
            let batch: Vec<NewEvent> = (1..=4).map(|n| event(n, 0, n as u32)).collect();
            store.append(&batch).expect("append");
        }
        Connection::open(&path)
            .and_then(|c| c.execute_batch(sql))
            .expect("tamper");
        let store = EventStore::open_read_only(&path).expect("open");
        let err = store.read_all().expect_err("refused");
        assert!(
            matches!(&err, StoreError::Corrupt { reason, .. } if reason.contains(expected)),
            "{sql}: {err}"
        );
    }
}

#[test]
fn a_file_that_is_not_a_log_is_refused_by_a_reader_and_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = dir.path().join("notes.db");
    std::fs::write(&text, vec![b'x'; 4096]).expect("text");
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").expect("empty");
    for p in [&text, &empty] {
        let err = EventStore::open_read_only(p).expect_err("refused");
        assert!(matches!(err, StoreError::NotAnEventLog { .. }), "{err:?}");
    }
    assert!(matches!(
        EventStore::open_read_only(dir.path()),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 2);
}
