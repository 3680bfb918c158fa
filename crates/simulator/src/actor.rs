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
//! moves backwards). When the policy crashes the office, the
//! service keeps its own events (its stream of the log) and, at the restart, throws its state
//! away and rebuilds it from them with `apply` alone; the inbox and what it remembers are kept,
//! as a durable message queue's would be.

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
    /// The office's own events, in order, when it will crash and rebuild from them.
    journal: Option<Vec<Event>>,
    /// When the office restarts after a crash, earliest last.
    restarts: Vec<SimTime>,
    /// The restarts done, by the instant the office came back.
    restarted: Vec<SimTime>,
}

/// What a shard's scheduler sees of an office of any kind.
trait Step: Send {
    fn send(&mut self, message: ServiceMessage) -> Result<(), InboxFull>;
    fn step(&mut self, policy: &Policy, seed: u64, replies: &mut Vec<Decision>);
    fn restarted(&self) -> &[SimTime];
}

impl<M: StateMachine> Task<M> {
    /// Handles one input: a notice already handled decides nothing; anything else is decided
    /// and applied, and journalled when the office will need to rebuild.
    fn handle(&mut self, input: &Input, ctx: &Context<'_>) -> Decision {
        if let (Some(handled), Input::Notice { event, number, .. }) = (&mut self.handled, input)
            && !handled.insert((event.resident().0, *number))
        {
            return Decision::none();
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
                return self.decide(&weighed, ctx);
            }
        }
        self.decide(input, ctx)
    }

    /// Decides and applies an input, journalling the events when the office will need them.
    fn decide(&mut self, input: &Input, ctx: &Context<'_>) -> Decision {
        let decision = self.machine.handle(input, ctx);
        if let Some(journal) = &mut self.journal {
            journal.extend(decision.events.iter().cloned());
        }
        decision
    }

    /// Restarts the office if a crash ended by `now`: its state is rebuilt from its own events.
    fn recover(&mut self, now: SimTime) {
        while let Some(back) = self.restarts.pop_if(|t| *t <= now) {
            let mut fresh = M::for_residents(self.residents.clone());
            for event in self.journal.iter().flatten() {
                fresh.apply(event);
            }
            self.machine = fresh;
            self.restarted.push(back);
        }
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

    fn step(&mut self, policy: &Policy, seed: u64, replies: &mut Vec<Decision>) {
        while let Some(message) = self.inbox.pop_front() {
            match message {
                ServiceMessage::Deliver { now, inputs } => {
                    self.recover(now);
                    let ctx = Context { now, policy, seed };
                    replies.extend(inputs.iter().map(|i| self.handle(i, &ctx)));
                }
            }
        }
    }

    fn restarted(&self) -> &[SimTime] {
        &self.restarted
    }
}

/// The handle to one office of a shard.
pub struct ServiceHandle {
    service: Service,
    task: Box<dyn Step>,
}

impl ServiceHandle {
    /// Starts `M` for the residents with ids in `residents`, ready for the faults of `policy`.
    pub fn start<M: StateMachine>(residents: Range<u32>, policy: &Policy) -> ServiceHandle {
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
                journal: (!restarts.is_empty()).then(Vec::new),
                restarts,
                restarted: Vec::new(),
            }),
        }
    }

    /// The instants at which the office was rebuilt from its own events after a crash.
    pub fn restarted(&self) -> &[SimTime] {
        self.task.restarted()
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
    /// to `replies`.
    pub fn step(&mut self, policy: &Policy, seed: u64, replies: &mut Vec<Decision>) {
        self.task.step(policy, seed, replies);
    }
}
