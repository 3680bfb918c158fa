//! The log-writer thread: it receives the run's stored records in global order, in batches, and
//! appends each batch to the store in one transaction, recording in that transaction the hash of
//! the log up to it (decision 11), which the batch brings. The scheduler sends a batch at the end
//! of every simulated day and whenever it holds `batch_size` events, so a killed run keeps every
//! day it finished. A bounded channel keeps the simulation at most two batches ahead of the disk,
//! and the simulation and the I/O overlap on separate cores (decision 2).
//!
//! The writer's thread does nothing but the store's checks and the append, which is what limits a
//! stored run: the shards write their own events' canonical bytes when the run keeps no log in
//! memory ([`Logged`], [`Encoded`]; the canonical form does not depend on `global_seq`, decision
//! 11 §4), the merger, which sees every event in log order anyway, hashes them (decision 25) and
//! hands them on in pieces of the shards' chunks, and the writer binds each row from its bytes
//! (decision 28). Only a run with a store starts a writer.
//!
//! Reading back (decision 21): an office that restarts after a crash rebuilds its state from its
//! own events in the log. Its shard asks through the merger, which passes the request on behind
//! every event before the restart ([`LogBatch::read_back`]); the writer answers it after
//! committing them, on its own connection (the one writer of decision 9; reading writes
//! nothing).
//!
//! Resuming (`run --resume`): the store already holds a prefix of this run. The writer then
//! reads the stored events back as the run produces them and checks each against its new copy
//! (every field, so the hash up to there matches too); it appends only what follows, and a
//! difference stops the run before anything is written.

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::Arc;
use std::sync::mpsc::SyncSender;

use event_store::{AppendResult, EventRecord, EventStore, NewEvent, StoreError, StoredRow};
use model::envelope::Envelope;
use model::service::Service;
use model::time::SimTime;

use crate::log::{read_canonical, to_record, write_envelope};
use crate::scheduler::{Merger, SimError};

/// A chunk's events as the shards hand them on (decision 28): envelopes, for a run that keeps
/// its log in memory; records, for a resumed run, whose writer compares them with the stored
/// ones; or canonical bytes ([`Encoded`]) for every other run, with or without a store.
pub(crate) trait Logged: Default + Send + 'static {
    /// The merger's place in a chunk's events it received.
    type Cursor: Default;
    /// Adds the next event (in the global order of its shard).
    fn push(&mut self, env: Envelope);
    /// How many events are in.
    fn len(&self) -> usize;
    /// An empty container for the next chunk, with room for what this one holds (a chunk
    /// grown from nothing copies its bytes over again at every doubling).
    fn emptied_like(&self) -> Self;
    /// The events, for the merger to take in order.
    fn cursor(self) -> Self::Cursor;
    /// Hands the next `n` events to the merger.
    fn hand_on(
        cursor: &mut Self::Cursor,
        n: usize,
        merger: &mut Merger<'_>,
    ) -> Result<(), SimError>;
}

impl Logged for Vec<Envelope> {
    type Cursor = std::vec::IntoIter<Envelope>;
    fn push(&mut self, env: Envelope) {
        Vec::push(self, env);
    }
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn emptied_like(&self) -> Self {
        Vec::with_capacity(self.len())
    }
    fn cursor(self) -> Self::Cursor {
        self.into_iter()
    }
    fn hand_on(
        cursor: &mut Self::Cursor,
        n: usize,
        merger: &mut Merger<'_>,
    ) -> Result<(), SimError> {
        cursor.take(n).try_for_each(|env| merger.envelope(env))
    }
}

impl Logged for Vec<EventRecord> {
    type Cursor = std::vec::IntoIter<EventRecord>;
    fn push(&mut self, env: Envelope) {
        Vec::push(self, to_record(&env));
    }
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn emptied_like(&self) -> Self {
        Vec::with_capacity(self.len())
    }
    fn cursor(self) -> Self::Cursor {
        self.into_iter()
    }
    fn hand_on(
        cursor: &mut Self::Cursor,
        n: usize,
        merger: &mut Merger<'_>,
    ) -> Result<(), SimError> {
        cursor.take(n).try_for_each(|record| merger.record(record))
    }
}

/// Events as their canonical bytes ([`write_envelope`]), back to back in one buffer: what a
/// shard hands on when nothing needs the envelopes. The merger hashes each tick's bytes at once
/// and the writer reads each event's row from them ([`read_canonical`]), so an event crosses the
/// threads as bytes, once, and no thread allocates or frees anything per event.
#[derive(Debug, Default)]
pub struct Encoded {
    bytes: Vec<u8>,
    /// Per event: one past its last byte in `bytes`, and its type's position in
    /// [`model::event::Event::TYPE_NAMES`] (which the writer would otherwise search for).
    ends: Vec<(u32, u16)>,
}

impl Encoded {
    /// The bytes of the events `range`, contiguous.
    pub(crate) fn bytes_of(&self, range: Range<usize>) -> &[u8] {
        let start = self.start(range.start);
        let end = if range.is_empty() {
            start
        } else {
            self.ends[range.end - 1].0 as usize
        };
        &self.bytes[start..end]
    }

    /// Where event `i` starts.
    fn start(&self, i: usize) -> usize {
        i.checked_sub(1)
            .map_or(0, |prev| self.ends[prev].0 as usize)
    }

    /// Event `i`'s canonical bytes and type.
    fn event(&self, i: usize) -> (&[u8], usize) {
        let (end, type_index) = self.ends[i];
        (
            &self.bytes[self.start(i)..end as usize],
            usize::from(type_index),
        )
    }
}

impl Logged for Encoded {
    type Cursor = (Arc<Encoded>, usize);
    fn push(&mut self, env: Envelope) {
        write_envelope(&env, &mut self.bytes);
        let end = u32::try_from(self.bytes.len()).expect("a chunk holds less than 4 GiB");
        let type_index = u16::try_from(env.event.index()).expect("fewer than 2^16 event types");
        self.ends.push((end, type_index));
    }
    fn len(&self) -> usize {
        self.ends.len()
    }
    fn emptied_like(&self) -> Self {
        Encoded {
            bytes: Vec::with_capacity(self.bytes.len()),
            ends: Vec::with_capacity(self.ends.len()),
        }
    }
    fn cursor(self) -> Self::Cursor {
        (Arc::new(self), 0)
    }
    fn hand_on(
        (events, next): &mut Self::Cursor,
        n: usize,
        merger: &mut Merger<'_>,
    ) -> Result<(), SimError> {
        let range = *next..*next + n;
        *next = range.end;
        merger.encoded(events, range)
    }
}

/// Consecutive events of one shard's chunk, in a batch to the writer: the chunk is shared, not
/// copied (the last batch to hold a piece of it frees it).
pub struct Piece {
    pub(crate) events: Arc<Encoded>,
    pub(crate) range: Range<usize>,
}

/// Events in global order, handed to the writer together.
pub struct LogBatch {
    /// The events as records (a run that keeps its log, or resumes), or none.
    pub events: Vec<EventRecord>,
    /// The events as canonical bytes (every other run), or none.
    pub pieces: Vec<Piece>,
    /// `Some(t)`: every event at an instant at or before `t` is in this batch or an earlier one
    /// (the batch ends on an instant boundary). `None`: the batch ends inside an instant.
    pub closes: Option<SimTime>,
    /// The log hash up to this batch's last event (the run's inputs and every event before it
    /// included), which the batch's commit records (decision 11).
    pub log_hash: String,
    /// Offices to read back once this batch is committed: every event before each request's
    /// instant is then in the log.
    pub read_back: Vec<ReadBack>,
}

/// A shard's request for the events an office of its recorded before it restarted.
#[derive(Debug)]
pub struct ReadBack {
    pub(crate) service: Service,
    /// The shard's residents.
    pub(crate) residents: Range<u32>,
    /// The instant the office restarts: its events before it.
    pub(crate) before: SimTime,
    /// Where the answer goes (a channel of one: the writer never waits on it).
    pub(crate) reply: SyncSender<Result<Vec<EventRecord>, StoreError>>,
}

/// What the log-writer thread hands back: the store.
pub(crate) type WriterResult = Result<EventStore, SimError>;

/// The handle to the log-writer thread.
pub(crate) struct LogWriter {
    tx: Option<std::sync::mpsc::SyncSender<LogBatch>>,
    thread: Option<std::thread::JoinHandle<WriterResult>>,
}

impl LogWriter {
    /// Starts the thread. With `resume`, the events `store` already holds are checked, not
    /// appended.
    pub(crate) fn spawn(store: EventStore, resume: bool) -> LogWriter {
        let (tx, rx) = std::sync::mpsc::sync_channel::<LogBatch>(2);
        // Named, so that a per-thread profile (`top -H`, `/proc/<pid>/task`) tells it apart.
        let thread = std::thread::Builder::new()
            .name("log-writer".into())
            .spawn(move || {
                // The store's commit events are reported inside this span.
                let _span = tracing::debug_span!("log_writer").entered();
                let mut writer = Writer::new(store, resume)?;
                for mut batch in rx {
                    let read_back = std::mem::take(&mut batch.read_back);
                    writer.write(batch)?;
                    for request in read_back {
                        writer.read_back(request);
                    }
                }
                writer.finish()
            })
            .expect("the log-writer thread starts");
        LogWriter {
            tx: Some(tx),
            thread: Some(thread),
        }
    }

    pub(crate) fn send(&mut self, batch: LogBatch) -> Result<(), SimError> {
        let sent = self.tx.as_ref().is_some_and(|tx| tx.send(batch).is_ok());
        if sent {
            Ok(())
        } else {
            // The writer stopped: its own error says why.
            Err(self.finish().err().unwrap_or(SimError::WriterGone))
        }
    }

    /// Waits for every batch to be written; returns the store.
    pub(crate) fn finish(&mut self) -> WriterResult {
        self.tx = None;
        match self.thread.take() {
            Some(t) => t.join().map_err(|_| SimError::WriterGone)?,
            None => Err(SimError::WriterGone),
        }
    }
}

/// Stored events read ahead while a resumed run is checked against them.
const READ_AHEAD: usize = 16_384;

/// The writer thread's state.
struct Writer {
    store: EventStore,
    /// When resuming: how many events the store held at the start (they are checked, not
    /// appended), and the next ones read ahead.
    stored: u64,
    ahead: VecDeque<EventRecord>,
    /// The last `global_seq` read ahead.
    read: u64,
    /// Events received so far.
    seen: u64,
}

impl Writer {
    fn new(store: EventStore, resume: bool) -> Result<Writer, SimError> {
        let stored = if resume { store.last_global_seq()? } else { 0 };
        Ok(Writer {
            store,
            stored,
            ahead: VecDeque::new(),
            read: 0,
            seen: 0,
        })
    }

    fn write(&mut self, batch: LogBatch) -> Result<(), SimError> {
        self.write_records(batch.events, &batch.log_hash)?;
        self.write_pieces(&batch.pieces, &batch.log_hash)?;
        if let Some(t) = batch.closes {
            tracing::debug!(through = %t, events = self.seen, "committed");
        }
        Ok(())
    }

    fn write_records(&mut self, events: Vec<EventRecord>, log_hash: &str) -> Result<(), SimError> {
        let mut rows = Vec::with_capacity(events.len());
        for record in events {
            self.seen = record.global_seq;
            if record.global_seq <= self.stored {
                self.check_stored(&record)?;
            } else {
                rows.push(NewEvent {
                    expected_version: record.stream_version - 1,
                    record,
                });
            }
        }
        if !rows.is_empty() {
            let results = self.store.append_committing(&rows, log_hash)?;
            all_written(rows.iter().map(|new| new.record.global_seq), results)?;
        }
        Ok(())
    }

    /// Appends events given as canonical bytes: each one's row is read from its bytes
    /// ([`read_canonical`]) and bound from them, numbered by its position in the log.
    fn write_pieces(&mut self, pieces: &[Piece], log_hash: &str) -> Result<(), SimError> {
        let count = pieces.iter().map(|p| p.range.len()).sum();
        let mut rows = Vec::with_capacity(count);
        for piece in pieces {
            for i in piece.range.clone() {
                self.seen += 1;
                let (bytes, type_index) = piece.events.event(i);
                let (header, payload) = read_canonical(bytes, self.seen, type_index)?;
                if self.seen <= self.stored {
                    // A resumed run hands on records; checked the same way all the same.
                    self.check_stored(&header.record(payload))?;
                } else {
                    rows.push(StoredRow { header, payload });
                }
            }
        }
        if !rows.is_empty() {
            let results = self.store.append_stored_committing(&rows, log_hash)?;
            all_written(rows.iter().map(|row| row.header.global_seq), results)?;
        }
        Ok(())
    }

    /// Answers a shard's request to read an office's events back. The shard may have stopped
    /// meanwhile.
    fn read_back(&self, request: ReadBack) {
        let ReadBack {
            service,
            residents,
            before,
            reply,
        } = request;
        let _ = reply.send(self.store.read_office_before(service, residents, before));
    }

    /// Checks a stored event of a resumed run against the run's own.
    fn check_stored(&mut self, record: &EventRecord) -> Result<(), SimError> {
        if self.ahead.is_empty() {
            self.ahead
                .extend(self.store.read_after(self.read, READ_AHEAD)?);
            self.read += self.ahead.len() as u64;
        }
        match self.ahead.pop_front() {
            Some(stored) if stored == *record => Ok(()),
            _ => Err(SimError::ResumeMismatch {
                global_seq: record.global_seq,
            }),
        }
    }

    fn finish(self) -> WriterResult {
        if self.seen < self.stored {
            return Err(SimError::ResumeLonger {
                stored: self.stored,
                produced: self.seen,
            });
        }
        Ok(self.store)
    }
}

/// The store must have written every event; a duplicate means it did not.
fn all_written(
    seqs: impl Iterator<Item = u64>,
    results: Vec<AppendResult>,
) -> Result<(), SimError> {
    match seqs
        .zip(results)
        .find(|(_, r)| matches!(r, AppendResult::Duplicate { .. }))
    {
        Some((global_seq, _)) => Err(SimError::NotWritten { global_seq }),
        None => Ok(()),
    }
}
