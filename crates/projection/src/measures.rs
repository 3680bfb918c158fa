//! The measures a what-if comparison reports, taken from a run's projections as named counts.
//!
//! Every measure is a non-negative integer that adds up over residents: counter visits per
//! office, My Number outage days, inconsistency days, cards produced, deadline misses, counter
//! workload per office and month, fees paid, the year's flows (arrivals, renewals, losses …, in
//! total and per month), and so on. That is what makes sharding exact: the measures of
//! the shards of a population, added key by key, are the measures of the whole (the residents
//! never interact). Means and intervals over seeds are computed only after adding.
//!
//! Keys are stable, dotted names (`visits.city_hall`, `workload.city_hall.2026-07`): they are
//! the rows of the comparison table, the CSV and the JSON, and what `zairyu merge` adds.

use std::collections::BTreeMap;

use model::service::Office;
use serde::{Deserialize, Serialize};

use crate::flows::Flow;
use crate::{CardRecord, Projections};

/// Named counts of one run (or the sum of several shards of one run).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Measures(pub BTreeMap<String, u64>);

/// The headline measures, in the order a reader wants them. Keys that are not listed here
/// (notifications, monthly workload) follow in key order. Their labels are the report's.
pub const HEADLINE: &[&str] = &[
    "visits.all",
    "visits.immigration_bureau",
    "visits.city_hall",
    "visits.police",
    "visits.call_centre",
    "waiting_days.immigration_bureau",
    "residents_waited.immigration_bureau",
    "waiting_days.city_hall",
    "residents_waited.city_hall",
    "waiting_days.jlis_production",
    "residents_waited.jlis_production",
    "my_number_outage_days",
    "residents_with_outage",
    "inconsistency_days",
    "residents_with_inconsistency",
    "residents_inconsistent_at_end",
    "time_to_consistency.changes",
    "time_to_consistency.p50_hours",
    "time_to_consistency.p95_hours",
    "time_to_consistency.max_hours",
    "undelivered_at_end.notices",
    "undelivered_at_end.held_by_outages",
    "special_period_days",
    "cards_produced",
    "tokutei_productions",
    "residents_holding_tokutei",
    "deadline_misses",
    "fees_paid_yen",
    "refusals",
    "arrivals",
    "renewals",
    "losses",
    "damage_reissues",
    "item_changes",
    "pin_resets",
    "departures",
    "births",
    "events",
];

/// The workload columns, in order: each office's counter visits, J-LIS's Tokutei productions,
/// then the year's flows (arrivals, renewals, losses …) month by month.
pub fn workload_columns() -> Vec<String> {
    let mut v: Vec<String> = Office::ALL.iter().map(|o| o.as_str().to_owned()).collect();
    v.push(JLIS_TOKUTEI.to_owned());
    v.extend(Flow::ALL.iter().map(|f| f.key().to_owned()));
    v
}

const JLIS_TOKUTEI: &str = "jlis_tokutei";

/// The prefix of the histogram of times to consistency: `time_to_consistency.hours.00024` is
/// the number of changes after which the offices agreed again in 23 hours and a minute to 24
/// hours (zero-padded, so that the keys sort as the hours do).
const HOURS: &str = "time_to_consistency.hours.";

/// The measures read from that histogram rather than stored, each with its rank: the median,
/// the 95th percentile and the longest time to consistency of one run, in hours (nearest rank,
/// each change's time rounded up to the hour). A percentile of a sum of shards is not a sum of
/// their percentiles, but the histogram is a sum, so these are the whole run's for any number
/// of threads or parts.
const FROM_HOURS: &[(&str, u64)] = &[
    ("time_to_consistency.p50_hours", 50),
    ("time_to_consistency.p95_hours", 95),
    ("time_to_consistency.max_hours", 100),
];

impl Measures {
    /// The measures of a finished run.
    pub fn from_projections(p: &Projections) -> Measures {
        let mut m = BTreeMap::new();
        let mut set = |k: &str, v: u64| {
            m.insert(k.to_owned(), v);
        };
        let t = p.totals();
        let mut all = 0;
        for office in Office::ALL {
            let v = t.visits.get(&office).copied().unwrap_or(0);
            all += v;
            set(&format!("visits.{}", office.as_str()), v);
        }
        set("visits.all", all);
        set("my_number_outage_days", t.outage_days);
        set("inconsistency_days", t.inconsistency_days);
        set("special_period_days", t.special_period_days);
        set("cards_produced", t.cards_produced);
        set("deadline_misses", t.deadline_misses);
        set("refusals", t.refusals);
        set("fees_paid_yen", t.fees_paid_yen);
        set("events", t.events);
        let count =
            |f: &dyn Fn(&CardRecord) -> bool| p.records.iter().filter(|r| f(r)).count() as u64;
        set("residents_with_outage", count(&|r| r.days.outage_days > 0));
        set(
            "residents_with_inconsistency",
            count(&|r| r.days.inconsistency_days > 0),
        );
        // Time to consistency (issue 8) as counts, which add up over shards and parts as every
        // measure must: the changes after which bureau, city hall and J-LIS agreed again, and
        // how many took each whole number of hours (a histogram, from which the median, the
        // 95th percentile and the longest are read: [`Measures::get`]); and the residents on
        // whom the three offices still disagree at the end (a lost notice leaves them so for
        // good).
        let sync = p.sync.measures();
        set("time_to_consistency.changes", sync.changes);
        for (hours, n) in p.sync.hours() {
            set(&format!("{HOURS}{hours:05}"), n);
        }
        set("residents_inconsistent_at_end", sync.inconsistent_at_end);
        set(
            "residents_holding_tokutei",
            count(&|r| {
                r.residence_card
                    .as_ref()
                    .is_some_and(|c| c.kind.is_tokutei())
            }),
        );
        // Waiting beyond an office's capacity (decision 17): the days, and the residents who
        // waited at all; only where someone waited, so runs without a capacity keep their keys.
        for (queue, w) in &t.waiting {
            set(&format!("waiting_days.{queue}"), w.days);
            set(&format!("residents_waited.{queue}"), w.residents);
        }
        for (code, n) in &t.notifications {
            set(&format!("notifications.{code}"), *n);
        }
        let mut productions = 0;
        let mut flows = [0u64; Flow::ALL.len()];
        for (month, w) in &p.workload {
            let ym = month.format("%Y-%m");
            for (office, v) in Office::ALL.iter().zip(w.visits) {
                set(&format!("workload.{}.{ym}", office.as_str()), v);
            }
            set(
                &format!("workload.{JLIS_TOKUTEI}.{ym}"),
                w.tokutei_productions,
            );
            productions += w.tokutei_productions;
            // A month without a flow has no key (a scenario has few flows, and the comparison
            // reads a missing key as 0).
            for (flow, n) in Flow::ALL.iter().zip(w.flows).filter(|(_, n)| *n > 0) {
                set(&format!("workload.{}.{ym}", flow.key()), n);
            }
            for (total, n) in flows.iter_mut().zip(w.flows) {
                *total += n;
            }
        }
        set("tokutei_productions", productions);
        for (flow, n) in Flow::ALL.iter().zip(flows) {
            set(flow.key(), n);
        }
        Measures(m)
    }

    /// Adds another part of the same run (a shard) key by key.
    pub fn add(&mut self, other: &Measures) {
        for (k, v) in &other.0 {
            *self.0.entry(k.clone()).or_insert(0) += v;
        }
    }

    /// The measure `key`: a stored count, or one read from the histogram of times to
    /// consistency (`time_to_consistency.p50_hours`, `.p95_hours`, `.max_hours`); 0 when absent.
    pub fn get(&self, key: &str) -> u64 {
        match FROM_HOURS.iter().find(|(k, _)| *k == key) {
            Some(&(_, q)) => self.hours_rank(q),
            None => self.0.get(key).copied().unwrap_or(0),
        }
    }

    /// The smallest whole number of hours within which at least `q` % of the changes came to
    /// agreement (the nearest rank); 0 with no change.
    fn hours_rank(&self, q: u64) -> u64 {
        let histogram: Vec<(u64, u64)> = self
            .0
            .range(HOURS.to_owned()..)
            .take_while(|(k, _)| k.starts_with(HOURS))
            .filter_map(|(k, &n)| Some((k[HOURS.len()..].parse().ok()?, n)))
            .collect();
        let total: u64 = histogram.iter().map(|(_, n)| n).sum();
        let rank = (q * total).div_ceil(100).max(1);
        let mut seen = 0;
        for (hours, n) in histogram {
            seen += n;
            if seen >= rank {
                return hours;
            }
        }
        0
    }

    /// Every key a reader sees, headline measures first, then the rest in key order: the
    /// histogram of times to consistency is shown as the measures read from it.
    pub fn ordered_keys<'a>(sets: impl IntoIterator<Item = &'a Measures>) -> Vec<String> {
        let mut rest: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for m in sets {
            rest.extend(m.0.keys().filter(|k| !k.starts_with(HOURS)).cloned());
        }
        let timed = rest.contains("time_to_consistency.changes");
        let derived = |k: &str| timed && FROM_HOURS.iter().any(|&(d, _)| d == k);
        let mut keys: Vec<String> = HEADLINE
            .iter()
            .copied()
            .filter(|&k| rest.remove(k) || derived(k))
            .map(str::to_owned)
            .collect();
        keys.extend(rest);
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_parts_adds_every_key() {
        let mut a = Measures([("x".to_owned(), 2), ("y".to_owned(), 1)].into());
        let b = Measures([("y".to_owned(), 3), ("z".to_owned(), 4)].into());
        a.add(&b);
        assert_eq!((a.get("x"), a.get("y"), a.get("z")), (2, 4, 4));
        let keys = Measures::ordered_keys([&a, &Measures([("visits.all".into(), 1)].into())]);
        assert_eq!(keys, ["visits.all", "x", "y", "z"]);
    }

    fn timed(hours: &[(u64, u64)]) -> Measures {
        let mut m = Measures(
            [(
                "time_to_consistency.changes".to_owned(),
                hours.iter().map(|(_, n)| n).sum(),
            )]
            .into(),
        );
        for (h, n) in hours {
            m.0.insert(format!("{HOURS}{h:05}"), *n);
        }
        m
    }

    #[test]
    fn percentiles_of_time_to_consistency_are_read_from_the_added_histograms() {
        // Two shards of one run: 10 changes settled within an hour and 1 in 30 hours in the
        // first; 8 within 2 hours and 1 in 200 hours in the second. Of the 20 changes the
        // 10th is within 1 hour, the 19th within 30 hours, the last within 200 — the same
        // whichever shard holds which, which the shards' own percentiles would not say.
        let one = timed(&[(1, 10), (30, 1)]);
        let two = timed(&[(2, 8), (200, 1)]);
        let mut whole = one.clone();
        whole.add(&two);
        assert_eq!(whole.get("time_to_consistency.p50_hours"), 1);
        assert_eq!(whole.get("time_to_consistency.p95_hours"), 30);
        assert_eq!(whole.get("time_to_consistency.max_hours"), 200);
        let mut other_way = two.clone();
        other_way.add(&one);
        assert_eq!(other_way, whole);
        // A reader sees the three figures in the headline, not the histogram.
        let keys = Measures::ordered_keys([&whole]);
        assert_eq!(
            keys,
            [
                "time_to_consistency.changes",
                "time_to_consistency.p50_hours",
                "time_to_consistency.p95_hours",
                "time_to_consistency.max_hours",
            ]
        );
        // No change: every figure 0.
        assert_eq!(timed(&[]).get("time_to_consistency.max_hours"), 0);
    }
}
