//! The log-writer thread: it receives the run's stored records in global order, in batches, and
//! appends each batch to the store in one transaction, recording in that transaction the hash of
//! the log up to it (decision 11), which the batch brings. The scheduler sends a batch at the end
//! of every simulated day and whenever it holds `batch_size` events, so a killed run keeps every
//! day it finished. A bounded channel keeps the simulation at most two batches ahead of the disk,
//! and the simulation and the I/O overlap on separate cores (decision 2).
//!
//! The writer's thread does nothing but the store's checks and the append, which is what limits a
//! stored run: the shards encode their own events into records when the run keeps no log in
//! memory ([`Logged`]; the canonical form does not depend on `global_seq`, decision 11 §4), and
//! the merger, which sees every event in log order anyway, feeds the log hash (decision 25). Only
//! a run with a store starts a writer.
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
use std::sync::mpsc::SyncSender;

use event_store::{AppendResult, EventRecord, EventStore, NewEvent, StoreError};
use model::envelope::Envelope;
use model::service::Service;
use model::time::SimTime;

use crate::log::to_record;
use crate::scheduler::SimError;

/// One event as the shards hand it on: its envelope, or its stored record already encoded.
pub trait Logged: Send + 'static {
    /// The form of `env` the shard hands on.
    fn of(env: Envelope) -> Self;
    /// Gives the event its place in the log.
    fn number(&mut self, global_seq: u64);
    /// The stored record (log format 2).
    fn into_record(self) -> EventRecord;
    /// The envelope, when this form keeps it (for a run that keeps its log in memory).
    fn envelope(&self) -> Option<&Envelope>;
}

impl Logged for Envelope {
    fn of(env: Envelope) -> Self {
        env
    }
    fn number(&mut self, global_seq: u64) {
        self.global_seq = global_seq;
    }
    fn into_record(self) -> EventRecord {
        to_record(&self)
    }
    fn envelope(&self) -> Option<&Envelope> {
        Some(self)
    }
}

impl Logged for EventRecord {
    fn of(env: Envelope) -> Self {
        to_record(&env)
    }
    fn number(&mut self, global_seq: u64) {
        self.global_seq = global_seq;
    }
    fn into_record(self) -> EventRecord {
        self
    }
    fn envelope(&self) -> Option<&Envelope> {
        None
    }
}

/// Events in global order, handed to the writer together.
pub struct LogBatch {
    pub events: Vec<EventRecord>,
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
        let mut rows = Vec::with_capacity(batch.events.len());
        for record in batch.events {
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
            let results = self.store.append_committing(&rows, &batch.log_hash)?;
            // The store must have written every event; a duplicate means it did not.
            if let Some((new, _)) = rows
                .iter()
                .zip(results)
                .find(|(_, r)| matches!(r, AppendResult::Duplicate { .. }))
            {
                return Err(SimError::NotWritten {
                    global_seq: new.record.global_seq,
                });
            }
            if let Some(t) = batch.closes {
                tracing::debug!(through = %t, events = self.seen, "committed");
            }
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
