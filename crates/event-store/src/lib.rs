//! The event log: an append-only SQLite file holding every event of a run, in replay order,
//! with the run's metadata beside it. This is the only crate that knows SQL.
//!
//! One [`EventStore`] owns one connection and is the log's single writer. Appends take a
//! batch and are all-or-nothing: each event is checked for idempotency (its `event_id`) and
//! optimistic concurrency (its stream's expected version), then written with the next
//! gap-free `global_seq`; any refusal rolls the whole batch back, and a result is returned
//! only after the commit, so the store never reports an event it did not write.
//!
//! Scale decides the write path (decision 2, docs/decisions/): a unique index fed in random stream
//! order costs about 10×. [`IndexMode::Live`] keeps the unique indexes from the start and
//! lets SQLite answer the checks; [`IndexMode::Deferred`], for a fresh bulk run, answers
//! them from compact in-memory structures and builds the indexes once, sorted, in
//! [`EventStore::finish`]. Both give the same answers. A deferred run killed before
//! `finish` leaves a valid prefix without indexes; [`EventStore::open`] builds them.
//!
//! Nothing here reads the clock, except the benchmark in [`baseline`].

#![warn(missing_docs)]

pub mod baseline;
mod codec;
mod deferred;
mod error;
mod file;
mod integrity;
mod meta;
mod schema;

use std::fmt;
use std::fs::File;
use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

use crate::codec::{Scratch, select_events};
use crate::deferred::{DeferredState, IdLookup, Pending};
pub use crate::error::StoreError;
pub use crate::meta::RunMeta;
pub use crate::schema::{APPLICATION_ID, SCHEMA_VERSION};
pub use model::envelope::EventRecord;

/// When the unique indexes on `event_id` and `(stream, stream_version)` exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexMode {
    /// The indexes exist from the start and SQLite enforces them. Right for scenario runs,
    /// appends to an existing log, and any log with more than one writer over its life.
    Live,
    /// No secondary index during the load: the one writer checks versions and ids in
    /// memory, and [`EventStore::finish`] builds the indexes once. Only for a fresh log
    /// written by this store alone.
    Deferred,
}

/// An event to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// The event. Its `global_seq` is ignored (the store assigns it) and its
    /// `stream_version` must be `expected_version + 1`.
    pub record: EventRecord,
    /// The stream's version before this event: 0 for a new stream.
    pub expected_version: u64,
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
    /// `Some` while in deferred index mode.
    deferred: Option<Box<DeferredState>>,
    /// Whether this store only reads (see [`EventStore::open_read_only`]).
    read_only: bool,
    /// The database file, holding the writer's exclusive or a reader's shared lock (`None` in
    /// memory). Declared after `conn` so that it is closed after the connection: closing a
    /// descriptor of the file would drop SQLite's own POSIX locks on it.
    _lock: Option<File>,
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
            .field("mode", &self.index_mode())
            .finish()
    }
}

impl EventStore {
    /// Creates a new log at `path`, private to its owner (`0600`) and locked for this writer.
    /// Refuses a file that exists and is not empty, so an existing log is never overwritten,
    /// and a file another writer holds ([`StoreError::Locked`]).
    pub fn create(path: impl AsRef<Path>, mode: IndexMode) -> Result<EventStore, StoreError> {
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
        EventStore::start_log(path, lock, mode, !existed)
    }

    /// Creates a new log at `path` like [`EventStore::create`], replacing the zairyu log that
    /// is there, if any, and saying what it held. Refuses any other file
    /// ([`StoreError::NotAnEventLog`]) and a log another process has open
    /// ([`StoreError::Locked`]). The old log is emptied in place under the lock, never
    /// unlinked, so no other process can slip in between.
    pub fn create_replacing(
        path: impl AsRef<Path>,
        mode: IndexMode,
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
        Ok((EventStore::start_log(path, lock, mode, !existed)?, replaced))
    }

    /// Makes a new log in the locked, empty file at `path`. If that fails (a full disk) and
    /// this call `created` the file, the file goes again, removed while the lock is still
    /// held, so a failed run leaves nothing behind.
    fn start_log(
        path: &Path,
        lock: File,
        mode: IndexMode,
        created: bool,
    ) -> Result<EventStore, StoreError> {
        match EventStore::connect_writer(path, mode) {
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

    /// Opens an existing log for appending, in live mode, as its only writer. Upgrades an
    /// older schema, refuses a newer one, and builds the unique indexes if they are missing (a
    /// deferred run that was killed before `finish`). To read a log, use
    /// [`EventStore::open_read_only`], which changes nothing.
    pub fn open(path: impl AsRef<Path>) -> Result<EventStore, StoreError> {
        let path = path.as_ref();
        if !path.is_file() {
            return Err(StoreError::NotFound {
                path: path.to_path_buf(),
            });
        }
        let lock = file::open_for_writing(path, false)?;
        let store = EventStore::open_writer(path, lock, IndexMode::Live)?;
        // Only now is the file known to be a zairyu log (`init` refuses anything else).
        if let Some(lock) = &store._lock {
            file::make_private(lock, path)?;
        }
        Ok(store)
    }

    /// The writer's connection to the locked file at `path`; the caller keeps the lock until
    /// the store holds it.
    fn connect_writer(path: &Path, mode: IndexMode) -> Result<EventStore, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        EventStore::init(conn, mode)
    }

    /// [`EventStore::connect_writer`], handing the lock to the store on success.
    fn open_writer(path: &Path, lock: File, mode: IndexMode) -> Result<EventStore, StoreError> {
        let mut store = EventStore::connect_writer(path, mode)?;
        store._lock = Some(lock);
        Ok(store)
    }

    /// Opens a log to read it, changing nothing: no pragma, no migration, no index, no
    /// `-wal` or `-shm` file created (see the `file` module). Works on a read-only file or
    /// mount. Refuses a log a writer has open ([`StoreError::Locked`]); takes a shared lock so
    /// that no writer replaces it meanwhile. Appending to it fails.
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
        schema::check_readable(&conn)?;
        schema::configure_reader(&conn)?;
        Ok(EventStore {
            conn,
            deferred: None,
            read_only: true,
            _lock: Some(lock),
        })
    }

    /// What the log at `path` holds, read like [`EventStore::open_read_only`] does.
    pub fn summary(path: impl AsRef<Path>) -> Result<LogSummary, StoreError> {
        let store = EventStore::open_read_only(path)?;
        summarize(&store.conn)
    }

    /// A new, empty log in memory, live mode (for tests).
    pub fn open_in_memory() -> Result<EventStore, StoreError> {
        EventStore::create_in_memory(IndexMode::Live)
    }

    /// A new, empty log in memory in the given mode (for tests).
    pub fn create_in_memory(mode: IndexMode) -> Result<EventStore, StoreError> {
        EventStore::init(Connection::open_in_memory()?, mode)
    }

    fn init(mut conn: Connection, mode: IndexMode) -> Result<EventStore, StoreError> {
        // Identity first, so a foreign or too-new file is refused before any pragma
        // (journal mode is persistent) changes it.
        schema::check_identity(&conn)?;
        schema::configure(&conn)?;
        schema::migrate(&mut conn)?;
        let mut store = EventStore {
            conn,
            deferred: None,
            read_only: false,
            _lock: None,
        };
        match mode {
            IndexMode::Live => store.ensure_indexes()?,
            IndexMode::Deferred => {
                // Only `create` asks for deferred mode, so the log is empty and the empty
                // in-memory state describes it exactly; `append` re-checks at each batch.
                store.deferred = Some(Box::default());
            }
        }
        Ok(store)
    }

    /// The current index mode.
    pub fn index_mode(&self) -> IndexMode {
        if self.deferred.is_some() {
            IndexMode::Deferred
        } else {
            IndexMode::Live
        }
    }

    /// Whether this store was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Whether both unique indexes exist in the file.
    pub fn indexes_present(&self) -> Result<bool, StoreError> {
        schema::indexes_present(&self.conn)
    }

    /// Builds any missing unique index now and continues in live mode. `finish` and `open`
    /// do this themselves; call it to end a bulk load without finishing the run.
    pub fn ensure_indexes(&mut self) -> Result<(), StoreError> {
        if !schema::indexes_present(&self.conn)? {
            self.building_indexes(|_| Ok(()))?;
        }
        self.deferred = None;
        Ok(())
    }

    /// Runs `work` in one write transaction that also creates any missing index, with the
    /// connection tuned for the index build (see `schema::index_build_settings`) and
    /// restored afterwards whatever the outcome.
    fn building_indexes(
        &mut self,
        work: impl FnOnce(&Transaction<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let build = !schema::indexes_present(&self.conn)?;
        // A national log's index build takes minutes; the span's close reports how long.
        let _span = build.then(|| tracing::info_span!("build_indexes").entered());
        if build {
            schema::index_build_settings(&self.conn, true)?;
        }
        let result = self.write_tx().and_then(|tx| {
            schema::create_indexes(&tx)?;
            work(&tx)?;
            Ok(tx.commit()?)
        });
        if build {
            // The outcome of the work matters more than a failed restore; report it first.
            let restored = schema::index_build_settings(&self.conn, false);
            result?;
            restored
        } else {
            result
        }
    }

    /// Appends a batch in one transaction: all of it or none of it.
    ///
    /// For each event in order: an id already stored with identical content gives
    /// [`AppendResult::Duplicate`] and adds nothing; an id stored with other content is
    /// [`StoreError::DuplicateIdMismatch`]; a stream not at `expected_version` is
    /// [`StoreError::VersionConflict`]; otherwise the event is written at the next
    /// `global_seq`. Events earlier in the same batch count as stored. On any error the
    /// batch is rolled back.
    pub fn append(&mut self, batch: &[NewEvent]) -> Result<Vec<AppendResult>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        for event in batch {
            let record = &event.record;
            if event.expected_version.checked_add(1) != Some(record.stream_version) {
                return Err(StoreError::InvalidStreamVersion {
                    event_id: record.event_id,
                    stream: record.stream.clone(),
                    expected_version: event.expected_version,
                    stream_version: record.stream_version,
                });
            }
            error::to_i64("stream_version", record.stream_version)?;
        }
        let EventStore { conn, deferred, .. } = self;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Read under the write lock, so the sequence continues exactly where the file ends.
        let last = last_seq(&tx)?;
        match deferred {
            None => {
                let results = append_live(&tx, last, batch)?;
                tx.commit()?;
                committed(IndexMode::Live, last, &results);
                Ok(results)
            }
            Some(state) => {
                if last != state.last_seq {
                    return Err(StoreError::ConcurrentWriter {
                        expected: state.last_seq,
                        found: last,
                    });
                }
                let (results, pending, new_last) = append_deferred(&tx, state, batch)?;
                tx.commit()?;
                committed(IndexMode::Deferred, last, &results);
                // Memory follows the file only once the file has the batch.
                state.absorb(pending, new_last);
                Ok(results)
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
    /// It also checks, in memory, what the unique indexes would: `global_seq` runs 1, 2, 3 …
    /// without a gap, every stream's versions run 1, 2, 3 … and no event id appears twice. A
    /// reader cannot build indexes (reading never writes), and the log of a killed deferred
    /// run has none; a log that breaks one of these is [`StoreError::Corrupt`].
    pub fn for_each<E, F>(&self, mut f: F) -> Result<(), E>
    where
        E: From<StoreError>,
        F: FnMut(EventRecord) -> Result<(), E>,
    {
        let mut check = integrity::Check::default();
        self.for_each_after(0, |record| {
            check.next(&self.conn, &record)?;
            f(record)
        })
    }

    /// Like [`EventStore::for_each`], starting after `global_seq` `after` (to resume a
    /// replay or read what was appended since).
    pub fn for_each_after<E, F>(&self, after: u64, mut f: F) -> Result<(), E>
    where
        E: From<StoreError>,
        F: FnMut(EventRecord) -> Result<(), E>,
    {
        let after = error::to_i64("global_seq", after)?;
        let mut stmt = self
            .conn
            .prepare_cached(select_events!("WHERE global_seq > ?1 ORDER BY global_seq"))
            .map_err(StoreError::from)?;
        let mut rows = stmt.query([after]).map_err(StoreError::from)?;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            f(codec::read_record(row)?)?;
        }
        Ok(())
    }

    /// The events of one stream, in stream_version order. (Without the indexes, during a
    /// deferred load, this scans the table.)
    pub fn read_stream(&self, stream: &str) -> Result<Vec<EventRecord>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(select_events!("WHERE stream = ?1 ORDER BY stream_version"))?;
        let mut rows = stmt.query([stream])?;
        let mut events = Vec::new();
        while let Some(row) = rows.next()? {
            events.push(codec::read_record(row)?);
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

    /// The stream's current version: the stream_version of its last event, 0 if none.
    pub fn stream_version(&self, stream: &str) -> Result<u64, StoreError> {
        match &self.deferred {
            Some(state) => Ok(state.streams.get(stream)),
            None => stream_version_sql(&self.conn, stream),
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

    /// Ends the run: builds any deferred index, records the final state hash and the log
    /// hash, and sets the finished flag, all in one transaction; then checkpoints the WAL
    /// into the main file. Needs the run metadata to have been written. The store continues
    /// in live mode.
    pub fn finish(&mut self, final_state_hash: &str, log_hash: &str) -> Result<(), StoreError> {
        self.building_indexes(|tx| {
            if meta::mark_finished(tx, final_state_hash, log_hash)? {
                Ok(())
            } else {
                // Returning the error drops the transaction, which rolls back the index
                // build too: finish is all or nothing.
                Err(StoreError::RunMetaMissing)
            }
        })?;
        self.deferred = None;
        // Folds the WAL into the database file so the finished log is one file to copy.
        // A concurrent reader may keep it from completing; that is harmless.
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        tracing::info!(log_hash, final_state_hash, "run finished: hashes recorded");
        Ok(())
    }

    fn write_tx(&mut self) -> Result<Transaction<'_>, StoreError> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }
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

/// `create` must not clobber an existing log, nor adopt the write-ahead log of one.
/// Reports a committed batch (at debug level: one line per transaction).
fn committed(mode: IndexMode, last_before: u64, results: &[AppendResult]) {
    let written = results
        .iter()
        .filter(|r| matches!(r, AppendResult::Written { .. }))
        .count();
    tracing::debug!(
        ?mode,
        written,
        duplicates = results.len() - written,
        after_global_seq = last_before,
        "batch committed"
    );
}

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

fn stream_version_sql(conn: &Connection, stream: &str) -> Result<u64, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT stream_version FROM events WHERE stream = ?1 \
         ORDER BY stream_version DESC LIMIT 1",
    )?;
    let version: Option<i64> = stmt.query_row([stream], |row| row.get(0)).optional()?;
    Ok(version.unwrap_or(0).max(0) as u64)
}

fn read_by_seq(conn: &Connection, seq: u64) -> Result<Option<EventRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(select_events!("WHERE global_seq = ?1"))?;
    let mut rows = stmt.query([error::to_i64("global_seq", seq)?])?;
    match rows.next()? {
        Some(row) => Ok(Some(codec::read_record(row)?)),
        None => Ok(None),
    }
}

/// Decides a duplicate: the stored event with the same id is either the same event or a
/// different one claiming its id.
fn duplicate(stored: &EventRecord, new: &EventRecord) -> Result<AppendResult, StoreError> {
    if codec::same_content(stored, new) {
        Ok(AppendResult::Duplicate {
            global_seq: stored.global_seq,
        })
    } else {
        Err(StoreError::DuplicateIdMismatch {
            event_id: new.event_id,
        })
    }
}

/// Live mode: the checks are index lookups, which also see this batch's earlier rows.
fn append_live(
    tx: &Transaction<'_>,
    mut last: u64,
    batch: &[NewEvent],
) -> Result<Vec<AppendResult>, StoreError> {
    let mut by_id = tx.prepare_cached(select_events!("WHERE event_id = ?1"))?;
    let mut insert = tx.prepare_cached(codec::INSERT_EVENT)?;
    let mut scratch = Scratch::default();
    let mut results = Vec::with_capacity(batch.len());
    for NewEvent {
        record,
        expected_version,
    } in batch
    {
        let mut rows = by_id.query([record.event_id.as_bytes().as_slice()])?;
        if let Some(row) = rows.next()? {
            let stored = codec::read_record(row)?;
            results.push(duplicate(&stored, record)?);
            continue;
        }
        drop(rows);
        let actual = stream_version_sql(tx, &record.stream)?;
        if actual != *expected_version {
            return Err(StoreError::VersionConflict {
                stream: record.stream.clone(),
                expected: *expected_version,
                actual,
            });
        }
        last += 1;
        codec::insert_record(&mut insert, &mut scratch, last, record)?;
        results.push(AppendResult::Written { global_seq: last });
    }
    Ok(results)
}

/// Deferred mode: the checks are answered from memory; the only reads are primary-key
/// lookups of a possible duplicate's row.
fn append_deferred<'a>(
    tx: &Transaction<'_>,
    state: &DeferredState,
    batch: &'a [NewEvent],
) -> Result<(Vec<AppendResult>, Pending<'a>, u64), StoreError> {
    let mut insert = tx.prepare_cached(codec::INSERT_EVENT)?;
    let mut scratch = Scratch::default();
    let mut pending = Pending::with_capacity(batch.len());
    let mut last = state.last_seq;
    let mut results = Vec::with_capacity(batch.len());
    for NewEvent {
        record,
        expected_version,
    } in batch
    {
        let id = record.event_id.as_u128();
        let probe = match pending.ids.get(&id) {
            Some(&seq) => Some(seq),
            None => match state.ids.lookup(id) {
                IdLookup::Stored(seq) | IdLookup::Candidate(seq) => Some(seq),
                IdLookup::Absent => None,
            },
        };
        if let Some(seq) = probe {
            let stored = read_by_seq(tx, seq)?.ok_or_else(|| StoreError::Corrupt {
                location: format!("events row global_seq {seq}"),
                reason: "missing, though the deferred id index points at it".into(),
            })?;
            // A different id here is a fingerprint collision: the id itself is not stored.
            if stored.event_id == record.event_id {
                results.push(duplicate(&stored, record)?);
                continue;
            }
        }
        let actual = state.version(&pending, &record.stream);
        if actual != *expected_version {
            return Err(StoreError::VersionConflict {
                stream: record.stream.clone(),
                expected: *expected_version,
                actual,
            });
        }
        last += 1;
        state.stage(
            &mut pending,
            &record.stream,
            record.stream_version,
            id,
            last,
        )?;
        codec::insert_record(&mut insert, &mut scratch, last, record)?;
        results.push(AppendResult::Written { global_seq: last });
    }
    Ok((results, pending, last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use uuid::Uuid;

    fn event(id: u128, stream: &str) -> NewEvent {
        NewEvent {
            record: EventRecord {
                global_seq: 0,
                event_id: Uuid::from_u128(id),
                stream: stream.to_owned(),
                stream_version: 1,
                event_type: "CardIssued".to_owned(),
                schema_version: 1,
                occurred_at: NaiveDate::from_ymd_opt(2026, 6, 14)
                    .and_then(|d| d.and_hms_opt(10, 0, 0))
                    .expect("time"),
                effective_on: None,
                service: "card-issuer".to_owned(),
                correlation_id: Uuid::from_u128(id),
                causation_id: None,
                payload: "{}".to_owned(),
            },
            expected_version: 0,
        }
    }

    #[test]
    fn given_two_ids_sharing_a_fingerprint_when_appended_deferred_then_both_are_told_apart() {
        let (a, b) = deferred::colliding_ids();
        let mut store = EventStore::create_in_memory(IndexMode::Deferred).expect("store");
        // Across batches the second id meets the first only through the fingerprint table.
        assert_eq!(
            store.append(&[event(a, "s/a")]).expect("a"),
            vec![AppendResult::Written { global_seq: 1 }]
        );
        assert_eq!(
            store.append(&[event(b, "s/b")]).expect("b"),
            vec![AppendResult::Written { global_seq: 2 }]
        );
        assert_eq!(
            store
                .append(&[event(b, "s/b"), event(a, "s/a")])
                .expect("again"),
            vec![
                AppendResult::Duplicate { global_seq: 2 },
                AppendResult::Duplicate { global_seq: 1 }
            ]
        );
        let mut impostor = event(b, "s/b");
        impostor.record.payload = r#"{"other":1}"#.to_owned();
        assert!(matches!(
            store.append(&[impostor]),
            Err(StoreError::DuplicateIdMismatch { .. })
        ));
        assert_eq!(store.count().expect("count"), 2);
    }
}
