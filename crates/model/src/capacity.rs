//! Office capacity (issue 14 item 6, issue 8's J-LIS backlog; decision 17): how many residents
//! an office takes in on a working day, and the queue of those it could not take in.
//!
//! A capacity is policy, not law (docs/domain.md §16, an assumption): the bureau's counters, each
//! municipality's window and J-LIS's Tokutei production take in so many residents a working day
//! per 1,000 residents, and whoever comes beyond that is given the first later working day with
//! a free place — a queue that carries over from day to day, first come first served. Residents
//! never interact anywhere else, so the queue is kept per **block** of residents (`block`
//! consecutive resident ids): each block gets its own share of each office-day, in proportion to
//! its residents, and is always simulated whole by one shard, so a run with a capacity writes the
//! same log in any number of shards.
//!
//! The rate is per 1,000 residents rather than per office: a block's share then depends on the
//! block alone (no table of the whole population), and the same policy file puts the same load
//! on the offices in a 100,000-resident sample as in the national population. A share that is
//! not a whole number of residents is rounded up or down day by day by a seeded draw of (seed,
//! office, municipality, day, block), so that over the days a block gets its share exactly on
//! average and no block is always the one rounded down.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::event::Event;
use crate::hashing::mix64;
use crate::ids::{Municipality, ResidentId};
use crate::machine::{Context, Decision, Input};
use crate::procedure::Procedure;
use crate::service::Office;
use crate::time::opening_time;

/// Residents per block when the policy does not say: the what-if's part (2^17 residents), so that
/// a part is one block and a national run has about 30.
pub const BLOCK: u32 = 1 << 17;

/// A capacity: residents taken in per working day per 1,000 residents, a positive number.
///
/// Written as a plain number (`2.5`). Zero, negative numbers, NaN and infinities are refused when
/// read, so a capacity always lets someone in eventually and a policy stays `Eq`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct PerThousand(f64);

impl Eq for PerThousand {}

impl PerThousand {
    /// `value` as a capacity, if it is a positive, finite number.
    pub fn new(value: f64) -> Option<PerThousand> {
        (value.is_finite() && value > 0.0).then_some(PerThousand(value))
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

impl<'de> Deserialize<'de> for PerThousand {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PerThousand, D::Error> {
        let v = f64::deserialize(d)?;
        PerThousand::new(v).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "expected a positive number of residents per 1,000 residents, found {v}"
            ))
        })
    }
}

impl JsonSchema for PerThousand {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PerThousand".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "number",
            "exclusiveMinimum": 0.0,
            "description": "Residents taken in per working day per 1,000 residents, e.g. 2.5."
        })
    }
}

/// The policy's `capacity` section: absent (every office unlimited) by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Capacity {
    /// The bureau's counters: visits taken in per working day per 1,000 residents (absent:
    /// unlimited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immigration_bureau: Option<PerThousand>,
    /// A municipality's window: visits taken in per working day per 1,000 residents registered
    /// in that municipality (absent: unlimited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city_hall: Option<PerThousand>,
    /// J-LIS: Tokutei card productions started per working day per 1,000 residents (absent:
    /// unlimited). A request beyond the day's share waits for a later working day, and the
    /// card's lead time grows by the wait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jlis_production: Option<PerThousand>,
    /// Residents per block: each block of consecutive residents queues on its own (default
    /// 131,072, a what-if's part). A scenario is one block.
    #[serde(default = "default_block")]
    pub block: u32,
}

fn default_block() -> u32 {
    BLOCK
}

impl Default for Capacity {
    fn default() -> Self {
        Capacity {
            immigration_bureau: None,
            city_hall: None,
            jlis_production: None,
            block: BLOCK,
        }
    }
}

impl Capacity {
    /// The block `resident` belongs to.
    pub fn block_of(&self, resident: ResidentId) -> u32 {
        resident.0 / self.block.max(1)
    }

    /// The capacity of the counters of `office` (the bureau or a city hall), if limited.
    pub fn of_counter(&self, office: Office) -> Option<PerThousand> {
        match office {
            Office::ImmigrationBureau => self.immigration_bureau,
            Office::CityHall => self.city_hall,
            Office::Police | Office::CallCentre => None,
        }
    }
}

/// Which queue: an office's counters (a municipality's window has one per municipality) or
/// J-LIS's production, within one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct QueueKey {
    pub block: u32,
    pub municipality: Option<Municipality>,
}

/// A block's share of a queue's capacity on `day`: `rate` × `residents` / 1,000, rounded down
/// or up by a draw of (seed, `salt` — the office —, the municipality, the day, the block) with
/// the probability of its fraction, so that its mean over the days is exact (decision 17).
pub fn share_of_day(
    rate: PerThousand,
    residents: u32,
    seed: u64,
    salt: u64,
    key: QueueKey,
    day: NaiveDate,
) -> u32 {
    let exact = rate.get() * f64::from(residents) / 1000.0;
    let whole = exact.floor();
    let fraction = exact - whole;
    let place = key.municipality.map_or(0, |m| name_hash(m.as_str()));
    let draw =
        mix64(mix64(mix64(seed ^ salt) ^ place) ^ (u64::from(key.block) << 32 | day_number(day)));
    // The draw falls below the fraction for that fraction of all days.
    let up = (draw as f64) < fraction * 18_446_744_073_709_551_616.0;
    whole as u32 + u32::from(up)
}

fn day_number(day: NaiveDate) -> u64 {
    u64::try_from(day.num_days_from_ce()).unwrap_or(0)
}

/// FNV-1a then SplitMix64: a stable hash of a municipality's name.
fn name_hash(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    mix64(h)
}

/// Where a resident who comes to a queue today goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Taken in today.
    Today,
    /// Given a place on a later working day.
    Later(NaiveDate),
}

/// One queue of one block: its residents and the last day places were given out on.
#[derive(Debug, Clone, Copy, Default)]
struct Line {
    residents: u32,
    /// The last day with places given, and how many.
    day: Option<NaiveDate>,
    taken: u32,
}

/// The queues an office keeps beside its records, per block (and municipality): the residents
/// each serves and the places given out, and the residents told to come back on a later day.
///
/// The tally of places is kept as the office decides (its `handle`), because a resident taken
/// in today is recorded by an event that carries no date. What an office rebuilt from its own
/// events after a crash (issue 8) needs is rebuilt, though: the places given on later days
/// (recorded by `apply` from `CounterCapacityReached` and `ProductionQueued`, which carry their
/// day) and, before its first decision, the residents each queue serves, counted from the
/// office's records ([`recount`]). Only the residents taken in on the day of the restart are
/// forgotten, so that day may take in more than its share (decision 17).
#[derive(Debug, Clone, Default)]
pub struct Queues {
    lines: BTreeMap<QueueKey, Line>,
    /// Residents given a place on a later day at a counter: the municipality (a city hall's)
    /// and that day.
    waiting: BTreeMap<ResidentId, (Option<Municipality>, NaiveDate)>,
    /// Productions booked on a later day (J-LIS), by resident: the day.
    booked: BTreeMap<ResidentId, NaiveDate>,
    /// Whether the residents each queue serves are counted: false in a fresh office (at the
    /// start of a run, or rebuilt after a crash) until its first decision under a capacity.
    counted: bool,
}

/// How a queue is asked where a resident goes: its capacity, the office's salt, the seed, and
/// which days it works.
pub struct Ask<'a> {
    pub rate: PerThousand,
    pub salt: u64,
    pub seed: u64,
    pub works_on: &'a dyn Fn(NaiveDate) -> bool,
}

impl Queues {
    /// One more resident served by the queue `key` (enrolled, or registered in the municipality).
    pub fn serves(&mut self, key: QueueKey) {
        self.lines.entry(key).or_default().residents += 1;
    }

    /// Where `resident`, at the queue `key` on `today`, goes: taken in today when their place is
    /// today (they were told to come back today, or today's share is not yet given out and no
    /// one is waiting for a later day), otherwise the first working day with a free place after
    /// the last one given out.
    pub fn place(
        &self,
        key: QueueKey,
        resident: ResidentId,
        today: NaiveDate,
        ask: &Ask<'_>,
    ) -> Place {
        if self
            .waiting
            .get(&resident)
            .is_some_and(|(_, day)| *day == today)
        {
            return Place::Today;
        }
        let line = self.lines.get(&key).copied().unwrap_or_default();
        // A newcomer to a municipality with none of the block's residents registered there counts
        // as one.
        let residents = line.residents.max(1);
        let share = |day| share_of_day(ask.rate, residents, ask.seed, ask.salt, key, day);
        let (mut day, mut taken) = match line.day {
            Some(day) if day >= today => (day, line.taken),
            _ => (today, 0),
        };
        if day == today && (ask.works_on)(today) && taken < share(today) {
            return Place::Today;
        }
        // Days with no place left (or none at all) are passed over; a positive rate gives every
        // block a place within a few thousand days, and the bound keeps a bad input finite.
        for _ in 0..100_000 {
            if day > today && (ask.works_on)(day) && taken < share(day) {
                return Place::Later(day);
            }
            day = day.succ_opt().unwrap_or(day);
            taken = 0;
        }
        Place::Later(day)
    }

    /// `resident` was taken in at the queue `key` on `day`.
    pub fn taken_in(&mut self, key: QueueKey, resident: ResidentId, day: NaiveDate) {
        if self.waiting.get(&resident).is_some_and(|(_, d)| *d == day) {
            // Their place was counted when it was given.
            self.waiting.remove(&resident);
            return;
        }
        self.give(key, day);
    }

    /// `resident` was given a place at the queue `key` on the later `day`.
    pub fn queued(&mut self, key: QueueKey, resident: ResidentId, day: NaiveDate) {
        self.give(key, day);
        self.waiting.insert(resident, (key.municipality, day));
    }

    /// Folds one of the office's own events (its `apply`): a place given on a later day is
    /// remembered with its day, so that an office rebuilt from its events after a crash still
    /// takes the resident in first on that day and gives that day's other places to others.
    pub fn apply(&mut self, office: Queue, event: &Event) {
        match (office, event) {
            (
                Queue::Counter(office),
                Event::CounterCapacityReached {
                    resident,
                    office: o,
                    municipality,
                    waits_until,
                    ..
                },
            ) if *o == office => {
                self.waiting
                    .insert(*resident, (*municipality, *waits_until));
            }
            (Queue::Production, Event::ProductionQueued { starts_on, .. }) => {
                self.booked.insert(event.resident(), *starts_on);
            }
            _ => {}
        }
    }

    /// A production booked at the queue `key` on `day` (J-LIS: nobody comes back for it).
    pub fn book(&mut self, key: QueueKey, day: NaiveDate) {
        self.give(key, day);
    }

    fn give(&mut self, key: QueueKey, day: NaiveDate) {
        let line = self.lines.entry(key).or_default();
        if line.day == Some(day) {
            line.taken += 1;
        } else if line.day.is_none_or(|d| d < day) {
            line.day = Some(day);
            line.taken = 1;
        }
        // A place on a day before the last one given (a resident back on their day while the
        // queue has moved on) was counted when it was given.
    }
}

/// The shard ranges of `n` residents on `shards` threads when a capacity is set: contiguous,
/// nearly equal numbers of whole blocks, so that each block is simulated by one shard whatever
/// the thread count (decision 17).
pub fn ranges_in_blocks(n: usize, shards: usize, block: u32) -> Vec<std::ops::Range<u32>> {
    let block = block.max(1) as usize;
    let blocks = n.div_ceil(block).max(1);
    let shards = shards.clamp(1, blocks);
    let bound = |k: usize| {
        u32::try_from((k * blocks / shards * block).min(n)).expect("fewer than 2^32 residents")
    };
    (0..shards).map(|k| bound(k)..bound(k + 1)).collect()
}

/// The residents per part of a population what-if whose arms have `policies`: `part` when no
/// arm has a capacity, otherwise the smallest number of residents made of whole blocks of every
/// arm's size (a part is run whole on one thread, so its blocks are whole; decision 17).
pub fn part_in_blocks<'a>(
    part: usize,
    policies: impl IntoIterator<Item = &'a crate::policy::Policy>,
) -> usize {
    let gcd = |mut a: usize, mut b: usize| {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    policies
        .into_iter()
        .filter_map(|p| p.capacity.as_ref())
        .map(|c| c.block.max(1) as usize)
        .fold(None, |lcm: Option<usize>, b| {
            Some(lcm.map_or(b, |l| l / gcd(l, b) * b))
        })
        .unwrap_or(part)
}

/// The salt of an office's draws of its daily share (J-LIS's production has its own).
fn salt(office: Option<Office>) -> u64 {
    match office {
        Some(office) => 1 + office as u64,
        None => 0x4a4c_4953,
    }
}

/// The visit to `office`'s counter a decision records, if any: the resident, the municipality
/// (a city hall's) and the procedure.
fn visit_to(
    office: Office,
    decision: &Decision,
) -> Option<(ResidentId, Option<Municipality>, Procedure)> {
    decision.events.iter().find_map(|event| match event {
        Event::CounterVisited {
            resident,
            office: o,
            municipality,
            procedure,
        } if *o == office => Some((*resident, *municipality, *procedure)),
        _ => None,
    })
}

/// A counter's decision under the policy's capacity (decision 17): `decision`, as the office
/// decided it without a capacity, when it does not take a resident in at `office`'s counter or
/// the queue has a place for them today; otherwise the place given on a later working day
/// instead ([`Event::CounterCapacityReached`]), and the resident's same request again then, at
/// opening time, first in that day's queue.
pub fn at_counter(
    queues: &Queues,
    office: Office,
    input: &Input,
    decision: Decision,
    ctx: &Context<'_>,
) -> Decision {
    let Some(capacity) = &ctx.policy.capacity else {
        return decision;
    };
    let (Some(rate), Input::Command(command)) = (capacity.of_counter(office), input) else {
        return decision;
    };
    let Some((resident, municipality, procedure)) = visit_to(office, &decision) else {
        return decision;
    };
    let key = QueueKey {
        block: capacity.block_of(resident),
        municipality,
    };
    let works_on = |day| crate::rules::counter_open(ctx.policy, office, day);
    let ask = Ask {
        rate,
        salt: salt(Some(office)),
        seed: ctx.seed,
        works_on: &works_on,
    };
    match queues.place(key, resident, ctx.today(), &ask) {
        Place::Today => decision,
        Place::Later(day) => {
            let mut wait = Decision::none();
            wait.push(Event::CounterCapacityReached {
                resident,
                office,
                municipality,
                procedure,
                waits_until: day,
            });
            wait.timer(opening_time(day), command.clone());
            wait
        }
    }
}

/// Keeps a counter's queues after its decision: the resident taken in, or given a later day.
fn note_counter(queues: &mut Queues, office: Office, decision: &Decision, ctx: &Context<'_>) {
    let Some(capacity) = &ctx.policy.capacity else {
        return;
    };
    if capacity.of_counter(office).is_none() {
        return;
    }
    let key = |resident, municipality| QueueKey {
        block: capacity.block_of(resident),
        municipality,
    };
    for event in &decision.events {
        if let Event::CounterCapacityReached {
            resident,
            office: o,
            municipality,
            waits_until,
            ..
        } = event
            && *o == office
        {
            queues.queued(key(*resident, *municipality), *resident, *waits_until);
        }
    }
    if let Some((resident, municipality, _)) = visit_to(office, decision) {
        queues.taken_in(key(resident, municipality), resident, ctx.today());
    }
}

/// When J-LIS can start a Tokutei card's production requested today under the policy's
/// capacity: today, or the first later working day with a free place (`None`: no capacity, at
/// once).
pub fn production_starts(
    queues: &Queues,
    resident: ResidentId,
    ctx: &Context<'_>,
) -> Option<Place> {
    let capacity = ctx.policy.capacity.as_ref()?;
    let rate = capacity.jlis_production?;
    let key = QueueKey {
        block: capacity.block_of(resident),
        municipality: None,
    };
    let works_on = |day| crate::calendar::closed_day(day).is_none();
    let ask = Ask {
        rate,
        salt: salt(None),
        seed: ctx.seed,
        works_on: &works_on,
    };
    Some(queues.place(key, resident, ctx.today(), &ask))
}

/// Keeps J-LIS's production queue after its decision: a production started today or queued.
fn note_production(queues: &mut Queues, decision: &Decision, ctx: &Context<'_>) {
    let Some(capacity) = &ctx.policy.capacity else {
        return;
    };
    if capacity.jlis_production.is_none() {
        return;
    }
    let mut queued = None;
    for event in &decision.events {
        let key = QueueKey {
            block: capacity.block_of(event.resident()),
            municipality: None,
        };
        match event {
            Event::ProductionQueued { starts_on, .. } => queued = Some(*starts_on),
            Event::TokuteiProductionStarted { .. } => {
                queues.book(key, queued.take().unwrap_or(ctx.today()));
            }
            _ => {}
        }
    }
}

/// Counts, once, the residents each of a fresh office's queues serves — `served`, each resident
/// of the office's records with their municipality (a city hall's) — and gives back the places
/// on later days that its events recorded ([`Queues::apply`]), in day order. A fresh office at
/// the start of a run has no records and nothing to give back; one rebuilt from its events after
/// a crash has both, and without them would take each block for a block of one resident. Each
/// office calls it from its `handle`, before deciding.
pub fn recount(
    queues: &mut Queues,
    ctx: &Context<'_>,
    served: impl Iterator<Item = (ResidentId, Option<Municipality>)>,
) {
    let Some(capacity) = &ctx.policy.capacity else {
        return;
    };
    if queues.counted {
        return;
    }
    queues.counted = true;
    let key = |resident: ResidentId, municipality| QueueKey {
        block: capacity.block_of(resident),
        municipality,
    };
    for (resident, municipality) in served {
        queues.serves(key(resident, municipality));
    }
    let today = ctx.today();
    let mut later: Vec<(NaiveDate, QueueKey)> = queues
        .waiting
        .iter()
        .map(|(r, (m, day))| (*day, key(*r, *m)))
        .chain(queues.booked.iter().map(|(r, day)| (*day, key(*r, None))))
        .filter(|(day, _)| *day >= today)
        .collect();
    later.sort();
    for (day, k) in later {
        queues.give(k, day);
    }
}

/// Which of an office's queues: its counters (a city hall's, one per municipality), or J-LIS's
/// production.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    Counter(Office),
    Production,
}

/// Keeps an office's queues after one of its decisions, when the policy sets a capacity: the
/// residents each queue serves (counted as the office opens their record: the bureau's and
/// J-LIS's at enrolment, a municipality's at registration), and the residents taken in today or
/// given a later day. Each office calls it from its `handle`, after `apply`.
pub fn keep(queues: &mut Queues, queue: Queue, decision: &Decision, ctx: &Context<'_>) {
    let Some(capacity) = &ctx.policy.capacity else {
        return;
    };
    for event in &decision.events {
        let served = match (queue, event) {
            (Queue::Counter(Office::ImmigrationBureau), Event::ImmigrationRecordOpened { .. })
            | (Queue::Production, Event::CardIssuerRecordOpened { .. }) => Some(None),
            (
                Queue::Counter(Office::CityHall),
                Event::ResidentRegistered { municipality, .. }
                | Event::ResidenceNotified { municipality, .. }
                | Event::BirthRegistered { municipality, .. },
            ) => Some(Some(*municipality)),
            _ => None,
        };
        if let Some(municipality) = served {
            queues.serves(QueueKey {
                block: capacity.block_of(event.resident()),
                municipality,
            });
        }
    }
    match queue {
        Queue::Counter(office) => note_counter(queues, office, decision, ctx),
        Queue::Production => note_production(queues, decision, ctx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 7, day).unwrap()
    }

    fn key() -> QueueKey {
        QueueKey {
            block: 0,
            municipality: None,
        }
    }

    #[test]
    fn given_blocks_when_sharded_then_every_range_is_whole_blocks() {
        assert_eq!(ranges_in_blocks(10, 3, 4), [0..4, 4..8, 8..10]);
        assert_eq!(ranges_in_blocks(10, 2, 4), [0..4, 4..10]);
        assert_eq!(ranges_in_blocks(10, 5, 4), [0..4, 4..8, 8..10]);
        let whole = ranges_in_blocks(10, 1, 4);
        assert_eq!((whole.len(), &whole[0]), (1, &(0..10)));
        let empty = ranges_in_blocks(0, 2, 4);
        assert_eq!((empty.len(), &empty[0]), (1, &(0..0)));
    }

    #[test]
    fn given_a_whole_share_when_asked_then_it_is_the_same_every_day() {
        let rate = PerThousand::new(400.0).unwrap();
        for day in 1..=31 {
            assert_eq!(share_of_day(rate, 5, 1, 2, key(), d(day)), 2);
        }
    }

    #[test]
    fn given_a_fractional_share_when_summed_over_many_days_then_it_is_the_exact_share_on_average() {
        let rate = PerThousand::new(1.0).unwrap();
        // 2,500 residents at 1 per 1,000: 2.5 a day.
        let mut total = 0;
        let mut day = d(1);
        for _ in 0..4000 {
            let s = share_of_day(rate, 2500, 7, 3, key(), day);
            assert!(s == 2 || s == 3, "{s}");
            total += s;
            day = day.succ_opt().unwrap();
        }
        let mean = f64::from(total) / 4000.0;
        assert!((mean - 2.5).abs() < 0.05, "mean {mean}");
    }

    #[test]
    fn given_a_full_day_when_more_come_then_they_queue_day_after_day_in_order() {
        let rate = PerThousand::new(400.0).unwrap();
        let every_day = |_| true;
        let ask = Ask {
            rate,
            salt: 0,
            seed: 1,
            works_on: &every_day,
        };
        let mut q = Queues::default();
        for _ in 0..5 {
            q.serves(key());
        }
        let mut places = Vec::new();
        for r in 0..5 {
            let resident = ResidentId(r);
            let place = q.place(key(), resident, d(1), &ask);
            match place {
                Place::Today => q.taken_in(key(), resident, d(1)),
                Place::Later(day) => q.queued(key(), resident, day),
            }
            places.push(place);
        }
        assert_eq!(
            places,
            [
                Place::Today,
                Place::Today,
                Place::Later(d(2)),
                Place::Later(d(2)),
                Place::Later(d(3))
            ]
        );
        // The one told to come back on the 3rd is taken in then, whatever the day's share.
        assert_eq!(q.place(key(), ResidentId(4), d(3), &ask), Place::Today);
        // A newcomer on the 2nd waits behind those already given the 2nd and the 3rd.
        assert_eq!(
            q.place(key(), ResidentId(9), d(2), &ask),
            Place::Later(d(3))
        );
    }

    #[test]
    fn given_closed_days_when_queued_then_they_are_skipped() {
        let rate = PerThousand::new(200.0).unwrap();
        let weekdays = |day: NaiveDate| day.weekday().num_days_from_monday() < 5;
        let ask = Ask {
            rate,
            salt: 0,
            seed: 1,
            works_on: &weekdays,
        };
        let mut q = Queues::default();
        for _ in 0..5 {
            q.serves(key());
        }
        // Friday 2026-07-03: one place; the second resident goes to Monday the 6th.
        let friday = d(3);
        assert_eq!(q.place(key(), ResidentId(0), friday, &ask), Place::Today);
        q.taken_in(key(), ResidentId(0), friday);
        assert_eq!(
            q.place(key(), ResidentId(1), friday, &ask),
            Place::Later(d(6))
        );
        // Nobody is taken in on a Saturday.
        assert_eq!(
            q.place(key(), ResidentId(2), d(4), &ask),
            Place::Later(d(6))
        );
    }
}
