//! The run: residents partitioned into shards, each stepped by its own scheduler on its own
//! thread (`shard.rs`), and the merge of their outputs into the one global order of the log
//! (decision 11), which the log-writer thread stores.
//!
//! Shard *k* of *N* holds the contiguous ids `[k·n/N, (k+1)·n/N)`. Each shard hands on, tick by
//! tick (the enrolment, then each instant), its events sorted by resident; the merger takes the
//! earliest tick any shard has, concatenates the shards' events for it in shard order, numbers
//! them (`global_seq`, positional), feeds the log hash and passes them on to the log writer in
//! batches, each with the hash of the log up to it (decision 25). Because the order is defined by
//! (time, resident, the resident's own order) and never by the shards, the log, its hash, the
//! projections and every measure are the same for any number of threads.
//!
//! Storing trails delivery: the writer commits batches while the simulation goes on, so an
//! office may act on an event before it is on disk. A batch is sent when it is full (at an
//! instant boundary when one comes soon enough) and at the end of every simulated day, so the
//! writer can commit at least once per simulated day; the run returns only once every batch is
//! committed.
//!
//! An office that restarts after a crash in a run with a store rebuilds its state from its own
//! events in the log (decision 21). Its shard sends, instead of its next tick, a request to read
//! them back ([`crate::writer::ReadBack`]) and waits for the answer. The merger treats the
//! request as that shard's next tick: when it is the earliest of all, every event before the
//! restart is merged, so the merger hands the pending batch to the writer with the request,
//! which the writer answers once the batch is committed. Other shards' ticks before the restart
//! are merged first and nothing waits for a shard that waits, so the wait cannot deadlock.

use std::ops::Range;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, sync_channel};

use chrono::NaiveDate;
use event_store::{EventStore, StoreError};
use model::command::ResidentProfile;
use model::envelope::{Envelope, EventRecord};
use model::ids::ResidentId;
use model::policy::Policy;
use model::time::SimTime;
use projection::Projections;

use crate::agent::{ScriptedCollection, StepInput};
use crate::delivery::FaultTally;
use crate::log::{LogHasher, RunHeader, to_record};
use crate::shard::{Chunk, Shard, ShardInput, ShardOutput, Tick, TickOut};
use crate::writer::{Encoded, LogBatch, LogWriter, Logged, Piece, ReadBack};

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The writer could not read an event's row from the bytes a shard made: a bug.
    #[error(transparent)]
    Canonical(#[from] crate::log::CanonicalError),
    #[error("the store did not write event {global_seq}: it reported a duplicate")]
    NotWritten { global_seq: u64 },
    #[error("the log-writer thread stopped unexpectedly")]
    WriterGone,
    /// An office restarting after a crash read back from the log an event it cannot decode.
    #[error("an office rebuilding after a crash read back an event it cannot decode: {0}")]
    ReadBack(#[from] crate::log::DecodeError),
    #[error("the {0} inbox overflowed: a scheduler bug")]
    Inbox(&'static str),
    /// The run stopped making progress (a loop that re-schedules itself for ever): stopped
    /// rather than left to hang.
    #[error("the run made no progress at {at}: {why} (a loop in the offices or the scheduler)")]
    NoProgress { at: SimTime, why: String },
    #[error("a shard stopped because the run was abandoned")]
    MergerGone,
    #[error("shard {0} stopped unexpectedly (it panicked)")]
    ShardPanicked(usize),
    #[error(
        "cannot resume: event {global_seq} of the stored log is not the one this run produces \
         (the log was written by another run, another build, or was changed)"
    )]
    ResumeMismatch { global_seq: u64 },
    #[error(
        "cannot resume: the stored log holds {stored} events, more than the {produced} this run \
         produces"
    )]
    ResumeLonger { stored: u64, produced: u64 },
    #[error("cannot resume: the log is of another run (its {what} differs)")]
    ResumeOtherRun { what: crate::scenario_run::RunPart },
}

/// The residents a run simulates and their steps, handed out by shard: resident ids are
/// `0..len()`, and a shard asks only for its own range.
pub trait Residents: Sync {
    /// How many residents (ids `0..len()`).
    fn len(&self) -> usize;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The starting profile of `resident`, to be shared by the offices that enrol it.
    fn profile(&self, resident: ResidentId) -> Arc<ResidentProfile>;

    /// The steps of the residents with ids in `range`, sorted by time (stable), built as they
    /// are reached.
    fn steps(&self, range: Range<u32>) -> Box<dyn Iterator<Item = StepInput> + Send + '_>;

    /// The scripted card collections (`collect_card` and `collect_my_number_card` steps) of the
    /// residents with ids in `range`, which take the place of the resident agent's own
    /// (docs/decisions/0005): who, when, and whether the card is the separate My Number card.
    /// None for a synthetic population.
    fn collections(&self, range: Range<u32>) -> Vec<ScriptedCollection> {
        let _ = range;
        Vec::new()
    }

    /// `Some` when the steps were written for another regime than the run's, so that the
    /// resident agent supplies the follow-up visits the run's regime requires (the legacy
    /// validity change, docs/what-if.md): then the scripted validity changes (`who`, `when`) of
    /// the residents with ids in `range`, which take the place of the agent's own. `None` for a
    /// synthetic population (the agent decides everything for it anyway) and for scripted steps
    /// run under the regime they were written for.
    fn follow_ups(&self, range: Range<u32>) -> Option<Vec<(ResidentId, SimTime)>> {
        let _ = range;
        None
    }
}

/// Scripted residents: profiles and dated commands, as a scenario file or a test gives them.
#[derive(Debug, Clone, Default)]
pub struct Scripted {
    pub residents: Vec<ResidentProfile>,
    /// Sorted by time (stable).
    pub steps: Vec<(SimTime, model::command::Command)>,
    /// The steps were written for another regime than the run's: the resident agent supplies
    /// the follow-up visits of the run's regime ([`Residents::follow_ups`]).
    pub supply_follow_ups: bool,
}

impl Residents for Scripted {
    fn len(&self) -> usize {
        self.residents.len()
    }

    fn profile(&self, resident: ResidentId) -> Arc<ResidentProfile> {
        Arc::new(self.residents[resident.index()].clone())
    }

    fn steps(&self, range: Range<u32>) -> Box<dyn Iterator<Item = StepInput> + Send + '_> {
        Box::new(
            self.steps
                .iter()
                .filter(move |(_, c)| range.contains(&c.resident().0))
                .map(|(at, c)| StepInput::from((*at, c.clone()))),
        )
    }
    fn collections(&self, range: Range<u32>) -> Vec<ScriptedCollection> {
        use model::command::Command;
        self.steps
            .iter()
            .filter(|(_, c)| range.contains(&c.resident().0))
            .filter_map(|(at, c)| match c {
                Command::CollectCard { .. } => Some((c.resident(), *at, false)),
                Command::CollectMyNumberCard { .. } => Some((c.resident(), *at, true)),
                _ => None,
            })
            .collect()
    }

    fn follow_ups(&self, range: Range<u32>) -> Option<Vec<(ResidentId, SimTime)>> {
        use model::command::Command;
        self.supply_follow_ups.then(|| {
            self.steps
                .iter()
                .filter(|(_, c)| range.contains(&c.resident().0))
                .filter(|(_, c)| matches!(c, Command::RequestMyNumberValidityChange { .. }))
                .map(|(at, c)| (c.resident(), *at))
                .collect()
        })
    }
}

/// A synthetic population: profiles and steps are built from its compact records as a shard
/// reaches them.
impl Residents for population::Population {
    fn len(&self) -> usize {
        population::Population::len(self)
    }

    fn profile(&self, resident: ResidentId) -> Arc<ResidentProfile> {
        Arc::new(population::Population::profile(self, resident))
    }

    fn steps(&self, range: Range<u32>) -> Box<dyn Iterator<Item = StepInput> + Send + '_> {
        Box::new(self.steps_of(range).map(StepInput::from))
    }
}

/// What a run simulates.
pub struct RunInput<'a> {
    pub residents: &'a dyn Residents,
    pub start: NaiveDate,
    /// The last simulated day.
    pub until: NaiveDate,
    pub policy: Policy,
    pub seed: u64,
}

/// A progress report, sent after each instant.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub now: SimTime,
    pub events: u64,
}

/// How to run.
pub struct RunOptions<'a> {
    /// Where to append the log; `None` keeps it only in memory (if `keep_log`). The store is
    /// handed to the log-writer thread for the run and returned in [`RunOutput::store`].
    pub store: Option<EventStore>,
    /// Keep every envelope in memory (for transcripts and checks of small runs).
    pub keep_log: bool,
    /// Compute the log hash and the final state hash. A run with no store, no log kept and no
    /// hashes (a what-if arm) builds no envelopes at all: only the projections.
    pub hashes: bool,
    /// Most events per store transaction; the writer also commits at the end of every
    /// simulated day (decision 11).
    pub batch_size: usize,
    /// Worker threads, one shard each (never more shards than residents).
    pub threads: usize,
    pub progress: Option<&'a mut dyn FnMut(Progress)>,
    /// The run's inputs, which the log hash covers besides the events (decision 11).
    pub header: RunHeader,
    /// The store already holds a prefix of this run (`run --resume`): the writer checks every
    /// stored event against the one the run produces, and appends only what follows.
    pub resume: bool,
}

/// The default number of worker threads: the cores available.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

impl Default for RunOptions<'_> {
    fn default() -> Self {
        RunOptions {
            store: None,
            keep_log: true,
            hashes: true,
            batch_size: 100_000,
            threads: default_threads(),
            progress: None,
            header: RunHeader::default(),
            resume: false,
        }
    }
}

/// What a run produced.
pub struct RunOutput {
    /// The store the log was appended to, if one was given.
    pub store: Option<EventStore>,
    pub log: Vec<Envelope>,
    pub projections: Projections,
    /// The log hash and the final state hash; empty when the run was asked for no hashes and had
    /// neither a store nor a log to keep.
    pub log_hash: String,
    pub state_hash: String,
    pub events: u64,
    /// What the policy's faults did (all zero without faults).
    pub faults: FaultTally,
}

/// How much lower than the run's other threads a shard thread is scheduled while a log writer
/// runs (a nice increment, decision 30).
const SHARD_NICENESS: i32 = 5;

/// Lowers the calling shard thread's scheduling priority (on Linux a nice value is the
/// thread's own), so that the log writer — the thread a stored run waits for — gets a core
/// whenever it has work, and the shards use what it leaves. It changes when things run, never
/// what they produce. A failure only leaves the priority as it was.
fn give_way_to_the_writer() {
    #[cfg(target_os = "linux")]
    if let Err(e) = rustix::process::nice(SHARD_NICENESS) {
        tracing::debug!("a shard could not lower its priority: {e}");
    }
}

/// The shard ranges: `n` residents in `shards` contiguous, nearly equal parts.
pub(crate) fn shard_ranges(n: usize, shards: usize) -> Vec<Range<u32>> {
    let shards = shards.clamp(1, n.max(1));
    let bound = |k: usize| u32::try_from(k * n / shards).expect("fewer than 2^32 residents");
    (0..shards).map(|k| bound(k)..bound(k + 1)).collect()
}

/// Runs a simulation: the shards on their own threads, the merge and the writer's feed on this
/// one.
///
/// Reports its phases as `tracing` spans — `run`, and in it `shards` and `finish` — with a debug
/// event at each new simulated day; none of this touches the log.
#[tracing::instrument(
    name = "run",
    skip_all,
    fields(residents = input.residents.len(), seed = input.seed, threads = options.threads)
)]
pub fn run(input: RunInput<'_>, options: RunOptions<'_>) -> Result<RunOutput, SimError> {
    if options.keep_log {
        run_as::<Vec<Envelope>>(input, options)
    } else if options.resume {
        // The writer compares the stored prefix with the run's own records.
        run_as::<Vec<EventRecord>>(input, options)
    } else {
        // Nothing needs the envelopes: each shard writes its events' canonical bytes into one
        // buffer per chunk on its own thread, the merger hashes them a tick at a time and the
        // writer binds each row from them (decision 28).
        run_as::<Encoded>(input, options)
    }
}

/// [`run`], the shards handing on their events as `T`.
fn run_as<T: Logged>(input: RunInput<'_>, options: RunOptions<'_>) -> Result<RunOutput, SimError> {
    let RunInput {
        residents,
        start,
        until,
        policy,
        seed,
    } = input;
    let stored = options.store.is_some();
    let emit = stored || options.keep_log || options.hashes || options.resume;
    // With a capacity, shards are whole blocks of residents (decision 17).
    let ranges = match &policy.capacity {
        Some(capacity) => {
            model::capacity::ranges_in_blocks(residents.len(), options.threads, capacity.block)
        }
        None => shard_ranges(residents.len(), options.threads),
    };
    let policy = &policy;
    let mut merger = Merger {
        writer: options
            .store
            .map(|store| LogWriter::spawn(store, options.resume)),
        hasher: emit.then(|| LogHasher::new(&options.header)),
        keep_log: options.keep_log,
        log: Vec::new(),
        batch: Vec::new(),
        pieces: Vec::new(),
        pending: 0,
        batch_size: options.batch_size.max(1),
        limit: options.batch_size.clamp(1, FIRST_BATCH),
        global_seq: 0,
        recorded: 0,
        progress: options.progress,
    };
    let outputs = std::thread::scope(|scope| {
        let mut streams = Vec::with_capacity(ranges.len());
        let mut handles = Vec::with_capacity(ranges.len());
        for (k, range) in ranges.iter().enumerate() {
            // A few chunks in flight per shard: a shard may run ahead of the merger by that
            // much, and no more.
            let (tx, rx) = sync_channel::<Chunk<T>>(16);
            let shard = Shard::new(ShardInput {
                residents: range.clone(),
                subject: residents,
                start,
                until,
                policy,
                seed,
                emit,
                stored,
            });
            let span = tracing::info_span!("shard", index = k);
            // Named, so that a per-thread profile tells the shards apart.
            let handle = std::thread::Builder::new()
                .name(format!("shard-{k}"))
                .spawn_scoped(scope, move || {
                    if stored {
                        give_way_to_the_writer();
                    }
                    span.in_scope(|| shard.run(tx))
                })
                .expect("a shard's thread starts");
            handles.push(handle);
            streams.push(Stream::new(rx));
        }
        let merged = merger.merge(&mut streams);
        // Dropping the receivers stops any shard still running (the merge failed).
        drop(streams);
        let mut outputs: Vec<ShardOutput> = Vec::with_capacity(handles.len());
        let mut first_error = merged.err();
        for (k, h) in handles.into_iter().enumerate() {
            match h.join() {
                Ok(Ok(out)) => outputs.push(out),
                Ok(Err(e)) => {
                    first_error.get_or_insert(e);
                }
                Err(_) => {
                    first_error.get_or_insert(SimError::ShardPanicked(k));
                }
            }
        }
        match first_error {
            // A shard stopped because the merger did: the merger's own error says why.
            Some(e) => Err(e),
            None => Ok(outputs),
        }
    });
    let outputs = match outputs {
        Ok(o) => o,
        Err(e @ (SimError::WriterGone | SimError::MergerGone)) => {
            // The writer stopped first: its own failure is the cause.
            return Err(match merger.writer.take().map(|mut w| w.finish()) {
                Some(Err(writer_error)) => writer_error,
                _ => e,
            });
        }
        Err(e) => return Err(e),
    };
    let _finish = tracing::info_span!("finish").entered();
    merger.flush(None)?;
    let events: u64 = outputs.iter().map(|o| o.events).sum();
    let mut faults = FaultTally::default();
    let mut parts = outputs.into_iter().map(|o| {
        faults.absorb(o.faults);
        o.projections
    });
    let mut projections = parts.next().unwrap_or_else(|| {
        Projections::new(start, policy.switches.validity.special_period_my_number, 0)
    });
    for part in parts {
        projections.absorb(part);
    }
    // Each shard advanced its own records; this advances only those of residents no shard
    // recorded (the gaps `absorb` fills).
    projections.finish(until);
    let state_hash = if emit {
        let _hash = tracing::info_span!("state hash").entered();
        projections.state_hash()
    } else {
        String::new()
    };
    let store = match merger.writer.take() {
        Some(mut w) => Some(w.finish()?),
        None => None,
    };
    let log_hash = merger
        .hasher
        .take()
        .map_or_else(String::new, LogHasher::finish);
    tracing::info!(events, log_hash = %log_hash, "run finished");
    Ok(RunOutput {
        store,
        log: merger.log,
        projections,
        log_hash,
        state_hash,
        events,
        faults,
    })
}

/// The most events of a run's first batch to the writer. The writer can start only once the
/// merger hands it a batch, and the run's first instant (the enrolment) alone is several times
/// `batch_size` at scale: with whole batches from the start, the writer would wait for the first
/// `batch_size` events with nothing to do (about a sixth of a 100,000-resident bench's stored
/// phase). So the first batches are small and each may be twice the one before, up to
/// `batch_size`: where the commits fall depends only on the events' count and days, never on
/// timing, so the log file is the same in every run.
pub const FIRST_BATCH: usize = 8192;

/// One shard's output as the merger reads it.
struct Stream<T: Logged> {
    rx: Receiver<Chunk<T>>,
    ticks: Vec<TickOut>,
    /// The next tick of `ticks` to take.
    tick: usize,
    /// The events of `ticks` not taken yet.
    events: T::Cursor,
    /// Where `events` starts in its chunk.
    event: usize,
    /// The shard's request to read an office back, which stands for its next tick.
    read_back: Option<ReadBack>,
    done: bool,
}

impl<T: Logged> Stream<T> {
    fn new(rx: Receiver<Chunk<T>>) -> Stream<T> {
        Stream {
            rx,
            ticks: Vec::new(),
            tick: 0,
            events: T::Cursor::default(),
            event: 0,
            read_back: None,
            done: false,
        }
    }

    /// The shard's next tick, waiting for it if need be; `None` when the shard has finished. A
    /// request to read an office back stands for a tick at its instant (the shard's next tick is
    /// no earlier).
    fn peek(&mut self) -> Option<Tick> {
        while self.tick == self.ticks.len() && !self.done && self.read_back.is_none() {
            match self.rx.recv() {
                Ok(chunk) => {
                    self.ticks = chunk.ticks;
                    self.events = chunk.events.cursor();
                    self.tick = 0;
                    self.event = 0;
                    self.read_back = chunk.read_back;
                }
                // The shard finished (or failed: its thread's result says so).
                Err(_) => self.done = true,
            }
        }
        match self.ticks.get(self.tick) {
            Some(t) => Some(t.tick),
            None => self.read_back.as_ref().map(|r| Tick::At(r.before)),
        }
    }

    /// The shard's request to read an office back, when it is all the shard has for `next`.
    fn take_read_back(&mut self, next: Tick) -> Option<ReadBack> {
        let waits = self.tick == self.ticks.len()
            && self
                .read_back
                .as_ref()
                .is_some_and(|r| Tick::At(r.before) == next);
        waits.then(|| self.read_back.take()).flatten()
    }

    /// Takes the next tick: hands its events (if handed on) to `merger`, which counts what it
    /// recorded.
    fn take(&mut self, merger: &mut Merger<'_>) -> Result<(), SimError> {
        let t = self.ticks[self.tick];
        self.tick += 1;
        let n = t.end - self.event;
        self.event = t.end;
        merger.recorded += t.recorded;
        T::hand_on(&mut self.events, n, merger)
    }
}

/// The merge of the shards' outputs into the global order, the log hash, and the feed of the
/// writer.
pub(crate) struct Merger<'p> {
    /// The log writer, when the run has a store.
    writer: Option<LogWriter>,
    /// The log hash, when the run hands its events on (decision 25: it reads them in log order
    /// here, so that the writer's thread does no more than append).
    hasher: Option<LogHasher>,
    keep_log: bool,
    log: Vec<Envelope>,
    /// The next batch's events, as records or as pieces of the shards' chunks (one or the
    /// other: a run hands its events on in one form), and how many.
    batch: Vec<EventRecord>,
    pieces: Vec<Piece>,
    pending: usize,
    batch_size: usize,
    /// The most events of the next batch: [`FIRST_BATCH`] at first, then twice the one before,
    /// up to `batch_size`.
    limit: usize,
    global_seq: u64,
    /// Events recorded so far (also when not handed on).
    recorded: u64,
    progress: Option<&'p mut dyn FnMut(Progress)>,
}

impl Merger<'_> {
    /// Merges until every shard has finished.
    fn merge<T: Logged>(&mut self, streams: &mut [Stream<T>]) -> Result<(), SimError> {
        let mut day: Option<NaiveDate> = None;
        let mut last: Option<SimTime> = None;
        loop {
            let Some(next) = streams.iter_mut().filter_map(Stream::peek).min() else {
                return Ok(());
            };
            let requests: Vec<ReadBack> = streams
                .iter_mut()
                .filter_map(|s| s.take_read_back(next))
                .collect();
            if !requests.is_empty() {
                // Every event before `next` is merged: the writer answers once they are
                // committed.
                self.read_back(last, requests)?;
                continue;
            }
            if let Tick::At(t) = next {
                if day != Some(t.date()) {
                    // The day before is complete: a batch ends there.
                    if day.is_some() {
                        self.flush(last)?;
                    }
                    day = Some(t.date());
                    tracing::debug!(day = %t.date(), events = self.recorded, "new day");
                }
                last = Some(t);
            }
            for s in streams.iter_mut() {
                // A tick may continue in the shard's next chunk (a large enrolment).
                while s.peek() == Some(next) {
                    s.take(self)?;
                }
            }
            if let Tick::At(now) = next {
                if self.pending * 2 >= self.limit {
                    self.flush(Some(now))?;
                }
                if let Some(report) = self.progress.as_deref_mut() {
                    report(Progress {
                        now,
                        events: self.recorded,
                    });
                }
            }
        }
    }

    /// Takes the next event of the log, as an envelope (a run that keeps its log).
    pub(crate) fn envelope(&mut self, mut env: Envelope) -> Result<(), SimError> {
        self.global_seq += 1;
        env.global_seq = self.global_seq;
        let record = to_record(&env);
        if self.keep_log {
            self.log.push(env);
        }
        self.add_record(record)
    }

    /// Takes the next event of the log, as its record.
    pub(crate) fn record(&mut self, mut record: EventRecord) -> Result<(), SimError> {
        self.global_seq += 1;
        record.global_seq = self.global_seq;
        self.add_record(record)
    }

    /// Hashes a numbered record and adds it to the batch.
    fn add_record(&mut self, record: EventRecord) -> Result<(), SimError> {
        if let Some(hasher) = self.hasher.as_mut() {
            hasher.add(&record);
        }
        if self.writer.is_none() {
            return Ok(());
        }
        self.batch.push(record);
        self.pending += 1;
        if self.pending >= self.limit {
            // Inside a tick too large for one batch.
            self.flush(None)?;
        }
        Ok(())
    }

    /// Takes the next events of the log, `range` of a shard's chunk of canonical bytes: hashes
    /// their bytes at once and adds them to the batch by reference — split where a batch fills,
    /// as [`Merger::record`] would split them one by one.
    pub(crate) fn encoded(
        &mut self,
        events: &Arc<Encoded>,
        mut range: Range<usize>,
    ) -> Result<(), SimError> {
        while !range.is_empty() {
            let room = match self.writer {
                Some(_) => self.limit.saturating_sub(self.pending).max(1),
                None => range.len(),
            };
            let part = range.start..range.end.min(range.start + room);
            range.start = part.end;
            if let Some(hasher) = self.hasher.as_mut() {
                hasher.add_canonical(events.bytes_of(part.clone()));
            }
            self.global_seq += part.len() as u64;
            if self.writer.is_none() {
                continue;
            }
            self.pending += part.len();
            match self.pieces.last_mut() {
                // The chunk's previous tick, still in this batch: one piece.
                Some(last) if Arc::ptr_eq(&last.events, events) && last.range.end == part.start => {
                    last.range.end = part.end;
                }
                _ => self.pieces.push(Piece {
                    events: Arc::clone(events),
                    range: part,
                }),
            }
            if self.pending >= self.limit {
                self.flush(None)?;
            }
        }
        Ok(())
    }

    /// Hands the pending events to the writer; `closes` says they end at that instant.
    fn flush(&mut self, closes: Option<SimTime>) -> Result<(), SimError> {
        let Some(writer) = self.writer.as_mut() else {
            self.batch.clear();
            self.pieces.clear();
            self.pending = 0;
            return Ok(());
        };
        if self.pending == 0 {
            return Ok(());
        }
        self.limit = self.limit.saturating_mul(2).min(self.batch_size);
        self.pending = 0;
        let events = std::mem::take(&mut self.batch);
        writer.send(LogBatch {
            events,
            pieces: std::mem::take(&mut self.pieces),
            closes,
            log_hash: current_hash(self.hasher.as_ref()),
            read_back: Vec::new(),
        })
    }

    /// Hands the pending events to the writer with requests to read offices back after them.
    /// Without a writer (no run asks then) the requests are dropped: their shards stop.
    fn read_back(
        &mut self,
        closes: Option<SimTime>,
        requests: Vec<ReadBack>,
    ) -> Result<(), SimError> {
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        self.pending = 0;
        let events = std::mem::take(&mut self.batch);
        writer.send(LogBatch {
            events,
            pieces: std::mem::take(&mut self.pieces),
            closes,
            log_hash: current_hash(self.hasher.as_ref()),
            read_back: requests,
        })
    }
}

/// The log hash up to the last event read. A run with a store always hashes (it hands its events
/// on), so the empty text is never what a commit records.
fn current_hash(hasher: Option<&LogHasher>) -> String {
    hasher.map_or_else(String::new, LogHasher::current)
}
