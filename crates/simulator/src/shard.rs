//! A shard: a contiguous range of residents with its own offices (immigration bureau, city hall,
//! J-LIS, police), delivery queue, links, resident agent and projections, stepped by its own
//! scheduler on its own thread.
//!
//! Residents never interact, so a shard's residents do exactly what they would do in a run of
//! their own. At each instant the shard takes every delivery due, sends each office its share in
//! one batch, steps the office, and records the decisions in a fixed order — office by office
//! (`Service::ALL`), delivery by delivery — then the deliveries those events cause at the same
//! instant, until nothing more is due then. It numbers each resident's events (the resident's
//! event counter, from which the event id derives; decision 11) and each stream's versions, folds
//! the events into its projections, and — when the run wants the log — hands the instant's events
//! on sorted by resident (a stable sort, so each resident's own order stays): the global order of
//! decision 11 is then the shards' outputs concatenated in shard order, instant by instant.
//!
//! An office restarts after a crash at the first instant the shard steps once the crash is over,
//! before anything is delivered then. In a run with a store it rebuilds its state from its own
//! events read back from the log, which the shard asks for through the merger and waits for
//! (decision 21); without one, from the journal its service kept.

use std::ops::Range;
use std::sync::Arc;
use std::sync::mpsc::SyncSender;

use card_issuer::CardIssuer;
use chrono::NaiveDate;
use city_hall::CityHall;
use immigration_bureau::ImmigrationBureau;
use model::command::{Command, ResidentProfile};
use model::effective::effective_on;
use model::envelope::{Envelope, event_id};
use model::event::Event;
use model::ids::ResidentId;
use model::machine::{Decision, Input};
use model::policy::{DispositionAt, Policy};
use model::rules;
use model::service::Service;
use model::time::{SimTime, start_of_day};
use police::Police;
use projection::Projections;
use uuid::Uuid;

use crate::actor::{InboxFull, ServiceHandle, ServiceMessage};
use crate::agent::{Agent, StepInput};
use crate::delivery::{FaultTally, Links};
use crate::queue::{Meta, Queue};
use crate::scheduler::{Residents, SimError};
use crate::writer::{Logged, ReadBack};

/// The number of offices, and so of handles and stream-version tables.
const SERVICES: usize = Service::ALL.len();

/// Inputs per message to an office. The enrolment of a large shard is sent (and its events
/// handed on) this many residents at a time so that memory stays bounded; the order of the log
/// does not change, because residents never interact. The shard keeps an emptied decision for
/// every input of its largest batch, to decide into again (`spare`), so the batch is no larger
/// than a small part's enrolment needs: 1,024 (it was 8,192).
const CHUNK: usize = 1024;

/// Events per chunk handed to the merger: small enough to bound the memory in flight, large
/// enough that a message is rare.
const CHUNK_EVENTS: usize = 8192;

/// Rounds of deliveries at one instant (each round the deliveries the previous one's events
/// caused at that same instant) before the shard gives up on the run as making no progress. A
/// legitimate cascade is as deep as the longest chain of §6 notices and the resident's
/// reactions to them — about ten rounds; a decision that re-schedules itself for the same
/// instant would otherwise never let simulated time move on.
const ROUNDS_PER_INSTANT: u32 = 1000;

/// Events one resident may record in a run before the shard gives up on it as a loop. A year
/// of a resident's procedures is some fifty events; a decision that re-schedules itself a
/// minute later, for ever, reaches this within a few months of simulated time instead of
/// running on until the end of the run.
const EVENTS_PER_RESIDENT: u32 = 100_000;

/// A point of the global order: the enrolment (first, before every instant), then each instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Tick {
    Enrolment,
    At(SimTime),
}

/// The end of one tick's events in a [`Chunk`], and how many events the tick recorded (also
/// when they are not handed on).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TickOut {
    pub(crate) tick: Tick,
    /// One past the tick's last event in [`Chunk::events`].
    pub(crate) end: usize,
    pub(crate) recorded: u64,
}

/// What a shard hands the merger: consecutive ticks (a tick may continue in the next chunk) and,
/// when the run wants the log, their events in the global order — as envelopes, or in the form
/// the shard encoded them into itself when nothing needs the envelopes ([`Logged`]: canonical
/// bytes, or records) — and, last, a request to read an office's events back from the log, when
/// one restarts.
#[derive(Debug, Default)]
pub(crate) struct Chunk<T> {
    pub(crate) ticks: Vec<TickOut>,
    pub(crate) events: T,
    pub(crate) read_back: Option<ReadBack>,
}

/// What a finished shard returns.
pub(crate) struct ShardOutput {
    pub(crate) projections: Projections,
    pub(crate) events: u64,
    /// What the policy's faults did in this shard.
    pub(crate) faults: FaultTally,
}

/// What a shard runs.
pub(crate) struct ShardInput<'a> {
    pub(crate) residents: Range<u32>,
    pub(crate) subject: &'a dyn Residents,
    pub(crate) start: NaiveDate,
    pub(crate) until: NaiveDate,
    pub(crate) policy: &'a Policy,
    pub(crate) seed: u64,
    /// Hand every event on (for the log, its hash, or the transcript); otherwise only counts.
    pub(crate) emit: bool,
    /// The log is stored: an office rebuilds from it after a crash (decision 21).
    pub(crate) stored: bool,
}

/// Numbers each resident's events and each stream's versions, and keeps the current tick's
/// envelopes until the tick ends.
struct Recorder {
    seed: u64,
    base: u32,
    /// Events recorded so far per resident (its last event counter).
    counters: Vec<u32>,
    versions: [Vec<u32>; SERVICES],
    emit: bool,
    /// When a grant takes effect (the policy's switch), for the events' legal dates.
    disposition_at: DispositionAt,
    /// The current tick's envelopes, in the order the shard decided them.
    tick: Vec<Envelope>,
    /// Events recorded in the current tick.
    recorded: u64,
    total: u64,
    /// The first resident who recorded more than [`EVENTS_PER_RESIDENT`] events.
    runaway: Option<ResidentId>,
}

impl Recorder {
    /// The event counter of `resident`'s last event.
    fn counter(&self, resident: ResidentId) -> u32 {
        self.counters[(resident.0 - self.base) as usize]
    }

    /// Records one event; returns its id and its chain's correlation id.
    fn record(
        &mut self,
        service: Service,
        event: Event,
        at: SimTime,
        (cause, correlation): Meta,
        decided_on: Option<NaiveDate>,
        projections: &mut Projections,
    ) -> (Uuid, Uuid) {
        let resident = event.resident();
        let i = resident
            .0
            .checked_sub(self.base)
            .map(|i| i as usize)
            .filter(|&i| i < self.counters.len())
            .unwrap_or_else(|| panic!("{resident} is not in this shard's range"));
        self.counters[i] += 1;
        if self.counters[i] > EVENTS_PER_RESIDENT {
            self.runaway.get_or_insert(resident);
        }
        let version = &mut self.versions[service.index()][i];
        *version += 1;
        self.recorded += 1;
        if !self.emit {
            // Nothing reads the envelope or the ids: fold the event and drop it.
            projections.apply_event(&event, at);
            return (Uuid::nil(), Uuid::nil());
        }
        let id = event_id(self.seed, at, resident, self.counters[i]);
        let env = Envelope {
            global_seq: 0,
            event_id: id,
            service,
            stream_version: *version,
            occurred_at: at,
            effective_on: effective_on(&event, at.date(), decided_on, self.disposition_at),
            correlation_id: correlation.unwrap_or(id),
            causation_id: cause,
            event,
        };
        projections.apply(&env);
        let ids = (env.event_id, env.correlation_id);
        self.tick.push(env);
        ids
    }
}

/// Where a shard's output goes: the merger's channel, one chunk at a time.
struct Outbox<T> {
    tx: SyncSender<Chunk<T>>,
    chunk: Chunk<T>,
}

impl<T: Logged> Outbox<T> {
    /// Sends the chunk being filled; `Err` when the merger has stopped (it says why).
    fn flush(&mut self) -> Result<(), SimError> {
        if self.chunk.ticks.is_empty() && self.chunk.read_back.is_none() {
            return Ok(());
        }
        let next = Chunk {
            ticks: Vec::with_capacity(self.chunk.ticks.len()),
            events: self.chunk.events.emptied_like(),
            read_back: None,
        };
        let chunk = std::mem::replace(&mut self.chunk, next);
        self.tx.send(chunk).map_err(|_| SimError::MergerGone)
    }

    /// The events `service` recorded about `residents` before `now`, read back from the log once
    /// every one of them is committed.
    fn read_back(
        &mut self,
        service: Service,
        residents: Range<u32>,
        now: SimTime,
    ) -> Result<Vec<Event>, SimError> {
        let (reply, answer) = std::sync::mpsc::sync_channel(1);
        self.chunk.read_back = Some(ReadBack {
            service,
            residents,
            before: now,
            reply,
        });
        self.flush()?;
        // No answer: the merger or the writer stopped (their own error says why).
        let records = answer.recv().map_err(|_| SimError::MergerGone)??;
        records
            .iter()
            .map(|record| Ok(crate::log::from_record(record)?.event))
            .collect()
    }
}

/// One shard's state while it runs.
pub(crate) struct Shard<'a> {
    residents: Range<u32>,
    subject: &'a dyn Residents,
    queue: Queue,
    links: Links<'a>,
    agent: Agent,
    /// In `Service::ALL` order.
    offices: [ServiceHandle; SERVICES],
    policy: &'a Policy,
    seed: u64,
    recorder: Recorder,
    projections: Projections,
    /// Reused reply buffer of the offices.
    replies: Vec<Decision>,
    /// Decisions recorded and emptied, handed back to the offices to decide into (their
    /// vectors' room kept: a new vector for every decision was a tenth of the shard's work).
    spare: Vec<Decision>,
    /// Reused buffer: the decision day of each input delivered (`Command::decided_on`).
    decided: Vec<Option<NaiveDate>>,
    /// Reused buffers: the inputs due to each office at an instant, and their causes.
    due: [(Vec<Input>, Vec<Meta>); SERVICES],
    /// Batches sent to the offices, and instants stepped (for the diagnostics).
    batches: u64,
    instants: u64,
    /// [`ROUNDS_PER_INSTANT`]; a test lowers it to see the limit met by a real cascade.
    rounds_per_instant: u32,
    /// The log is stored: a restarted office rebuilds from it.
    stored: bool,
    start: NaiveDate,
    until: NaiveDate,
}

impl<'a> Shard<'a> {
    pub(crate) fn new(input: ShardInput<'a>) -> Shard<'a> {
        let ShardInput {
            residents,
            subject,
            start,
            until,
            policy,
            seed,
            emit,
            stored,
        } = input;
        let n = residents.len();
        let end = start_of_day(until.succ_opt().unwrap_or(until));
        Shard {
            subject,
            queue: Queue::new(start, end, policy),
            links: Links::new(policy, seed),
            agent: Agent::new(
                seed,
                residents.clone(),
                subject.collections(residents.clone()),
                subject.follow_ups(residents.clone()),
            ),
            offices: [
                ServiceHandle::start::<ImmigrationBureau>(residents.clone(), policy, stored),
                ServiceHandle::start::<CityHall>(residents.clone(), policy, stored),
                ServiceHandle::start::<CardIssuer>(residents.clone(), policy, stored),
                ServiceHandle::start::<Police>(residents.clone(), policy, stored),
            ],
            policy,
            seed,
            recorder: Recorder {
                seed,
                base: residents.start,
                counters: vec![0; n],
                versions: std::array::from_fn(|_| vec![0; n]),
                emit,
                disposition_at: policy.switches.disposition_at,
                tick: Vec::new(),
                recorded: 0,
                total: 0,
                runaway: None,
            },
            projections: Projections::for_residents(
                start,
                policy.switches.validity.special_period_my_number,
                residents.clone(),
            ),
            replies: Vec::new(),
            spare: Vec::new(),
            decided: Vec::new(),
            due: Default::default(),
            batches: 0,
            instants: 0,
            rounds_per_instant: ROUNDS_PER_INSTANT,
            stored,
            residents,
            start,
            until,
        }
    }

    /// Runs the shard to the end of the run, handing its ticks to `tx`.
    pub(crate) fn run<T: Logged>(
        mut self,
        tx: SyncSender<Chunk<T>>,
    ) -> Result<ShardOutput, SimError> {
        let mut out = Outbox {
            tx,
            chunk: Chunk::default(),
        };
        let first = start_of_day(self.start);
        let end = start_of_day(self.until.succ_opt().unwrap_or(self.until));
        // Enrolment: every office records every resident's starting state at the first instant,
        // before anything else happens, a chunk of residents at a time.
        let (lo, hi) = (self.residents.start, self.residents.end);
        // An office whose crash ended before the run has recorded nothing to rebuild from.
        for office in &mut self.offices {
            office.restart(first, &mut std::iter::empty());
        }
        let enrolment = tracing::info_span!("enrolment").entered();
        let mut from = lo;
        while from < hi {
            let to = hi.min(from.saturating_add(CHUNK as u32));
            self.enrol(first, from..to)?;
            self.end_tick(Tick::Enrolment, &mut out)?;
            from = to;
        }
        tracing::info!(events = self.recorder.total, "residents enrolled");
        drop(enrolment);
        let _steps = tracing::info_span!("steps").entered();
        let subject = self.subject;
        let mut steps = subject.steps(self.residents.clone()).peekable();
        let mut day = None;
        loop {
            let next = match (self.queue.next_time(), steps.peek()) {
                (Some(q), Some(s)) => q.min(s.at),
                (Some(q), None) => q,
                (None, Some(s)) => s.at,
                (None, None) => break,
            };
            if next >= end {
                break;
            }
            if day != Some(next.date()) {
                // A day's ticks reach the merger together, and no later than the day's end.
                if day.is_some() {
                    out.flush()?;
                }
                day = Some(next.date());
            }
            while let Some(mut step) = steps.next_if(|s| s.at == next) {
                self.take_step(&mut step);
            }
            self.restart_offices(next, &mut out)?;
            let mut rounds = 0;
            while self.queue.next_time() == Some(next) {
                self.step_instant(next)?;
                rounds += 1;
                if rounds > self.rounds_per_instant {
                    return Err(SimError::NoProgress {
                        at: next,
                        why: format!(
                            "more than {} rounds of deliveries at one instant",
                            self.rounds_per_instant
                        ),
                    });
                }
            }
            if let Some(resident) = self.recorder.runaway {
                return Err(SimError::NoProgress {
                    at: next,
                    why: format!("{resident} recorded more than {EVENTS_PER_RESIDENT} events"),
                });
            }
            self.end_tick(Tick::At(next), &mut out)?;
            self.instants += 1;
        }
        out.flush()?;
        // The day measures of the shard's own records run to the end here, on the shard's
        // thread, while the other shards still work: the run's `finish` then finds them done
        // (advancing a record is idempotent) instead of advancing every resident on one thread.
        self.projections.finish(self.until);
        tracing::info!(
            events = self.recorder.total,
            instants = self.instants,
            batches = self.batches,
            "shard finished"
        );
        let mut faults = self.links.tally();
        faults.held_by_outages = self.queue.held;
        faults.undelivered = self.queue.undelivered;
        for office in &self.offices {
            let service = office.service();
            faults
                .restarts
                .extend(office.restarted().iter().map(|&at| (service, at)));
        }
        Ok(ShardOutput {
            projections: self.projections,
            events: self.recorder.total,
            faults,
        })
    }

    /// Closes a tick: its events, sorted by resident (stable: each resident's own order stays),
    /// go into the chunk (encoded, when the run hands on records), which is sent when it is
    /// full.
    fn end_tick<T: Logged>(&mut self, tick: Tick, out: &mut Outbox<T>) -> Result<(), SimError> {
        let rec = &mut self.recorder;
        if !rec.tick.is_sorted_by_key(Envelope::resident) {
            rec.tick.sort_by_key(Envelope::resident);
        }
        for env in rec.tick.drain(..) {
            out.chunk.events.push(env);
        }
        match out.chunk.ticks.last_mut() {
            // Without the events, the merger needs only the day's progress: one tick per chunk.
            Some(last) if !rec.emit => {
                last.tick = tick;
                last.recorded += rec.recorded;
            }
            _ => out.chunk.ticks.push(TickOut {
                tick,
                end: out.chunk.events.len(),
                recorded: rec.recorded,
            }),
        }
        rec.total += rec.recorded;
        rec.recorded = 0;
        if out.chunk.events.len() >= CHUNK_EVENTS {
            out.flush()?;
        }
        Ok(())
    }

    /// Restarts the offices whose crash ended by `now`, before anything is delivered then: from
    /// their own events read back from the log when it is stored, else from their journals.
    fn restart_offices<T: Logged>(
        &mut self,
        now: SimTime,
        out: &mut Outbox<T>,
    ) -> Result<(), SimError> {
        for office in &mut self.offices {
            if !office.restart_due(now) {
                continue;
            }
            if self.stored {
                let events = out.read_back(office.service(), self.residents.clone(), now)?;
                office.restart(now, &mut events.iter());
            } else {
                office.restart_from_journal(now);
            }
        }
        Ok(())
    }

    /// Enrols the residents `ids` at every office that keeps records about residents.
    ///
    /// Every office decides its whole batch first; the decisions are then recorded resident by
    /// resident, each resident's office by office (`Service::ALL` order): the order the merger
    /// takes (by resident, each resident's own order kept), so the tick needs no sort. Recorded
    /// office by office, a chunk's envelopes were three runs that `end_tick` merged by a stable
    /// sort, moving every envelope: about 4 % of a stored run's shard (docs/benchmarks.md). The
    /// events, their numbers and the queue are those that order gave: enrolment's events notify
    /// no office and the agent reacts to none of them, so the only deliveries queued are J-LIS's
    /// own timers, in the same order.
    fn enrol(&mut self, now: SimTime, ids: Range<u32>) -> Result<(), SimError> {
        // Each profile is built once (or, in a what-if, once for both arms) and shared by the
        // offices.
        let profiles: Vec<Arc<ResidentProfile>> = ids
            .clone()
            .map(|i| self.subject.profile(ResidentId(i)))
            .collect();
        // The police keep no record of residents until one reports a loss.
        let enrolling = (0..SERVICES).filter(|&k| Service::ALL[k] != Service::Police);
        let mut decided: Vec<(Service, Vec<Decision>)> = Vec::with_capacity(SERVICES);
        for k in enrolling {
            let inputs: Vec<Input> = ids
                .clone()
                .zip(&profiles)
                .map(|(i, profile)| {
                    Input::Command(Command::EnrolResident {
                        resident: ResidentId(i),
                        profile: Arc::clone(profile),
                    })
                })
                .collect();
            self.batches += 1;
            let office = &mut self.offices[k];
            office
                .send(ServiceMessage::Deliver { now, inputs })
                .map_err(|InboxFull(name)| SimError::Inbox(name))?;
            let mut replies = Vec::with_capacity(ids.len());
            office.step(self.policy, self.seed, &mut replies, &mut self.spare);
            decided.push((office.service(), replies));
        }
        let mut replies: Vec<_> = decided
            .iter_mut()
            .map(|(service, replies)| (*service, replies.drain(..)))
            .collect();
        for _ in ids {
            for (service, replies) in &mut replies {
                let mut decision = replies.next().expect("one decision per resident");
                debug_assert!(
                    decision
                        .events
                        .iter()
                        .all(|e| rules::notified(e).is_empty() && !Agent::reacts_to(e)),
                    "an enrolment event travels: recording resident by resident would reorder the queue"
                );
                // An enrolment is decided the day it is delivered (`Command::decided_on`).
                self.record_decision(*service, &mut decision, (None, None), None, now);
                self.spare.push(decision);
            }
        }
        Ok(())
    }

    /// Queues a scenario or population step for the offices it concerns, with what the
    /// resident presents, after the resident decided what the policy leaves to it (population
    /// steps only) — or drops a population step the resident has no reason left to make (a PIN
    /// reset with no locked PIN: `agent::worth_making`).
    fn take_step(&mut self, step: &mut StepInput) {
        crate::agent::present(&mut step.command, &self.projections);
        if !self.agent.on_step(step, self.policy, &self.projections) {
            return;
        }
        for &service in step.command.targets() {
            let input = Input::Command(step.command.clone());
            self.queue.push(step.at, service, input, (None, None));
        }
    }

    /// Delivers everything due at `now` (one batch per office) and records what the offices
    /// decide, office by office in `Service::ALL` order.
    fn step_instant(&mut self, now: SimTime) -> Result<(), SimError> {
        while let Some(p) = self.queue.pop_due(now) {
            let (inputs, metas) = &mut self.due[p.to.index()];
            inputs.push(p.input);
            metas.push(p.meta);
        }
        // Only the offices with something due are touched: most instants of a small shard
        // concern one office or two.
        for k in 0..SERVICES {
            if self.due[k].0.is_empty() {
                continue;
            }
            let (batch, mut metas) = std::mem::take(&mut self.due[k]);
            // The office hands the emptied buffer back for the next instant.
            let mut spent = self.deliver(k, now, batch, &mut metas)?;
            spent.clear();
            metas.clear();
            self.due[k] = (spent, metas);
        }
        Ok(())
    }

    /// Sends office `k` one batch, steps it, and records its decisions in delivery order
    /// (`metas`, one per input, is emptied). Returns the batch's emptied buffer.
    fn deliver(
        &mut self,
        k: usize,
        now: SimTime,
        inputs: Vec<Input>,
        metas: &mut Vec<Meta>,
    ) -> Result<Vec<Input>, SimError> {
        self.batches += 1;
        // A decision communicated later than it was made: its events are dated the decision
        // day (model::effective). The inputs go to the office, so keep that day beside each.
        let mut decided = std::mem::take(&mut self.decided);
        decided.extend(inputs.iter().map(|input| match input {
            Input::Command(command) => command.decided_on(),
            _ => None,
        }));
        let office = &mut self.offices[k];
        office
            .send(ServiceMessage::Deliver { now, inputs })
            .map_err(|InboxFull(name)| SimError::Inbox(name))?;
        let mut replies = std::mem::take(&mut self.replies);
        let spent = office.step(self.policy, self.seed, &mut replies, &mut self.spare);
        let service = office.service();
        for ((meta, mut decision), decided_on) in metas
            .drain(..)
            .zip(replies.drain(..))
            .zip(decided.drain(..))
        {
            self.record_decision(service, &mut decision, meta, decided_on, now);
            self.spare.push(decision);
        }
        self.replies = replies;
        self.decided = decided;
        Ok(spent)
    }

    /// Records one decision's events, routes them, and sets its timers; leaves the decision
    /// empty.
    fn record_decision(
        &mut self,
        service: Service,
        decision: &mut Decision,
        meta: Meta,
        decided_on: Option<NaiveDate>,
        now: SimTime,
    ) {
        let (cause, mut chain) = meta;
        let mut last = cause;
        for event in decision.events.drain(..) {
            // Only events that travel need a copy once the recorder has taken the original.
            let travels = !rules::notified(&event).is_empty() || Agent::reacts_to(&event);
            let routed = travels.then(|| event.clone());
            let resident = event.resident();
            let (id, correlation) = self.recorder.record(
                service,
                event,
                now,
                (cause, chain),
                decided_on,
                &mut self.projections,
            );
            chain.get_or_insert(correlation);
            last = Some(id);
            if let Some(event) = routed {
                let meta = (Some(id), Some(correlation));
                let number = self.recorder.counter(resident);
                self.links
                    .send(&event, number, service, now, meta, &mut self.queue);
                // The resident's own reaction comes after the notices: at the same instant, an
                // office then hears of the event before the resident turns up.
                if let Some((at, command)) =
                    self.agent
                        .on_event(&event, now, self.policy, &self.projections)
                {
                    for &to in command.targets() {
                        let input = Input::Command(command.clone());
                        self.queue.push(at, to, input, meta);
                    }
                }
            }
        }
        for (at, command) in decision.timers.drain(..) {
            let to = command.targets()[0];
            self.queue
                .push(at.max(now), to, Input::Command(command), (last, chain));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shard of one resident who notifies a change of name on `2026-07-01`, on links that
    /// deliver at once: the bureau records it (round 1), the city hall hears of it over N3 at
    /// the same instant (round 2) and tells J-LIS over N8 (round 3). Run with at most `limit`
    /// rounds per instant.
    fn three_rounds_at_one_instant(limit: u32) -> Result<ShardOutput, SimError> {
        let text = r#"
name: three rounds
seed: 1
start: 2026-06-20
until: 2026-07-10
policy:
  regime: integrated
  faults:
    links:
      - delay: { fixed: "0m" }
residents:
  - id: mei
    born_on: 1995-04-12
    status: engineer_specialist_humanities
    period_expiry: 2028-07-31
    municipality: shinjuku
    address: 1-2-3 Nishi-Shinjuku
    residence_card: { issued_on: 2025-07-25 }
    my_number_card: { issued_on: 2025-09-01 }
steps:
  - on: 2026-07-01
    resident: mei
    do: notify_item_change
    item: name
"#;
        let scenario = scenario::parse("three_rounds.yaml", text).expect("a valid scenario");
        let residents = crate::scenario_run::scripted(&scenario);
        let mut shard = Shard::new(ShardInput {
            residents: 0..1,
            subject: &residents,
            start: scenario.start,
            until: scenario.until,
            policy: &scenario.policy,
            seed: scenario.seed,
            emit: true,
            stored: false,
        });
        shard.rounds_per_instant = limit;
        let (tx, rx) = std::sync::mpsc::sync_channel::<Chunk<Vec<Envelope>>>(1024);
        let out = shard.run(tx);
        drop(rx);
        out
    }

    /// A year of 300 residents (and those who arrive) in one shard, J-LIS out of service for a
    /// fortnight and crashing, with a stored log (`stored`) or without. The test plays the merger
    /// and the writer: it keeps the events the shard hands on and answers each request to read an
    /// office back with `answer` applied to the office's events it kept from before the restart.
    /// Returns the events, the shard's output and how many requests it answered.
    fn crash_answering(
        stored: bool,
        answer: impl Fn(Vec<model::envelope::EventRecord>) -> Vec<model::envelope::EventRecord>,
    ) -> (Vec<Envelope>, ShardOutput, usize) {
        let population = population::Population::generate(population::PopulationSpec::new(300, 29));
        let start = population.spec.start;
        let policy = Policy {
            faults: model::faults::Faults {
                outages: vec![model::faults::Outage {
                    office: Service::CardIssuer,
                    from: start + chrono::Days::new(100),
                    through: start + chrono::Days::new(113),
                    crash: true,
                }],
                ..Default::default()
            },
            ..Policy::default()
        };
        let shard = Shard::new(ShardInput {
            residents: 0..population.len() as u32,
            subject: &population,
            start,
            until: population.until,
            policy: &policy,
            seed: 29,
            emit: true,
            stored,
        });
        assert_eq!(
            shard.offices.each_ref().map(ServiceHandle::keeps_journal),
            [false, false, !stored, false],
            "only J-LIS crashes, and it keeps a journal only without a stored log"
        );
        let (tx, rx) = std::sync::mpsc::sync_channel::<Chunk<Vec<Envelope>>>(16);
        std::thread::scope(|scope| {
            let running = scope.spawn(move || shard.run(tx));
            let (mut log, mut requests) = (Vec::new(), 0);
            for chunk in rx {
                log.extend(chunk.events);
                if let Some(request) = chunk.read_back {
                    requests += 1;
                    let kept = log
                        .iter()
                        .filter(|e| e.service == request.service)
                        .filter(|e| request.residents.contains(&e.resident().0))
                        .filter(|e| e.occurred_at < request.before)
                        .map(crate::log::to_record)
                        .collect();
                    request.reply.send(Ok(answer(kept))).unwrap();
                }
            }
            let out = running.join().unwrap().unwrap();
            (log, out, requests)
        })
    }

    #[test]
    fn a_restarted_office_rebuilds_from_what_the_log_gives_it_and_nothing_else() {
        let (journal, from_journal, asked) = crash_answering(false, |kept| kept);
        assert_eq!(
            asked, 0,
            "without a store the office rebuilds from its journal"
        );
        let restart = *from_journal.faults.restarts.first().unwrap();
        assert_eq!(restart.0, Service::CardIssuer);
        // With a store, J-LIS asks once and, given its events as the log holds them, carries on
        // exactly as from its journal.
        let (honest, from_log, asked) = crash_answering(true, |kept| {
            assert!(
                kept.len() > 300,
                "J-LIS's events before the restart: {}",
                kept.len()
            );
            kept
        });
        assert_eq!(asked, 1);
        assert_eq!(from_log.faults, from_journal.faults);
        assert_eq!(honest, journal);
        // Given a log that lost J-LIS's events about the first hundred residents, it knows
        // nothing of them after the restart: the run is the same until then and parts at a
        // decision of J-LIS's about one of them.
        let (tampered, _, _) = crash_answering(true, |kept| {
            kept.into_iter()
                .filter(|r| r.stream.resident.0 >= 100)
                .collect()
        });
        let k = (0..honest.len())
            .find(|&k| honest.get(k) != tampered.get(k))
            .expect("the tampered log changed nothing: J-LIS was not rebuilt from it");
        let (h, t) = (&honest[k], &tampered[k]);
        assert!(
            h.occurred_at >= restart.1,
            "parted before the restart: {h:?}"
        );
        assert!(
            [h, t]
                .iter()
                .any(|e| e.service == Service::CardIssuer && e.resident().0 < 100),
            "{h:?}\n{t:?}"
        );
    }

    #[test]
    fn a_cascade_deeper_than_the_rounds_per_instant_stops_the_run_as_making_no_progress() {
        // The limit counts rounds of deliveries at one instant: the three this cascade needs
        // pass with a limit of three and stop the run with a limit of two, at the instant and
        // with the reason named (invariant 11; the run's limit is 1,000).
        assert_eq!(ROUNDS_PER_INSTANT, 1000);
        let whole = three_rounds_at_one_instant(3).expect("three rounds are within three");
        assert!(whole.events > 0);
        let Err(e) = three_rounds_at_one_instant(2) else {
            panic!("a third round at one instant passed a limit of two");
        };
        assert!(matches!(e, SimError::NoProgress { .. }), "{e}");
        let text = e.to_string();
        assert!(
            text.contains("more than 2 rounds of deliveries at one instant"),
            "{text}"
        );
        assert!(text.contains("2026-07-01"), "{text}");
    }
}
