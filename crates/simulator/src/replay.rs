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
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use chrono::NaiveDate;
use event_store::{Chunks, EventStore, LogFormat, LogOrder, StoreError, StoredHeader};
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
    if let Some(chunks) = store.chunks(CHUNK)? {
        let (first, check, folded) =
            read_in_chunks(&chunks, threads, check, folded_before, start, switch);
        return finish_parallel(first, check, folded, start, switch, day);
    }
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
    finish_parallel(read.err(), check, folded, start, switch, day)
}

/// The end of a parallel replay: the first error in log order (as a replay on one thread would
/// meet it: the reading side's at a row before the folding threads' at the same row), or the
/// blocks added up in resident order.
fn finish_parallel(
    read: Option<FoldError>,
    check: LogCheck,
    folded: Vec<Result<Blocks, FoldError>>,
    start: NaiveDate,
    switch: SpecialPeriodMyNumber,
    day: NaiveDate,
) -> Result<Replayed, ReplayError> {
    let mut first = read;
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
            fold(&mut blocks, at, header, payload, start, switch)?;
        }
    }
    Ok(blocks)
}

/// Decodes the event at position `at` of the log and folds it into its resident's block.
fn fold(
    blocks: &mut Blocks,
    at: u64,
    header: &StoredHeader,
    payload: &[u8],
    start: NaiveDate,
    switch: SpecialPeriodMyNumber,
) -> Result<(), FoldError> {
    let env = from_stored(header, payload).map_err(|e| (at, e.into()))?;
    let b = env.event.resident().0 / BLOCK;
    blocks
        .entry(b)
        .or_insert_with(|| {
            Projections::for_residents(start, switch, b * BLOCK..b.saturating_add(1) * BLOCK)
        })
        .apply(&env);
    Ok(())
}

/// Rows per chunk of a log read on several threads (decision 27): large enough that a chunk's
/// query and hand-off cost nothing per row, small enough that the chunks in flight take a few
/// MiB.
const CHUNK: u64 = 8192;

/// The rows of one chunk as stored, with their canonical bytes: what a chunk's reader hands, as
/// one shared allocation, to the checking thread and to every folding thread.
#[derive(Default)]
struct Chunk {
    /// Each row's header, and the end of its payload in `payloads` and of its canonical bytes in
    /// `canonical`.
    rows: Vec<(StoredHeader, usize, usize)>,
    payloads: Vec<u8>,
    canonical: Vec<u8>,
}

impl Chunk {
    fn with_capacity(rows: usize) -> Chunk {
        Chunk {
            rows: Vec::with_capacity(rows),
            // Payloads are a few dozen bytes; a header's canonical bytes about 90 more.
            payloads: Vec::with_capacity(rows * 64),
            canonical: Vec::with_capacity(rows * 160),
        }
    }

    fn push(&mut self, header: &StoredHeader, payload: &[u8]) {
        self.payloads.extend_from_slice(payload);
        write_stored(header, payload, &mut self.canonical);
        self.rows
            .push((header.clone(), self.payloads.len(), self.canonical.len()));
    }

    /// Each row's header, payload and canonical bytes, in log order.
    fn iter(&self) -> impl Iterator<Item = (&StoredHeader, &[u8], &[u8])> {
        let (mut payload, mut canonical) = (0, 0);
        self.rows.iter().map(move |(header, p, c)| {
            let row = (
                header,
                &self.payloads[payload..*p],
                &self.canonical[canonical..*c],
            );
            (payload, canonical) = (*p, *c);
            row
        })
    }
}

/// A chunk for the checking thread, with the error of the row that ended it early, if one did.
type ChunkRead = (Arc<Chunk>, Option<StoreError>);

/// [`replay_parallel`] of a finished log read in chunks (decision 27): `threads` readers, each
/// on its own connection, read chunks `r`, `r + threads`, … and hand each, with its rows'
/// canonical bytes, to this thread, which takes the chunks in order, checks the log's order
/// ([`event_store::LogOrder`]: what [`EventStore::for_each_stored`] checks, with its errors),
/// hashes and checks the commits; and to every folding thread, which takes the chunks in order
/// and folds its blocks' events. No thread does all of any row's work, so none bounds the replay
/// alone. Gives the first error in log order with its position, the checks, and each folding
/// thread's blocks.
fn read_in_chunks(
    chunks: &Chunks<'_>,
    threads: usize,
    mut check: LogCheck,
    folded_before: Option<i64>,
    start: NaiveDate,
    switch: SpecialPeriodMyNumber,
) -> (Option<FoldError>, LogCheck, Vec<Result<Blocks, FoldError>>) {
    let count = chunks.count();
    std::thread::scope(|scope| {
        let mut to_check = Vec::with_capacity(threads);
        let mut to_fold: Vec<Vec<Receiver<Arc<Chunk>>>> =
            (0..threads).map(|_| Vec::with_capacity(threads)).collect();
        for r in 0..threads {
            // Two chunks in flight per reader and receiver: the readers run ahead by no more.
            let (check_tx, check_rx) = sync_channel::<ChunkRead>(2);
            to_check.push(check_rx);
            let mut fold_txs = Vec::with_capacity(threads);
            for receivers in &mut to_fold {
                let (tx, rx) = sync_channel::<Arc<Chunk>>(2);
                fold_txs.push(tx);
                receivers.push(rx);
            }
            scope.spawn(move || read_chunks(chunks, r, threads, count, &check_tx, &fold_txs));
        }
        let folding: Vec<_> = to_fold
            .into_iter()
            .enumerate()
            .map(|(f, rxs)| {
                scope.spawn(move || {
                    fold_chunks(&rxs, f, threads, count, folded_before, start, switch)
                })
            })
            .collect();
        let first = check_chunks(to_check, count, chunks.order(), &mut check);
        let folded = folding
            .into_iter()
            .map(|h| h.join().expect("a folding thread panicked"))
            .collect();
        (first, check, folded)
    })
}

/// A chunk reader: reads chunks `r`, `r + readers`, … on a connection of its own and hands each
/// to the checking thread and to every folding thread; stops after a row it cannot read, or
/// when one of them has stopped.
fn read_chunks(
    chunks: &Chunks<'_>,
    r: usize,
    readers: usize,
    count: u64,
    to_check: &SyncSender<ChunkRead>,
    to_fold: &[SyncSender<Arc<Chunk>>],
) {
    let mut reader = match chunks.reader() {
        Ok(reader) => reader,
        Err(e) => {
            // The log's error at this reader's first chunk.
            let _ = to_check.send((Arc::default(), Some(e)));
            return;
        }
    };
    for k in (r as u64..count).step_by(readers) {
        let mut chunk = Chunk::with_capacity(CHUNK as usize);
        let error = reader.read(k, |h, p| chunk.push(h, p)).err();
        let stop = error.is_some();
        let chunk = Arc::new(chunk);
        if to_check
            .send((Arc::clone(&chunk), error.map(|e| e.error)))
            .is_err()
        {
            return;
        }
        for tx in to_fold {
            if tx.send(Arc::clone(&chunk)).is_err() {
                return;
            }
        }
        if stop {
            return;
        }
    }
}

/// The checking thread of a log read in chunks: takes the chunks in order, checks each row's
/// place in the log, hashes it and checks the commits, as [`LogCheck::add`] does on one thread.
/// Gives the first error, with the row's position in the log.
fn check_chunks(
    from: Vec<Receiver<ChunkRead>>,
    count: u64,
    mut order: LogOrder,
    check: &mut LogCheck,
) -> Option<FoldError> {
    let mut position = 0u64;
    for k in 0..count {
        // A reader that stopped early sent the error that stopped it, or another thread stopped.
        let Ok((chunk, error)) = from[(k % from.len() as u64) as usize].recv() else {
            return None;
        };
        for (header, _, canonical) in chunk.iter() {
            if let Err(e) = order.next(header) {
                return Some((position, e.into()));
            }
            check.add_canonical(canonical, header.global_seq);
            position += 1;
        }
        if let Some(e) = error {
            return Some((position, e.into()));
        }
    }
    None
}

/// A folding thread of a log read in chunks: takes every chunk in order and folds the events of
/// its blocks (block `b` is thread `b` mod `threads`'s).
fn fold_chunks(
    from: &[Receiver<Arc<Chunk>>],
    thread: usize,
    threads: usize,
    count: u64,
    folded_before: Option<i64>,
    start: NaiveDate,
    switch: SpecialPeriodMyNumber,
) -> Result<Blocks, FoldError> {
    let mut blocks = Blocks::new();
    let mut position = 0u64;
    for k in 0..count {
        let Ok(chunk) = from[(k % from.len() as u64) as usize].recv() else {
            break;
        };
        for (header, payload, _) in chunk.iter() {
            let at = position;
            position += 1;
            if (header.stream.resident.0 / BLOCK) as usize % threads == thread
                && folded_before.is_none_or(|before| header.occurred_seconds < before)
            {
                fold(&mut blocks, at, header, payload, start, switch)?;
            }
        }
    }
    Ok(blocks)
}
