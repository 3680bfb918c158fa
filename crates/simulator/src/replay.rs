//! Replay: rebuilding every projection from a stored log, and checking it against what the live
//! run recorded — the log hash of the log's own format, and (format 2) the hash every commit
//! recorded of the log up to it, so that even the prefix a killed run left is checked.

use chrono::NaiveDate;
use event_store::{EventStore, LogFormat, StoreError};
use model::envelope::Envelope;
use model::validity::SpecialPeriodMyNumber;

use crate::log::{AnyLogHasher, DecodeError, from_record};
use projection::Projections;

/// Why a replay failed.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

/// What the hashes recorded at the commits said (format 2).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitsChecked {
    /// How many commit hashes were recomputed and compared.
    pub checked: usize,
    /// The last event the matching commits vouch for (0: none).
    pub through: u64,
    /// The first commit whose hash the log does not reproduce: its last event, the hash it
    /// recorded, and the log's.
    pub mismatch: Option<(u64, String, String)>,
    /// A commit names an event the log does not hold.
    pub beyond_log: Option<u64>,
}

/// What a replay rebuilt.
pub struct Replayed {
    pub projections: Projections,
    /// The hash of the whole log read (not only up to `as_of`), in the log's own format.
    pub log_hash: String,
    /// The log's format.
    pub format: LogFormat,
    /// The commit hashes, checked.
    pub commits: CommitsChecked,
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
    let mut log = Vec::new();
    let mut replayed = replay_each(store, start, until, as_of, switch, |env| {
        if keep_log {
            log.push(env);
        }
    })?;
    replayed.log = log;
    Ok(replayed)
}

/// [`replay`], handing each event folded (those up to the end of `as_of`) to `on_event` after
/// the projections took it, instead of keeping the log: memory does not grow with the log.
pub fn replay_each(
    store: &EventStore,
    start: NaiveDate,
    until: NaiveDate,
    as_of: Option<NaiveDate>,
    switch: SpecialPeriodMyNumber,
    mut on_event: impl FnMut(Envelope),
) -> Result<Replayed, ReplayError> {
    let day = as_of.unwrap_or(until);
    let _span = tracing::info_span!("replay", %day).entered();
    let format = store.format();
    let mut hasher = match store.read_run_meta()? {
        Some(meta) => AnyLogHasher::for_log(format, &meta),
        // A log without metadata (only a test writes one) hashes as if its inputs were empty.
        None => match format {
            LogFormat::V1 => AnyLogHasher::V1(Default::default()),
            LogFormat::V2 => AnyLogHasher::V2(crate::log::LogHasher::new(&Default::default())),
        },
    };
    let recorded = store.commits()?;
    let mut commits = CommitsChecked::default();
    let mut next_commit = recorded.iter().peekable();
    let mut projections = Projections::new(start, switch, 0);
    let mut events = 0u64;
    store.for_each(|rec| {
        hasher.add(&rec);
        events += 1;
        while let Some(commit) = next_commit.next_if(|c| c.last_global_seq <= rec.global_seq) {
            // Commits at or before this event were all passed: one at exactly this event is
            // checked; any other names an event the log does not have.
            if commit.last_global_seq != rec.global_seq {
                commits.beyond_log.get_or_insert(commit.last_global_seq);
                continue;
            }
            let now = hasher.current().unwrap_or_default();
            commits.checked += 1;
            if now == commit.log_hash {
                if commits.mismatch.is_none() {
                    commits.through = rec.global_seq;
                }
            } else if commits.mismatch.is_none() {
                commits.mismatch = Some((rec.global_seq, commit.log_hash.clone(), now));
            }
        }
        if rec.occurred_at.date() <= day {
            let env = from_record(&rec)?;
            projections.apply(&env);
            on_event(env);
        }
        Ok::<(), ReplayError>(())
    })?;
    if let Some(commit) = next_commit.next() {
        commits.beyond_log.get_or_insert(commit.last_global_seq);
    }
    projections.finish(day);
    tracing::info!(events, commits = commits.checked, "log read back");
    Ok(Replayed {
        projections,
        log_hash: hasher.finish(),
        format,
        commits,
        log: Vec::new(),
        events,
    })
}
