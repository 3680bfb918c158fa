//! Faults: what can go wrong between the offices (issue 8), as data in the policy.
//!
//! By default every notice of §6 arrives exactly once, in order, after its link's latency. A
//! policy (or a scenario's policy) can instead give a link a delay distribution, send its notices
//! in batches, lose some of them (redelivered after a delay up to K times, or never), duplicate
//! them, or shuffle them within a window; and it can take an office down for whole days
//! (deliveries and counter visits wait until it reopens), optionally losing its in-memory state
//! (a crash: the office rebuilds its state from its own events when it restarts).
//!
//! Every fault is a pure function of the run's seed and of *which* notice it is — the resident,
//! the resident's event counter of the event notified, the receiving office and what is drawn —
//! never of a position in a queue or of a thread, so a run with faults writes the same log for any
//! number of shards (decisions 11 and 13). The draws use integer arithmetic except the lognormal
//! delay, whose result is rounded to whole minutes.

use chrono::{NaiveDate, NaiveTime, Timelike};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::hashing::mix64;
use crate::policy::Share;
use crate::service::Service;
use crate::time::{Latency, SimTime};

/// Every fault of a run. Empty (the default) means perfect links and offices that never close
/// for a fault.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// What the links do to notices; for each notice the first entry that matches applies.
    pub links: Vec<LinkFault>,
    /// Offices out of service.
    pub outages: Vec<Outage>,
}

impl Faults {
    /// No fault at all: the policy's links and offices as without this section.
    pub fn is_none(&self) -> bool {
        self.links.is_empty() && self.outages.is_empty()
    }

    /// Whether any link can deliver a notice twice (a duplicate), so that the receiving offices
    /// must recognise notices they already handled.
    pub fn may_duplicate(&self) -> bool {
        self.links.iter().any(|l| l.duplicate.get() > 0.0)
    }

    /// The fault of the first entry that matches a notice numbered `code` (§6, `N3`) from `from`
    /// to `to`.
    pub fn link(&self, code: &str, from: Service, to: Service) -> Option<&LinkFault> {
        self.links.iter().find(|l| l.matches(code, from, to))
    }

    /// When a delivery to `office` due at `at` can be handled: `at` itself, or — when the office
    /// is out of service then — when it reopens (outages that meet chain).
    pub fn reopened(&self, office: Service, at: SimTime) -> SimTime {
        let mut at = at;
        // An outage may end inside another: take them up until none holds `at`.
        while let Some(o) = self
            .outages
            .iter()
            .find(|o| o.office == office && o.holds(at))
        {
            at = o.reopens();
        }
        at
    }

    /// The instants at which `office` restarts after a crash, in time order.
    pub fn restarts(&self, office: Service) -> Vec<SimTime> {
        let mut v: Vec<SimTime> = self
            .outages
            .iter()
            .filter(|o| o.office == office && o.crash)
            .map(Outage::reopens)
            .collect();
        v.sort();
        v
    }
}

/// What a link does to the notices that match it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LinkFault {
    /// The notification number of §6 (`N1` … `N9`); absent: every notice on the link.
    pub notice: Option<NoticeCode>,
    /// The sending office; absent: any.
    pub from: Option<Service>,
    /// The receiving office; absent: any.
    pub to: Option<Service>,
    /// The delay of the link, replacing the policy's latency for these notices.
    pub delay: Option<Delay>,
    /// Notices wait for the link's next batch before they travel.
    pub batch: Option<Batch>,
    /// The share of notices lost on the way (each attempt drawn on its own).
    pub loss: Share,
    /// Whether and how a lost notice is sent again; absent: a lost notice is never redelivered,
    /// a silent and permanent inconsistency.
    pub redelivery: Option<Redelivery>,
    /// The share of notices delivered twice.
    pub duplicate: Share,
    /// Each notice is held for an extra delay drawn uniformly up to this window, so notices sent
    /// close together can arrive in another order.
    pub reorder_window: Latency,
}

impl LinkFault {
    fn matches(&self, code: &str, from: Service, to: Service) -> bool {
        self.notice.as_ref().is_none_or(|n| n.0 == code)
            && self.from.is_none_or(|f| f == from)
            && self.to.is_none_or(|t| t == to)
    }

    /// What happens to one notice sent at `sent` whose link's own latency is `latency`: the
    /// instants at which copies arrive (none when it is lost for good), and what happened to it.
    /// `key` says which notice it is (see [`NoticeKey`]).
    pub fn plan(&self, key: NoticeKey, sent: SimTime, latency: Latency) -> Plan {
        let departs = self.batch.as_ref().map_or(sent, |b| b.next_departure(sent));
        let travel = |what: u64| -> SimTime {
            let base = self
                .delay
                .as_ref()
                .map_or(latency, |d| d.pick(|i| key.draw(what * 16 + i)));
            let extra = spread(self.reorder_window, key.draw(what * 16 + 15));
            departs + base.as_duration() + extra.as_duration()
        };
        let mut plan = Plan::default();
        // Attempt 0 is the first sending, 1..=K the redeliveries.
        let attempts = self.redelivery.as_ref().map_or(0, |r| r.attempts);
        let mut delivered = None;
        for attempt in 0..=attempts {
            let lost = self.loss.admits(key.draw(LOSS + u64::from(attempt)));
            if !lost {
                let after = self
                    .redelivery
                    .as_ref()
                    .map_or(Latency::ZERO, |r| r.after)
                    .as_minutes()
                    * attempt;
                let at = travel(DELAY + u64::from(attempt)) + Latency::minutes(after).as_duration();
                delivered = Some(at);
                plan.redelivered = attempt > 0;
                break;
            }
        }
        let Some(at) = delivered else {
            plan.lost = true;
            return plan;
        };
        plan.arrivals.push(at);
        if self.duplicate.admits(key.draw(DUPLICATE)) {
            plan.arrivals.push(travel(DUPLICATE_DELAY));
            plan.duplicated = true;
        }
        plan
    }
}

// What is drawn, as the last part of a notice's key (delays use 16 slots from their base).
const LOSS: u64 = 1 << 8;
const DUPLICATE: u64 = 2 << 8;
const DELAY: u64 = 3 << 8;
const DUPLICATE_DELAY: u64 = 4 << 8;

/// A duration drawn uniformly from zero to `window` (whole minutes).
fn spread(window: Latency, draw: u64) -> Latency {
    let n = u64::from(window.as_minutes()) + 1;
    Latency::minutes(((u128::from(draw) * u128::from(n)) >> 64) as u32)
}

/// What happens to a notice of `code` that `from` sends `to` at `sent` under `policy`: when each
/// copy is taken up by `to` (its working days counted, [`crate::rules::taken_up`]; an outage is
/// the queue's business) and what the link did. Without a fault for the notice: one copy, after
/// the link's latency ([`crate::rules::notice_delivery`]).
pub fn notice_plan(
    policy: &crate::policy::Policy,
    key: NoticeKey,
    code: &str,
    from: Service,
    sent: SimTime,
) -> Plan {
    let to = key.to;
    let fault = (!policy.faults.links.is_empty())
        .then(|| policy.faults.link(code, from, to))
        .flatten();
    let Some(fault) = fault else {
        let (_, delivered) = crate::rules::notice_delivery(policy, from, to, sent);
        let mut plan = Plan::default();
        plan.arrivals.push(delivered);
        return plan;
    };
    let latency = policy.latency.of(crate::service::Link { from, to });
    let mut plan = fault.plan(key, sent, latency);
    for at in plan.arrivals.iter_mut() {
        *at = crate::rules::taken_up(policy, to, *at);
    }
    plan
}

/// What a link did to one notice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Plan {
    /// When each copy arrives (before the receiving office's working days and outages).
    pub arrivals: Arrivals,
    /// Lost for good: never delivered.
    pub lost: bool,
    /// Lost at least once, then delivered by a redelivery.
    pub redelivered: bool,
    /// Delivered twice.
    pub duplicated: bool,
}

/// When the copies of one notice arrive: none (lost for good), one, or two (duplicated), in
/// order. Held in place rather than in a vector: every notice of a run has a plan, and a vector
/// was an allocation and a free per notice (docs/benchmarks.md). Reads as a slice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Arrivals {
    at: [SimTime; 2],
    len: u8,
}

impl Arrivals {
    /// Adds a copy's arrival.
    ///
    /// # Panics
    /// On a third copy: a link delivers a notice at most twice.
    fn push(&mut self, at: SimTime) {
        self.at[usize::from(self.len)] = at;
        self.len += 1;
    }
}

impl std::ops::Deref for Arrivals {
    type Target = [SimTime];

    fn deref(&self) -> &[SimTime] {
        &self.at[..usize::from(self.len)]
    }
}

impl std::ops::DerefMut for Arrivals {
    fn deref_mut(&mut self) -> &mut [SimTime] {
        &mut self.at[..usize::from(self.len)]
    }
}

impl IntoIterator for Arrivals {
    type Item = SimTime;
    type IntoIter = std::iter::Take<std::array::IntoIter<SimTime, 2>>;

    fn into_iter(self) -> Self::IntoIter {
        self.at.into_iter().take(usize::from(self.len))
    }
}

/// Which notice a draw is about: the run's seed, the resident, the resident's event counter of
/// the event notified (decision 11), and the receiving office. A notice's fate therefore does not
/// depend on the shards, the queue or anything else in the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoticeKey {
    pub seed: u64,
    pub resident: u32,
    pub counter: u32,
    pub to: Service,
}

impl NoticeKey {
    /// A uniform 64-bit draw for `what`.
    fn draw(&self, what: u64) -> u64 {
        let mut h = mix64(self.seed ^ 0x6661_756c_7473); // "faults"
        h = mix64(h ^ u64::from(self.resident));
        h = mix64(h ^ u64::from(self.counter));
        h = mix64(h ^ self.to.index() as u64);
        mix64(h ^ what)
    }
}

/// A §6 notification number, `N1` … `N9`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct NoticeCode(#[schemars(regex(pattern = r"^N[1-9]$"))] String);

impl NoticeCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for NoticeCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<NoticeCode, D::Error> {
        let s = String::deserialize(d)?;
        let ok = s.len() == 2 && s.starts_with('N') && matches!(s.as_bytes()[1], b'1'..=b'9');
        if ok {
            Ok(NoticeCode(s))
        } else {
            Err(serde::de::Error::custom(format!(
                "expected a notification number N1 … N9 (docs/domain.md §6), found {s:?}"
            )))
        }
    }
}

/// A delay distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Delay {
    /// Always this long.
    Fixed(Latency),
    /// Every whole minute from `min` to `max` equally likely.
    Uniform { min: Latency, max: Latency },
    /// Lognormal with this median and shape `sigma` (the standard deviation of the delay's
    /// logarithm): most notices near the median, a long tail of slow ones. Capped at a year.
    Lognormal { median: Latency, sigma: Sigma },
}

impl Delay {
    /// The delay for uniform draws `draw(0)`, `draw(1)`, ….
    fn pick(&self, draw: impl Fn(u64) -> u64) -> Latency {
        match self {
            Delay::Fixed(l) => *l,
            Delay::Uniform { min, max } => {
                let (lo, hi) = ((*min).min(*max), (*min).max(*max));
                let extra = spread(Latency::minutes(hi.as_minutes() - lo.as_minutes()), draw(0));
                Latency::minutes(lo.as_minutes() + extra.as_minutes())
            }
            Delay::Lognormal { median, sigma } => {
                // A standard normal by the sum of twelve uniforms (Irwin–Hall): additions only,
                // so every machine draws the same value.
                let z: f64 = (0..12)
                    .map(|i| draw(i) as f64 / 18_446_744_073_709_551_616.0)
                    .sum::<f64>()
                    - 6.0;
                let minutes = f64::from(median.as_minutes()) * (sigma.0 * z).exp();
                Latency::minutes(minutes.round().clamp(0.0, f64::from(YEAR_MINUTES)) as u32)
            }
        }
    }
}

const YEAR_MINUTES: u32 = 366 * 24 * 60;

/// The shape of a lognormal delay: a number from 0 to 5.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct Sigma(#[schemars(range(min = 0.0, max = 5.0))] f64);

impl Eq for Sigma {}

impl<'de> Deserialize<'de> for Sigma {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Sigma, D::Error> {
        let v = f64::deserialize(d)?;
        if (0.0..=5.0).contains(&v) {
            Ok(Sigma(v))
        } else {
            Err(serde::de::Error::custom(format!(
                "expected a lognormal sigma between 0 and 5, found {v}"
            )))
        }
    }
}

/// Notices sent in batches: each waits for the link's next departure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    /// The time of day the batch leaves, e.g. `"18:00:00"`.
    pub at: NaiveTime,
    /// Only on business days (not on the administrative holidays of docs/domain.md §5).
    #[serde(default = "yes")]
    pub business_days: bool,
}

fn yes() -> bool {
    true
}

impl Batch {
    /// The first departure at or after `sent`.
    pub fn next_departure(&self, sent: SimTime) -> SimTime {
        let mut day = sent.date();
        if sent.time() > self.at {
            day = day.succ_opt().unwrap_or(day);
        }
        while self.business_days && crate::calendar::closed_day(day).is_some() {
            day = day.succ_opt().unwrap_or(day);
        }
        day.and_time(self.at.with_second(0).unwrap_or(self.at))
    }
}

/// A lost notice is sent again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Redelivery {
    /// How long after each attempt the next one starts (the k-th redelivery leaves k times this
    /// after the first sending).
    pub after: Latency,
    /// The most redeliveries; each may be lost again.
    pub attempts: u32,
}

/// An office out of service for whole days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outage {
    /// Which office.
    pub office: Service,
    /// The first day it is down (from 00:00).
    #[serde(deserialize_with = "crate::date_text::deserialize")]
    pub from: NaiveDate,
    /// The last day it is down; it reopens at 09:00 the next day.
    #[serde(deserialize_with = "crate::date_text::deserialize")]
    pub through: NaiveDate,
    /// The office loses what it held in memory: when it reopens it rebuilds its state from its
    /// own events in the log.
    #[serde(default)]
    pub crash: bool,
}

impl Outage {
    fn holds(&self, at: SimTime) -> bool {
        (self.from..=self.through).contains(&at.date())
    }

    /// When the office works again.
    pub fn reopens(&self) -> SimTime {
        crate::time::opening_time(self.through.succ_opt().unwrap_or(self.through))
    }

    /// The days it is down.
    pub fn days(&self) -> i64 {
        (self.through - self.from).num_days() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> SimTime {
        chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn key(counter: u32) -> NoticeKey {
        NoticeKey {
            seed: 7,
            resident: 3,
            counter,
            to: Service::CityHall,
        }
    }

    #[test]
    fn a_perfect_link_delivers_once_after_its_latency() {
        let plan = LinkFault::default().plan(key(1), at("2026-07-01 10:00"), Latency::days(1));
        assert_eq!(plan.arrivals[..], [at("2026-07-02 10:00")]);
        assert!(!plan.lost && !plan.duplicated && !plan.redelivered);
    }

    #[test]
    fn a_link_that_loses_everything_without_redelivery_delivers_nothing() {
        let fault = LinkFault {
            loss: Share::ALL,
            ..LinkFault::default()
        };
        let plan = fault.plan(key(1), at("2026-07-01 10:00"), Latency::days(1));
        assert!(plan.lost);
        assert!(plan.arrivals.is_empty());
    }

    #[test]
    fn redelivery_brings_some_lost_notices_later_and_the_share_lost_is_about_right() {
        let fault = LinkFault {
            loss: Share::new(0.5).unwrap(),
            redelivery: Some(Redelivery {
                after: Latency::days(1),
                attempts: 2,
            }),
            ..LinkFault::default()
        };
        let (mut lost, mut redelivered) = (0, 0);
        for c in 0..4000 {
            let plan = fault.plan(key(c), at("2026-07-01 10:00"), Latency::hours(1));
            lost += u32::from(plan.lost);
            if plan.redelivered {
                redelivered += 1;
                // A redelivery arrives a whole number of `after`s later than the first attempt.
                assert!(plan.arrivals[0] >= at("2026-07-02 11:00"), "{plan:?}");
            }
        }
        // Lost three times in a row: 1/8 of 4,000 = 500; redelivered: 1/4 + 1/8 = 1,500.
        assert!((400..600).contains(&lost), "{lost}");
        assert!((1350..1650).contains(&redelivered), "{redelivered}");
    }

    #[test]
    fn the_same_notice_always_meets_the_same_fate_and_another_seed_another() {
        let fault = LinkFault {
            loss: Share::new(0.5).unwrap(),
            duplicate: Share::new(0.5).unwrap(),
            delay: Some(Delay::Lognormal {
                median: Latency::hours(6),
                sigma: Sigma(1.0),
            }),
            ..LinkFault::default()
        };
        let t = at("2026-07-01 10:00");
        let plans: Vec<Plan> = (0..50)
            .map(|c| fault.plan(key(c), t, Latency::ZERO))
            .collect();
        let again: Vec<Plan> = (0..50)
            .map(|c| fault.plan(key(c), t, Latency::ZERO))
            .collect();
        assert_eq!(plans, again);
        let other: Vec<Plan> = (0..50)
            .map(|c| fault.plan(NoticeKey { seed: 8, ..key(c) }, t, Latency::ZERO))
            .collect();
        assert_ne!(plans, other);
        assert!(plans.iter().any(|p| p.duplicated) && plans.iter().any(|p| p.lost));
    }

    #[test]
    fn a_nightly_batch_leaves_at_six_on_the_next_business_day() {
        let batch = Batch {
            at: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
            business_days: true,
        };
        // Wednesday before 18:00: the same evening; after: Thursday.
        assert_eq!(
            batch.next_departure(at("2026-07-01 10:00")),
            at("2026-07-01 18:00")
        );
        assert_eq!(
            batch.next_departure(at("2026-07-01 18:30")),
            at("2026-07-02 18:00")
        );
        // Friday evening after the batch: Monday.
        assert_eq!(
            batch.next_departure(at("2026-07-03 19:00")),
            at("2026-07-06 18:00")
        );
    }

    #[test]
    fn an_outage_holds_deliveries_until_the_office_reopens() {
        let faults = Faults {
            outages: vec![Outage {
                office: Service::CardIssuer,
                from: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
                through: NaiveDate::from_ymd_opt(2026, 7, 7).unwrap(),
                crash: true,
            }],
            ..Faults::default()
        };
        let t = at("2026-07-03 10:00");
        assert_eq!(
            faults.reopened(Service::CardIssuer, t),
            at("2026-07-08 09:00")
        );
        assert_eq!(faults.reopened(Service::CityHall, t), t);
        assert_eq!(
            faults.reopened(Service::CardIssuer, at("2026-06-30 23:59")),
            at("2026-06-30 23:59")
        );
        assert_eq!(
            faults.restarts(Service::CardIssuer),
            vec![at("2026-07-08 09:00")]
        );
    }
}
