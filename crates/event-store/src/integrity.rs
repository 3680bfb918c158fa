//! The checks made in memory on every event of a log, in place of unique indexes (decision 11):
//! `global_seq` gap-free from 1, each stream's versions gap-free from 1, no event id twice.
//!
//! A reader runs them while it streams a log; the writer starts from them (reading an existing
//! log once when it opens it) and then keeps the same state up to date as it appends. In format
//! 2 ids increase strictly along the log, so "no id twice" is "each id exceeds the last": no
//! memory at all. Format-1 ids are random, so a format-1 reader keeps the compact [`IdTable`].

use rusqlite::Connection;
use uuid::Uuid;

use crate::EventRecord;
use crate::error::{StoreError, to_i64};
use crate::ids::{IdLookup, IdTable};
use crate::schema::LogFormat;
use crate::streams::StreamVersions;
use model::envelope::StreamId;

/// The running state of the checks: what the log holds so far.
pub(crate) struct Check {
    /// The last `global_seq` (0: none yet).
    pub(crate) last_seq: u64,
    /// The last event id (format 2).
    pub(crate) last_id: Option<u128>,
    /// Every stream's version.
    pub(crate) versions: StreamVersions,
    /// Every id seen, for a format-1 log.
    ids: Option<IdTable>,
}

impl Check {
    pub(crate) fn new(format: LogFormat) -> Check {
        Check {
            last_seq: 0,
            last_id: None,
            versions: StreamVersions::default(),
            ids: (format == LogFormat::V1).then(IdTable::default),
        }
    }

    /// Checks the next record read in `global_seq` order, and takes it in.
    pub(crate) fn next(&mut self, conn: &Connection, r: &EventRecord) -> Result<(), StoreError> {
        self.next_event(
            Some(conn),
            r.global_seq,
            r.stream,
            r.stream_version,
            r.event_id,
        )
    }

    /// [`Check::next`] of the event at `global_seq` with these stream, version and id. `conn`
    /// confirms a format-1 id seen before; a format-2 check never needs it.
    pub(crate) fn next_event(
        &mut self,
        conn: Option<&Connection>,
        global_seq: u64,
        stream: StreamId,
        stream_version: u32,
        event_id: Uuid,
    ) -> Result<(), StoreError> {
        let corrupt = |reason: String| StoreError::Corrupt {
            location: format!("events row global_seq {global_seq}"),
            reason,
        };
        if global_seq != self.last_seq + 1 {
            return Err(corrupt(format!(
                "global_seq jumps from {} to {global_seq}: the log has a gap",
                self.last_seq
            )));
        }
        let version = self.versions.get(stream);
        if Some(stream_version) != version.checked_add(1) {
            return Err(corrupt(format!(
                "stream {stream} goes from version {version} to {stream_version}"
            )));
        }
        let id = event_id.as_u128();
        match &mut self.ids {
            None => {
                if let Some(last) = self.last_id.filter(|&last| id <= last) {
                    return Err(corrupt(format!(
                        "event id {event_id} does not follow the previous one, {}: ids must \
                         increase along the log",
                        Uuid::from_u128(last)
                    )));
                }
            }
            Some(ids) => {
                let first = match ids.lookup(id) {
                    IdLookup::Stored(seq) => Some(seq),
                    // A fingerprint match is confirmed against the stored row's id.
                    IdLookup::Candidate(seq) => match conn {
                        Some(conn) => (id_at(conn, seq)? == Some(event_id)).then_some(seq),
                        // Without the log at hand a fingerprint match counts as the id seen.
                        None => Some(seq),
                    },
                    IdLookup::Absent => None,
                };
                if let Some(seq) = first {
                    return Err(corrupt(format!(
                        "event id {event_id} was already stored at global_seq {seq}"
                    )));
                }
                ids.insert(id, global_seq);
            }
        }
        self.versions.set(stream, stream_version);
        self.last_id = Some(id);
        self.last_seq = global_seq;
        Ok(())
    }
}

/// The id stored at `global_seq`, if there is such a row.
pub(crate) fn id_at(conn: &Connection, seq: u64) -> Result<Option<Uuid>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT event_id FROM events WHERE global_seq = ?1")?;
    let mut rows = stmt.query([to_i64("global_seq", seq)?])?;
    let Some(row) = rows.next()? else {
        return Ok(None);
    };
    let bytes = row.get_ref(0)?.as_blob().map_err(|_| StoreError::Corrupt {
        location: format!("events row global_seq {seq}"),
        reason: "event_id is not a BLOB".into(),
    })?;
    Uuid::from_slice(bytes)
        .map(Some)
        .map_err(|_| StoreError::Corrupt {
            location: format!("events row global_seq {seq}"),
            reason: format!("event_id has {} bytes, not 16", bytes.len()),
        })
}
