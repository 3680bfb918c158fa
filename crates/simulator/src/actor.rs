//! A service: one office's state machine behind its own bounded inbox, reached through a handle
//! that accepts one closed set of messages — the actor shape of docs/ARCHITECTURE.md — stepped
//! in-line by its shard's scheduler on the shard's thread (decision 13).
//!
//! The scheduler sends a whole batch of deliveries due at one instant in a single message, so the
//! per-message cost is paid once per batch, never once per event (docs/benchmarks.md), and
//! nothing wakes a thread: the shard's scheduler steps the service when it wants the decisions.
//! The inbox is where a delivery waits until the office handles it — the place an office outage
//! (deliveries wait) or a crash-restart (the state rebuilt, the inbox kept) belongs.
//!
//! Two faults of issue 8 are met here. When the policy's links can duplicate notices, the inbox
//! remembers which notices its office has handled — by the notified event's identity, the
//! resident and the resident's event counter (decision 11) — and answers a second delivery with
//! an empty decision: a duplicate changes nothing. When the policy has any fault, the inbox also
//! keeps, per resident, the number of the latest notice taken up that set each item of the
//! office's record (`model::machine::NoticeOrder`) and hands it with every notice, so that the
//! office's `decide` can recognise a late notice of an older fact and ignore it (a record never
//! moves backwards). When the policy crashes the office, its shard restarts it (`restart`): the
//! service throws its state away and rebuilds it with `apply` alone from its own events — read
//! back from the log when the run stores one (decision 21), else from a journal of them the
//! service keeps in memory for the purpose; the inbox and what it remembers are kept, as a
//! durable message queue's would be.

use std::collections::{BTreeSet, VecDeque};
use std::ops::Range;

use model::event::Event;
use model::machine::{Context, Decision, Input, NoticeOrder, StateMachine};
use model::policy::Policy;
use model::rules;
use model::service::Service;
use model::time::SimTime;

/// The closed set of messages a service accepts.
pub enum ServiceMessage {
    /// Handle these inputs, in order, at simulated time `now`; reply with one decision each.
    Deliver { now: SimTime, inputs: Vec<Input> },
}

/// Messages a service holds before it must be stepped. The scheduler sends one batch and steps
/// the service before sending more, so a larger bound would only hide a bug.
const INBOX: usize = 4;

/// A message was sent to a service whose inbox is full: the scheduler did not step it.
#[derive(Debug, thiserror::Error)]
#[error("the {0} inbox is full: the scheduler sent a batch without stepping the service")]
pub struct InboxFull(pub &'static str);

/// One office with its inbox.
struct Task<M> {
    machine: M,
    inbox: VecDeque<ServiceMessage>,
    /// The residents the office keeps (to start afresh after a crash).
    residents: Range<u32>,
    /// The notices handled, by (resident, event counter), when a link can duplicate them.
    handled: Option<BTreeSet<(u32, u32)>>,
    /// Per resident (from the first of `residents`), the latest notices taken up, when a fault
    /// can deliver them out of order.
    order: Option<Vec<NoticeOrder>>,
    /// The office's own events, in order, when it will crash and rebuild from them without a
    /// stored log.
    journal: Option<Vec<Event>>,
    /// When the office restarts after a crash, earliest last.
    restarts: Vec<SimTime>,
    /// The restarts done, by the instant the office came back.
    restarted: Vec<SimTime>,
}

/// What a shard's scheduler sees of an office of any kind.
trait Step: Send {
    fn send(&mut self, message: ServiceMessage) -> Result<(), InboxFull>;
    fn step(
        &mut self,
        policy: &Policy,
        seed: u64,
        replies: &mut Vec<Decision>,
        spare: &mut Vec<Decision>,
    ) -> Vec<Input>;
    fn restarted(&self) -> &[SimTime];
    fn restart_due(&self, now: SimTime) -> bool;
    fn restart(&mut self, now: SimTime, events: &mut dyn Iterator<Item = &Event>);
    fn restart_from_journal(&mut self, now: SimTime);
    fn keeps_journal(&self) -> bool;
}

impl<M: StateMachine> Task<M> {
    /// Handles one input into `out` (empty on arrival): a notice already handled decides
    /// nothing; anything else is decided and applied, and journalled when the office will need
    /// to rebuild.
    fn handle(&mut self, input: &Input, ctx: &Context<'_>, out: &mut Decision) {
        if let (Some(handled), Input::Notice { event, number, .. }) = (&mut self.handled, input)
            && !handled.insert((event.resident().0, *number))
        {
            return;
        }
        if let (
            Some(order),
            Input::Notice {
                from,
                event,
                number,
                ..
            },
        ) = (&mut self.order, input)
        {
            let items = rules::items_set(event, M::SERVICE);
            let slot = (event.resident().0 - self.residents.start) as usize;
            if let Some(kept) = order.get_mut(slot).filter(|_| !items.is_empty()) {
                let weighed = Input::Notice {
                    from: *from,
                    event: event.clone(),
                    number: *number,
                    order: *kept,
                };
                *kept = kept.taken_up(items, *number);
                return self.decide(&weighed, ctx, out);
            }
        }
        self.decide(input, ctx, out)
    }

    /// Decides and applies an input into `out`, journalling the events when the office will
    /// need them.
    fn decide(&mut self, input: &Input, ctx: &Context<'_>, out: &mut Decision) {
        self.machine.handle_into(input, ctx, out);
        if let Some(journal) = &mut self.journal {
            journal.extend(out.events.iter().cloned());
        }
    }

    /// Restarts the office after every crash that ended by `now`: its state is thrown away and
    /// rebuilt by applying `events`, its own events so far, in order.
    fn rebuild<'e>(&mut self, now: SimTime, events: impl Iterator<Item = &'e Event>) {
        let first = self.restarted.len();
        while let Some(back) = self.restarts.pop_if(|t| *t <= now) {
            self.restarted.push(back);
        }
        if self.restarted.len() == first {
            return;
        }
        let mut fresh = M::for_residents(self.residents.clone());
        for event in events {
            fresh.apply(event);
        }
        self.machine = fresh;
    }
}

impl<M: StateMachine> Step for Task<M> {
    fn send(&mut self, message: ServiceMessage) -> Result<(), InboxFull> {
        if self.inbox.len() >= INBOX {
            return Err(InboxFull(M::SERVICE.as_str()));
        }
        self.inbox.push_back(message);
        Ok(())
    }

    fn step(
        &mut self,
        policy: &Policy,
        seed: u64,
        replies: &mut Vec<Decision>,
        spare: &mut Vec<Decision>,
    ) -> Vec<Input> {
        let mut spent = Vec::new();
        while let Some(message) = self.inbox.pop_front() {
            match message {
                ServiceMessage::Deliver { now, mut inputs } => {
                    let ctx = Context { now, policy, seed };
                    let first = replies.len();
                    for input in &inputs {
                        replies.push(spare.pop().unwrap_or_default());
                        let out = replies.last_mut().expect("just pushed");
                        debug_assert!(out.is_empty(), "a spare decision was not emptied");
                        self.handle(input, &ctx, out);
                    }
                    debug_assert_eq!(replies.len() - first, inputs.len());
                    inputs.clear();
                    spent = inputs;
                }
            }
        }
        spent
    }

    fn restarted(&self) -> &[SimTime] {
        &self.restarted
    }

    fn restart_due(&self, now: SimTime) -> bool {
        self.restarts.last().is_some_and(|t| *t <= now)
    }

    fn restart(&mut self, now: SimTime, events: &mut dyn Iterator<Item = &Event>) {
        self.rebuild(now, events);
    }

    fn restart_from_journal(&mut self, now: SimTime) {
        let journal = self.journal.take();
        self.rebuild(now, journal.iter().flatten());
        self.journal = journal;
    }

    fn keeps_journal(&self) -> bool {
        self.journal.is_some()
    }
}

/// The handle to one office of a shard.
pub struct ServiceHandle {
    service: Service,
    task: Box<dyn Step>,
}

impl ServiceHandle {
    /// Starts `M` for the residents with ids in `residents`, ready for the faults of `policy`;
    /// `stored`: the run stores its log, from which the office rebuilds after a crash (so it
    /// keeps no journal).
    pub fn start<M: StateMachine>(
        residents: Range<u32>,
        policy: &Policy,
        stored: bool,
    ) -> ServiceHandle {
        let faults = &policy.faults;
        let mut restarts = faults.restarts(M::SERVICE);
        restarts.reverse();
        let order = (!faults.is_none()).then(|| vec![NoticeOrder::default(); residents.len()]);
        ServiceHandle {
            service: M::SERVICE,
            task: Box::new(Task {
                machine: M::for_residents(residents.clone()),
                inbox: VecDeque::with_capacity(INBOX),
                residents,
                handled: faults.may_duplicate().then(BTreeSet::new),
                order,
                journal: (!restarts.is_empty() && !stored).then(Vec::new),
                restarts,
                restarted: Vec::new(),
            }),
        }
    }

    /// The instants at which the office was rebuilt from its own events after a crash.
    pub fn restarted(&self) -> &[SimTime] {
        self.task.restarted()
    }

    /// Whether a crash of the office ended by `now` and the office has not restarted since.
    pub fn restart_due(&self, now: SimTime) -> bool {
        self.task.restart_due(now)
    }

    /// Restarts the office after every crash that ended by `now`, if any: its state is rebuilt by
    /// applying `events`, its own events so far in the order it recorded them (read back from
    /// the log), and nothing else.
    pub fn restart(&mut self, now: SimTime, events: &mut dyn Iterator<Item = &Event>) {
        self.task.restart(now, events);
    }

    /// [`ServiceHandle::restart`] from the journal of its own events the office kept because the
    /// run stores no log.
    pub fn restart_from_journal(&mut self, now: SimTime) {
        self.task.restart_from_journal(now);
    }

    /// Whether the office keeps a journal of its own events to rebuild from (a run without a
    /// stored log whose policy crashes it).
    pub fn keeps_journal(&self) -> bool {
        self.task.keeps_journal()
    }

    /// Which office this is.
    pub fn service(&self) -> Service {
        self.service
    }

    /// Puts a message in the office's inbox.
    pub fn send(&mut self, message: ServiceMessage) -> Result<(), InboxFull> {
        self.task.send(message)
    }

    /// Lets the office handle everything in its inbox, in order; appends one decision per input
    /// to `replies`, each decided into a decision taken from `spare` (emptied decisions the
    /// scheduler hands back, their vectors' room kept) or a new one when none is left. Returns
    /// the emptied buffer of the last batch handled, for the scheduler to fill with the next (a
    /// shard steps its offices at every instant: a new buffer each time would be an allocation
    /// and a free per office and instant, and so would a new decision's events).
    pub fn step(
        &mut self,
        policy: &Policy,
        seed: u64,
        replies: &mut Vec<Decision>,
        spare: &mut Vec<Decision>,
    ) -> Vec<Input> {
        self.task.step(policy, seed, replies, spare)
    }
}
