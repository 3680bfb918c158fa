//! A finished log read on several threads: in chunks of consecutive `global_seq`, each chunk read
//! on a read-only connection of its own, and the chunks' rows checked in log order by one cheap
//! pass ([`LogOrder`]) — decision 27.
//!
//! Reading a row costs SQLite most of what a replay's one reading thread does per event (stepping
//! the statement and the twelve column reads), and on a national log that thread alone needs
//! more than half a core, so on two cores shared with the folding threads it bounds the replay.
//! SQLite lets any number of read-only connections read one file at once, and the rows of chunk
//! *k* are those with `global_seq` in `k·n + 1 ..= (k + 1)·n`, so each reader can start at its
//! chunk without knowing what the others read. What needs the log's order — `global_seq`
//! gap-free, each stream's versions, ids increasing — is not checked by the readers but by
//! [`LogOrder`], one [`crate::integrity`] check per row taken in chunk order: the checks and
//! their errors are exactly [`EventStore::for_each_stored`]'s, row for row. A row a reader
//! cannot read ([`StoreError::Corrupt`], or SQLite's error) ends its chunk there, and is the
//! log's error once the rows before it have passed the check, as it is in one pass.
//!
//! Only a log opened read-only and `immutable` (a finished log, no pending write-ahead file) is
//! read so: each connection opens it exactly as [`EventStore::open_read_only`] does, under the
//! shared lock the store holds, and writes nothing.

use std::path::PathBuf;

use rusqlite::{Connection, OpenFlags};

use crate::codec::{COLUMNS, Dictionary};
use crate::error::{StoreError, to_i64};
use crate::integrity::Check;
use crate::schema::{self, LogFormat};
use crate::stored::{RowReader, StoredHeader};
use crate::{EventStore, file};

/// The smallest a stored row can be: its event id alone is 16 bytes. A log whose last
/// `global_seq` is beyond its file's length divided by this has a gap (and could name a
/// `global_seq` so large that its chunks could not be counted); it is read in one pass, which
/// reports the gap.
const MIN_ROW_BYTES: u64 = 16;

/// A finished log, to be read in chunks on several threads ([`EventStore::chunks`]).
pub struct Chunks<'s> {
    path: PathBuf,
    dictionary: &'s Dictionary,
    rows: u64,
    count: u64,
}

/// A row a reader could not read: how many rows of its chunk it handed on before it, and why.
#[derive(Debug)]
pub struct ChunkError {
    /// The rows of the chunk read before this one.
    pub read: usize,
    /// The error, as one pass over the log would give it at this row.
    pub error: StoreError,
}

impl EventStore {
    /// This log in chunks of `rows` consecutive `global_seq` each, for readers on several
    /// threads (the `chunks` module): `None` when it is to be read in one pass — a log in memory,
    /// of format 1, or with a pending write-ahead file (read-only connections could not share
    /// it without writing), a writer's log, or one whose last `global_seq` or size cannot be
    /// read or whose last `global_seq` its file could not hold (a damaged log, whose error one
    /// pass reports where it is).
    pub fn chunks(&self, rows: u64) -> Result<Option<Chunks<'_>>, StoreError> {
        let Some(path) = self.immutable.as_ref() else {
            return Ok(None);
        };
        if self.format != LogFormat::V2 || rows == 0 {
            return Ok(None);
        }
        // A log whose end or size cannot be read is read in one pass, which meets the error
        // where it is.
        let (Ok(last), Ok(meta)) = (self.last_global_seq(), std::fs::metadata(path)) else {
            return Ok(None);
        };
        if last > meta.len() / MIN_ROW_BYTES {
            return Ok(None);
        }
        Ok(Some(Chunks {
            path: path.clone(),
            dictionary: &self.dictionary,
            rows,
            count: last.div_ceil(rows),
        }))
    }
}

impl Chunks<'_> {
    /// The number of chunks: chunk `k` (from 0) holds the rows with `global_seq` in
    /// `k·rows + 1 ..= (k + 1)·rows`.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// A reader of chunks, on a read-only connection of its own (one per thread).
    pub fn reader(&self) -> Result<ChunkReader<'_>, StoreError> {
        let conn = Connection::open_with_flags(
            file::read_only_uri(&self.path, true),
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        schema::configure_reader(&conn)?;
        Ok(ChunkReader {
            conn,
            reader: RowReader::new(self.dictionary),
            rows: self.rows,
        })
    }

    /// The check of the log's order, to be given every row of every chunk in chunk order.
    pub fn order(&self) -> LogOrder {
        LogOrder(Check::new(LogFormat::V2))
    }
}

/// Reads chunks of a log on one connection.
pub struct ChunkReader<'c> {
    conn: Connection,
    reader: RowReader<'c>,
    rows: u64,
}

impl ChunkReader<'_> {
    /// Calls `f` with each row of chunk `k` in `global_seq` order, as its row stores it (the
    /// header and the payload's bytes, as [`EventStore::for_each_stored`] hands them), up to the
    /// first row it cannot read, which it returns. It checks no order: [`LogOrder`] does.
    pub fn read<F>(&mut self, k: u64, mut f: F) -> Result<usize, ChunkError>
    where
        F: FnMut(&StoredHeader, &[u8]),
    {
        let mut read = 0;
        let at = |read: usize| move |error: StoreError| ChunkError { read, error };
        let from = k.saturating_mul(self.rows);
        let range = to_i64("global_seq", from)
            .and_then(|lo| Ok((lo, to_i64("global_seq", from.saturating_add(self.rows))?)))
            .map_err(at(0))?;
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM events WHERE global_seq > ?1 AND global_seq <= ?2 \
                 ORDER BY global_seq"
            ))
            .map_err(|e| at(0)(e.into()))?;
        let mut rows = stmt
            .query([range.0, range.1])
            .map_err(|e| at(0)(e.into()))?;
        while let Some(row) = rows.next().map_err(|e| at(read)(e.into()))? {
            let (header, payload) = self.reader.read(row).map_err(at(read))?;
            f(&header, payload);
            read += 1;
        }
        Ok(read)
    }
}

/// The checks that need the log's order (`global_seq` gap-free from 1, each stream's versions,
/// ids increasing), made on the rows of the chunks taken in chunk order: the checks of
/// [`EventStore::for_each_stored`], with its errors.
pub struct LogOrder(Check);

impl LogOrder {
    /// Checks the next row of the log, and takes it in.
    pub fn next(&mut self, header: &StoredHeader) -> Result<(), StoreError> {
        self.0.next_event(
            None,
            header.global_seq,
            header.stream,
            header.stream_version,
            header.event_id,
        )
    }
}
