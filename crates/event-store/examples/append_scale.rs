//! Measures the append path at scale against the index strategies decision 11 weighed, on
//! events spread over many streams in random order, with ids in log order, as a national run
//! produces them:
//!
//! 1. the raw baseline (one prepared INSERT, no check, no index);
//! 2. the store as it is: every check in memory, no secondary index;
//! 3. the store plus a unique index on `event_id` kept live (fed in order, at the right edge);
//! 4. the store plus a unique `(service, resident, stream_version)` index built after the load
//!    with the sorter's helper threads (format 1's deferred build, with integer stream keys);
//! 5. payload size: the same rows with a 40-byte and a 170-byte payload (JSON-sized).
//!
//! `cargo run --release -p event-store --example append_scale -- [events] [streams] [batch]`
//! (defaults: 1 000 000 events, 500 000 streams, 100 000 per transaction). Files go to a
//! temporary directory that is removed at the end.

#![expect(clippy::print_stdout, reason = "an example reports on the terminal")]
#![expect(clippy::disallowed_methods, reason = "it measures wall time")]

use std::path::Path;
use std::time::Instant;

use chrono::NaiveDate;
use event_store::{EventRecord, EventStore, NewEvent, baseline};
use model::envelope::StreamId;
use model::ids::ResidentId;
use model::service::Service;
use rusqlite::Connection;
use uuid::Uuid;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>());
    let events = args.next().transpose()?.unwrap_or(1_000_000);
    let streams = args.next().transpose()?.unwrap_or(events / 2).max(1);
    let batch = args.next().transpose()?.unwrap_or(100_000).max(1);
    let dir = tempfile::tempdir()?;
    println!("{events} events, {streams} streams, {batch} per transaction");

    for payload in [40, 170] {
        let batch_events = generate(events, streams, payload);
        let records: Vec<EventRecord> = batch_events.iter().map(|e| e.record.clone()).collect();
        let path = dir.path().join(format!("baseline-{payload}.db"));
        let report = baseline::raw_append_baseline(&path, &records, batch)?;
        println!(
            "payload {payload:>3} B  baseline (no check, no index)  {:>9.0} events/s  {:>6.1} MiB",
            report.rows_per_second(),
            mib(&path)
        );
        let (rate, path) = store_rate(dir.path(), &batch_events, batch, "store", None)?;
        println!(
            "payload {payload:>3} B  store (checks in memory)       {rate:>9.0} events/s  {:>6.1} MiB",
            mib(&path)
        );
        if payload != 40 {
            continue;
        }
        let (rate, _) = store_rate(
            dir.path(),
            &batch_events,
            batch,
            "live-id",
            Some("CREATE UNIQUE INDEX events_event_id ON events (event_id)"),
        )?;
        println!("payload {payload:>3} B  + live index on event_id     {rate:>9.0} events/s");
        let conn = Connection::open(&path)?;
        conn.execute_batch(
            "PRAGMA cache_size = -8192; PRAGMA temp_store = FILE; PRAGMA threads = 2;",
        )?;
        let start = Instant::now();
        conn.execute_batch(
            "CREATE UNIQUE INDEX events_stream ON events (service, resident, stream_version)",
        )?;
        let built = start.elapsed().as_secs_f64();
        println!(
            "payload {payload:>3} B  + stream index built after    {built:>9.2} s ({:.0} events/s)",
            events as f64 / built
        );
    }
    Ok(())
}

/// Appends `events` to a new store, with `index` created first if given; the rate and the path.
fn store_rate(
    dir: &Path,
    events: &[NewEvent],
    batch: usize,
    name: &str,
    index: Option<&str>,
) -> Result<(f64, std::path::PathBuf), Box<dyn std::error::Error>> {
    let path = dir.join(format!("{name}-{}.db", events.len()));
    let _ = std::fs::remove_file(&path);
    let mut store = EventStore::create(&path)?;
    if let Some(sql) = index {
        drop(store);
        Connection::open(&path)?.execute_batch(sql)?;
        store = EventStore::open(&path)?;
    }
    let start = Instant::now();
    for chunk in events.chunks(batch) {
        store.append_committing(chunk, "hash")?;
    }
    Ok((events.len() as f64 / start.elapsed().as_secs_f64(), path))
}

fn mib(path: &Path) -> f64 {
    std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / (1 << 20) as f64)
}

/// Events on random streams (xorshift, fixed seed), each the next version of its stream, with
/// ids increasing as in a log, and a payload of `payload` bytes.
fn generate(events: usize, streams: usize, payload: usize) -> Vec<NewEvent> {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut versions = vec![0u32; streams];
    let occurred_at = NaiveDate::from_ymd_opt(2026, 6, 14)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .unwrap_or_default();
    let bytes = vec![0xA5u8; payload];
    (0..events as u64)
        .map(|n| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let s = (state % streams as u64) as usize;
            versions[s] += 1;
            NewEvent {
                expected_version: versions[s] - 1,
                record: EventRecord {
                    global_seq: 0,
                    event_id: Uuid::from_u64_pair(n, state),
                    stream: StreamId {
                        service: Service::ALL[s % 3],
                        resident: ResidentId((s / 3) as u32),
                    },
                    stream_version: versions[s],
                    event_type: "TokuteiCardProduced".into(),
                    schema_version: 2,
                    occurred_at,
                    effective_on: None,
                    correlation_id: Uuid::from_u64_pair(n, state),
                    causation_id: None,
                    payload: bytes.clone(),
                },
            }
        })
        .collect()
}
