//! The SQL schema, its versions, and how every connection is set up.
//!
//! The schema version lives in `PRAGMA user_version` and the file is marked as ours with
//! `PRAGMA application_id`; a file from a newer build is refused rather than misread. Two log
//! formats exist (docs/log-format.md has the versioning policy):
//!
//! * **format 1** — schema versions 1 and 2: text columns, JSON payloads, two unique indexes.
//!   Read forever, written never: a writer refuses it (re-run the scenario instead);
//! * **format 2** — schema versions 3 and 4 (decision 11): integer header columns with the
//!   `services` and `event_types` code tables, the canonical binary payload, the `commits` table
//!   of prefix hashes, the `events_readable` view, and no secondary index. Version 4 adds the
//!   run's Japanese title, description and label to `run_meta`; a log of version 3 is read
//!   without them and can still be resumed (it stays version 3). Version 5 adds
//!   `run_meta.projection_version`, the version of the rules that derived the final state hash
//!   (`projection::STATE_HASH_VERSION`); a log of version 3 or 4 is read without it, and
//!   `replay` does not compare its state hash with today's.
//!
//! A blank file becomes schema 5 in one transaction; there is no migration from an older
//! version, because a log is evidence and rewriting it in place would destroy what it proves.

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{NotALog, StoreError};

/// The schema version this build writes and the newest it can read.
pub const SCHEMA_VERSION: u32 = 5;

/// The oldest schema version a writer continues (`run --resume`): the first of format 2. Its
/// events are laid out as today's; only the Japanese texts and the projection version of
/// `run_meta` are missing.
const OLDEST_WRITABLE: u32 = 3;

/// `PRAGMA application_id` of a zairyu event log: ASCII "zair".
pub const APPLICATION_ID: i32 = 0x7A61_6972;

/// The stored layout of a log, as far as reading it is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogFormat {
    /// Schema versions 1–2: JSON payloads, random ids, the format-1 log hash. Read-only.
    V1,
    /// Schema versions 3–5: binary payloads, ids in log order, the format-2 log hash with a hash
    /// at every commit.
    V2,
}

impl LogFormat {
    /// The format of a file of schema version `user_version` (≥ 1).
    pub(crate) fn of(user_version: u32) -> LogFormat {
        if user_version >= 3 {
            LogFormat::V2
        } else {
            LogFormat::V1
        }
    }

    /// The format's number, as the docs and messages name it.
    pub fn number(self) -> u32 {
        match self {
            LogFormat::V1 => 1,
            LogFormat::V2 => 2,
        }
    }
}

/// The events table. `global_seq` is the rowid, so appending in order writes to the end of the
/// table's B-tree and reading in replay order is a sequential scan. STRICT makes SQLite refuse a
/// value of the wrong type instead of storing it. The header is integers (codes, seconds and
/// days since 1970) and the payload the canonical binary form: a third of format 1's bytes.
pub(crate) const CREATE_EVENTS: &str = "CREATE TABLE events (
    global_seq     INTEGER PRIMARY KEY,
    event_id       BLOB    NOT NULL CHECK (length(event_id) = 16),
    service        INTEGER NOT NULL,
    resident       INTEGER NOT NULL,
    stream_version INTEGER NOT NULL CHECK (stream_version >= 1),
    event_type     INTEGER NOT NULL,
    schema_version INTEGER NOT NULL,
    occurred_at    INTEGER NOT NULL,
    effective_on   INTEGER,
    correlation_id BLOB    NOT NULL CHECK (length(correlation_id) = 16),
    causation_id   BLOB    CHECK (causation_id IS NULL OR length(causation_id) = 16),
    payload        BLOB    NOT NULL
) STRICT";

/// The code tables: each stored code and the name it stands for.
pub(crate) const CREATE_CODES: &str = "
    CREATE TABLE event_types (code INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT;
    CREATE TABLE services (code INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT;";

/// The hash of the log up to each commit (decision 11): `log_hash` covers the run's inputs and
/// events 1 ..= `last_global_seq`, exactly as the finished run's log hash covers all of them.
const CREATE_COMMITS: &str = "CREATE TABLE commits (
    last_global_seq INTEGER PRIMARY KEY,
    log_hash        TEXT    NOT NULL
) STRICT";

/// The run's metadata: one row, id 1. The `_ja` columns (schema version 4) hold the Japanese
/// texts, empty where there are none.
const CREATE_RUN_META: &str = "CREATE TABLE run_meta (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    scenario_hash    TEXT    NOT NULL,
    policy           TEXT    NOT NULL CHECK (json_valid(policy)),
    seed             INTEGER NOT NULL,
    code_version     TEXT    NOT NULL,
    schema_version   INTEGER NOT NULL,
    final_state_hash TEXT,
    log_hash         TEXT,
    finished         INTEGER NOT NULL DEFAULT 0 CHECK (finished IN (0, 1)),
    label            TEXT    NOT NULL,
    start_date       TEXT    NOT NULL,
    until_date       TEXT    NOT NULL,
    resident_names   TEXT    NOT NULL CHECK (json_valid(resident_names)),
    title            TEXT    NOT NULL DEFAULT '',
    description      TEXT    NOT NULL DEFAULT '',
    display_names    TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(display_names)),
    title_ja         TEXT    NOT NULL DEFAULT '',
    description_ja   TEXT    NOT NULL DEFAULT '',
    label_ja         TEXT    NOT NULL DEFAULT '',
    projection_version INTEGER
) STRICT";

/// The events as text, for people and for tools that open the file with any SQLite: the stream
/// as `city-hall/resident/17`, names for codes, ISO times, ids as UUIDs. The payload stays the
/// canonical binary form (`zairyu` decodes it).
const CREATE_READABLE_VIEW: &str = "CREATE VIEW events_readable AS
SELECT e.global_seq,
       lower(substr(hex(e.event_id), 1, 8) || '-' || substr(hex(e.event_id), 9, 4) || '-' ||
             substr(hex(e.event_id), 13, 4) || '-' || substr(hex(e.event_id), 17, 4) || '-' ||
             substr(hex(e.event_id), 21)) AS event_id,
       s.name || '/resident/' || e.resident AS stream,
       e.stream_version,
       t.name AS event_type,
       e.schema_version,
       strftime('%Y-%m-%dT%H:%M:%S', e.occurred_at, 'unixepoch') AS occurred_at,
       date(e.effective_on * 86400, 'unixepoch') AS effective_on,
       s.name AS service,
       lower(substr(hex(e.correlation_id), 1, 8) || '-' || substr(hex(e.correlation_id), 9, 4)
             || '-' || substr(hex(e.correlation_id), 13, 4) || '-' ||
             substr(hex(e.correlation_id), 17, 4) || '-' || substr(hex(e.correlation_id), 21))
           AS correlation_id,
       lower(substr(hex(e.causation_id), 1, 8) || '-' || substr(hex(e.causation_id), 9, 4) ||
             '-' || substr(hex(e.causation_id), 13, 4) || '-' ||
             substr(hex(e.causation_id), 17, 4) || '-' || substr(hex(e.causation_id), 21))
           AS causation_id,
       e.payload
FROM events e
JOIN services s ON s.code = e.service
JOIN event_types t ON t.code = e.event_type";

/// The tables and views a log holds, which nothing else may take a name of.
pub const STORE_TABLES: &[&str] = &[
    "events",
    "event_types",
    "services",
    "commits",
    "run_meta",
    "events_readable",
];

/// The pragmas every writer's connection gets, the store's and the baseline's alike: WAL so
/// readers never block the writer and a commit is one sequential write; synchronous=NORMAL
/// because in WAL mode it loses at most the last transactions on power failure, never
/// consistency; a 64 MB page cache (appending in rowid order touches only the right edge of the
/// table's B-tree, so a bigger cache buys nothing now that there is no index to keep hot).
pub(crate) fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL;
         PRAGMA cache_size = -65536;",
    )?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(())
}

/// The settings of a reader's connection: only what changes nothing in the file (a reader
/// sets no journal mode and no synchronous level, which would need write access).
pub(crate) fn configure_reader(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch("PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;")?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(())
}

/// Refuses, for a reader, a file that is not a zairyu log of a version this build reads. A
/// reader never changes a file, so every version from 1 up is read as it is.
pub(crate) fn check_readable(conn: &Connection) -> Result<LogFormat, StoreError> {
    check_identity(conn).map_err(not_a_database)?;
    match user_version(conn)? {
        0 => Err(StoreError::NotAnEventLog {
            reason: NotALog::Empty,
        }),
        v => Ok(LogFormat::of(v)),
    }
}

/// SQLite's "file is not a database" as the store's own refusal.
pub(crate) fn not_a_database(e: StoreError) -> StoreError {
    match e {
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _))
            if f.code == rusqlite::ErrorCode::NotADatabase =>
        {
            StoreError::NotAnEventLog {
                reason: NotALog::NotSqlite,
            }
        }
        other => other,
    }
}

/// Reads `PRAGMA user_version`.
pub(crate) fn user_version(conn: &Connection) -> Result<u32, StoreError> {
    let v: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    u32::try_from(v).map_err(|_| StoreError::NotAnEventLog {
        reason: NotALog::UserVersion(v),
    })
}

/// Makes a blank file a log of the current schema, in one write transaction; leaves a log of
/// format 2 as it is (a version-3 log stays version 3); refuses a log of format 1, which is
/// never written again.
pub(crate) fn prepare_for_writing(conn: &mut Connection) -> Result<(), StoreError> {
    // Checked before anything is written so a foreign or too-new file is left untouched.
    check_identity(conn)?;
    if (OLDEST_WRITABLE..=SCHEMA_VERSION).contains(&user_version(conn)?) {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Read again under the write lock: another process may have created it meanwhile.
    check_identity(&tx)?;
    match user_version(&tx)? {
        0 => {
            tx.execute_batch(&format!(
                "{CREATE_EVENTS};\n{CREATE_CODES}\n{CREATE_COMMITS};\n{CREATE_RUN_META};\n\
                 {CREATE_READABLE_VIEW};\n\
                 PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION};"
            ))?;
            tx.commit()?;
            Ok(())
        }
        OLDEST_WRITABLE..=SCHEMA_VERSION => Ok(()),
        old => Err(StoreError::ReadOnlyFormat {
            format: LogFormat::of(old).number(),
        }),
    }
}

/// Refuses a log of format 1 for writing, before anything (the journal mode included) changes.
pub(crate) fn refuse_format_1(conn: &Connection) -> Result<(), StoreError> {
    match user_version(conn)? {
        v @ 1..OLDEST_WRITABLE => Err(StoreError::ReadOnlyFormat {
            format: LogFormat::of(v).number(),
        }),
        _ => Ok(()),
    }
}

/// Refuses a file that is not a blank database or a zairyu log this build can read.
pub(crate) fn check_identity(conn: &Connection) -> Result<(), StoreError> {
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |row| row.get(0))?;
    let version = user_version(conn)?;
    if app_id == 0 {
        // Blank: no application id, no version, no tables. Anything else is somebody
        // else's database, and writing to it would scribble on it.
        let objects: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        if version != 0 || objects != 0 {
            return Err(StoreError::NotAnEventLog {
                reason: NotALog::Foreign { version, objects },
            });
        }
        return Ok(());
    }
    if app_id != APPLICATION_ID {
        return Err(StoreError::NotAnEventLog {
            reason: NotALog::ApplicationId(app_id),
        });
    }
    if version > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}
