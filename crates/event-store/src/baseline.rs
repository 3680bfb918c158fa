//! The plainest possible append, as the yardstick for `zairyu bench`.
//!
//! Same table columns, same pragmas and the same row encoding as the store, but no
//! secondary index, no checks and no metadata: one prepared INSERT, `batch_size` rows per
//! transaction. The gap between this and [`EventStore::append`](crate::EventStore::append)
//! is the price of the store's guarantees. This is the one place in the crate that reads
//! the clock, because measuring time is its job.

#![expect(clippy::disallowed_methods, reason = "a benchmark measures wall time")]

use std::path::Path;
use std::time::Instant;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::codec::{self, Dictionary};
use crate::error::StoreError;
use crate::schema;
use model::envelope::EventRecord;

/// What one baseline run measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BaselineReport {
    /// Rows written.
    pub rows: u64,
    /// Wall-clock seconds for the inserts and commits (table creation excluded).
    pub seconds: f64,
}

impl BaselineReport {
    /// Rows per second (0 when nothing was timed).
    pub fn rows_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.rows as f64 / self.seconds
        } else {
            0.0
        }
    }
}

/// A baseline database being filled chunk by chunk, so that a benchmark can stream rows from
/// its own log instead of holding them all in memory. Only the time spent appending counts.
pub struct Baseline {
    conn: Connection,
    dictionary: Dictionary,
    seq: u64,
    seconds: f64,
}

impl Baseline {
    /// Creates the baseline table in a fresh database at `path` (which must not exist or be
    /// empty; created `0600`), with the store's pragmas and columns and no secondary index.
    pub fn create(path: &Path) -> Result<Baseline, StoreError> {
        crate::refuse_non_empty(path)?;
        // The rows are a real log's, My Numbers included: the file is private like a log.
        let file = crate::file::open_for_writing(path, true)?;
        crate::file::make_private(&file, path)?;
        drop(file);
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        schema::configure(&conn)?;
        conn.execute_batch(&format!(
            "{};\n{}",
            schema::CREATE_EVENTS,
            schema::CREATE_CODES
        ))?;
        let dictionary = Dictionary::load(&conn)?;
        Ok(Baseline {
            conn,
            dictionary,
            seq: 0,
            seconds: 0.0,
        })
    }

    /// Appends `records` in one transaction (global_seq continues 1, 2, 3, …).
    pub fn append(&mut self, records: &[EventRecord]) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        let start = Instant::now();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut insert = tx.prepare_cached(codec::INSERT_EVENT)?;
            for record in records {
                self.seq += 1;
                codec::insert_record(&tx, &mut insert, &mut self.dictionary, self.seq, record)?;
            }
        }
        tx.commit()?;
        self.seconds += start.elapsed().as_secs_f64();
        Ok(())
    }

    /// What was measured.
    pub fn finish(self) -> BaselineReport {
        BaselineReport {
            rows: self.seq,
            seconds: self.seconds,
        }
    }
}

/// Appends `records` into a fresh database at `path` (which must not exist or be empty),
/// `batch_size` rows per transaction, global_seq 1, 2, 3, … and reports the time taken.
pub fn raw_append_baseline(
    path: &Path,
    records: &[EventRecord],
    batch_size: usize,
) -> Result<BaselineReport, StoreError> {
    if batch_size == 0 {
        return Err(StoreError::InvalidBatchSize);
    }
    let mut baseline = Baseline::create(path)?;
    for chunk in records.chunks(batch_size) {
        baseline.append(chunk)?;
    }
    Ok(baseline.finish())
}
