//! The SQL schema, its migrations, and how every connection is set up.
//!
//! The schema version lives in `PRAGMA user_version` and the file is marked as ours with
//! `PRAGMA application_id`. Opening runs the migrations from the file's version up to
//! [`SCHEMA_VERSION`] in one transaction (the pattern of mozilla application-services'
//! `open_database.rs`); a file from a newer build is refused rather than misread. The two
//! unique indexes are kept apart from the migrations because *when* they exist depends on
//! the index mode: from the start (live) or built once after a bulk load (deferred).

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::StoreError;

/// The schema version this build writes and the newest it can read. Version 2 keeps in the
/// run's metadata what a reader needs to tell the run (title, description, display names),
/// so that nothing ever reopens a path stored in a log; version 1 logs are read as they are.
pub const SCHEMA_VERSION: u32 = 2;

/// `PRAGMA application_id` of a zairyu event log: ASCII "zair".
pub const APPLICATION_ID: i32 = 0x7A61_6972;

/// The events table. `global_seq` is the rowid, so appending in order writes to the end of
/// the table's B-tree and reading in replay order is a sequential scan. STRICT makes SQLite
/// refuse a value of the wrong type instead of storing it.
pub(crate) const CREATE_EVENTS: &str = "CREATE TABLE events (
    global_seq     INTEGER PRIMARY KEY,
    event_id       BLOB    NOT NULL CHECK (length(event_id) = 16),
    stream         TEXT    NOT NULL,
    stream_version INTEGER NOT NULL CHECK (stream_version >= 1),
    event_type     TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    occurred_at    TEXT    NOT NULL,
    effective_on   TEXT,
    service        TEXT    NOT NULL,
    correlation_id BLOB    NOT NULL CHECK (length(correlation_id) = 16),
    causation_id   BLOB    CHECK (causation_id IS NULL OR length(causation_id) = 16),
    payload        TEXT    NOT NULL
) STRICT";

/// The run's metadata: one row, id 1.
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
    resident_names   TEXT    NOT NULL CHECK (json_valid(resident_names))
) STRICT";

/// The unique indexes that enforce idempotency and optimistic concurrency.
pub(crate) const INDEX_NAMES: [&str; 2] = ["events_event_id", "events_stream_version"];
const CREATE_INDEXES: &str = "
    CREATE UNIQUE INDEX IF NOT EXISTS events_event_id ON events (event_id);
    CREATE UNIQUE INDEX IF NOT EXISTS events_stream_version ON events (stream, stream_version);";

/// `MIGRATIONS[n]` upgrades a database from version `n` to `n + 1`.
type Migration = fn(&Transaction<'_>) -> Result<(), StoreError>;
const MIGRATIONS: [Migration; SCHEMA_VERSION as usize] = [migrate_0_to_1, migrate_1_to_2];

fn migrate_0_to_1(tx: &Transaction<'_>) -> Result<(), StoreError> {
    tx.execute_batch(&format!("{CREATE_EVENTS};\n{CREATE_RUN_META};"))?;
    Ok(())
}

/// The run's title, description and residents' display names, for readers of the log.
fn migrate_1_to_2(tx: &Transaction<'_>) -> Result<(), StoreError> {
    tx.execute_batch(
        "ALTER TABLE run_meta ADD COLUMN title TEXT NOT NULL DEFAULT '';
         ALTER TABLE run_meta ADD COLUMN description TEXT NOT NULL DEFAULT '';
         ALTER TABLE run_meta ADD COLUMN display_names TEXT NOT NULL DEFAULT '[]'
             CHECK (json_valid(display_names));",
    )?;
    Ok(())
}

/// The pragmas every connection gets, the store's and the baseline's alike: WAL so readers
/// never block the writer and a commit is one sequential write; synchronous=NORMAL because
/// in WAL mode it loses at most the last transactions on power failure, never consistency;
/// a 256 MB page cache so the B-trees' hot pages stay in memory during bulk loads; temp
/// storage in memory for the index builds' sorting; and helper threads for that sort.
pub(crate) fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL;
         PRAGMA cache_size = -262144;
         PRAGMA temp_store = MEMORY;
         PRAGMA threads = 2;",
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
/// reader never migrates, so every version from 1 up is read as it is.
pub(crate) fn check_readable(conn: &Connection) -> Result<(), StoreError> {
    check_identity(conn).map_err(not_a_database)?;
    if user_version(conn)? == 0 {
        return Err(StoreError::NotAnEventLog {
            reason: "an empty database: the run stopped before it wrote anything".into(),
        });
    }
    Ok(())
}

/// SQLite's "file is not a database" as the store's own refusal.
pub(crate) fn not_a_database(e: StoreError) -> StoreError {
    match e {
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _))
            if f.code == rusqlite::ErrorCode::NotADatabase =>
        {
            StoreError::NotAnEventLog {
                reason: "not an SQLite database".into(),
            }
        }
        other => other,
    }
}

/// Switches the connection between its append settings and its index-build settings.
///
/// SQLite's sorter keeps runs of `cache_size` pages in memory and sorts each as a linked
/// list, which thrashes the CPU cache when the runs are hundreds of megabytes; with
/// temp_store=MEMORY its spill files are slow in-memory journals too. Measured on this
/// project's 2-core machine, building the event_id index over 4 M rows took 5.5 s with the
/// append settings and 1.8 s with an 8 MB cache and file-backed temporary storage. Must be
/// called outside a transaction.
pub(crate) fn index_build_settings(conn: &Connection, building: bool) -> Result<(), StoreError> {
    conn.execute_batch(if building {
        "PRAGMA cache_size = -8192; PRAGMA temp_store = FILE;"
    } else {
        "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;"
    })?;
    Ok(())
}

/// Reads `PRAGMA user_version`.
pub(crate) fn user_version(conn: &Connection) -> Result<u32, StoreError> {
    let v: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    u32::try_from(v).map_err(|_| StoreError::NotAnEventLog {
        reason: format!("user_version {v}"),
    })
}

/// Checks the file is ours (or blank), refuses newer versions, and runs the missing
/// migrations in one write transaction.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    // Checked before anything is written so a foreign or too-new file is left untouched.
    check_identity(conn)?;
    if user_version(conn)? == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Read again under the write lock: another process may have migrated meanwhile.
    check_identity(&tx)?;
    let from = user_version(&tx)?;
    for migration in &MIGRATIONS[from as usize..] {
        migration(&tx)?;
    }
    tx.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION};"
    ))?;
    tx.commit()?;
    Ok(())
}

/// Refuses a file that is not a blank database or a zairyu log this build can read.
pub(crate) fn check_identity(conn: &Connection) -> Result<(), StoreError> {
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |row| row.get(0))?;
    let version = user_version(conn)?;
    if app_id == 0 {
        // Blank: no application id, no version, no tables. Anything else is somebody
        // else's database, and migrating it would scribble on it.
        let objects: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        if version != 0 || objects != 0 {
            return Err(StoreError::NotAnEventLog {
                reason: format!(
                    "no zairyu application_id, user_version {version}, {objects} schema objects"
                ),
            });
        }
        return Ok(());
    }
    if app_id != APPLICATION_ID {
        return Err(StoreError::NotAnEventLog {
            reason: format!("application_id {app_id:#x}"),
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

/// Whether both unique indexes exist.
pub(crate) fn indexes_present(conn: &Connection) -> Result<bool, StoreError> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN (?1, ?2)",
        INDEX_NAMES,
        |row| row.get(0),
    )?;
    Ok(n == INDEX_NAMES.len() as i64)
}

/// Creates whichever unique index is missing, inside the caller's transaction. Building
/// an index over rows that are already there sorts them once, which is the cheap way to
/// get a B-tree; on a log whose in-memory checks were right it cannot fail.
pub(crate) fn create_indexes(tx: &Transaction<'_>) -> Result<(), StoreError> {
    tx.execute_batch(CREATE_INDEXES)?;
    Ok(())
}
