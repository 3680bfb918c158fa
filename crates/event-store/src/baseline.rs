//! The plainest possible append, as the yardstick for `zairyu bench`.
//!
//! Same table columns, same pragmas and the same row encoding as the store, but no
//! secondary index, no checks and no metadata: one prepared INSERT, `batch_size` rows per
//! transaction. The gap between this and [`EventStore::append`](crate::EventStore::append)
//! is the price of the store's guarantees. This is the one place in the crate that reads
//! the clock, because measuring time is its job.

use std::path::Path;
use std::time::Instant;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::codec::{self, Scratch};
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
    crate::refuse_non_empty(path)?;
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    schema::configure(&conn)?;
    conn.execute_batch(schema::CREATE_EVENTS)?;
    let mut scratch = Scratch::default();
    let mut seq = 0u64;
    let start = Instant::now();
    for chunk in records.chunks(batch_size) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut insert = tx.prepare_cached(codec::INSERT_EVENT)?;
            for record in chunk {
                seq += 1;
                codec::insert_record(&mut insert, &mut scratch, seq, record)?;
            }
        }
        tx.commit()?;
    }
    Ok(BaselineReport {
        rows: seq,
        seconds: start.elapsed().as_secs_f64(),
    })
}
