//! The result of a policy what-if comparison, as plain data: the manifest (inputs, both resolved
//! policies, seeds, code version, shard), both arms' measures for every seed, the first
//! divergence of two single-resident logs, and the summary rows (median with the 10th–90th
//! percentile band, mean and min–max over seeds; differences paired by seed). The simulator produces it (`simulator::what_if::compare`) and
//! adds shards together (`simulator::what_if::merge`); `report` prints it.

use chrono::NaiveDate;
use model::envelope::Envelope;
use model::policy::Policy;
use model::shard::Shard;
use serde::{Deserialize, Serialize};

use crate::measures::Measures;

/// The format tag of comparison results (the JSON `zairyu compare` writes and `merge` reads).
pub const FORMAT: &str = "zairyu-compare/1";

/// How the summary's intervals are made; repeated in every manifest.
pub const INTERVALS: &str = "each value is the median over the seeds with the 10th and 90th percentiles over the seeds (linear interpolation between the sorted values; with fewer than ten seeds the band is close to the minimum and maximum); a difference is reform minus baseline for the same seed (same inputs), summarised the same way (a paired interval); mean, minimum and maximum are given too";

/// One arm's policy and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arm {
    pub name: String,
    /// The files read, the named one first, then its bases.
    pub files: Vec<String>,
    pub policy: Policy,
}

/// A policy as the manifest records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyManifest {
    pub name: String,
    pub files: Vec<String>,
    /// The resolved policy, every field.
    pub policy: serde_json::Value,
}

impl PolicyManifest {
    /// The manifest entry of an arm.
    pub fn of(arm: &Arm) -> PolicyManifest {
        PolicyManifest {
            name: arm.name.clone(),
            files: arm.files.clone(),
            policy: serde_json::to_value(&arm.policy).expect("policies serialize"),
        }
    }
}

/// The inputs, as the manifest records them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SubjectManifest {
    Scenario {
        source: String,
        name: String,
        /// The scenario's Japanese title (`ja:`), for `--lang ja` tables; not part of the
        /// manifest's JSON, which records the inputs by their file's own name and hash.
        #[serde(skip)]
        name_ja: Option<String>,
        /// SHA-256 of the scenario file.
        hash: String,
        residents: usize,
        start: NaiveDate,
        until: NaiveDate,
    },
    Population {
        /// Residents of the whole population (a shard holds about `residents / n`).
        residents: usize,
        start: NaiveDate,
        until: NaiveDate,
        /// The generator (its tables are in the `population` crate and docs/what-if.md).
        generator: String,
    },
}

/// What a comparison was made of: enough to reproduce it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub code_version: String,
    pub subject: SubjectManifest,
    pub baseline: PolicyManifest,
    pub reform: PolicyManifest,
    pub seeds: Vec<u64>,
    /// The slice of the population this result covers; `None` for the whole (or a merge).
    pub shard: Option<Shard>,
    pub intervals: String,
}

/// Both arms' measures for one seed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedRun {
    pub seed: u64,
    /// The scenario's hash, or this seed's population digest (of the shard, for a shard).
    pub inputs_hash: String,
    pub baseline: Measures,
    pub reform: Measures,
    /// The log hashes of the two runs (whole runs only: a shard's log is not the whole's).
    pub log_hashes: Option<[String; 2]>,
}

/// Where two event logs first differ (event time, office and fact; ids and sequence numbers
/// are ignored). `None` on a side that has no event there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Divergence {
    /// The position (0-based) of the first differing event.
    pub index: usize,
    pub baseline: Option<Envelope>,
    pub reform: Option<Envelope>,
}

/// A comparison result: the manifest, every seed's measures, and (single-resident scenarios) the
/// first divergence of the logs under the first seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub manifest: Manifest,
    pub runs: Vec<SeedRun>,
    pub divergence: Option<Divergence>,
}

/// A summary statistic over seeds: the median and the 10th–90th percentile band (the headline),
/// the mean and the minimum and maximum (kept for those who want the whole range).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stat {
    pub median: f64,
    pub p10: f64,
    pub p90: f64,
    pub mean: f64,
    pub min: i64,
    pub max: i64,
}

impl Stat {
    /// The statistics of `values` (all zero for none).
    pub fn of(values: &[i64]) -> Stat {
        let mut sorted = values.to_vec();
        sorted.sort_unstable();
        let n = values.len().max(1) as f64;
        Stat {
            median: percentile(&sorted, 0.5),
            p10: percentile(&sorted, 0.1),
            p90: percentile(&sorted, 0.9),
            mean: values.iter().map(|&v| v as f64).sum::<f64>() / n,
            min: sorted.first().copied().unwrap_or(0),
            max: sorted.last().copied().unwrap_or(0),
        }
    }

    /// Whether every seed gave the same value (then a band says nothing).
    pub fn is_single(&self) -> bool {
        self.min == self.max
    }
}

/// The `q`-quantile (0 ≤ q ≤ 1) of `sorted` values by linear interpolation between the two
/// nearest order statistics, at position q·(n−1) — Hyndman and Fan's type 7, the default of
/// numpy, pandas and R, so that an analyst who recomputes a band from the per-seed values gets
/// the same number. With one value every quantile is that value; with none, 0.
pub fn percentile(sorted: &[i64], q: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return 0.0;
    };
    let at = q.clamp(0.0, 1.0) * last as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    let (a, b) = (sorted[lo] as f64, sorted[hi] as f64);
    a + (b - a) * (at - lo as f64)
}

/// One measure, both arms and the difference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The measure's key (`visits.city_hall`); the report labels it.
    pub key: String,
    pub baseline: Stat,
    pub reform: Stat,
    pub difference: Stat,
}

impl Comparison {
    /// Every measure (headline first), summarised over the seeds.
    pub fn rows(&self) -> Vec<Row> {
        let keys = Measures::ordered_keys(
            self.runs
                .iter()
                .flat_map(|r| [&r.baseline, &r.reform].into_iter()),
        );
        keys.into_iter()
            .map(|key| {
                let b: Vec<i64> = self
                    .runs
                    .iter()
                    .map(|r| r.baseline.get(&key) as i64)
                    .collect();
                let f: Vec<i64> = self
                    .runs
                    .iter()
                    .map(|r| r.reform.get(&key) as i64)
                    .collect();
                let d: Vec<i64> = b.iter().zip(&f).map(|(b, f)| f - b).collect();
                Row {
                    baseline: Stat::of(&b),
                    reform: Stat::of(&f),
                    difference: Stat::of(&d),
                    key,
                }
            })
            .collect()
    }
}

/// The first event at which two logs differ, if they do.
pub fn first_divergence(baseline: &[Envelope], reform: &[Envelope]) -> Option<Divergence> {
    let index = baseline
        .iter()
        .zip(reform)
        .position(|(a, b)| !crate::log_diff::same_fact(a, b))
        .unwrap_or(baseline.len().min(reform.len()));
    (index < baseline.len().max(reform.len())).then(|| Divergence {
        index,
        baseline: baseline.get(index).cloned(),
        reform: reform.get(index).cloned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_between_order_statistics_as_numpy_does() {
        let v: Vec<i64> = (1..=10).collect();
        // numpy.percentile(range(1, 11), [10, 50, 90]) = 1.9, 5.5, 9.1
        assert!((percentile(&v, 0.1) - 1.9).abs() < 1e-9);
        assert!((percentile(&v, 0.5) - 5.5).abs() < 1e-9);
        assert!((percentile(&v, 0.9) - 9.1).abs() < 1e-9);
        assert_eq!(percentile(&[7], 0.1), 7.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
        assert_eq!(percentile(&[2, 4], 0.5), 3.0);
    }

    #[test]
    fn a_stat_sorts_its_values_first() {
        let s = Stat::of(&[30, -10, 20, 0, 10]);
        assert_eq!(s.median, 10.0);
        assert_eq!((s.min, s.max), (-10, 30));
        assert!((s.p10 - -6.0).abs() < 1e-9, "{s:?}");
        assert!((s.p90 - 26.0).abs() < 1e-9, "{s:?}");
        assert_eq!(s.mean, 10.0);
        assert!(!s.is_single());
        assert!(Stat::of(&[4, 4]).is_single());
    }
}
