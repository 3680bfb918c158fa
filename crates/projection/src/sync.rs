//! Measures of synchronization (issue 8): how long the offices disagree about a resident after a
//! change, and who still disagrees at the end.
//!
//! The three offices' views of a resident are compared after every event
//! (`CardRecord::out_of_sync`): the bureau's and the register's (status, period, card number,
//! municipality, address), and J-LIS's card carrying the My Number functions against the
//! bureau's card of record. An episode opens when they start to disagree (a decision another
//! office has not heard of yet) and closes when all three agree again; its length, in minutes of
//! simulated time, is the time to consistency of that change.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::Serialize;

/// The episodes of disagreement of a run (or a shard: every figure adds up).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Agreement {
    /// Per resident (from the projections' first), since when the offices disagree.
    since: Vec<Option<NaiveDateTime>>,
    /// The closed episodes: how many lasted each length, in minutes. A count per length, so the
    /// measures and the equality of two folds do not depend on the order residents were folded
    /// in (shards, replay).
    closed: BTreeMap<u64, u64>,
}

/// What [`Agreement`] reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncMeasures {
    /// Changes after which the offices came to agree again.
    pub changes: u64,
    /// Minutes from the change to agreement: median, 95th percentile and the longest (nearest
    /// rank).
    pub p50_minutes: u64,
    pub p95_minutes: u64,
    pub max_minutes: u64,
    /// Residents on whom the offices still disagree at the end.
    pub inconsistent_at_end: u64,
}

impl Agreement {
    /// Notes whether the offices disagree on resident `i` after an event at `at`.
    pub(crate) fn observe(&mut self, i: usize, disagree: bool, at: NaiveDateTime) {
        if self.since.len() <= i {
            self.since.resize(i + 1, None);
        }
        match (self.since[i], disagree) {
            (None, true) => self.since[i] = Some(at),
            (Some(t), false) => {
                let minutes = u64::try_from((at - t).num_minutes()).unwrap_or(0);
                *self.closed.entry(minutes).or_insert(0) += 1;
                self.since[i] = None;
            }
            _ => {}
        }
    }

    /// Adds the next shard's episodes (its residents follow these; `offset` is where they start).
    pub(crate) fn absorb(&mut self, next: Agreement, offset: usize) {
        if self.since.len() < offset {
            self.since.resize(offset, None);
        }
        self.since.extend(next.since);
        for (minutes, n) in next.closed {
            *self.closed.entry(minutes).or_insert(0) += n;
        }
    }

    /// The closed episodes as a histogram of whole hours, each length rounded up (an episode
    /// of 61 minutes counts in hour 2; one of no time at all in hour 0), in increasing hours.
    /// Counts add up over shards and parts, so percentiles read from the sum are those of the
    /// whole run (`measures::Measures`).
    pub fn hours(&self) -> BTreeMap<u64, u64> {
        let mut hours = BTreeMap::new();
        for (&minutes, &n) in &self.closed {
            *hours.entry(minutes.div_ceil(60)).or_insert(0) += n;
        }
        hours
    }

    /// The measures.
    pub fn measures(&self) -> SyncMeasures {
        let n: u64 = self.closed.values().sum();
        // The nearest rank: the smallest length at least q % of the episodes do not exceed.
        let rank = |q: u64| -> u64 {
            let k = (q * n).div_ceil(100).max(1);
            let mut seen = 0;
            for (&minutes, &count) in &self.closed {
                seen += count;
                if seen >= k {
                    return minutes;
                }
            }
            0
        };
        SyncMeasures {
            changes: n,
            p50_minutes: rank(50),
            p95_minutes: rank(95),
            max_minutes: self.closed.keys().next_back().copied().unwrap_or(0),
            inconsistent_at_end: self.since.iter().filter(|s| s.is_some()).count() as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 7, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            + chrono::Duration::hours(i64::from(h))
    }

    #[test]
    fn episodes_are_measured_from_disagreement_to_agreement_and_open_ones_count_at_the_end() {
        let mut s = Agreement::default();
        s.observe(0, true, at(1));
        s.observe(0, true, at(2));
        s.observe(0, false, at(25));
        s.observe(1, true, at(3));
        s.observe(1, false, at(4));
        s.observe(2, true, at(5));
        // Folded in another order (as a replay or other shards would), the same episodes.
        let mut t = Agreement::default();
        t.observe(1, true, at(3));
        t.observe(1, false, at(4));
        t.observe(2, true, at(5));
        t.observe(0, true, at(1));
        t.observe(0, false, at(25));
        assert_eq!(s, t);
        let m = s.measures();
        assert_eq!(m.changes, 2);
        assert_eq!(m.p50_minutes, 60);
        assert_eq!(m.max_minutes, 24 * 60);
        assert_eq!(m.p95_minutes, 24 * 60);
        assert_eq!(m.inconsistent_at_end, 1);
    }
}
