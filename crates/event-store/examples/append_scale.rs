//! Measures the append paths at scale: the raw baseline, deferred mode (with the final index
//! build) and live mode, on events spread over many streams in random order, as a national
//! run produces them.
//!
//! `cargo run --release -p event-store --example append_scale -- [events] [streams] [batch]`
//! (defaults: 1 000 000 events, 500 000 streams, 100 000 per transaction). Files go to a
//! temporary directory that is removed at the end.

#![expect(clippy::print_stdout, reason = "an example reports on the terminal")]
#![expect(clippy::disallowed_methods, reason = "it measures wall time")]

use std::time::Instant;

use chrono::NaiveDate;
use event_store::{EventRecord, EventStore, IndexMode, NewEvent, RunMeta, baseline};
use uuid::Uuid;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>());
    let events = args.next().transpose()?.unwrap_or(1_000_000);
    let streams = args.next().transpose()?.unwrap_or(events / 2).max(1);
    let batch = args.next().transpose()?.unwrap_or(100_000).max(1);

    let batch_events = generate(events, streams);
    let records: Vec<EventRecord> = batch_events.iter().map(|e| e.record.clone()).collect();
    let dir = tempfile::tempdir()?;
    println!("{events} events, {streams} streams, {batch} per transaction");

    let report = baseline::raw_append_baseline(&dir.path().join("baseline.db"), &records, batch)?;
    println!(
        "baseline (no index)  {:>9.0} events/s",
        report.rows_per_second()
    );

    for mode in [IndexMode::Deferred, IndexMode::Live] {
        let path = dir.path().join(format!("{mode:?}.db"));
        let mut store = EventStore::create(&path, mode)?;
        store.write_run_meta(&RunMeta {
            scenario_hash: "bench".into(),
            policy: "{}".into(),
            seed: 1,
            code_version: env!("CARGO_PKG_VERSION").into(),
            schema_version: 1,
            final_state_hash: None,
            log_hash: None,
            finished: false,
            label: "test run".into(),
            start: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
            until: chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            resident_names: vec!["mei".into(), "ana".into()],
            title: String::new(),
            description: String::new(),
            display_names: Vec::new(),
        })?;
        let start = Instant::now();
        for chunk in batch_events.chunks(batch) {
            store.append(chunk)?;
        }
        let appended = start.elapsed().as_secs_f64();
        store.ensure_indexes()?;
        let indexed = start.elapsed().as_secs_f64();
        store.finish("bench", "bench")?;
        let total = start.elapsed().as_secs_f64();
        println!(
            "{:<20} {:>9.0} events/s appending, {:>9.0} in all (index build {:.1} s, finish {:.1} s)",
            format!("{mode:?}"),
            events as f64 / appended,
            events as f64 / total,
            indexed - appended,
            total - indexed,
        );
    }
    Ok(())
}

/// Events on random streams (xorshift, fixed seed), each the next version of its stream.
fn generate(events: usize, streams: usize) -> Vec<NewEvent> {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut versions = vec![0u64; streams];
    let occurred_at = NaiveDate::from_ymd_opt(2026, 6, 14)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .unwrap_or_default();
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
                    event_id: Uuid::from_u64_pair(state, n),
                    stream: format!("card-issuer/card/{s:08}"),
                    stream_version: versions[s],
                    event_type: "CardIssued".into(),
                    schema_version: 1,
                    occurred_at,
                    effective_on: None,
                    service: "card-issuer".into(),
                    correlation_id: Uuid::from_u64_pair(n, state),
                    causation_id: None,
                    payload: format!(r#"{{"card":"AB{n:08}CD","kind":"TokuteiZairyu","valid_through":"2031-06-14"}}"#),
                },
            }
        })
        .collect()
}
