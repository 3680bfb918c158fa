//! Reading a log as its rows store it (`EventStore::for_each_stored`, what a replay's reading
//! thread uses) gives exactly what reading it as records gives (`EventStore::for_each`): the same
//! events, and on a damaged log the same error at the same row.

use chrono::NaiveDate;
use event_store::{EventRecord, EventStore, NewEvent, StoreError};
use model::envelope::StreamId;
use model::ids::ResidentId;
use model::service::Service;
use rusqlite::Connection;
use uuid::Uuid;

/// Event `n` of stream `s`: the offices take turns, times move by the minute, and the optional
/// fields (effective date, causation) are there on some events and not on others.
fn event(n: u64, s: u32, version: u32) -> NewEvent {
    NewEvent {
        record: EventRecord {
            global_seq: 0,
            event_id: Uuid::from_u64_pair(n, 0x5eed),
            stream: StreamId {
                service: Service::ALL[s as usize % Service::ALL.len()],
                resident: ResidentId(s / 4),
            },
            stream_version: version,
            event_type: if n.is_multiple_of(3) {
                "PeriodOfStayExtended".into()
            } else {
                // A name this build does not know is kept as the log names it.
                "SomethingAFutureBuildRecords".into()
            },
            schema_version: 2,
            occurred_at: NaiveDate::from_ymd_opt(2026, 7, 1)
                .and_then(|d| d.and_hms_opt(9, 0, 0))
                .expect("time")
                + chrono::Duration::minutes(n as i64 * 97),
            effective_on: n.is_multiple_of(2).then(|| {
                NaiveDate::from_ymd_opt(1969, 12, 31).expect("date") + chrono::Days::new(n * 40)
            }),
            correlation_id: Uuid::from_u64_pair(0xc0, n),
            causation_id: (!n.is_multiple_of(5)).then(|| Uuid::from_u64_pair(0xca, n)),
            payload: format!("n{n} — 在留").into_bytes(),
        },
        expected_version: version - 1,
    }
}

/// A log of 40 events over 10 streams, in batches.
fn log_of_forty(path: &std::path::Path) {
    let mut store = EventStore::create(path).expect("create");
    let mut versions = [0u32; 10];
    let events: Vec<NewEvent> = (1..=40u64)
        .map(|n| {
            let s = (n * 7 % 10) as u32;
            versions[s as usize] += 1;
            event(n, s, versions[s as usize])
        })
        .collect();
    for batch in events.chunks(9) {
        store.append(batch).expect("append");
    }
}

fn records(store: &EventStore) -> Result<Vec<EventRecord>, StoreError> {
    store.read_all()
}

fn stored(store: &EventStore) -> Result<Vec<EventRecord>, StoreError> {
    let mut all = Vec::new();
    store.for_each_stored(|header, payload| {
        all.push(header.record(payload));
        Ok::<(), StoreError>(())
    })?;
    Ok(all)
}

#[test]
fn a_log_read_as_stored_rows_gives_every_record_field_for_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run.db");
    log_of_forty(&path);
    let store = EventStore::open_read_only(&path).expect("open");
    let expected = records(&store).expect("records");
    assert_eq!(expected.len(), 40);
    assert_eq!(stored(&store).expect("stored rows"), expected);
    // The header's times are the stored integers: seconds and days since 1970-01-01.
    let mut first = None;
    store
        .for_each_stored(|header, _| {
            first.get_or_insert_with(|| header.clone());
            Ok::<(), StoreError>(())
        })
        .expect("read");
    let first = first.expect("an event");
    assert_eq!(
        first.occurred_seconds,
        expected[0].occurred_at.and_utc().timestamp()
    );
    assert_eq!(first.occurred_at(), expected[0].occurred_at);
    // Stopping early stops the stream with the caller's error.
    let mut visited = 0;
    let stopped = store.for_each_stored(|header, _| {
        visited += 1;
        if header.global_seq == 3 {
            Err(StoreError::RunMetaMissing)
        } else {
            Ok(())
        }
    });
    assert!(matches!(stopped, Err(StoreError::RunMetaMissing)));
    assert_eq!(visited, 3);
}

#[test]
fn a_damaged_log_read_as_stored_rows_fails_at_the_same_row_with_the_same_error() {
    let tamper = [
        "UPDATE events SET global_seq = 70 WHERE global_seq = 30",
        "UPDATE events SET event_id = (SELECT event_id FROM events WHERE global_seq = 1)
         WHERE global_seq = 12",
        "UPDATE events SET stream_version = stream_version + 1 WHERE global_seq = 25",
        "UPDATE events SET service = 9 WHERE global_seq = 5",
        "UPDATE events SET event_type = 77 WHERE global_seq = 6",
        "UPDATE events SET resident = -1 WHERE global_seq = 7",
        "UPDATE events SET stream_version = 5000000000 WHERE global_seq = 8",
        "UPDATE events SET schema_version = 70000 WHERE global_seq = 9",
        "UPDATE events SET occurred_at = 400000000000000 WHERE global_seq = 10",
        "UPDATE events SET occurred_at = -400000000000000 WHERE global_seq = 10",
        "UPDATE events SET effective_on = 4000000000 WHERE global_seq = 14",
        "UPDATE events SET effective_on = -4000000000 WHERE global_seq = 14",
    ];
    for sql in tamper {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("run.db");
        log_of_forty(&path);
        Connection::open(&path)
            .and_then(|c| c.execute_batch(sql))
            .expect("tamper");
        let store = EventStore::open_read_only(&path).expect("open");
        let expected = records(&store).expect_err("refused as records");
        let found = stored(&store).expect_err("refused as stored rows");
        assert!(
            matches!(expected, StoreError::Corrupt { .. }),
            "{sql}: {expected}"
        );
        assert_eq!(found.to_string(), expected.to_string(), "{sql}");
        // The same row: the rows before it are handed out, in both readings.
        let (mut as_records, mut as_rows) = (0, 0);
        let _ = store.for_each(|_| {
            as_records += 1;
            Ok::<(), StoreError>(())
        });
        let _ = store.for_each_stored(|_, _| {
            as_rows += 1;
            Ok::<(), StoreError>(())
        });
        assert_eq!(as_rows, as_records, "{sql}");
    }
}

/// The log read in chunks of `rows` (`EventStore::chunks`), chunks `r`, `r + 2`, … on each of two
/// readers of their own, every row checked in chunk order (`LogOrder`), as a replay reads a
/// finished log on several threads: the records, or the rows handed out before the error and
/// the error.
fn chunked(store: &EventStore, rows: u64) -> Result<Vec<EventRecord>, (usize, StoreError)> {
    let chunks = store
        .chunks(rows)
        .expect("counted")
        .expect("a finished log is read in chunks");
    let mut readers = [
        chunks.reader().expect("a reader"),
        chunks.reader().expect("another reader"),
    ];
    let mut order = chunks.order();
    let mut all = Vec::new();
    for k in 0..chunks.count() {
        let mut rows = Vec::new();
        let read = readers[(k % 2) as usize].read(k, |header, payload| {
            rows.push((header.clone(), payload.to_vec()));
        });
        for (header, payload) in rows {
            order.next(&header).map_err(|e| (all.len(), e))?;
            all.push(header.record(&payload));
        }
        read.map_err(|e| (all.len(), e.error))?;
    }
    Ok(all)
}

#[test]
fn a_log_read_in_chunks_gives_every_record_and_on_damage_the_same_error_at_the_same_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run.db");
    log_of_forty(&path);
    let store = EventStore::open_read_only(&path).expect("open");
    let expected = records(&store).expect("records");
    // A chunk of one row, chunks that end inside a commit, one chunk for the whole log.
    for rows in [1, 7, 9, 64] {
        assert_eq!(chunked(&store, rows).expect("read"), expected, "{rows}");
    }
    drop(store);
    let tamper = [
        "UPDATE events SET global_seq = 70 WHERE global_seq = 30",
        "UPDATE events SET global_seq = 41 WHERE global_seq = 40",
        "DELETE FROM events WHERE global_seq = 15",
        "UPDATE events SET event_id = (SELECT event_id FROM events WHERE global_seq = 1)
         WHERE global_seq = 12",
        "UPDATE events SET event_id = (SELECT event_id FROM events WHERE global_seq = 1)
         WHERE global_seq = 15",
        "UPDATE events SET stream_version = stream_version + 1 WHERE global_seq = 25",
        "UPDATE events SET stream_version = stream_version + 1 WHERE global_seq = 15",
        "UPDATE events SET service = 9 WHERE global_seq = 5",
        "UPDATE events SET service = 9 WHERE global_seq = 15",
        "UPDATE events SET event_type = 77 WHERE global_seq = 6",
        "UPDATE events SET resident = -1 WHERE global_seq = 7",
        "UPDATE events SET stream_version = 5000000000 WHERE global_seq = 8",
        "UPDATE events SET schema_version = 70000 WHERE global_seq = 9",
        "UPDATE events SET occurred_at = 400000000000000 WHERE global_seq = 10",
        "UPDATE events SET effective_on = -4000000000 WHERE global_seq = 14",
        // Two faults: the earlier in the log is the error, whichever chunk it is in.
        "UPDATE events SET service = 9 WHERE global_seq = 22;
         UPDATE events SET stream_version = stream_version + 1 WHERE global_seq = 17",
        "UPDATE events SET service = 9 WHERE global_seq = 17;
         UPDATE events SET stream_version = stream_version + 1 WHERE global_seq = 22",
    ];
    for sql in tamper {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("run.db");
        log_of_forty(&path);
        Connection::open(&path)
            .and_then(|c| c.execute_batch(sql))
            .expect("tamper");
        let store = EventStore::open_read_only(&path).expect("open");
        let expected = stored(&store).expect_err("refused in one pass");
        let mut before = 0;
        let _ = store.for_each_stored(|_, _| {
            before += 1;
            Ok::<(), StoreError>(())
        });
        for rows in [1, 7, 15] {
            let (read, found) = chunked(&store, rows).expect_err("refused in chunks");
            assert_eq!(found.to_string(), expected.to_string(), "{sql}, {rows}");
            assert_eq!(read, before, "{sql}, {rows}");
        }
    }
}

#[test]
fn a_log_in_memory_or_with_its_write_ahead_file_is_read_in_one_pass() {
    let mut store = EventStore::open_in_memory().expect("a log");
    store.append(&[event(1, 0, 1)]).expect("append");
    assert!(store.chunks(8).expect("counted").is_none());
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run.db");
    log_of_forty(&path);
    let writer = EventStore::open(&path).expect("the writer");
    assert!(writer.chunks(8).expect("counted").is_none(), "a writer's");
    drop(writer);
    let reader = EventStore::open_read_only(&path).expect("open");
    assert!(
        reader.chunks(8).expect("counted").is_some(),
        "a finished log's"
    );
}

#[test]
fn a_log_of_format_1_read_as_stored_rows_gives_its_records() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/golden/v1/extension_integrated.db");
    let store = EventStore::open_read_only(&path).expect("open");
    let expected = records(&store).expect("records");
    assert!(!expected.is_empty());
    assert_eq!(stored(&store).expect("stored rows"), expected);
}
