//! The deterministic scheduler: a virtual clock and a queue of deliveries ordered by
//! (simulated time, sequence number).
//!
//! At each instant it takes every delivery due, sends each service its share in one batch over
//! the service's channel, awaits the decisions, and then — in a fixed order (service order, then
//! delivery order) — numbers the events, folds them into the projections, schedules their
//! delivery to the services the notification rules name, after each link's latency, and hands
//! them to the log-writer thread. Because ordering never depends on which task answered first,
//! the log is the same on every machine.
//!
//! Storing trails delivery: the writer commits events in batches (`RunOptions::batch_size`)
//! while the simulation goes on, so an office may act on an event before it is on disk. The
//! order is fixed when the event is numbered, the writer keeps it, and the run returns only
//! once every batch is committed.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use card_issuer::CardIssuer;
use chrono::NaiveDate;
use city_hall::CityHall;
use event_store::{EventStore, StoreError};
use immigration_bureau::ImmigrationBureau;
use model::command::{Command, ResidentProfile};
use model::envelope::Envelope;
use model::event::Event;
use model::ids::ResidentId;
use model::machine::{Decision, Input};
use model::policy::Policy;
use model::rules;
use model::service::Service;
use model::time::{SimTime, start_of_day};
use police::Police;
use tracing::Instrument;
use uuid::Uuid;

use crate::actor::{ServiceGone, ServiceHandle};
use crate::agent::{Agent, StepInput};
use crate::log::RunHeader;
use crate::writer::{LogBatch, LogWriter};
use projection::Projections;

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Service(#[from] ServiceGone),
    #[error("the store did not write event {global_seq}: it reported a duplicate")]
    NotWritten { global_seq: u64 },
    #[error("could not start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("the log-writer thread stopped unexpectedly")]
    WriterGone,
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
    ResumeOtherRun { what: &'static str },
}

/// What a run simulates.
pub struct RunInput<S> {
    /// The residents, in id order (resident `i` is `ResidentId(i)`).
    pub residents: Vec<ResidentProfile>,
    /// The steps, sorted by time (stable): scenario steps as `(time, command)`, or population
    /// steps, whose resident behaviour the agent decides from the policy (see [`crate::agent`]).
    /// Consumed lazily, one instant at a time.
    pub steps: S,
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
    /// Events per store transaction at most; the writer also commits at the end of every
    /// simulated day (decision 11).
    pub batch_size: usize,
    pub progress: Option<&'a mut dyn FnMut(Progress)>,
    /// The run's inputs, which the log hash covers besides the events (decision 11).
    pub header: RunHeader,
    /// The store already holds a prefix of this run (`run --resume`): the writer checks every
    /// stored event against the one the run produces, and appends only what follows.
    pub resume: bool,
}

impl Default for RunOptions<'_> {
    fn default() -> Self {
        RunOptions {
            store: None,
            keep_log: true,
            batch_size: 100_000,
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
    pub log_hash: String,
    pub state_hash: String,
    pub events: u64,
}

/// A delivery waiting in the queue.
struct Pending {
    at: SimTime,
    seq: u64,
    to: Service,
    input: Input,
    cause: Option<Uuid>,
    correlation: Option<Uuid>,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// The number of services, and so of task handles, batches and stream-version tables.
const SERVICES: usize = Service::ALL.len();

fn service_index(s: Service) -> usize {
    s.index()
}

/// The queue plus its sequence counter.
struct Queue {
    heap: BinaryHeap<Reverse<Pending>>,
    seq: u64,
    /// Nothing at or after this time is ever delivered, so it is not queued (a card's lapse
    /// timer years beyond the horizon would otherwise sit in memory for the whole run).
    end: SimTime,
}

impl Queue {
    fn push(
        &mut self,
        at: SimTime,
        to: Service,
        input: Input,
        cause: Option<Uuid>,
        correlation: Option<Uuid>,
    ) {
        if at >= self.end {
            return;
        }
        self.seq += 1;
        self.heap.push(Reverse(Pending {
            at,
            seq: self.seq,
            to,
            input,
            cause,
            correlation,
        }));
    }
}

/// Per-run bookkeeping for numbering events. Encoding, hashing and storing happen on the
/// log-writer thread, so the two cores overlap simulation and I/O.
///
/// The log is ordered by (time, resident, the resident's own order) (decision 11): an event is
/// numbered in its resident's own count when it is decided (its id needs it, and the next
/// deliveries need the id), and given its `global_seq` when its instant is complete and sorted
/// by resident.
struct Recorder {
    seed: u64,
    /// Events numbered so far (every closed instant's).
    global_seq: u64,
    /// Events decided so far, numbered or not.
    decided: u64,
    versions: [Vec<u32>; SERVICES],
    /// Each resident's events so far.
    counters: Vec<u32>,
    /// The events of the instant being decided, in the order they were decided.
    instant: Vec<Envelope>,
    batch: Vec<Envelope>,
    writer: LogWriter,
    keep_log: bool,
    log: Vec<Envelope>,
    batch_size: usize,
}

impl Recorder {
    fn record(
        &mut self,
        service: Service,
        event: Event,
        at: SimTime,
        correlation: Option<Uuid>,
        cause: Option<Uuid>,
        projections: &mut Projections,
    ) -> (Uuid, Uuid) {
        self.decided += 1;
        let resident = event.resident();
        let i = resident.index();
        if self.counters.len() <= i {
            self.counters.resize(i + 1, 0);
        }
        self.counters[i] += 1;
        let id = model::envelope::event_id(self.seed, at, resident, self.counters[i]);
        let versions = &mut self.versions[service_index(service)];
        if versions.len() <= i {
            versions.resize(i + 1, 0);
        }
        versions[i] += 1;
        let env = Envelope {
            // Numbered when the instant closes.
            global_seq: 0,
            event_id: id,
            stream_version: versions[i],
            occurred_at: at,
            effective_on: effective_on(&event, at),
            service,
            correlation_id: correlation.unwrap_or(id),
            causation_id: cause,
            event,
        };
        projections.apply(&env);
        let ids = (env.event_id, env.correlation_id);
        self.instant.push(env);
        ids
    }

    /// Puts the instant's events in the log's order — by resident, each resident's in the
    /// order decided (a stable sort) — numbers them, and queues them for the writer.
    fn close_instant(&mut self) {
        self.instant.sort_by_key(|env| env.event.resident());
        for mut env in self.instant.drain(..) {
            self.global_seq += 1;
            env.global_seq = self.global_seq;
            if self.keep_log {
                self.log.push(env.clone());
            }
            self.batch.push(env);
        }
    }

    /// Hands the pending events to the writer, `batch_size` at a time, and the rest too when
    /// `force`; `closes` is the last instant numbered (a batch cut inside it closes none).
    fn flush(&mut self, force: bool, closes: Option<SimTime>) -> Result<(), SimError> {
        if self.batch.len() > self.batch_size {
            // Each event moves once, into its batch; what is left waits for the next flush.
            let mut all = std::mem::take(&mut self.batch).into_iter();
            loop {
                let events: Vec<Envelope> = all.by_ref().take(self.batch_size).collect();
                if events.len() < self.batch_size || all.len() == 0 {
                    self.batch = events;
                    break;
                }
                self.writer.send(LogBatch {
                    events,
                    closes: None,
                })?;
            }
        }
        if self.batch.len() == self.batch_size || (force && !self.batch.is_empty()) {
            let events = std::mem::replace(&mut self.batch, Vec::with_capacity(self.batch_size));
            self.writer.send(LogBatch { events, closes })?;
        }
        Ok(())
    }
}

/// The legal date a fact takes effect, when it differs from the day it was recorded.
fn effective_on(event: &Event, at: SimTime) -> Option<NaiveDate> {
    let date = match event {
        Event::MovedWithinMunicipality { moved_on, .. }
        | Event::MoveInRecorded { moved_on, .. } => *moved_on,
        _ => return None,
    };
    (date != at.date()).then_some(date)
}

/// The state of one run: the delivery queue, the resident agent, the service tasks, the policy,
/// the recorder and the projections. Every step of the run is a method on it.
struct Run {
    queue: Queue,
    agent: Agent,
    /// In `Service::ALL` order.
    handles: [ServiceHandle; SERVICES],
    policy: Arc<Policy>,
    recorder: Recorder,
    projections: Projections,
}

/// Runs a simulation on the current tokio runtime.
///
/// Reports its phases as `tracing` spans — `run`, and in it `enrolment`, `steps` and `finish` —
/// with a debug event at each new simulated day; none of this touches the log.
#[tracing::instrument(
    name = "run",
    skip_all,
    fields(residents = input.residents.len(), seed = input.seed)
)]
pub async fn run<S>(input: RunInput<S>, options: RunOptions<'_>) -> Result<RunOutput, SimError>
where
    S: Iterator,
    S::Item: Into<StepInput>,
{
    let RunInput {
        residents,
        steps,
        start,
        until,
        policy,
        seed,
    } = input;
    let n = residents.len();
    let policy = Arc::new(policy);
    let batch_size = options.batch_size.max(1);
    let end = start_of_day(until.succ_opt().unwrap_or(until));
    let mut run = Run {
        queue: Queue {
            heap: BinaryHeap::new(),
            seq: 0,
            end,
        },
        agent: Agent::new(seed, n),
        handles: [
            ServiceHandle::spawn::<ImmigrationBureau>(n, policy.clone(), seed),
            ServiceHandle::spawn::<CityHall>(n, policy.clone(), seed),
            ServiceHandle::spawn::<CardIssuer>(n, policy.clone(), seed),
            ServiceHandle::spawn::<Police>(n, policy.clone(), seed),
        ],
        projections: Projections::new(start, policy.switches.validity.special_period_my_number, n),
        policy,
        recorder: Recorder {
            seed,
            global_seq: 0,
            decided: 0,
            versions: std::array::from_fn(|_| vec![0; n]),
            counters: vec![0; n],
            instant: Vec::new(),
            batch: Vec::with_capacity(batch_size),
            writer: LogWriter::spawn(options.store, options.header, options.resume),
            keep_log: options.keep_log,
            log: Vec::new(),
            batch_size,
        },
    };
    let mut progress = options.progress;
    // Enrolment: every office records every resident's starting state at the first instant,
    // before anything else happens. Profiles are cloned a chunk at a time.
    let enrol = |service: usize| -> Source<'_> {
        // Only the offices that keep records about residents are enrolled.
        if Service::ALL[service] == Service::Police {
            return Box::new(std::iter::empty());
        }
        Box::new(residents.iter().enumerate().map(|(i, profile)| {
            let command = Command::EnrolResident {
                resident: ResidentId(i as u32),
                profile: Box::new(profile.clone()),
            };
            (Input::Command(command), (None, None))
        }))
    };
    let first = start_of_day(start);
    run.deliver(first, std::array::from_fn(enrol))
        .instrument(tracing::info_span!("enrolment"))
        .await?;
    tracing::info!(events = run.recorder.decided, "residents enrolled");
    drop(residents);
    let mut steps = steps.map(Into::<StepInput>::into).peekable();
    // The instant being decided: its events are numbered when the clock moves past it, and
    // handed to the writer at least at the end of every simulated day.
    let mut current = first;
    async {
        let mut day = None;
        loop {
            let next = match (run.queue.heap.peek(), steps.peek()) {
                (Some(Reverse(p)), Some(s)) => p.at.min(s.at),
                (Some(Reverse(p)), None) => p.at,
                (None, Some(s)) => s.at,
                (None, None) => break,
            };
            if next >= end {
                break;
            }
            if next != current {
                run.recorder.close_instant();
                let day_ends = next.date() != current.date();
                run.recorder.flush(day_ends, Some(current))?;
                current = next;
            }
            if day != Some(next.date()) {
                day = Some(next.date());
                tracing::debug!(day = %next.date(), events = run.recorder.global_seq, "new day");
            }
            while let Some(mut step) = steps.next_if(|s| s.at == next) {
                run.take_step(&mut step);
            }
            run.step_instant(next).await?;
            if let Some(report) = progress.as_deref_mut() {
                report(Progress {
                    now: next,
                    events: run.recorder.global_seq,
                });
            }
        }
        Ok::<(), SimError>(())
    }
    .instrument(tracing::info_span!("steps"))
    .await?;
    let _finish = tracing::info_span!("finish").entered();
    let out = run.finish(until, current)?;
    tracing::info!(events = out.events, log_hash = %out.log_hash, "run finished");
    Ok(out)
}

/// The cause and correlation of a delivery.
type Meta = (Option<Uuid>, Option<Uuid>);

/// A source of deliveries for one service at one instant.
type Source<'s> = Box<dyn Iterator<Item = (Input, Meta)> + 's>;

/// Inputs per message to a service task. Large instants (enrolling a national population) are
/// sent in chunks of this size so memory stays bounded; the order of the log does not change.
const CHUNK: usize = 8192;

fn next_chunk(source: &mut Source<'_>) -> (Vec<Input>, Vec<Meta>) {
    source.by_ref().take(CHUNK).unzip()
}

impl Run {
    /// Queues a scenario or population step for the offices it concerns, after the resident
    /// decided what the policy leaves to it (population steps only).
    fn take_step(&mut self, step: &mut StepInput) {
        self.agent.on_step(step, &self.policy, &self.projections);
        for &service in step.command.targets() {
            let input = Input::Command(step.command.clone());
            self.queue.push(step.at, service, input, None, None);
        }
    }

    /// Delivers everything due at `now` and records what the services decide.
    async fn step_instant(&mut self, now: SimTime) -> Result<(), SimError> {
        let mut due: [Vec<(Input, Meta)>; SERVICES] = Default::default();
        while let Some(Reverse(p)) = self
            .queue
            .heap
            .peek_mut()
            .filter(|p| p.0.at == now)
            .map(std::collections::binary_heap::PeekMut::pop)
        {
            due[service_index(p.to)].push((p.input, (p.cause, p.correlation)));
        }
        let sources: [Source<'_>; SERVICES] = due.map(|v| Box::new(v.into_iter()) as Source<'_>);
        self.deliver(now, sources).await
    }

    /// Sends each service its deliveries in chunks — every service's first chunk at once, so
    /// they work in parallel — and records the decisions in a fixed order: service by service,
    /// delivery by delivery, never in the order the tasks answer.
    async fn deliver(
        &mut self,
        now: SimTime,
        mut sources: [Source<'_>; SERVICES],
    ) -> Result<(), SimError> {
        let mut inflight: [Option<_>; SERVICES] = Default::default();
        for k in 0..SERVICES {
            let (inputs, metas) = next_chunk(&mut sources[k]);
            if !inputs.is_empty() {
                let name = Service::ALL[k].as_str();
                inflight[k] = Some((self.handles[k].deliver(now, inputs, name).await?, metas));
            }
        }
        for k in 0..SERVICES {
            let service = Service::ALL[k];
            while let Some((rx, metas)) = inflight[k].take() {
                let decisions: Vec<Decision> =
                    rx.await.map_err(|_| ServiceGone(service.as_str()))?;
                // Let the service work on its next chunk while this one is recorded.
                let (inputs, next_metas) = next_chunk(&mut sources[k]);
                if !inputs.is_empty() {
                    let rx = self.handles[k]
                        .deliver(now, inputs, service.as_str())
                        .await?;
                    inflight[k] = Some((rx, next_metas));
                }
                for ((cause, correlation), decision) in metas.into_iter().zip(decisions) {
                    self.record_decision(service, decision, cause, correlation, now);
                }
            }
        }
        Ok(())
    }

    /// Records one decision's events, routes them, and sets its timers.
    fn record_decision(
        &mut self,
        service: Service,
        decision: Decision,
        cause: Option<Uuid>,
        correlation: Option<Uuid>,
        now: SimTime,
    ) {
        let mut chain = correlation;
        let mut last = cause;
        for event in decision.events {
            // Only events that travel need a copy once the recorder has taken the original.
            let travels = !rules::notified(&event).is_empty() || Agent::reacts_to(&event);
            let routed = travels.then(|| event.clone());
            let (id, correlation) =
                self.recorder
                    .record(service, event, now, chain, cause, &mut self.projections);
            chain.get_or_insert(correlation);
            last = Some(id);
            if let Some(event) = routed {
                self.route(&event, service, id, correlation, now);
                // The resident's own reaction comes after the notices: at the same instant, an
                // office then hears of the event before the resident turns up.
                if let Some((at, command)) =
                    self.agent
                        .on_event(&event, now, &self.policy, &self.projections)
                {
                    for &to in command.targets() {
                        let input = Input::Command(command.clone());
                        self.queue.push(at, to, input, Some(id), Some(correlation));
                    }
                }
            }
        }
        for (at, command) in decision.timers {
            let to = command.targets()[0];
            self.queue
                .push(at.max(now), to, Input::Command(command), last, chain);
        }
    }

    /// Schedules the notices an event causes to other offices, each delivered when the model
    /// says it arrives (§6).
    fn route(&mut self, event: &Event, from: Service, id: Uuid, correlation: Uuid, now: SimTime) {
        for n in rules::notified(event) {
            let (_, delivered) = rules::notice_delivery(&self.policy, from, n.to, now);
            let input = Input::Notice {
                from,
                event: event.clone(),
            };
            self.queue
                .push(delivered, n.to, input, Some(id), Some(correlation));
        }
    }

    /// Stops the services, waits for the log to be written, and closes the day measures.
    fn finish(self, until: NaiveDate, last: SimTime) -> Result<RunOutput, SimError> {
        let Run {
            handles,
            mut recorder,
            mut projections,
            ..
        } = self;
        recorder.close_instant();
        recorder.flush(true, Some(last))?;
        drop(handles);
        let (store, log_hash) = recorder.writer.finish()?;
        projections.finish(until);
        let state_hash = projections.state_hash();
        Ok(RunOutput {
            store,
            log: recorder.log,
            projections,
            log_hash,
            state_hash,
            events: recorder.global_seq,
        })
    }
}

/// Runs a simulation on a fresh two-worker runtime (for the CLI, tests and benchmarks).
pub fn run_blocking<S>(input: RunInput<S>, options: RunOptions<'_>) -> Result<RunOutput, SimError>
where
    S: Iterator,
    S::Item: Into<StepInput>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .map_err(SimError::Runtime)?;
    runtime.block_on(run(input, options))
}
