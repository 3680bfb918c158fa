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
use event_store::{EventStore, LogFormat, StoreError, StoredHeader};
use model::envelope::{Envelope, EventRecord};
use model::validity::SpecialPeriodMyNumber;

use crate::log::{AnyLogHasher, DecodeError, from_record, from_stored, write_stored};
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
        self.commits_through(rec.global_seq);
    }

    /// Reads the next event of the log as its canonical bytes (those [`write_stored`] makes of
    /// its row, for a log of format 2).
    fn add_canonical(&mut self, bytes: &[u8], global_seq: u64) {
        self.hasher.add_canonical(bytes);
        self.commits_through(global_seq);
    }

    /// Counts the event at `global_seq`, just hashed, and checks the commits up to it.
    fn commits_through(&mut self, global_seq: u64) {
        self.events += 1;
        while let Some(commit) = self.pending.take_if(|c| c.last_global_seq <= global_seq) {
            self.pending = self.recorded.next();
            // Commits at or before this event were all passed: one at exactly this event is
            // checked; any other names an event the log does not have.
            if commit.last_global_seq != global_seq {
                self.commits
                    .beyond_log
                    .get_or_insert(commit.last_global_seq);
                continue;
            }
            let now = self.hasher.current().unwrap_or_default();
            self.commits.checked += 1;
            if now == commit.log_hash {
                if self.commits.mismatch.is_none() {
                    self.commits.through = global_seq;
                }
            } else if self.commits.mismatch.is_none() {
                self.commits.mismatch = Some((global_seq, commit.log_hash, now));
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

/// Events per message from the reading thread to a folding thread.
const BATCH: usize = 4096;

/// A folding thread's blocks: each block's projections, by block number.
type Blocks = BTreeMap<u32, Projections>;

/// The first record a folding thread could not decode: its position in the log (from 0), and
/// why.
type FoldError = (u64, ReplayError);

/// Events for one folding thread, as their rows store them: each header with its position in
/// the log (from 0) and the end of its payload in `payloads`, where the payloads lie one after
/// the other (one buffer a batch, not one allocation an event).
#[derive(Default)]
struct StoredBatch {
    events: Vec<(u64, StoredHeader, usize)>,
    payloads: Vec<u8>,
}

impl StoredBatch {
    fn with_capacity(events: usize) -> StoredBatch {
        StoredBatch {
            events: Vec::with_capacity(events),
            // Payloads are a few dozen bytes.
            payloads: Vec::with_capacity(events * 64),
        }
    }

    fn push(&mut self, position: u64, header: &StoredHeader, payload: &[u8]) {
        self.payloads.extend_from_slice(payload);
        self.events
            .push((position, header.clone(), self.payloads.len()));
    }

    /// Each event with its payload, in the order pushed.
    fn iter(&self) -> impl Iterator<Item = (u64, &StoredHeader, &[u8])> {
        let mut from = 0;
        self.events.iter().map(move |(at, header, end)| {
            let payload = &self.payloads[from..*end];
            from = *end;
            (*at, header, payload)
        })
    }
}

/// The canonical bytes of events in log order, for the hashing thread ([`write_stored`]): each
/// event's `global_seq` and the end of its bytes in `bytes`.
struct HashBatch {
    ends: Vec<(u64, usize)>,
    bytes: Vec<u8>,
}

impl HashBatch {
    fn with_capacity(events: usize) -> HashBatch {
        HashBatch {
            ends: Vec::with_capacity(events),
            // A header is about 90 bytes, a payload a few dozen.
            bytes: Vec::with_capacity(events * 160),
        }
    }

    fn push(&mut self, header: &StoredHeader, payload: &[u8]) {
        write_stored(header, payload, &mut self.bytes);
        self.ends.push((header.global_seq, self.bytes.len()));
    }
}

/// The hashing thread: hashes the events' canonical bytes in log order and checks the commits,
/// as [`LogCheck::add`] does on the one thread of [`replay_each`].
fn hash_in_order(rx: &Receiver<HashBatch>, mut check: LogCheck) -> LogCheck {
    for batch in rx {
        let mut from = 0;
        for &(global_seq, end) in &batch.ends {
            check.add_canonical(&batch.bytes[from..end], global_seq);
            from = end;
        }
    }
    check
}

/// The first instant after the end of `day`, as stored times count (seconds since 1970): an
/// event is folded when it occurred before it. `None`: no stored time is after `day`.
fn end_of_day_seconds(day: NaiveDate) -> Option<i64> {
    day.succ_opt()
        .map(|next| next.and_time(chrono::NaiveTime::MIN).and_utc().timestamp())
}

/// [`replay`] without the log, folding on `threads` threads besides the reading one. The
/// projections, hashes and commit checks are those of a replay on one thread; so is the error,
/// when the log has one (the first in log order).
///
/// The reading thread does only what needs the log's order and its connection: it reads each
/// row as stored ([`EventStore::for_each_stored`], which checks the sequence, the streams and
/// the ids), writes its canonical bytes into the hashing thread's batch and copies it into its
/// folding thread's. The hashing thread hashes them in log order and checks the commits (SHA-256
/// was most of what the reading thread did besides SQLite); the folding threads make the typed
/// events (times, payloads) and fold them. A log of format 1 is replayed on one thread
/// ([`replay_each`]).
pub fn replay_parallel(
    store: &EventStore,
    start: NaiveDate,
    until: NaiveDate,
    as_of: Option<NaiveDate>,
    switch: SpecialPeriodMyNumber,
    threads: usize,
) -> Result<Replayed, ReplayError> {
    if threads <= 1 || store.format() == LogFormat::V1 {
        return replay_each(store, start, until, as_of, switch, |_| {});
    }
    let day = as_of.unwrap_or(until);
    let _span = tracing::info_span!("replay", %day, threads).entered();
    let folded_before = end_of_day_seconds(day);
    let check = LogCheck::new(store)?;
    let (read, check, folded) = std::thread::scope(|scope| {
        let mut senders: Vec<SyncSender<StoredBatch>> = Vec::with_capacity(threads);
        let mut handles = Vec::with_capacity(threads);
        for _ in 0..threads {
            // A few batches in flight per folding thread: the reader runs ahead by no more.
            let (tx, rx) = sync_channel(4);
            senders.push(tx);
            handles.push(scope.spawn(move || fold_blocks(&rx, start, switch)));
        }
        let (to_hasher, hash_rx) = sync_channel::<HashBatch>(4);
        let hashing = scope.spawn(move || hash_in_order(&hash_rx, check));
        let mut pending: Vec<StoredBatch> = (0..threads)
            .map(|_| StoredBatch::with_capacity(BATCH))
            .collect();
        let mut hashed = HashBatch::with_capacity(BATCH);
        let mut position = 0u64;
        let read = store.for_each_stored(|header, payload| {
            hashed.push(header, payload);
            if hashed.ends.len() >= BATCH {
                let batch = std::mem::replace(&mut hashed, HashBatch::with_capacity(BATCH));
                // The hashing thread cannot stop before the reader.
                let _ = to_hasher.send(batch);
            }
            position += 1;
            if folded_before.is_none_or(|before| header.occurred_seconds < before) {
                let k = (header.stream.resident.0 / BLOCK) as usize % threads;
                pending[k].push(position - 1, header, payload);
                if pending[k].events.len() >= BATCH {
                    let batch =
                        std::mem::replace(&mut pending[k], StoredBatch::with_capacity(BATCH));
                    // A folding thread that stopped has an error to report below.
                    let _ = senders[k].send(batch);
                }
            }
            Ok::<(), ReplayError>(())
        });
        if !hashed.ends.is_empty() {
            let _ = to_hasher.send(hashed);
        }
        drop(to_hasher);
        for (tx, batch) in senders.iter().zip(pending) {
            if !batch.events.is_empty() {
                let _ = tx.send(batch);
            }
        }
        drop(senders);
        let folded: Vec<Result<Blocks, FoldError>> = handles
            .into_iter()
            .map(|h| h.join().expect("a folding thread panicked"))
            .collect();
        let check = hashing.join().expect("the hashing thread panicked");
        (read.map_err(|e| (position, e)), check, folded)
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

/// A folding thread: decodes and folds the events it is sent, each block in log order.
fn fold_blocks(
    rx: &Receiver<StoredBatch>,
    start: NaiveDate,
    switch: SpecialPeriodMyNumber,
) -> Result<Blocks, FoldError> {
    let mut blocks = Blocks::new();
    for batch in rx {
        for (at, header, payload) in batch.iter() {
            let env = from_stored(header, payload).map_err(|e| (at, e.into()))?;
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
