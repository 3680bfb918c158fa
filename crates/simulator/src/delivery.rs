//! The delivery layer: what happens to a notice between the office that decided an event and
//! the inbox of an office the rules say must hear of it (docs/domain.md §6).
//!
//! Without faults a link delivers every notice exactly once, after the link's latency from the
//! policy. This is the one place where a link's behaviour is decided: the policy's faults
//! (`model::faults`) — a delay distribution, batches, loss with or without redelivery,
//! duplication, reordering within a window — are seeded decisions on what to queue and when,
//! keyed by the notice (seed, resident, the resident's event counter, the receiving office),
//! never by the shard, so a run with faults writes the same log for any number of threads. The
//! office a notice is for takes it up on its next working day ([`rules::notice_delivery`]); an
//! office out of service takes it up when it reopens (the queue holds it, `queue.rs`).

use std::collections::{BTreeMap, BTreeSet};

use model::event::Event;
use model::faults::{NoticeKey, notice_plan};
use model::machine::Input;
use model::policy::Policy;
use model::rules;
use model::service::Service;
use model::time::SimTime;

use crate::queue::{Meta, Queue};

/// What the links did to the notices of one kind (a §6 number, from one office to another).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkTally {
    /// Notices sent.
    pub sent: u64,
    /// Lost for good: never delivered.
    pub lost: u64,
    /// Lost, then delivered by a redelivery.
    pub redelivered: u64,
    /// Delivered twice.
    pub duplicated: u64,
}

impl LinkTally {
    fn add(&mut self, other: &LinkTally) {
        self.sent += other.sent;
        self.lost += other.lost;
        self.redelivered += other.redelivered;
        self.duplicated += other.duplicated;
    }
}

/// What the faults did in a run: per link, and the deliveries an outage held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultTally {
    /// By (§6 number, from, to), in that order.
    pub links: BTreeMap<(&'static str, Service, Service), LinkTally>,
    /// Deliveries (notices, visits, timers) that waited for an office to reopen.
    pub held_by_outages: u64,
    /// The crashes after which an office was rebuilt from its own events, as (office, the
    /// instant it came back). A crash counts once however many shards' offices rebuilt after
    /// it, so the figure does not depend on the number of threads: a shard rebuilds its office
    /// at the office's first delivery after the restart, and one shard holding every resident
    /// would have rebuilt it after exactly the crashes some shard rebuilt it after.
    pub restarts: BTreeSet<(Service, SimTime)>,
}

impl FaultTally {
    /// Adds another shard's tally (every figure is a sum).
    pub(crate) fn absorb(&mut self, other: FaultTally) {
        for (k, v) in other.links {
            self.links.entry(k).or_default().add(&v);
        }
        self.held_by_outages += other.held_by_outages;
        self.restarts.extend(other.restarts);
    }

    /// The sum over every link.
    pub fn total(&self) -> LinkTally {
        let mut t = LinkTally::default();
        for v in self.links.values() {
            t.add(v);
        }
        t
    }
}

/// The links of one shard.
pub(crate) struct Links<'p> {
    policy: &'p Policy,
    seed: u64,
    pub(crate) tally: FaultTally,
}

impl<'p> Links<'p> {
    pub(crate) fn new(policy: &'p Policy, seed: u64) -> Links<'p> {
        Links {
            policy,
            seed,
            tally: FaultTally::default(),
        }
    }

    /// Sends the notices `event`, recorded by `from` at `now`, causes (§6): each notified office
    /// gets it when the link delivers it — once after the latency, or as the policy's faults say.
    /// `number` is the resident's event counter of `event`.
    pub(crate) fn send(
        &mut self,
        event: &Event,
        number: u32,
        from: Service,
        now: SimTime,
        meta: Meta,
        queue: &mut Queue,
    ) {
        for n in rules::notified(event) {
            let key = NoticeKey {
                seed: self.seed,
                resident: event.resident().0,
                counter: number,
                to: n.to,
            };
            let plan = notice_plan(self.policy, key, n.code, from, now);
            let tally = self.tally.links.entry((n.code, from, n.to)).or_default();
            tally.sent += 1;
            tally.lost += u64::from(plan.lost);
            tally.redelivered += u64::from(plan.redelivered);
            tally.duplicated += u64::from(plan.duplicated);
            for at in plan.arrivals {
                let input = Input::Notice {
                    from,
                    event: event.clone(),
                    number,
                };
                queue.push(at, n.to, input, meta);
            }
        }
    }
}
