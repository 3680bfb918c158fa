//! The store's typed errors.
//!
//! Callers branch on these: a `VersionConflict` means "reload and decide again", a
//! `DuplicateIdMismatch` means a bug upstream (two different facts claimed one id), a
//! `SchemaTooNew` means "upgrade the binary". Every error that can happen inside `append`
//! is raised before the batch commits, so an error always means nothing of the batch was
//! written.

use std::path::PathBuf;

use uuid::Uuid;

/// Everything that can go wrong in the event store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// `create` refuses to touch an existing, non-empty file: it might be someone's log.
    #[error("cannot create an event log at {path}: the file exists and is not empty")]
    AlreadyExists {
        /// The path that was given.
        path: PathBuf,
    },

    /// Another process has the log open: a writer (which excludes everyone else) or, for a
    /// writer, a reader. One writer per log; a log is never replaced while it is read.
    #[error(
        "{path} is in use by another zairyu process (a run writing it, or a replay reading \
         it); try again when that ends"
    )]
    Locked {
        /// The log.
        path: PathBuf,
    },

    /// A derived table (`derived`) was asked for with a name the store owns or cannot take,
    /// or given a row that does not fit its columns.
    #[error("derived table: {reason}")]
    Derived {
        /// What was wrong.
        reason: String,
    },

    /// `open` needs an existing file; it never creates one by accident.
    #[error("no event log at {path}")]
    NotFound {
        /// The path that was given.
        path: PathBuf,
    },

    /// The file is not a zairyu event log (an SQLite database this program did not write, or
    /// not a database at all).
    #[error("the database is not a zairyu event log ({reason})")]
    NotAnEventLog {
        /// What gave it away.
        reason: NotALog,
    },

    /// The log was written by a newer build whose schema this build does not know.
    #[error(
        "the event log has schema version {found}, newer than the {supported} this build knows"
    )]
    SchemaTooNew {
        /// `PRAGMA user_version` found in the file.
        found: u32,
        /// The newest version this build can read.
        supported: u32,
    },

    /// A new event must carry `stream_version == expected_version + 1`; anything else is a
    /// caller bug, refused before the store looks at the log.
    #[error(
        "event {event_id} on stream {stream} has stream_version {stream_version} but \
         expected_version {expected_version}; it must be expected_version + 1"
    )]
    InvalidStreamVersion {
        /// The offending event.
        event_id: Uuid,
        /// Its stream.
        stream: String,
        /// The version the caller said the stream was at.
        expected_version: u32,
        /// The version the record claims.
        stream_version: u32,
    },

    /// Optimistic concurrency: the stream is not at the version the caller expected.
    #[error("version conflict on stream {stream}: expected version {expected}, actual {actual}")]
    VersionConflict {
        /// The stream.
        stream: String,
        /// The version the caller expected.
        expected: u32,
        /// The version the log holds.
        actual: u32,
    },

    /// The same event id is already stored with different content.
    #[error("event id {event_id} is already stored with different content")]
    DuplicateIdMismatch {
        /// The id claimed by two different events.
        event_id: Uuid,
    },

    /// The writer's in-memory view must be the whole truth; another connection appended
    /// behind its back (only a process that ignores the lock can), so its checks can no longer
    /// be trusted.
    #[error(
        "another writer appended to the log (expected last global_seq {expected}, found \
         {found}); a log has a single writer"
    )]
    ConcurrentWriter {
        /// The last global_seq this writer knows of.
        expected: u64,
        /// The last global_seq in the file.
        found: u64,
    },

    /// `finish` records hashes in the run metadata, which must exist first.
    #[error("run metadata must be written (write_run_meta) before finish")]
    RunMetaMissing,

    /// A stored value cannot be decoded back into its Rust type.
    #[error("corrupt {location}: {reason}")]
    Corrupt {
        /// Which row or table.
        location: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A `u64` that SQLite's signed 64-bit INTEGER cannot hold.
    #[error("{what} = {value} does not fit in an SQLite INTEGER")]
    OutOfRange {
        /// Which value.
        what: &'static str,
        /// The value.
        value: u64,
    },

    /// In a log of format 2 ids increase along the log; a new event whose id does not exceed
    /// the last stored one, and is not stored either, cannot be appended.
    #[error(
        "event {event_id} cannot be appended: its id does not follow the last stored one, and \
         ids must increase along the log"
    )]
    IdOutOfOrder {
        /// The event.
        event_id: Uuid,
    },

    /// Simulated times are whole minutes; a log stores them as whole seconds.
    #[error("the simulated time {at} has a fraction of a second, which a log cannot store")]
    SubSecondTime {
        /// The time.
        at: chrono::NaiveDateTime,
    },

    /// A log of an older format is read, never written (docs/log-format.md).
    #[error(
        "the log is of format {format}, which this build reads but never writes; run the \
         scenario again for a log of the current format"
    )]
    ReadOnlyFormat {
        /// The log's format.
        format: u32,
    },

    /// A store opened read-only was asked to write.
    #[error("the log was opened read-only")]
    ReadOnly,

    /// `raw_append_baseline` needs at least one row per transaction.
    #[error("batch size must be at least 1")]
    InvalidBatchSize,

    /// Filesystem trouble around the database file.
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// Any SQLite error (busy, disk full, constraint, …).
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// What gave away a file that is not a zairyu event log ([`StoreError::NotAnEventLog`]), as
/// data, so that a caller can say it in its own words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotALog {
    /// A directory, a device or a FIFO.
    #[error("not a regular file")]
    NotARegularFile,
    /// A blank database: the run stopped before it wrote anything.
    #[error("an empty database: the run stopped before it wrote anything")]
    Empty,
    /// SQLite's "file is not a database".
    #[error("not an SQLite database")]
    NotSqlite,
    /// A `user_version` no zairyu log has.
    #[error("user_version {0}")]
    UserVersion(i64),
    /// No zairyu application id, but a version or tables: somebody else's database.
    #[error("no zairyu application_id, user_version {version}, {objects} schema objects")]
    Foreign {
        /// Its `user_version`.
        version: u32,
        /// How many tables, indexes, views and triggers it holds.
        objects: i64,
    },
    /// Another program's application id.
    #[error("application_id {0:#x}")]
    ApplicationId(i32),
}

/// Converts a `u64` for an SQLite INTEGER column, refusing values above `i64::MAX`.
pub(crate) fn to_i64(what: &'static str, value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::OutOfRange { what, value })
}
