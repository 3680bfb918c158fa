//! The log-writer thread: it receives the run's events in global order, in batches, encodes each
//! into its stored record, feeds the log hash, and appends to the store in one transaction per
//! batch. A bounded channel keeps the simulation at most two batches ahead of the disk, and the
//! simulation and the I/O overlap on separate cores (decision 2). What it receives is fixed by
//! decision 11: compact envelopes in the global order, batches that say which instants they close.

use event_store::{AppendResult, EventStore, NewEvent};
use model::envelope::Envelope;
use model::time::SimTime;

use crate::log::{LogHasher, to_record};
use crate::scheduler::SimError;

/// Events in global order, handed to the writer together.
pub struct LogBatch {
    pub events: Vec<Envelope>,
    /// `Some(t)`: every event at an instant at or before `t` is in this batch or an earlier one
    /// (the batch ends on an instant boundary). `None`: the batch ends inside an instant.
    pub closes: Option<SimTime>,
}

/// What the log-writer thread hands back: the store (if any) and the log hash.
pub(crate) type WriterResult = Result<(Option<EventStore>, String), SimError>;

/// The handle to the log-writer thread.
pub(crate) struct LogWriter {
    tx: Option<std::sync::mpsc::SyncSender<LogBatch>>,
    thread: Option<std::thread::JoinHandle<WriterResult>>,
}

impl LogWriter {
    pub(crate) fn spawn(mut store: Option<EventStore>) -> LogWriter {
        let (tx, rx) = std::sync::mpsc::sync_channel::<LogBatch>(2);
        let thread = std::thread::spawn(move || {
            // The store's commit events are reported inside this span.
            let _span = tracing::debug_span!("log_writer").entered();
            let mut hasher = LogHasher::new();
            for batch in rx {
                let mut rows = Vec::with_capacity(batch.events.len());
                for env in &batch.events {
                    let record = to_record(env);
                    hasher.add(&record);
                    if store.is_some() {
                        rows.push(NewEvent {
                            record,
                            expected_version: u64::from(env.stream_version - 1),
                        });
                    }
                }
                if let Some(store) = store.as_mut() {
                    let results = store.append(&rows)?;
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
                }
            }
            Ok((store, hasher.finish()))
        });
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

    /// Waits for every batch to be written; returns the store and the log hash.
    pub(crate) fn finish(&mut self) -> WriterResult {
        self.tx = None;
        match self.thread.take() {
            Some(t) => t.join().map_err(|_| SimError::WriterGone)?,
            None => Err(SimError::WriterGone),
        }
    }
}
