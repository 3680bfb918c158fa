//! The checks a reader makes in memory while it streams a log, in place of the unique
//! indexes it may not have (a killed deferred run) and may not build (reading never writes):
//! `global_seq` gap-free from 1, each stream's versions gap-free from 1, no event id twice.
//! They reuse the compact tables of the deferred writer, sized for a national log.

use rusqlite::Connection;

use crate::deferred::{IdLookup, IdTable, StreamTable};
use crate::error::StoreError;
use crate::{EventRecord, read_by_seq};

/// The running state of the checks.
#[derive(Default)]
pub(crate) struct Check {
    last_seq: u64,
    streams: StreamTable,
    ids: IdTable,
}

impl Check {
    /// Checks the next record read in `global_seq` order.
    pub(crate) fn next(&mut self, conn: &Connection, r: &EventRecord) -> Result<(), StoreError> {
        let corrupt = |reason: String| StoreError::Corrupt {
            location: format!("events row global_seq {}", r.global_seq),
            reason,
        };
        if r.global_seq != self.last_seq + 1 {
            return Err(corrupt(format!(
                "global_seq jumps from {} to {}: the log has a gap",
                self.last_seq, r.global_seq
            )));
        }
        let version = self.streams.get(&r.stream);
        if r.stream_version != version + 1 {
            return Err(corrupt(format!(
                "stream {} goes from version {version} to {}",
                r.stream, r.stream_version
            )));
        }
        let id = r.event_id.as_u128();
        let first = match self.ids.lookup(id) {
            IdLookup::Stored(seq) => Some(seq),
            // A fingerprint match is confirmed against the stored row's id.
            IdLookup::Candidate(seq) => read_by_seq(conn, seq)?
                .filter(|earlier| earlier.event_id == r.event_id)
                .map(|_| seq),
            IdLookup::Absent => None,
        };
        if let Some(seq) = first {
            return Err(corrupt(format!(
                "event id {} was already stored at global_seq {seq}",
                r.event_id
            )));
        }
        let version = u32::try_from(r.stream_version).map_err(|_| {
            corrupt(format!(
                "stream version {} is out of range",
                r.stream_version
            ))
        })?;
        self.streams.set(&r.stream, version);
        self.ids.insert(id, r.global_seq);
        self.last_seq = r.global_seq;
        Ok(())
    }
}
