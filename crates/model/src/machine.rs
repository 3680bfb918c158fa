//! The contract every office implements: a pure state machine with `decide` and `apply`.
//!
//! `decide` holds all the business logic: given the current state, an input and the context
//! (simulated time, policy, seed), it returns the events to record and the timers to set. It
//! never mutates. `apply` folds one of the service's own events into its state, with no
//! judgement at all, so that state can always be rebuilt from the log (cqrs-es style).

use std::ops::Range;

use crate::command::Command;
use crate::event::Event;
use crate::policy::Policy;
use crate::rules::RecordItem;
use crate::service::Service;
use crate::time::SimTime;

/// What a service receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A resident's request, an office decision given as input, or a timer firing.
    Command(Command),
    /// An event another service (or this one) recorded, delivered over a link. `number` is the
    /// resident's event counter of `event` (decision 11): with the resident it identifies the
    /// event as its id does, so a notice delivered twice is recognised (issue 8).
    ///
    /// `order` is what the inbox knows of the notices already taken up about the same resident
    /// (issue 8): links that delay or reorder can deliver an older fact after a newer one, and
    /// the office's `decide` recognises it by the numbers.
    Notice {
        from: Service,
        event: Event,
        number: u32,
        order: NoticeOrder,
    },
}

/// For one resident, the event counter of the latest notice an office has taken up that set
/// each item of its record ([`RecordItem`], [`crate::rules::items_set`]); 0 where none has.
///
/// A resident's event counters grow with every fact recorded about the resident, so a notice
/// whose number is below the one kept for an item tells of a fact older than the one the record
/// already holds: a late, reordered notice (issue 8). The inbox keeps these numbers beside the
/// notices it recognises as duplicates (decision 14), as a durable message queue keeps its
/// sequence numbers; the office decides what an older notice means.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoticeOrder {
    latest: [u32; RecordItem::ALL.len()],
}

impl NoticeOrder {
    /// Whether a notice numbered `number` that sets `item` is older than the latest notice
    /// already taken up that set it.
    pub fn superseded(&self, item: RecordItem, number: u32) -> bool {
        self.latest[item as usize] > number
    }

    /// The order after a notice numbered `number` setting `items` was taken up.
    pub fn taken_up(mut self, items: &[RecordItem], number: u32) -> NoticeOrder {
        for &item in items {
            let kept = &mut self.latest[item as usize];
            *kept = (*kept).max(number);
        }
        self
    }
}

/// A notice as its receiving office weighs it: its number and what was taken up before it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Arrival {
    pub number: u32,
    pub order: NoticeOrder,
}

impl Arrival {
    pub fn new(number: u32, order: NoticeOrder) -> Arrival {
        Arrival { number, order }
    }

    /// Whether the notice tells of `item` as it was before a notice already taken up set it:
    /// an older fact arriving after a newer one.
    pub fn older(&self, item: RecordItem) -> bool {
        self.order.superseded(item, self.number)
    }
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

    /// Whether nothing was decided.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.timers.is_empty()
    }
}

/// A pure office.
///
/// An office decides into a [`Decision`] it is given ([`StateMachine::decide_into`]) rather than
/// returning a new one: a shard decides hundreds of thousands of times a second, and a new
/// decision's vector for every one of them was about a tenth of a shard's instructions in
/// `malloc` and `free` (docs/benchmarks.md). The shard hands each office decisions it emptied
/// before, their vectors' room kept. `decide` and `handle`, which return a new decision, are
/// what the offices' given / when / then tests use.
pub trait StateMachine: Send + 'static {
    /// Which service this is.
    const SERVICE: Service;

    /// Creates an empty state for the residents with ids in `residents` (a shard's range;
    /// `0..n` for a whole run). Only those residents are ever delivered to it.
    fn for_residents(residents: Range<u32>) -> Self;

    /// Decides what happens into `out`, which arrives empty (its vectors may have room); no
    /// mutation.
    fn decide_into(&self, input: &Input, ctx: &Context<'_>, out: &mut Decision);

    /// Records one of this service's own events; no judgement.
    fn apply(&mut self, event: &Event);

    /// Decides into `out` (empty on arrival), then applies the events decided.
    fn handle_into(&mut self, input: &Input, ctx: &Context<'_>, out: &mut Decision) {
        self.decide_into(input, ctx, out);
        for event in &out.events {
            self.apply(event);
        }
    }

    /// Decides what happens; no mutation.
    fn decide(&self, input: &Input, ctx: &Context<'_>) -> Decision {
        let mut decision = Decision::none();
        self.decide_into(input, ctx, &mut decision);
        decision
    }

    /// Decides, then applies the resulting events, returning the decision.
    fn handle(&mut self, input: &Input, ctx: &Context<'_>) -> Decision {
        let mut decision = Decision::none();
        self.handle_into(input, ctx, &mut decision);
        decision
    }
}

/// One office's per-resident state, indexed densely by resident id (a `Vec` is the most compact
/// layout at 4 M residents, docs/benchmarks.md, and has no iteration-order surprises). A shard
/// holds a contiguous range of ids, so the table starts at the range's first id.
#[derive(Debug, Clone)]
pub struct ResidentTable<T> {
    /// The id of the first slot.
    base: u32,
    slots: Vec<Option<T>>,
}

impl<T> Default for ResidentTable<T> {
    fn default() -> Self {
        ResidentTable {
            base: 0,
            slots: Vec::new(),
        }
    }
}

impl<T> ResidentTable<T> {
    /// An empty table for the residents with ids in `residents`.
    pub fn for_residents(residents: Range<u32>) -> Self {
        ResidentTable {
            base: residents.start,
            slots: Vec::with_capacity(residents.len()),
        }
    }

    fn slot(&self, resident: crate::ids::ResidentId) -> Option<usize> {
        resident.0.checked_sub(self.base).map(|i| i as usize)
    }

    pub fn get(&self, resident: crate::ids::ResidentId) -> Option<&T> {
        let i = self.slot(resident)?;
        self.slots.get(i).and_then(Option::as_ref)
    }

    pub fn get_mut(&mut self, resident: crate::ids::ResidentId) -> Option<&mut T> {
        let i = self.slot(resident)?;
        self.slots.get_mut(i).and_then(Option::as_mut)
    }

    /// The residents the table holds, in id order, with what it holds for each.
    pub fn iter(&self) -> impl Iterator<Item = (crate::ids::ResidentId, &T)> {
        let base = self.base;
        self.slots.iter().zip(base..).filter_map(|(slot, id)| {
            slot.as_ref()
                .map(|value| (crate::ids::ResidentId(id), value))
        })
    }

    /// Forgets what the table holds for `resident`, if anything.
    pub fn remove(&mut self, resident: crate::ids::ResidentId) {
        if let Some(slot) = self.slot(resident).and_then(|i| self.slots.get_mut(i)) {
            *slot = None;
        }
    }

    /// Records `value` for `resident`, growing the table as needed.
    ///
    /// # Panics
    /// If `resident` comes before the table's range: a shard was handed another shard's
    /// resident, which the scheduler never does.
    pub fn insert(&mut self, resident: crate::ids::ResidentId, value: T) {
        let i = self
            .slot(resident)
            .unwrap_or_else(|| panic!("{resident} is not in this shard's range"));
        if self.slots.len() <= i {
            self.slots.resize_with(i + 1, || None);
        }
        self.slots[i] = Some(value);
    }
}

/// The given / when / then harness the offices' unit tests share (cqrs-es style): `given` folds
/// past events into a fresh state, `when` decides on an input at a time under a policy, `then`
/// asserts the exact events (and timers) decided.
pub mod testing {
    use super::{Context, Decision, Input, StateMachine};
    use crate::command::Command;
    use crate::event::Event;
    use crate::policy::Policy;
    use crate::service::Service;
    use crate::time::SimTime;

    /// The seed every office test runs with.
    pub const SEED: u64 = 1;

    /// A fresh state with `events` applied.
    pub fn given<M: StateMachine>(events: &[Event]) -> M {
        let mut machine = M::for_residents(0..0);
        for event in events {
            machine.apply(event);
        }
        machine
    }

    /// Deciding on an input at `now` under `policy`.
    pub trait When {
        fn when(&self, policy: &Policy, now: SimTime, input: Input) -> Decision;
    }

    impl<M: StateMachine> When for M {
        fn when(&self, policy: &Policy, now: SimTime, input: Input) -> Decision {
            self.decide(
                &input,
                &Context {
                    now,
                    policy,
                    seed: SEED,
                },
            )
        }
    }

    /// The decision records exactly `events` and sets no timer.
    pub fn then(decision: &Decision, events: &[Event]) {
        then_with_timers(decision, events, &[]);
    }

    /// The decision records exactly `events` and sets exactly `timers`.
    pub fn then_with_timers(decision: &Decision, events: &[Event], timers: &[(SimTime, Command)]) {
        assert_eq!(decision.events, events);
        assert_eq!(decision.timers, timers);
    }

    pub fn cmd(c: Command) -> Input {
        Input::Command(c)
    }

    pub fn notice(from: Service, event: Event) -> Input {
        Input::Notice {
            from,
            event,
            number: 1,
            order: super::NoticeOrder::default(),
        }
    }
}
