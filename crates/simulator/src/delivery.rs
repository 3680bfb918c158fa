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
use model::machine::{Input, NoticeOrder};
use model::policy::Policy;
use model::rules;
use model::service::Service;
use model::time::SimTime;
use projection::measures::Measures;

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

/// Work a run leaves undone at its end because it would be taken up after it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Undelivered {
    /// Notices between offices still on their way (or waiting for an office to reopen).
    pub notices: u64,
    /// Deliveries of any kind — notices, residents at a counter, an office's own timers — that
    /// an outage lasting past the end holds.
    pub held_by_outages: u64,
}

impl Undelivered {
    pub(crate) fn add(&mut self, other: Undelivered) {
        self.notices += other.notices;
        self.held_by_outages += other.held_by_outages;
    }
}

impl crate::RunOutput {
    /// The run's measures: those of its projections, and the work it left undelivered at its
    /// end (`undelivered_at_end.notices`, `undelivered_at_end.held_by_outages`), which no event
    /// records and so only the run itself knows.
    pub fn measures(&self) -> Measures {
        let mut m = Measures::from_projections(&self.projections);
        let u = self.faults.undelivered;
        for (key, n) in [
            ("undelivered_at_end.notices", u.notices),
            ("undelivered_at_end.held_by_outages", u.held_by_outages),
        ] {
            m.0.insert(key.to_owned(), n);
        }
        m
    }
}

/// What the faults did in a run: per link, and the deliveries an outage held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultTally {
    /// By (§6 number, from, to), in that order.
    pub links: BTreeMap<(&'static str, Service, Service), LinkTally>,
    /// Deliveries (notices, visits, timers) that waited for an office to reopen.
    pub held_by_outages: u64,
    /// What the run leaves undelivered at its end: notices in transit, and deliveries an outage
    /// holds past the end. Each is a notice or a delivery of one resident's, so the figures add
    /// up over shards.
    pub undelivered: Undelivered,
    /// The crashes after which an office was rebuilt from its own events, as (office, the
    /// instant it came back). A crash counts once however many shards' offices rebuilt after
    /// it, so the figure does not depend on the number of threads: a shard rebuilds its office
    /// at the first instant it steps after the restart, and one shard holding every resident
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
        self.undelivered.add(other.undelivered);
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

/// A link's kind: (§6 number, from, to).
type LinkKey = (&'static str, Service, Service);

/// The links of one shard.
pub(crate) struct Links<'p> {
    policy: &'p Policy,
    seed: u64,
    /// What the links did so far, by kind in the order first used: a handful of kinds, looked
    /// up at every notice by the number's address rather than through a map keyed by its text
    /// (string comparisons at every notice were a tenth of the links' work). A number spelt
    /// by two constants gets two entries, added up by [`Links::tally`].
    tallies: Vec<(LinkKey, LinkTally)>,
}

impl<'p> Links<'p> {
    pub(crate) fn new(policy: &'p Policy, seed: u64) -> Links<'p> {
        Links {
            policy,
            seed,
            tallies: Vec::new(),
        }
    }

    /// What the links did, by kind.
    pub(crate) fn tally(&self) -> FaultTally {
        let mut tally = FaultTally::default();
        for (key, t) in &self.tallies {
            tally.links.entry(*key).or_default().add(t);
        }
        tally
    }

    /// The tally of the links of kind `key`.
    fn tally_of(&mut self, key: LinkKey) -> &mut LinkTally {
        let (code, from, to) = key;
        let found = self
            .tallies
            .iter()
            .position(|((c, f, t), _)| std::ptr::eq(*c, code) && *f == from && *t == to);
        let k = found.unwrap_or_else(|| {
            self.tallies.push((key, LinkTally::default()));
            self.tallies.len() - 1
        });
        &mut self.tallies[k].1
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
            let tally = self.tally_of((n.code, from, n.to));
            tally.sent += 1;
            tally.lost += u64::from(plan.lost);
            tally.redelivered += u64::from(plan.redelivered);
            tally.duplicated += u64::from(plan.duplicated);
            for at in plan.arrivals {
                let input = Input::Notice {
                    from,
                    event: event.clone(),
                    number,
                    // The receiving office's inbox knows what it took up before.
                    order: NoticeOrder::default(),
                };
                queue.push(at, n.to, input, meta);
            }
        }
    }
}
