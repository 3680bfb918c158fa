//! Replay: rebuilding every projection from a stored log, and checking it against what the live
//! run recorded.

use chrono::NaiveDate;
use event_store::{EventStore, StoreError};
use model::envelope::Envelope;
use model::validity::SpecialPeriodMyNumber;

use crate::log::{DecodeError, LogHasher, from_record};
use projection::Projections;

/// Why a replay failed.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

/// What a replay rebuilt.
pub struct Replayed {
    pub projections: Projections,
    /// The hash of the whole log read (not only up to `as_of`).
    pub log_hash: String,
    /// The events up to `as_of` (when asked to keep them).
    pub log: Vec<Envelope>,
    pub events: u64,
}

/// Replays the stored log. Projections are folded up to the end of `as_of` (default: `until`);
/// the log hash always covers every stored event.
pub fn replay(
    store: &EventStore,
    start: NaiveDate,
    until: NaiveDate,
    as_of: Option<NaiveDate>,
    switch: SpecialPeriodMyNumber,
    keep_log: bool,
) -> Result<Replayed, ReplayError> {
    let day = as_of.unwrap_or(until);
    let _span = tracing::info_span!("replay", %day).entered();
    let mut projections = Projections::new(start, switch, 0);
    let mut hasher = LogHasher::new();
    let mut log = Vec::new();
    let mut events = 0u64;
    store.for_each(|rec| {
        hasher.add(&rec);
        events += 1;
        if rec.occurred_at.date() <= day {
            let env = from_record(&rec)?;
            projections.apply(&env);
            if keep_log {
                log.push(env);
            }
        }
        Ok::<(), ReplayError>(())
    })?;
    projections.finish(day);
    tracing::info!(events, "log read back");
    Ok(Replayed {
        projections,
        log_hash: hasher.finish(),
        log,
        events,
    })
}
