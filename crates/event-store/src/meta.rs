//! The run's metadata, stored beside the log so that a log file alone says how it was made.
//!
//! One row: what was run (scenario hash, policy, seed, code and payload schema versions) and,
//! once the run finished, what it produced (final state hash, log hash). A log whose
//! `finished` flag is false is the valid prefix of a run that was stopped or killed. Beside
//! the English texts it keeps their Japanese versions ([`JapaneseTexts`], schema version 4), so
//! a command reading the log alone can speak Japanese (`--lang ja`). Since schema version 5 it
//! also records which version of the rules derived the final state hash, so that a later build
//! knows whether its own state hash of the same events is comparable.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row};

use crate::error::StoreError;

/// Metadata of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunMeta {
    /// Hash of the scenario file the run read.
    pub scenario_hash: String,
    /// The policy, as JSON text (SQLite checks that it is valid JSON).
    pub policy: String,
    /// The run seed. Stored in a signed INTEGER column bit for bit, so every `u64` round-trips.
    pub seed: u64,
    /// Version of the code that wrote the log.
    pub code_version: String,
    /// Payload schema version the run wrote (`model::envelope::PAYLOAD_SCHEMA_VERSION`). The
    /// store's own table layout is versioned separately, by `PRAGMA user_version`.
    pub schema_version: u16,
    /// Hash of the final state, once the run finished.
    pub final_state_hash: Option<String>,
    /// The version of the rules that derived `final_state_hash`
    /// (`projection::STATE_HASH_VERSION`), recorded with it by [`mark_finished`]. `None` before
    /// the run finished and in a log of schema version 4 or older.
    pub projection_version: Option<u32>,
    /// Hash of the log, once the run finished.
    pub log_hash: Option<String>,
    /// Whether the run completed (set by `EventStore::finish`).
    pub finished: bool,
    /// What was run, for people: the scenario path or a population description.
    pub label: String,
    /// The run's first simulated day.
    pub start: NaiveDate,
    /// The run's last simulated day.
    pub until: NaiveDate,
    /// The residents' scenario ids (`id:`), by resident id (empty for synthetic populations).
    pub resident_names: Vec<String>,
    /// The run's title (a scenario's `name:`). Empty in a log of schema version 1.
    pub title: String,
    /// What the run shows (a scenario's leading comment). Empty in a log of schema version 1.
    pub description: String,
    /// The residents' display names, by resident id (empty in a log of schema version 1 and
    /// for synthetic populations).
    pub display_names: Vec<String>,
    /// The title, description and label in Japanese, where the run has them. Empty in a log of
    /// schema version 3 or older, whose readers show the English texts.
    pub ja: JapaneseTexts,
}

/// The Japanese versions of a run's texts for people (`title_ja`, `description_ja`, `label_ja`
/// in `run_meta`). An empty text means "none": a reader shows the English one instead. They
/// are presentation, not inputs: the log hash does not cover them (docs/log-format.md says why).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JapaneseTexts {
    /// The scenario's `ja: name:`.
    pub title: String,
    /// The scenario's `ja: description:`.
    pub description: String,
    /// What was run, when the English label is prose (a synthetic population); empty when the
    /// label is a path, which is the same in either language.
    pub label: String,
}

pub(crate) fn write(conn: &Connection, meta: &RunMeta) -> Result<(), StoreError> {
    let RunMeta {
        scenario_hash,
        policy,
        seed,
        code_version,
        schema_version,
        final_state_hash,
        projection_version,
        log_hash,
        finished,
        label,
        start,
        until,
        resident_names,
        title,
        description,
        display_names,
        ja,
    } = meta;
    let json = |names: &Vec<String>| {
        serde_json::to_string(names).map_err(|e| StoreError::Corrupt {
            location: "run_meta".into(),
            reason: format!("resident names do not serialize: {e}"),
        })
    };
    let (names, display_names) = (json(resident_names)?, json(display_names)?);
    // A log of schema version 3 (one `run --resume` continues) has no Japanese columns: it
    // keeps what it had, and its readers show the English texts.
    let (ja_columns, ja_values, ja_update) = if crate::schema::user_version(conn)? >= 4 {
        (
            ", title_ja, description_ja, label_ja",
            ", ?16, ?17, ?18",
            ", title_ja = excluded.title_ja, description_ja = excluded.description_ja,
             label_ja = excluded.label_ja",
        )
    } else {
        ("", "", "")
    };
    // Likewise a log of schema version 4 or older has no projection version (and one of version
    // 5 has the Japanese columns, so the version is the 19th parameter).
    let (version_column, version_value, version_update) = if crate::schema::user_version(conn)? >= 5
    {
        (
            ", projection_version",
            ", ?19",
            ", projection_version = excluded.projection_version",
        )
    } else {
        ("", "", "")
    };
    // The seed bit for bit: it is an identifier, not a quantity.
    let (seed, schema_version) = (*seed as i64, i64::from(*schema_version));
    let (start, until) = (start.to_string(), until.to_string());
    let english: [&dyn rusqlite::ToSql; 15] = [
        scenario_hash,
        policy,
        &seed,
        code_version,
        &schema_version,
        final_state_hash,
        log_hash,
        finished,
        label,
        &start,
        &until,
        &names,
        title,
        description,
        &display_names,
    ];
    let japanese: [&dyn rusqlite::ToSql; 3] = [&ja.title, &ja.description, &ja.label];
    let params = english
        .into_iter()
        .chain(japanese.into_iter().filter(|_| !ja_columns.is_empty()))
        .chain(
            [projection_version as &dyn rusqlite::ToSql]
                .into_iter()
                .filter(|_| !version_column.is_empty()),
        );
    conn.execute(
        &format!(
            "INSERT INTO run_meta (id, scenario_hash, policy, seed, code_version, schema_version,
                                   final_state_hash, log_hash, finished, label, start_date,
                                   until_date, resident_names, title, description,
                                   display_names{ja_columns}{version_column})
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
                     ?15{ja_values}{version_value})
             ON CONFLICT (id) DO UPDATE SET
                 scenario_hash = excluded.scenario_hash, policy = excluded.policy,
                 seed = excluded.seed, code_version = excluded.code_version,
                 schema_version = excluded.schema_version,
                 final_state_hash = excluded.final_state_hash, log_hash = excluded.log_hash,
                 finished = excluded.finished, label = excluded.label,
                 start_date = excluded.start_date, until_date = excluded.until_date,
                 resident_names = excluded.resident_names, title = excluded.title,
                 description = excluded.description,
                 display_names = excluded.display_names{ja_update}{version_update}"
        ),
        rusqlite::params_from_iter(params),
    )?;
    Ok(())
}

/// Reads the metadata. A reader never migrates, so a log of an older schema version is read as
/// it is: without the columns version 2 added (title, description, display names) in a log of
/// version 1, without the Japanese texts version 4 added in a log of version 3 or older,
/// without the projection version version 5 added in a log of version 4 or older.
pub(crate) fn read(conn: &Connection) -> Result<Option<RunMeta>, StoreError> {
    let version = crate::schema::user_version(conn)?;
    let text_columns = if version >= 2 {
        "title, description, display_names"
    } else {
        "'', '', '[]'"
    };
    let ja_columns = if version >= 4 {
        "title_ja, description_ja, label_ja"
    } else {
        "'', '', ''"
    };
    let version_column = if version >= 5 {
        "projection_version"
    } else {
        "NULL"
    };
    conn.query_row(
        &format!(
            "SELECT scenario_hash, policy, seed, code_version, schema_version, final_state_hash,
                    log_hash, finished, label, start_date, until_date, resident_names,
                    {text_columns}, {ja_columns}, {version_column}
             FROM run_meta WHERE id = 1"
        ),
        [],
        |row| Ok(decode(row)),
    )
    .optional()?
    .transpose()
}

fn names(row: &Row<'_>, column: usize, what: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(&row.get::<_, String>(column)?).map_err(|e| StoreError::Corrupt {
        location: "run_meta".into(),
        reason: format!("{what} is not a JSON list of strings: {e}"),
    })
}

fn decode(row: &Row<'_>) -> Result<RunMeta, StoreError> {
    let schema_version: i64 = row.get(4)?;
    Ok(RunMeta {
        scenario_hash: row.get(0)?,
        policy: row.get(1)?,
        seed: row.get::<_, i64>(2)? as u64,
        code_version: row.get(3)?,
        schema_version: u16::try_from(schema_version).map_err(|_| StoreError::Corrupt {
            location: "run_meta".into(),
            reason: format!("schema_version {schema_version} is out of u16 range"),
        })?,
        final_state_hash: row.get(5)?,
        projection_version: row.get(18)?,
        log_hash: row.get(6)?,
        finished: row.get(7)?,
        label: row.get(8)?,
        start: date(row.get(9)?)?,
        until: date(row.get(10)?)?,
        resident_names: names(row, 11, "resident_names")?,
        title: row.get(12)?,
        description: row.get(13)?,
        display_names: names(row, 14, "display_names")?,
        ja: JapaneseTexts {
            title: row.get(15)?,
            description: row.get(16)?,
            label: row.get(17)?,
        },
    })
}

fn date(text: String) -> Result<NaiveDate, StoreError> {
    text.parse().map_err(|e| StoreError::Corrupt {
        location: "run_meta".into(),
        reason: format!("date {text:?} does not parse: {e}"),
    })
}

/// Marks the run finished with its hashes and the version of the rules that derived the state
/// hash (kept only by a log of schema version 5 or newer); false if there is no metadata row
/// to mark.
pub(crate) fn mark_finished(
    conn: &Connection,
    final_state_hash: &str,
    projection_version: u32,
    log_hash: &str,
) -> Result<bool, StoreError> {
    let updated = if crate::schema::user_version(conn)? >= 5 {
        conn.execute(
            "UPDATE run_meta SET final_state_hash = ?1, log_hash = ?2, finished = 1,
                                 projection_version = ?3
             WHERE id = 1",
            rusqlite::params![final_state_hash, log_hash, projection_version],
        )?
    } else {
        conn.execute(
            "UPDATE run_meta SET final_state_hash = ?1, log_hash = ?2, finished = 1 WHERE id = 1",
            [final_state_hash, log_hash],
        )?
    };
    Ok(updated == 1)
}

/// The hash of the log up to one commit (decision 11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitHash {
    /// The last event the commit wrote.
    pub last_global_seq: u64,
    /// The hash of the run's inputs and events 1 ..= `last_global_seq`.
    pub log_hash: String,
}

/// Records the hash of the log up to `last_global_seq`, in the caller's transaction.
pub(crate) fn write_commit(
    conn: &Connection,
    last_global_seq: u64,
    log_hash: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO commits (last_global_seq, log_hash) VALUES (?1, ?2)",
    )?
    .execute(rusqlite::params![
        crate::error::to_i64("global_seq", last_global_seq)?,
        log_hash
    ])?;
    Ok(())
}

/// Every recorded commit hash, in order.
pub(crate) fn read_commits(conn: &Connection) -> Result<Vec<CommitHash>, StoreError> {
    let mut stmt =
        conn.prepare("SELECT last_global_seq, log_hash FROM commits ORDER BY last_global_seq")?;
    let mut rows = stmt.query([])?;
    let mut commits = Vec::new();
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        commits.push(CommitHash {
            last_global_seq: u64::try_from(seq).map_err(|_| StoreError::Corrupt {
                location: "commits".into(),
                reason: format!("negative global_seq {seq}"),
            })?,
            log_hash: row.get(1)?,
        });
    }
    Ok(commits)
}
