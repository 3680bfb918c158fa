//! Every resident's card record plus the run-wide counts, folded event by event; the totals,
//! the monthly workload and the state hash.
//!
//! The same fold runs live (as the scheduler records events) and in replay (from the store), so
//! replay gives exactly what the live run gave.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::Range;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use model::envelope::Envelope;
use model::event::Event;
use model::hashing::HashWriter;
use model::rules;
use model::service::Office;
use model::validity::SpecialPeriodMyNumber;
use serde::Serialize;

use crate::flows::Flow;
use crate::fold::apply_event;
use crate::record::CardRecord;
use crate::sync::Agreement;

/// Run-wide counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub events: u64,
    /// Counter visits per office (distinct resident-office-days).
    pub visits: BTreeMap<Office, u64>,
    /// Deliveries between offices, by notification code of §6.
    pub notifications: BTreeMap<String, u64>,
    /// Residence cards and SPR certificates issued.
    pub cards_produced: u64,
    pub deadline_misses: u64,
    pub refusals: u64,
    /// Fees paid by residents, in yen.
    pub fees_paid_yen: u64,
    pub outage_days: u64,
    pub inconsistency_days: u64,
    pub special_period_days: u64,
    /// Waiting beyond an office's capacity (decision 17), per queue by its key in
    /// [`crate::record::WAITS`], only for the queues where someone waited (so a run without a
    /// capacity has none, and its JSON reads as before).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub waiting: BTreeMap<&'static str, Waited>,
}

/// The waiting at one queue: calendar days waited, summed over residents, and the residents who
/// waited at all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Waited {
    pub days: u64,
    pub residents: u64,
}

/// The work one calendar month brought to each office: counter visits (distinct
/// resident-office-days, in `Office::ALL` order), the Tokutei cards J-LIS started producing, and
/// the year's flows that month (arrivals, renewals, losses …, in `Flow::ALL` order).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MonthWorkload {
    pub visits: [u64; Office::ALL.len()],
    pub tokutei_productions: u64,
    pub flows: [u64; Flow::ALL.len()],
}

/// A resident's record before the first event: measured from the day after `before`.
fn fresh_record(before: NaiveDate) -> CardRecord {
    CardRecord {
        evaluated_through: Some(before),
        ..CardRecord::default()
    }
}

/// Every resident's card record, plus run-wide totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Projections {
    /// The day before the run's first day: measures count from the first day.
    #[serde(skip)]
    start: NaiveDate,
    #[serde(skip)]
    switch: SpecialPeriodMyNumber,
    /// The id of the first resident in `records`: a shard's projections hold its own range.
    #[serde(skip)]
    base: u32,
    /// The card records, resident by resident from `base`.
    pub records: Vec<CardRecord>,
    pub notifications: BTreeMap<String, u64>,
    pub events: u64,
    pub cards_produced: u64,
    /// Workload per month (keyed by the month's first day), for the what-if measures. Left out
    /// of the state hash, which predates it: it is a sum of what the log already holds.
    #[serde(skip)]
    pub workload: BTreeMap<NaiveDate, MonthWorkload>,
    /// How long the offices disagree after each change (issue 8). Left out of the state hash,
    /// which predates it: it is derived from what the records already hold.
    #[serde(skip)]
    pub sync: Agreement,
}

/// Records per part of the state hash's JSON written on one thread.
const STATE_HASH_PART: usize = 4096;

/// The compact JSON of `value` as the state hash reads it (dates through `model::fast_text`:
/// the same bytes as serde's own).
fn json<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    model::fast_text::serialize(value, &mut serde_json::Serializer::new(&mut out))
        .expect("projections always serialize");
    out
}

/// SHA-256 of the JSON of `value`, on this thread.
fn hash_of<T: Serialize + ?Sized>(value: &T) -> String {
    let mut h = HashWriter::new();
    // serde_json writes token by token; a buffer hands the digest large slices instead (the
    // same bytes, so the same hash).
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut h);
    model::fast_text::serialize(value, &mut serde_json::Serializer::new(&mut buffered))
        .expect("projections always serialize");
    std::io::Write::flush(&mut buffered).expect("hashing cannot fail");
    drop(buffered);
    h.finish()
}

/// The records' JSON as the elements of an array: each record's text, separated by commas
/// (written by [`crate::record_json`]: `serde_json`'s bytes, its field names copied).
fn records_json(records: &[CardRecord]) -> Vec<u8> {
    let out = RefCell::new(Vec::with_capacity(records.len() * 1024));
    for (i, record) in records.iter().enumerate() {
        if i > 0 {
            out.borrow_mut().push(b',');
        }
        crate::record_json::write(record, &out).expect("records always serialize");
    }
    out.into_inner()
}

/// The version of what [`Projections::state_hash`] derives from a log: the rules that fold
/// events into card records and measures, and the JSON shape they are hashed in. The same
/// events give the same state hash only under the same version, so a finished log records the
/// version beside its state hash (`run_meta.projection_version`, docs/log-format.md) and
/// `replay` compares the two hashes only when the versions agree.
///
/// Bump it whenever the state hash of an unchanged log changes — a new field in a record or a
/// measure, a rule that folds differently. Version 1 is every build before the version was
/// recorded. The test `state_hash_version_is_bumped_when_the_state_hash_changes` pins the state
/// hash of a bundled scenario with this number and fails until both are updated together.
pub const STATE_HASH_VERSION: u32 = 2;

impl Projections {
    /// Empty projections for a run starting on `start`.
    pub fn new(start: NaiveDate, switch: SpecialPeriodMyNumber, residents: usize) -> Projections {
        let residents = u32::try_from(residents).unwrap_or(u32::MAX);
        Projections::for_residents(start, switch, 0..residents)
    }

    /// Empty projections of the residents with ids in `residents` (a shard's range).
    pub fn for_residents(
        start: NaiveDate,
        switch: SpecialPeriodMyNumber,
        residents: Range<u32>,
    ) -> Projections {
        Projections {
            start,
            switch,
            base: residents.start,
            records: Vec::with_capacity(residents.len()),
            notifications: BTreeMap::new(),
            events: 0,
            cards_produced: 0,
            workload: BTreeMap::new(),
            sync: Agreement::default(),
        }
    }

    pub fn record(&self, resident: model::ids::ResidentId) -> Option<&CardRecord> {
        let i = resident.0.checked_sub(self.base)?;
        self.records.get(i as usize)
    }

    /// Adds the projections of the next shard (the residents right after these): its records
    /// follow these, its counts add up. Shards of one run, absorbed in order, give exactly the
    /// projections of the whole run — every fold is per resident or a sum.
    pub fn absorb(&mut self, next: Projections) {
        let Projections {
            base,
            records,
            notifications,
            events,
            cards_produced,
            workload,
            sync,
            ..
        } = next;
        let own_end = self.base as usize + self.records.len();
        self.sync.absorb(sync, (base - self.base) as usize);
        let gap = (base as usize).saturating_sub(own_end);
        let before = self.start.pred_opt().unwrap_or(self.start);
        self.records
            .extend(std::iter::repeat_with(|| fresh_record(before)).take(gap));
        self.records.extend(records);
        for (code, n) in notifications {
            *self.notifications.entry(code).or_insert(0) += n;
        }
        self.events += events;
        self.cards_produced += cards_produced;
        for (month, w) in workload {
            let mine = self.workload.entry(month).or_default();
            for (a, b) in mine.visits.iter_mut().zip(w.visits) {
                *a += b;
            }
            mine.tokutei_productions += w.tokutei_productions;
            for (a, b) in mine.flows.iter_mut().zip(w.flows) {
                *a += b;
            }
        }
    }

    /// Folds one event into the projections.
    pub fn apply(&mut self, env: &Envelope) {
        self.apply_event(&env.event, env.occurred_at);
    }

    /// Folds one event, recorded at `at`, into the projections (all the fold needs of its
    /// envelope).
    pub fn apply_event(&mut self, event: &Event, at: NaiveDateTime) {
        let day = at.date();
        let resident = event.resident();
        let i = resident
            .0
            .checked_sub(self.base)
            .unwrap_or_else(|| panic!("{resident} comes before these projections' residents"))
            as usize;
        if self.records.len() <= i {
            let before = self.start.pred_opt().unwrap_or(self.start);
            self.records.resize_with(i + 1, || fresh_record(before));
        }
        self.events += 1;
        if matches!(event, Event::ResidenceCardIssued { .. }) {
            self.cards_produced += 1;
        }
        for n in rules::notified(event) {
            // The key is allocated once per code, not once per notice.
            match self.notifications.get_mut(n.code) {
                Some(count) => *count += 1,
                None => {
                    self.notifications.insert(n.code.to_owned(), 1);
                }
            }
        }
        let switch = self.switch;
        let rec = &mut self.records[i];
        if let Some(prev) = day.pred_opt() {
            rec.advance(prev, switch);
        }
        let visits = rec.visits;
        apply_event(rec, event, day);
        self.sync.observe(i, rec.out_of_sync(), at);
        let counted = rec.visits != visits;
        let tokutei = matches!(event, Event::TokuteiProductionStarted { .. });
        let flow = Flow::of(event);
        if counted || tokutei || flow.is_some() {
            let month = day.with_day(1).unwrap_or(day);
            let w = self.workload.entry(month).or_default();
            for (k, (now, was)) in rec.visits.iter().zip(visits).enumerate() {
                w.visits[k] += u64::from(now - was);
            }
            w.tokutei_productions += u64::from(tokutei);
            if let Some(flow) = flow {
                w.flows[flow.index()] += 1;
            }
        }
    }

    /// Advances every record's day measures through `until` (call once at the end of a run).
    pub fn finish(&mut self, until: NaiveDate) {
        let switch = self.switch;
        for rec in &mut self.records {
            rec.advance(until, switch);
        }
    }

    /// Run-wide totals.
    pub fn totals(&self) -> Totals {
        let mut t = Totals {
            events: self.events,
            notifications: self.notifications.clone(),
            ..Totals::default()
        };
        for office in Office::ALL {
            t.visits.insert(office, 0);
        }
        for rec in &self.records {
            for (k, office) in Office::ALL.iter().enumerate() {
                *t.visits.entry(*office).or_insert(0) += u64::from(rec.visits[k]);
            }
            t.deadline_misses += u64::from(rec.deadline_misses);
            t.refusals += u64::from(rec.refusals);
            t.fees_paid_yen += rec.fees_paid_yen;
            t.outage_days += rec.days.outage_days;
            t.inconsistency_days += rec.days.inconsistency_days;
            t.special_period_days += rec.days.special_period_days;
            for (k, queue) in crate::record::WAITS.iter().enumerate() {
                let days = u64::from(rec.waiting_days[k]);
                if days > 0 {
                    let w = t.waiting.entry(*queue).or_default();
                    w.days += days;
                    w.residents += 1;
                }
            }
        }
        t.cards_produced = self.cards_produced;
        t
    }

    /// What each office knew at the end of `day`: every event of `log` recorded on or before
    /// it, folded in log order (what `replay --as-of` shows).
    pub fn known_at_end_of(
        log: &[Envelope],
        start: NaiveDate,
        switch: SpecialPeriodMyNumber,
        day: NaiveDate,
    ) -> Projections {
        Projections::fold_where(log, start, switch, day, |e| e.occurred_at.date() <= day)
    }

    /// What was legally true at the end of `day`, as known by the end of the log: every event
    /// whose legal date — its `effective_on` (a move that took effect before it was notified),
    /// else the day it was recorded — is on or before `day`, folded in log order (what
    /// `replay --effective-on` shows). The card record's facts are then those in force on
    /// `day`; its day measures still count by the days events were recorded, so they are not
    /// shown for it.
    pub fn legally_on(
        log: &[Envelope],
        start: NaiveDate,
        switch: SpecialPeriodMyNumber,
        day: NaiveDate,
    ) -> Projections {
        Projections::fold_where(log, start, switch, day, |e| {
            e.effective_on.unwrap_or(e.occurred_at.date()) <= day
        })
    }

    fn fold_where(
        log: &[Envelope],
        start: NaiveDate,
        switch: SpecialPeriodMyNumber,
        day: NaiveDate,
        keep: impl Fn(&Envelope) -> bool,
    ) -> Projections {
        let mut p = Projections::new(start, switch, 0);
        for e in log.iter().filter(|e| keep(e)) {
            p.apply(e);
        }
        p.finish(day);
        p
    }

    /// SHA-256 of the projections' canonical JSON: the "final state hash". It is a function of
    /// the events *and* of today's rules for folding them, so it is comparable only with a hash
    /// made by the same [`STATE_HASH_VERSION`].
    ///
    /// The JSON of the records, nearly all of it, is written on every core, part by part, and
    /// hashed in order ([`Projections::state_hash_on`]).
    pub fn state_hash(&self) -> String {
        self.state_hash_on(
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
        )
    }

    /// [`Projections::state_hash`], the records' JSON written on `threads` threads: the same
    /// bytes, so the same hash, for any number. The JSON is the projections' own serde form,
    /// `{"records":[R0,R1,…],…}`; the text around the records comes from serializing the
    /// projections with no records, and each record's text from serializing the record, as
    /// serde_json writes the elements of an array (separated by commas, nothing else).
    pub fn state_hash_on(&self, threads: usize) -> String {
        /// How `serde_json` opens the projections: `records` is the first field.
        const OPEN: &[u8] = b"{\"records\":[";
        let shell = json(&self.without_records());
        let Some(rest) = shell.strip_prefix(OPEN).and_then(|r| r.strip_prefix(b"]")) else {
            // Not the shape this relies on (a field moved before `records`): all on one
            // thread, which is always right.
            return hash_of(self);
        };
        let mut h = HashWriter::new();
        h.update(OPEN);
        let mut first = true;
        for wave in self.records.chunks(threads.max(1) * STATE_HASH_PART) {
            let parts: Vec<Vec<u8>> = if threads <= 1 {
                vec![records_json(wave)]
            } else {
                std::thread::scope(|scope| {
                    let handles: Vec<_> = wave
                        .chunks(STATE_HASH_PART)
                        .map(|part| scope.spawn(move || records_json(part)))
                        .collect();
                    handles
                        .into_iter()
                        .map(|h| h.join().expect("writing JSON cannot panic"))
                        .collect()
                })
            };
            for part in parts.iter().filter(|p| !p.is_empty()) {
                if !first {
                    h.update(b",");
                }
                h.update(part);
                first = false;
            }
        }
        h.update(b"]");
        h.update(rest);
        h.finish()
    }

    /// The projections without their records: what the state hash's JSON holds around them.
    fn without_records(&self) -> Projections {
        // Destructured so that a field added here fails to compile until it is decided
        // whether the state hash reads it.
        let Projections {
            start,
            switch,
            base,
            records: _,
            notifications,
            events,
            cards_produced,
            workload: _,
            sync: _,
        } = self;
        Projections {
            start: *start,
            switch: *switch,
            base: *base,
            records: Vec::new(),
            notifications: notifications.clone(),
            events: *events,
            cards_produced: *cards_produced,
            workload: BTreeMap::new(),
            sync: Agreement::default(),
        }
    }
}
