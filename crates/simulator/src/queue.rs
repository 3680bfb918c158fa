//! A shard's delivery queue: what is due to which office, when, ordered by (simulated time,
//! sequence number) — the order in which the shard queued it, so that ties never depend on
//! anything but the shard's own residents. An office out of service (the policy's outages, issue
//! 8) is where deliveries wait: whatever is due to it while it is down is queued for when it
//! reopens — notices, residents at its counter, its own timers.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::iter::Peekable;

use chrono::NaiveDate;
use model::machine::Input;

use crate::delivery::Undelivered;
use model::policy::Policy;
use model::rules;
use model::service::Service;
use model::time::SimTime;
use uuid::Uuid;

/// The event that caused a delivery and the chain it belongs to (its correlation).
pub(crate) type Meta = (Option<Uuid>, Option<Uuid>);

/// A delivery waiting in the queue.
pub(crate) struct Pending {
    pub(crate) at: SimTime,
    seq: u64,
    pub(crate) to: Service,
    pub(crate) input: Input,
    pub(crate) meta: Meta,
}

/// The queue: a calendar of day buckets. Deliveries for a later day wait, in the order queued, in
/// that day's bucket; when the day comes its bucket is sorted by time once (a stable sort: ties
/// stay in the order queued) and read in order. Deliveries queued for the current day while it
/// runs go to a small heap beside it. A year's timers thus cost a push and a share of one sort,
/// not a climb through a heap of all of them.
pub(crate) struct Queue {
    /// The day of bucket 0.
    first: NaiveDate,
    /// Deliveries for the days after the open one, by day.
    days: Vec<Vec<Pending>>,
    /// What is left of the open day's bucket, sorted by (time, sequence).
    today: Peekable<std::vec::IntoIter<Pending>>,
    /// The open day's index in `days`, once a day is open.
    open: Option<usize>,
    /// Deliveries queued for the open day after it opened, as keys: (time, sequence, slot in
    /// `held_late`). The heap moves only these 24-byte keys as it sifts, never the deliveries
    /// themselves (an event or a command each, ten times larger), which wait in their slots.
    late: BinaryHeap<Reverse<(SimTime, u64, u32)>>,
    /// The deliveries the keys of `late` point to; `None` where a slot is free.
    held_late: Vec<Option<Pending>>,
    /// Free slots of `held_late`.
    free: Vec<u32>,
    seq: u64,
    /// Nothing at or after this time is ever delivered, so it is not queued (a card's lapse
    /// timer years beyond the horizon would otherwise sit in memory for the whole run).
    end: SimTime,
    /// The policy, when it takes offices out of service: a delivery due while its office is down
    /// waits until the office reopens (and works, [`rules::taken_up`]).
    outages: Option<Box<Policy>>,
    /// Deliveries that waited for an office to reopen.
    pub(crate) held: u64,
    /// What the run leaves undelivered at its end (issue 8): flagged, not silently dropped.
    pub(crate) undelivered: Undelivered,
}

impl Queue {
    /// An empty queue for a run from `first` to just before `end`, under `policy`.
    pub(crate) fn new(first: NaiveDate, end: SimTime, policy: &Policy) -> Queue {
        let days = (end.date() - first).num_days().max(0) as usize + 1;
        Queue {
            first,
            days: (0..days).map(|_| Vec::new()).collect(),
            today: Vec::new().into_iter().peekable(),
            open: None,
            late: BinaryHeap::new(),
            held_late: Vec::new(),
            free: Vec::new(),
            seq: 0,
            end,
            outages: (!policy.faults.outages.is_empty()).then(|| Box::new(policy.clone())),
            held: 0,
            undelivered: Undelivered::default(),
        }
    }

    /// Queues `input` for `to` at `at`, after everything already queued for that time.
    pub(crate) fn push(&mut self, at: SimTime, to: Service, input: Input, meta: Meta) {
        let due = at;
        let at = match &self.outages {
            Some(policy) => {
                let reopened = policy.faults.reopened(to, at);
                if reopened == at {
                    at
                } else {
                    self.held += 1;
                    rules::taken_up(policy, to, reopened)
                }
            }
            None => at,
        };
        if at >= self.end {
            // A timer or a step beyond the end is the future, not work left undone; a notice in
            // transit, or anything an outage holds past the end, is.
            if matches!(input, Input::Notice { .. }) {
                self.undelivered.notices += 1;
            }
            if due < self.end {
                self.undelivered.held_by_outages += 1;
            }
            return;
        }
        self.seq += 1;
        let pending = Pending {
            at,
            seq: self.seq,
            to,
            input,
            meta,
        };
        let day = (at.date() - self.first).num_days().max(0) as usize;
        match self.open {
            // The scheduler never queues into the past; were it to, the delivery would come
            // next, as from a heap.
            Some(open) if day <= open => {
                let key = (pending.at, pending.seq);
                let slot = match self.free.pop() {
                    Some(slot) => {
                        self.held_late[slot as usize] = Some(pending);
                        slot
                    }
                    None => {
                        self.held_late.push(Some(pending));
                        u32::try_from(self.held_late.len() - 1).expect("fewer than 2^32 waiting")
                    }
                };
                self.late.push(Reverse((key.0, key.1, slot)));
            }
            _ => self.days[day].push(pending),
        }
    }

    /// When the next delivery is due (opening the next day with deliveries if need be).
    pub(crate) fn next_time(&mut self) -> Option<SimTime> {
        loop {
            let today = self.today.peek().map(|p| p.at);
            let late = self.late.peek().map(|p| p.0.0);
            match (today, late) {
                (Some(a), Some(b)) => return Some(a.min(b)),
                (Some(a), None) | (None, Some(a)) => return Some(a),
                (None, None) => {}
            }
            let from = self.open.map_or(0, |d| d + 1);
            let day = (from..self.days.len()).find(|&d| !self.days[d].is_empty())?;
            let mut bucket = std::mem::take(&mut self.days[day]);
            bucket.sort_by_key(|p| p.at);
            self.today = bucket.into_iter().peekable();
            self.open = Some(day);
        }
    }

    /// The next delivery, if it is due at `now`.
    pub(crate) fn pop_due(&mut self, now: SimTime) -> Option<Pending> {
        let today = self.today.peek().map(|p| (p.at, p.seq));
        let late = self.late.peek().map(|p| (p.0.0, p.0.1));
        match (today, late) {
            (Some(a), b) if b.is_none_or(|b| a < b) => self.today.next_if(|p| p.at == now),
            (_, Some((at, _))) if at == now => {
                let Reverse((_, _, slot)) = self.late.pop().expect("peeked");
                self.free.push(slot);
                self.held_late[slot as usize].take()
            }
            _ => None,
        }
    }
}
