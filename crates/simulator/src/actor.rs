//! A service: one office's state machine behind its own bounded inbox, reached through a handle
//! that accepts one closed set of messages — the actor shape of docs/ARCHITECTURE.md — stepped
//! in-line by its shard's scheduler on the shard's thread (decision 13).
//!
//! The scheduler sends a whole batch of deliveries due at one instant in a single message, so the
//! per-message cost is paid once per batch, never once per event (docs/benchmarks.md), and
//! nothing wakes a thread: the shard's scheduler steps the service when it wants the decisions.
//! The inbox is where a delivery waits until the office handles it — the place an office outage
//! (deliveries wait) or a crash-restart (the state rebuilt, the inbox kept) belongs.

use std::collections::VecDeque;
use std::ops::Range;

use model::machine::{Context, Decision, Input, StateMachine};
use model::policy::Policy;
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
}

/// What a shard's scheduler sees of an office of any kind.
trait Step: Send {
    fn send(&mut self, message: ServiceMessage) -> Result<(), InboxFull>;
    fn step(&mut self, policy: &Policy, seed: u64, replies: &mut Vec<Decision>);
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
                    let ctx = Context { now, policy, seed };
                    replies.extend(inputs.iter().map(|i| self.machine.handle(i, &ctx)));
                }
            }
        }
    }
}

/// The handle to one office of a shard.
pub struct ServiceHandle {
    service: Service,
    task: Box<dyn Step>,
}

impl ServiceHandle {
    /// Starts `M` for the residents with ids in `residents`.
    pub fn start<M: StateMachine>(residents: Range<u32>) -> ServiceHandle {
        ServiceHandle {
            service: M::SERVICE,
            task: Box::new(Task {
                machine: M::for_residents(residents),
                inbox: VecDeque::with_capacity(INBOX),
            }),
        }
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
