//! The contract every office implements: a pure state machine with `decide` and `apply`.
//!
//! `decide` holds all the business logic: given the current state, an input and the context
//! (simulated time, policy, seed), it returns the events to record and the timers to set. It
//! never mutates. `apply` folds one of the service's own events into its state, with no
//! judgement at all, so that state can always be rebuilt from the log (cqrs-es style).

use crate::command::Command;
use crate::event::Event;
use crate::policy::Policy;
use crate::service::Service;
use crate::time::SimTime;

/// What a service receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A resident's request, an office decision given as input, or a timer firing.
    Command(Command),
    /// An event another service (or this one) recorded, delivered over a link.
    Notice { from: Service, event: Event },
}

/// What a service knows besides its own state: injected, never read from the environment.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub now: SimTime,
    pub policy: &'a Policy,
    pub seed: u64,
}

impl Context<'_> {
    pub fn today(&self) -> chrono::NaiveDate {
        self.now.date()
    }
}

/// What `decide` returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decision {
    /// Facts to record, in order.
    pub events: Vec<Event>,
    /// Commands the service sends itself at a later simulated time (deadlines, production).
    pub timers: Vec<(SimTime, Command)>,
}

impl Decision {
    pub fn none() -> Decision {
        Decision::default()
    }

    pub fn push(&mut self, event: Event) {
        self.events.push(event);
    }

    pub fn timer(&mut self, at: SimTime, command: Command) {
        self.timers.push((at, command));
    }
}

/// A pure office.
pub trait StateMachine: Send + 'static {
    /// Which service this is.
    const SERVICE: Service;

    /// Creates an empty state sized for `residents` residents.
    fn with_capacity(residents: usize) -> Self;

    /// Decides what happens; no mutation.
    fn decide(&self, input: &Input, ctx: &Context<'_>) -> Decision;

    /// Records one of this service's own events; no judgement.
    fn apply(&mut self, event: &Event);

    /// Decides, then applies the resulting events, returning the decision.
    fn handle(&mut self, input: &Input, ctx: &Context<'_>) -> Decision {
        let decision = self.decide(input, ctx);
        for event in &decision.events {
            self.apply(event);
        }
        decision
    }
}
