//! Replay: rebuilding every projection from a stored log, and checking it against what the live
//! run recorded — the log hash of the log's own format, and (format 2) the hash every commit
//! recorded of the log up to it, so that even the prefix a killed run left is checked.
//!
//! A replay that keeps no log folds on several threads. Residents never interact and every
//! projection is per resident or a sum (decision 13), so one thread reads the log in order —
//! checking it, hashing it and checking the commits, which must see the global order — and hands
//! each record to the folding thread that owns its resident's block; each folding thread decodes
//! and folds its blocks' events in log order, and the blocks are added up in resident order at
//! the end, exactly as the shards of a run are. The projections are therefore those of a replay
//! on one thread, whatever the number of threads.

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use chrono::NaiveDate;
use event_store::{EventStore, LogFormat, StoreError};
use model::envelope::{Envelope, EventRecord};
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
    if !keep_log {
        return replay_parallel(
            store,
            start,
            until,
            as_of,
            switch,
            crate::scheduler::default_threads(),
        );
    }
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
    let mut check = LogCheck::new(store)?;
    let mut projections = Projections::new(start, switch, 0);
    store.for_each(|rec| {
        check.add(&rec);
        if rec.occurred_at.date() <= day {
            let env = from_record(&rec)?;
            projections.apply(&env);
            on_event(env);
        }
        Ok::<(), ReplayError>(())
    })?;
    projections.finish(day);
    Ok(check.finish(projections))
}

/// What the reading thread checks in log order: the log hash and the hashes recorded at the
/// commits.
struct LogCheck {
    format: LogFormat,
    hasher: AnyLogHasher,
    recorded: std::vec::IntoIter<event_store::CommitHash>,
    pending: Option<event_store::CommitHash>,
    commits: CommitsChecked,
    events: u64,
}

impl LogCheck {
    fn new(store: &EventStore) -> Result<LogCheck, ReplayError> {
        let format = store.format();
        let hasher = match store.read_run_meta()? {
            Some(meta) => AnyLogHasher::for_log(format, &meta),
            // A log without metadata (only a test writes one) hashes as if its inputs were
            // empty.
            None => match format {
                LogFormat::V1 => AnyLogHasher::V1(Default::default()),
                LogFormat::V2 => AnyLogHasher::V2(crate::log::LogHasher::new(&Default::default())),
            },
        };
        let mut recorded = store.commits()?.into_iter();
        let pending = recorded.next();
        Ok(LogCheck {
            format,
            hasher,
            recorded,
            pending,
            commits: CommitsChecked::default(),
            events: 0,
        })
    }

    /// Reads the next record of the log.
    fn add(&mut self, rec: &EventRecord) {
        self.hasher.add(rec);
        self.events += 1;
        while let Some(commit) = self
            .pending
            .take_if(|c| c.last_global_seq <= rec.global_seq)
        {
            self.pending = self.recorded.next();
            // Commits at or before this event were all passed: one at exactly this event is
            // checked; any other names an event the log does not have.
            if commit.last_global_seq != rec.global_seq {
                self.commits
                    .beyond_log
                    .get_or_insert(commit.last_global_seq);
                continue;
            }
            let now = self.hasher.current().unwrap_or_default();
            self.commits.checked += 1;
            if now == commit.log_hash {
                if self.commits.mismatch.is_none() {
                    self.commits.through = rec.global_seq;
                }
            } else if self.commits.mismatch.is_none() {
                self.commits.mismatch = Some((rec.global_seq, commit.log_hash, now));
            }
        }
    }

    fn finish(mut self, projections: Projections) -> Replayed {
        if let Some(commit) = self.pending.take() {
            self.commits
                .beyond_log
                .get_or_insert(commit.last_global_seq);
        }
        tracing::info!(
            events = self.events,
            commits = self.commits.checked,
            "log read back"
        );
        Replayed {
            projections,
            log_hash: self.hasher.finish(),
            format: self.format,
            commits: self.commits,
            log: Vec::new(),
            events: self.events,
        }
    }
}

/// Residents per block of a parallel replay: a block's events are folded by one thread.
const BLOCK: u32 = 1 << 10;

/// Records per message from the reading thread to a folding thread.
const BATCH: usize = 4096;

/// A folding thread's blocks: each block's projections, by block number.
type Blocks = BTreeMap<u32, Projections>;

/// The first record a folding thread could not decode: its position in the log (from 0), and
/// why.
type FoldError = (u64, ReplayError);

/// [`replay`] without the log, folding on `threads` threads besides the reading one. The
/// projections, hashes and commit checks are those of a replay on one thread; so is the error,
/// when the log has one (the first in log order).
pub fn replay_parallel(
    store: &EventStore,
    start: NaiveDate,
    until: NaiveDate,
    as_of: Option<NaiveDate>,
    switch: SpecialPeriodMyNumber,
    threads: usize,
) -> Result<Replayed, ReplayError> {
    if threads <= 1 {
        return replay_each(store, start, until, as_of, switch, |_| {});
    }
    let day = as_of.unwrap_or(until);
    let _span = tracing::info_span!("replay", %day, threads).entered();
    let mut check = LogCheck::new(store)?;
    let (read, folded) = std::thread::scope(|scope| {
        let mut senders: Vec<SyncSender<Vec<(u64, EventRecord)>>> = Vec::with_capacity(threads);
        let mut handles = Vec::with_capacity(threads);
        for _ in 0..threads {
            // A few batches in flight per folding thread: the reader runs ahead by no more.
            let (tx, rx) = sync_channel(4);
            senders.push(tx);
            handles.push(scope.spawn(move || fold_blocks(&rx, start, switch)));
        }
        let mut pending: Vec<Vec<(u64, EventRecord)>> = vec![Vec::new(); threads];
        let mut position = 0u64;
        let read = store.for_each(|rec| {
            check.add(&rec);
            position += 1;
            if rec.occurred_at.date() <= day {
                let k = (rec.stream.resident.0 / BLOCK) as usize % threads;
                pending[k].push((position - 1, rec));
                if pending[k].len() >= BATCH {
                    let batch = std::mem::replace(&mut pending[k], Vec::with_capacity(BATCH));
                    // A folding thread that stopped has an error to report below.
                    let _ = senders[k].send(batch);
                }
            }
            Ok::<(), ReplayError>(())
        });
        for (tx, batch) in senders.iter().zip(pending) {
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
        }
        drop(senders);
        let folded: Vec<Result<Blocks, FoldError>> = handles
            .into_iter()
            .map(|h| h.join().expect("a folding thread panicked"))
            .collect();
        (read.map_err(|e| (position, e)), folded)
    });
    // The first error in log order, as a replay on one thread would meet it.
    let mut first: Option<FoldError> = read.err();
    let mut blocks = Blocks::new();
    for part in folded {
        match part {
            Ok(b) => blocks.extend(b),
            Err((at, e)) => {
                if first.as_ref().is_none_or(|(f, _)| at < *f) {
                    first = Some((at, e));
                }
            }
        }
    }
    if let Some((_, e)) = first {
        return Err(e);
    }
    let mut projections = Projections::new(start, switch, 0);
    for (_, block) in blocks {
        projections.absorb(block);
    }
    projections.finish(day);
    Ok(check.finish(projections))
}

/// A folding thread: decodes and folds the records it is sent, each block in log order.
fn fold_blocks(
    rx: &Receiver<Vec<(u64, EventRecord)>>,
    start: NaiveDate,
    switch: SpecialPeriodMyNumber,
) -> Result<Blocks, FoldError> {
    let mut blocks = Blocks::new();
    for batch in rx {
        for (at, rec) in batch {
            let env = from_record(&rec).map_err(|e| (at, e.into()))?;
            let b = env.event.resident().0 / BLOCK;
            blocks
                .entry(b)
                .or_insert_with(|| {
                    Projections::for_residents(
                        start,
                        switch,
                        b * BLOCK..b.saturating_add(1) * BLOCK,
                    )
                })
                .apply(&env);
        }
    }
    Ok(blocks)
}
