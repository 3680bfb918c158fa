//! The event log: an append-only SQLite file holding every event of a run, in replay order,
//! with the run's metadata beside it. This is the only crate that knows SQL.
//!
//! One [`EventStore`] owns one connection and is the log's single writer (decision 9's lock),
//! or one of its readers. Appends take a batch and are all-or-nothing: each event is checked
//! for idempotency (its `event_id`) and optimistic concurrency (its stream's expected version),
//! then written with the next gap-free `global_seq`; any refusal rolls the whole batch back,
//! and a result is returned only after the commit, so the store never reports an event it did
//! not write.
//!
//! Scale decides how (decision 11): a unique index costs a national run more than half its
//! append time, so a log of format 2 has none. The one writer answers the checks from memory —
//! every stream's version in a dense table ([`streams`]), and the last event id, since ids
//! increase strictly along the log, so a new id is unique exactly when it exceeds the last one
//! (an id that does not is looked up by bisecting `global_seq`). Every reader makes the same
//! checks while it streams the log ([`integrity`]). Opening a log to append reads it once to
//! rebuild the writer's table. Each commit can record the hash of the log up to it
//! ([`EventStore::append_committing`]), so a killed run's log is checkable to its last commit.
//!
//! Logs of format 1 (JSON payloads, two unique indexes) are read by the same reader and never
//! written again.
//!
//! Nothing here reads the clock, except the benchmark in [`baseline`].
//!
//! The file is long (about 900 lines, its tests are under `tests/`) because it is the store's
//! one public type: opening and creating a log, appending, reading, the run's metadata and
//! finishing, with the private helpers each needs. What stands apart already has its module:
//! rows ([`codec`]), the schema, the writer's version table ([`streams`]), the readers' checks
//! ([`integrity`]), the file and its lock, the metadata.

#![warn(missing_docs)]

pub mod baseline;
mod chunks;
mod codec;
pub mod derived;
mod error;
mod file;
mod ids;
mod integrity;
mod meta;
mod schema;
mod stored;
mod streams;

use std::fmt;
use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use model::envelope::StreamId;
use model::service::Service;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

pub use crate::chunks::{ChunkError, ChunkReader, Chunks, LogOrder};
use crate::codec::{COLUMNS, COLUMNS_V1, Dictionary};
pub use crate::error::{NotALog, StoreError};
use crate::integrity::Check;
pub use crate::meta::{CommitHash, JapaneseTexts, RunMeta};
pub use crate::schema::{APPLICATION_ID, LogFormat, SCHEMA_VERSION, STORE_TABLES};
use crate::stored::Appended;
pub use crate::stored::{StoredHeader, StoredRow};
pub use model::envelope::EventRecord;

/// An event to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// The event. Its `global_seq` is ignored (the store assigns it) and its
    /// `stream_version` must be `expected_version + 1`.
    pub record: EventRecord,
    /// The stream's version before this event: 0 for a new stream.
    pub expected_version: u32,
}

/// What happened to one event of an appended batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendResult {
    /// The event was written at this position.
    Written {
        /// Its position in the log.
        global_seq: u64,
    },
    /// An identical event (same id, same content) was already stored there; nothing was
    /// added.
    Duplicate {
        /// Where the earlier copy is.
        global_seq: u64,
    },
}

impl AppendResult {
    /// The position of the event in the log, written now or before.
    pub fn global_seq(self) -> u64 {
        match self {
            AppendResult::Written { global_seq } | AppendResult::Duplicate { global_seq } => {
                global_seq
            }
        }
    }
}

/// The event log of one run: its only writer, or one of its readers.
pub struct EventStore {
    conn: Connection,
    /// The stored layout (format 1 only ever for a reader).
    format: LogFormat,
    /// The log's codes for event types and offices (format 2).
    dictionary: Dictionary,
    /// The writer's view of the log, what every append is checked against; `None` for a
    /// reader.
    writer: Option<Box<Check>>,
    /// The database file, holding the writer's exclusive or a reader's shared lock (`None` in
    /// memory). Declared after `conn` so that it is closed after the connection: closing a
    /// descriptor of the file would drop SQLite's own POSIX locks on it.
    _lock: Option<File>,
    /// The file of a reader that opened it `immutable` (a finished log), which other read-only
    /// connections may read in chunks beside this one ([`EventStore::chunks`]).
    immutable: Option<PathBuf>,
}

/// What an existing log holds, to say what a command is about to replace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSummary {
    /// The run's label (`RunMeta::label`), if it wrote its metadata.
    pub label: Option<String>,
    /// Whether the run finished.
    pub finished: bool,
    /// The number of stored events.
    pub events: u64,
}

impl fmt::Debug for EventStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStore")
            .field("path", &self.conn.path())
            .field("format", &self.format)
            .field("read_only", &self.is_read_only())
            .finish()
    }
}

impl EventStore {
    /// Creates a new log at `path`, private to its owner (`0600`) and locked for this writer.
    /// Refuses a file that exists and is not empty, so an existing log is never overwritten,
    /// and a file another writer holds ([`StoreError::Locked`]).
    pub fn create(path: impl AsRef<Path>) -> Result<EventStore, StoreError> {
        let path = path.as_ref();
        refuse_non_empty(path)?;
        let existed = std::fs::symlink_metadata(path).is_ok();
        let lock = file::open_for_writing(path, true)?;
        // Checked again under the lock: another writer may have filled the file meanwhile.
        if file::len(&lock, path)? > 0 || file::has_pending_wal(path) {
            return Err(StoreError::AlreadyExists {
                path: path.to_path_buf(),
            });
        }
        file::make_private(&lock, path)?;
        EventStore::start_log(path, lock, !existed)
    }

    /// Creates a new log at `path` like [`EventStore::create`], replacing the zairyu log that
    /// is there, if any, and saying what it held. Refuses any other file
    /// ([`StoreError::NotAnEventLog`]) and a log another process has open
    /// ([`StoreError::Locked`]). The old log is emptied in place under the lock, never
    /// unlinked, so no other process can slip in between.
    pub fn create_replacing(
        path: impl AsRef<Path>,
    ) -> Result<(EventStore, Option<LogSummary>), StoreError> {
        let path = path.as_ref();
        let existed = std::fs::symlink_metadata(path).is_ok();
        let lock = file::open_for_writing(path, true)?;
        // Decided under the lock, from what the file holds now: a writer that created the
        // file a moment ago may have filled it while this one waited for the lock.
        let replaced = if file::len(&lock, path)? > 0 || file::has_pending_wal(path) {
            let summary = {
                let conn = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                summarize(&conn)?
            };
            file::remove_sidecars(path)?;
            lock.set_len(0).map_err(|source| StoreError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            Some(summary)
        } else {
            file::remove_sidecars(path)?;
            None
        };
        file::make_private(&lock, path)?;
        Ok((EventStore::start_log(path, lock, !existed)?, replaced))
    }

    /// Makes a new log in the locked, empty file at `path`. If that fails (a full disk) and
    /// this call `created` the file, the file goes again, removed while the lock is still
    /// held, so a failed run leaves nothing behind.
    fn start_log(path: &Path, lock: File, created: bool) -> Result<EventStore, StoreError> {
        match EventStore::connect_writer(path) {
            Ok(mut store) => {
                store._lock = Some(lock);
                Ok(store)
            }
            Err(e) => {
                if created {
                    file::remove_failed(path);
                }
                drop(lock);
                Err(e)
            }
        }
    }

    /// Opens an existing log of format 2 for appending, as its only writer, reading it once to
    /// rebuild the writer's checks (which also checks the log: a gap, a broken stream or an id
    /// out of order is [`StoreError::Corrupt`]). Refuses a log of format 1
    /// ([`StoreError::ReadOnlyFormat`]) and a newer schema. To read a log, use
    /// [`EventStore::open_read_only`], which changes nothing.
    pub fn open(path: impl AsRef<Path>) -> Result<EventStore, StoreError> {
        let path = path.as_ref();
        if !path.is_file() {
            return Err(StoreError::NotFound {
                path: path.to_path_buf(),
            });
        }
        let lock = file::open_for_writing(path, false)?;
        let store = EventStore::open_writer(path, lock)?;
        // Only now is the file known to be a zairyu log (`init` refuses anything else).
        if let Some(lock) = &store._lock {
            file::make_private(lock, path)?;
        }
        Ok(store)
    }

    /// The writer's connection to the locked file at `path`; the caller keeps the lock until
    /// the store holds it.
    fn connect_writer(path: &Path) -> Result<EventStore, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        EventStore::init(conn)
    }

    /// [`EventStore::connect_writer`], handing the lock to the store on success.
    fn open_writer(path: &Path, lock: File) -> Result<EventStore, StoreError> {
        let mut store = EventStore::connect_writer(path)?;
        store._lock = Some(lock);
        Ok(store)
    }

    /// Opens a log to read it, changing nothing: no pragma, no migration, no `-wal` or `-shm`
    /// file created (see the `file` module). Works on a read-only file or mount, and on logs of
    /// both formats. Refuses a log a writer has open ([`StoreError::Locked`]); takes a shared
    /// lock so that no writer replaces it meanwhile. Appending to it fails.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<EventStore, StoreError> {
        let path = path.as_ref();
        if !path.is_file() {
            return Err(StoreError::NotFound {
                path: path.to_path_buf(),
            });
        }
        let lock = file::open_for_reading(path)?;
        let immutable = !file::has_pending_wal(path);
        let conn = Connection::open_with_flags(
            file::read_only_uri(path, immutable),
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let format = schema::check_readable(&conn)?;
        schema::configure_reader(&conn)?;
        let dictionary = match format {
            LogFormat::V1 => Dictionary::default(),
            LogFormat::V2 => Dictionary::load(&conn)?,
        };
        Ok(EventStore {
            conn,
            format,
            dictionary,
            writer: None,
            _lock: Some(lock),
            immutable: immutable.then(|| path.to_path_buf()),
        })
    }

    /// What the log at `path` holds, read like [`EventStore::open_read_only`] does.
    pub fn summary(path: impl AsRef<Path>) -> Result<LogSummary, StoreError> {
        let store = EventStore::open_read_only(path)?;
        summarize(&store.conn)
    }

    /// A new, empty log in memory (for tests).
    pub fn open_in_memory() -> Result<EventStore, StoreError> {
        EventStore::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<EventStore, StoreError> {
        // Identity first, so a foreign or too-new file is refused before any pragma
        // (journal mode is persistent) changes it.
        schema::check_identity(&conn)?;
        schema::refuse_format_1(&conn)?;
        schema::configure(&conn)?;
        schema::prepare_for_writing(&mut conn)?;
        let dictionary = Dictionary::load(&conn)?;
        let mut store = EventStore {
            conn,
            format: LogFormat::V2,
            dictionary,
            writer: None,
            _lock: None,
            immutable: None,
        };
        // The writer's checks start from what the log holds: nothing for a new log, the whole
        // log (read once, checked as any reader checks it) when appending to an existing one.
        let mut check = Check::new(LogFormat::V2);
        store.for_each_checked(0, &mut check, |_| Ok::<(), StoreError>(()))?;
        store.writer = Some(Box::new(check));
        Ok(store)
    }

    /// Whether this store was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.writer.is_none()
    }

    /// The stored format of the log.
    pub fn format(&self) -> LogFormat {
        self.format
    }

    /// Appends a batch in one transaction: all of it or none of it.
    ///
    /// For each event in order: an id already stored with identical content gives
    /// [`AppendResult::Duplicate`] and adds nothing; an id stored with other content is
    /// [`StoreError::DuplicateIdMismatch`]; a new id that does not exceed the last stored one
    /// is [`StoreError::IdOutOfOrder`]; a stream not at `expected_version` is
    /// [`StoreError::VersionConflict`]; otherwise the event is written at the next
    /// `global_seq`. Events earlier in the same batch count as stored. On any error the
    /// batch is rolled back, and the writer's memory with it.
    pub fn append(&mut self, batch: &[NewEvent]) -> Result<Vec<AppendResult>, StoreError> {
        self.append_inner(batch, None)
    }

    /// [`EventStore::append`], recording in the same transaction `log_hash`, the hash of the log
    /// up to the end of this batch (the `commits` table, decision 11), so that the prefix a
    /// killed run leaves can be checked up to its last commit. The caller computes the hash.
    pub fn append_committing(
        &mut self,
        batch: &[NewEvent],
        log_hash: &str,
    ) -> Result<Vec<AppendResult>, StoreError> {
        self.append_inner(batch, Some(log_hash))
    }

    /// [`EventStore::append_committing`] of events given as their rows' parts, borrowed: the
    /// header's integers and the payload's bytes ([`StoredRow`]), as a run's writer has them
    /// from the canonical bytes its shards made, so no [`EventRecord`] is built per event. Each
    /// row's expected version is its `stream_version` − 1; every check, the commit's hash and
    /// the undo on rollback are those of [`EventStore::append`].
    pub fn append_stored_committing(
        &mut self,
        rows: &[StoredRow<'_>],
        log_hash: &str,
    ) -> Result<Vec<AppendResult>, StoreError> {
        self.append_inner(rows, Some(log_hash))
    }

    fn append_inner<R: Appended>(
        &mut self,
        batch: &[R],
        log_hash: Option<&str>,
    ) -> Result<Vec<AppendResult>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        for event in batch {
            event.validate()?;
        }
        let EventStore {
            conn,
            dictionary,
            writer,
            ..
        } = self;
        let check = writer.as_deref_mut().ok_or(StoreError::ReadOnly)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Read under the write lock, so the sequence continues exactly where the file ends.
        let last = last_seq(&tx)?;
        if last != check.last_seq {
            return Err(StoreError::ConcurrentWriter {
                expected: check.last_seq,
                found: last,
            });
        }
        let mut undo = Undo::start(check, dictionary);
        let appended = append_rows(&tx, dictionary, check, &mut undo, batch).and_then(|results| {
            if let Some(hash) = log_hash {
                meta::write_commit(&tx, check.last_seq, hash)?;
            }
            tx.commit()?;
            Ok(results)
        });
        match appended {
            Ok(results) => {
                committed(last, &results);
                Ok(results)
            }
            Err(e) => {
                // The transaction rolled back (dropped uncommitted): memory follows the file.
                undo.revert(check, dictionary);
                Err(e)
            }
        }
    }

    /// Every event in `global_seq` order. Holds the whole log in memory; for a national
    /// log use [`EventStore::for_each`].
    pub fn read_all(&self) -> Result<Vec<EventRecord>, StoreError> {
        let mut all = Vec::new();
        self.for_each(|record| {
            all.push(record);
            Ok::<(), StoreError>(())
        })?;
        Ok(all)
    }

    /// Calls `f` with every event in `global_seq` order, one row at a time, so memory stays
    /// compact however long the log. Stops at the first error, `f`'s or the store's.
    ///
    /// It also checks, in memory, what unique indexes would: `global_seq` runs 1, 2, 3 …
    /// without a gap, every stream's versions run 1, 2, 3 … and no event id appears twice (in
    /// format 2: every id exceeds the one before). A log that breaks one of these is
    /// [`StoreError::Corrupt`].
    pub fn for_each<E, F>(&self, f: F) -> Result<(), E>
    where
        E: From<StoreError>,
        F: FnMut(EventRecord) -> Result<(), E>,
    {
        let mut check = Check::new(self.format);
        self.for_each_checked(0, &mut check, f)
    }

    /// Calls `f` with every event in `global_seq` order as its row stores it — the header
    /// ([`StoredHeader`]) and the payload's bytes, borrowed from the row — making the checks of
    /// [`EventStore::for_each`] and failing on the same rows with the same errors. It converts
    /// nothing it need not check, and copies no payload: the reader that must see the whole log
    /// in order does the least it can per row (the `stored` module). A log of format 1 is read
    /// through [`EventStore::for_each`] and converted (a time with a fraction of a second, which
    /// the stored form cannot hold, is [`StoreError::SubSecondTime`]).
    pub fn for_each_stored<E, F>(&self, mut f: F) -> Result<(), E>
    where
        E: From<StoreError>,
        F: FnMut(&StoredHeader, &[u8]) -> Result<(), E>,
    {
        if self.format == LogFormat::V1 {
            return self.for_each(|rec| f(&StoredHeader::of_record(&rec)?, &rec.payload));
        }
        let reader = stored::RowReader::new(&self.dictionary);
        let mut check = Check::new(self.format);
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM events WHERE global_seq > 0 ORDER BY global_seq"
            ))
            .map_err(StoreError::from)?;
        let mut rows = stmt.query([]).map_err(StoreError::from)?;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            let (header, payload) = reader.read(row)?;
            check.next_event(
                Some(&self.conn),
                header.global_seq,
                header.stream,
                header.stream_version,
                header.event_id,
            )?;
            f(&header, payload)?;
        }
        Ok(())
    }

    fn for_each_checked<E, F>(&self, after: u64, check: &mut Check, mut f: F) -> Result<(), E>
    where
        E: From<StoreError>,
        F: FnMut(EventRecord) -> Result<(), E>,
    {
        self.for_each_after(after, |record| {
            check.next(&self.conn, &record)?;
            f(record)
        })
    }

    /// Calls `f` with every event after `global_seq` `after`, in order (to resume a replay or
    /// read what was appended since). Unlike [`EventStore::for_each`], it checks nothing.
    pub fn for_each_after<E, F>(&self, after: u64, mut f: F) -> Result<(), E>
    where
        E: From<StoreError>,
        F: FnMut(EventRecord) -> Result<(), E>,
    {
        let after = error::to_i64("global_seq", after)?;
        let columns = match self.format {
            LogFormat::V1 => COLUMNS_V1,
            LogFormat::V2 => COLUMNS,
        };
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {columns} FROM events WHERE global_seq > ?1 ORDER BY global_seq"
            ))
            .map_err(StoreError::from)?;
        let mut rows = stmt.query([after]).map_err(StoreError::from)?;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            f(self.decode(row)?)?;
        }
        Ok(())
    }

    /// Up to `limit` events after `global_seq` `after`, in order (a window of a long log).
    /// Like [`EventStore::for_each_after`], it checks nothing.
    pub fn read_after(&self, after: u64, limit: usize) -> Result<Vec<EventRecord>, StoreError> {
        let columns = match self.format {
            LogFormat::V1 => COLUMNS_V1,
            LogFormat::V2 => COLUMNS,
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {columns} FROM events WHERE global_seq > ?1 ORDER BY global_seq LIMIT ?2"
        ))?;
        let mut rows = stmt.query(rusqlite::params![
            error::to_i64("global_seq", after)?,
            i64::try_from(limit).unwrap_or(i64::MAX)
        ])?;
        let mut events = Vec::with_capacity(limit.min(65_536));
        while let Some(row) = rows.next()? {
            events.push(self.decode(row)?);
        }
        Ok(events)
    }

    fn decode(&self, row: &rusqlite::Row<'_>) -> Result<EventRecord, StoreError> {
        match self.format {
            LogFormat::V1 => codec::read_record_v1(row),
            LogFormat::V2 => codec::read_record(row, &self.dictionary),
        }
    }

    /// The event at `global_seq`, if there is one.
    pub fn read_at(&self, global_seq: u64) -> Result<Option<EventRecord>, StoreError> {
        read_by_seq(&self.conn, self.format, &self.dictionary, global_seq)
    }

    /// The events of one stream, in stream_version order. There is no index on streams, so
    /// this scans the log: for tests and small logs.
    pub fn read_stream(&self, stream: StreamId) -> Result<Vec<EventRecord>, StoreError> {
        let mut events = Vec::new();
        self.for_each(|record| {
            if record.stream == stream {
                events.push(record);
            }
            Ok::<(), StoreError>(())
        })?;
        Ok(events)
    }

    /// The events one office recorded about the residents with ids in `residents` at instants
    /// before `before`, in log order: what the office rebuilds its state from when it restarts
    /// after a crash (docs/reliability.md). There is no index on offices or residents, so this
    /// scans the log; crashes are rare. Like [`EventStore::for_each_after`], it checks nothing.
    pub fn read_office_before(
        &self,
        service: Service,
        residents: Range<u32>,
        before: NaiveDateTime,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let mut events = Vec::new();
        if self.format == LogFormat::V1 {
            // A log of format 1 is never written again, so no run rebuilds from one; read it
            // the slow way rather than not at all.
            self.for_each_after(0, |r| {
                if r.stream.service == service
                    && residents.contains(&r.stream.resident.0)
                    && r.occurred_at < before
                {
                    events.push(r);
                }
                Ok::<(), StoreError>(())
            })?;
            return Ok(events);
        }
        // An office the log has no code for has recorded nothing.
        let Some(code) = self.dictionary.services.find(service.as_str()) else {
            return Ok(events);
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM events WHERE service = ?1 AND resident >= ?2 \
             AND resident < ?3 AND occurred_at < ?4 ORDER BY global_seq"
        ))?;
        let mut rows = stmt.query(rusqlite::params![
            code,
            residents.start,
            residents.end,
            codec::seconds(&before)?
        ])?;
        while let Some(row) = rows.next()? {
            events.push(self.decode(row)?);
        }
        Ok(events)
    }

    /// The number of stored events.
    pub fn count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM events", [], |row| row.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// The highest `global_seq`, 0 for an empty log. Equal to `count()`, global_seq being
    /// gap-free.
    pub fn last_global_seq(&self) -> Result<u64, StoreError> {
        last_seq(&self.conn)
    }

    /// The stream's current version: the stream_version of its last event, 0 if none. A
    /// writer answers from memory; a reader scans the log.
    pub fn stream_version(&self, stream: StreamId) -> Result<u32, StoreError> {
        match &self.writer {
            Some(check) => Ok(check.versions.get(stream)),
            None => Ok(self
                .read_stream(stream)?
                .last()
                .map_or(0, |r| r.stream_version)),
        }
    }

    /// The hashes the log recorded at its commits, in order (none in a log of format 1).
    pub fn commits(&self) -> Result<Vec<CommitHash>, StoreError> {
        match self.format {
            LogFormat::V1 => Ok(Vec::new()),
            LogFormat::V2 => meta::read_commits(&self.conn),
        }
    }

    /// Writes (or replaces) the run's metadata.
    pub fn write_run_meta(&mut self, run_meta: &RunMeta) -> Result<(), StoreError> {
        let tx = self.write_tx()?;
        meta::write(&tx, run_meta)?;
        tx.commit()?;
        Ok(())
    }

    /// The run's metadata, if it was written.
    pub fn read_run_meta(&self) -> Result<Option<RunMeta>, StoreError> {
        meta::read(&self.conn)
    }

    /// Ends the run: records the final state hash, the version of the rules that derived it
    /// (`projection::STATE_HASH_VERSION`) and the log hash and sets the finished flag, in one
    /// transaction; then checkpoints the WAL into the main file. Needs the run metadata to have
    /// been written.
    pub fn finish(
        &mut self,
        final_state_hash: &str,
        projection_version: u32,
        log_hash: &str,
    ) -> Result<(), StoreError> {
        let tx = self.write_tx()?;
        if !meta::mark_finished(&tx, final_state_hash, projection_version, log_hash)? {
            // Dropping the transaction rolls it back.
            return Err(StoreError::RunMetaMissing);
        }
        tx.commit()?;
        // Folds the WAL into the database file so the finished log is one file to copy.
        // A concurrent reader may keep it from completing; that is harmless.
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        tracing::info!(log_hash, final_state_hash, "run finished: hashes recorded");
        Ok(())
    }

    fn write_tx(&mut self) -> Result<Transaction<'_>, StoreError> {
        if self.writer.is_none() {
            return Err(StoreError::ReadOnly);
        }
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }
}

/// What an append changed in the writer's memory, to put back if its transaction rolls back.
struct Undo {
    last_seq: u64,
    last_id: Option<u128>,
    versions: Vec<(StreamId, u32)>,
    types: usize,
    services: usize,
}

impl Undo {
    fn start(check: &Check, dictionary: &Dictionary) -> Undo {
        Undo {
            last_seq: check.last_seq,
            last_id: check.last_id,
            versions: Vec::new(),
            types: dictionary.types.len(),
            services: dictionary.services.len(),
        }
    }

    fn revert(self, check: &mut Check, dictionary: &mut Dictionary) {
        for (stream, version) in self.versions.into_iter().rev() {
            check.versions.set(stream, version);
        }
        check.last_seq = self.last_seq;
        check.last_id = self.last_id;
        dictionary.types.truncate(self.types);
        dictionary.services.truncate(self.services);
    }
}

/// Checks and inserts a batch inside the open transaction `tx`, advancing the writer's memory
/// (and noting in `undo` how to take it back).
fn append_rows<R: Appended>(
    tx: &Transaction<'_>,
    dictionary: &mut Dictionary,
    check: &mut Check,
    undo: &mut Undo,
    batch: &[R],
) -> Result<Vec<AppendResult>, StoreError> {
    let mut insert = tx.prepare_cached(codec::INSERT_EVENT)?;
    let mut results = Vec::with_capacity(batch.len());
    for event in batch {
        let event_id = event.event_id();
        let id = event_id.as_u128();
        if check.last_id.is_some_and(|last| id <= last) {
            // Not after the last id: either an event already stored, or out of order.
            let stored = find_by_id(tx, dictionary, check.last_seq, id)?
                .ok_or(StoreError::IdOutOfOrder { event_id })?;
            results.push(duplicate(&stored, &event.record())?);
            continue;
        }
        let (stream, expected_version) = (event.stream(), event.expected_version());
        let actual = check.versions.get(stream);
        if actual != expected_version {
            return Err(StoreError::VersionConflict {
                stream: stream.to_string(),
                expected: expected_version,
                actual,
            });
        }
        let seq = check.last_seq + 1;
        event.insert(tx, &mut insert, dictionary, seq)?;
        let before = check.versions.set(stream, expected_version + 1);
        undo.versions.push((stream, before));
        check.last_seq = seq;
        check.last_id = Some(id);
        results.push(AppendResult::Written { global_seq: seq });
    }
    Ok(results)
}

/// The stored event with id `id`, found by bisecting `global_seq` 1 ..= `last`: a log of format
/// 2 stores its ids in increasing order, so the id order is the row order.
fn find_by_id(
    conn: &Connection,
    dictionary: &Dictionary,
    last: u64,
    id: u128,
) -> Result<Option<EventRecord>, StoreError> {
    let (mut lo, mut hi) = (1u64, last);
    while lo <= hi {
        let mid = lo + (hi - lo) / 2;
        let stored = integrity::id_at(conn, mid)?
            .ok_or_else(|| StoreError::Corrupt {
                location: format!("events row global_seq {mid}"),
                reason: "missing inside the log".into(),
            })?
            .as_u128();
        match stored.cmp(&id) {
            std::cmp::Ordering::Equal => {
                return read_by_seq(conn, LogFormat::V2, dictionary, mid);
            }
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid - 1,
        }
    }
    Ok(None)
}

/// What the log open on `conn` holds; a file that is not a zairyu log is refused.
fn summarize(conn: &Connection) -> Result<LogSummary, StoreError> {
    schema::check_identity(conn).map_err(schema::not_a_database)?;
    if schema::user_version(conn)? == 0 {
        return Ok(LogSummary {
            label: None,
            finished: false,
            events: 0,
        });
    }
    let meta = meta::read(conn)?;
    Ok(LogSummary {
        finished: meta.as_ref().is_some_and(|m| m.finished),
        label: meta.map(|m| m.label),
        events: last_seq(conn)?,
    })
}

/// Reports a committed batch (at debug level: one line per transaction).
fn committed(last_before: u64, results: &[AppendResult]) {
    let written = results
        .iter()
        .filter(|r| matches!(r, AppendResult::Written { .. }))
        .count();
    tracing::debug!(
        written,
        duplicates = results.len() - written,
        after_global_seq = last_before,
        "batch committed"
    );
}

/// `create` must not clobber an existing log, nor adopt the write-ahead log of one.
fn refuse_non_empty(path: &Path) -> Result<(), StoreError> {
    for candidate in [path.to_path_buf(), file::sidecar(path, "-wal")] {
        match std::fs::metadata(&candidate) {
            Ok(meta) if meta.len() > 0 || meta.is_dir() => {
                return Err(StoreError::AlreadyExists {
                    path: path.to_path_buf(),
                });
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(StoreError::Io {
                    path: candidate,
                    source,
                });
            }
        }
    }
    Ok(())
}

fn last_seq(conn: &Connection) -> Result<u64, StoreError> {
    let n: i64 = conn.query_row(
        "SELECT COALESCE(MAX(global_seq), 0) FROM events",
        [],
        |row| row.get(0),
    )?;
    Ok(n.max(0) as u64)
}

fn read_by_seq(
    conn: &Connection,
    format: LogFormat,
    dictionary: &Dictionary,
    seq: u64,
) -> Result<Option<EventRecord>, StoreError> {
    let columns = match format {
        LogFormat::V1 => COLUMNS_V1,
        LogFormat::V2 => COLUMNS,
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {columns} FROM events WHERE global_seq = ?1"
    ))?;
    stmt.query_row([error::to_i64("global_seq", seq)?], |row| {
        Ok(match format {
            LogFormat::V1 => codec::read_record_v1(row),
            LogFormat::V2 => codec::read_record(row, dictionary),
        })
    })
    .optional()?
    .transpose()
}

/// Decides a duplicate: the stored event with the same id is either the same event or a
/// different one claiming its id.
fn duplicate(stored: &EventRecord, new: &EventRecord) -> Result<AppendResult, StoreError> {
    if same_content(stored, new) {
        Ok(AppendResult::Duplicate {
            global_seq: stored.global_seq,
        })
    } else {
        Err(StoreError::DuplicateIdMismatch {
            event_id: new.event_id,
        })
    }
}

/// True when `stored` and `new` are the same event: every field but `global_seq` (which the
/// store assigns) is equal.
fn same_content(stored: &EventRecord, new: &EventRecord) -> bool {
    // Destructured so that a field added to the envelope fails to compile here.
    let EventRecord {
        global_seq: _,
        event_id,
        stream,
        stream_version,
        event_type,
        schema_version,
        occurred_at,
        effective_on,
        correlation_id,
        causation_id,
        payload,
    } = new;
    stored.event_id == *event_id
        && stored.stream == *stream
        && stored.stream_version == *stream_version
        && stored.event_type == *event_type
        && stored.schema_version == *schema_version
        && stored.occurred_at == *occurred_at
        && stored.effective_on == *effective_on
        && stored.correlation_id == *correlation_id
        && stored.causation_id == *causation_id
        && stored.payload == *payload
}
