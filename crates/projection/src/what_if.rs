//! The result of a policy what-if comparison, as plain data: the manifest (inputs, both resolved
//! policies, seeds, code version, shard), both arms' measures for every seed, the first
//! divergence of two single-resident logs, and the summary rows (mean and min–max over seeds,
//! differences paired by seed). The simulator produces it (`simulator::what_if::compare`) and
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
pub const INTERVALS: &str = "each value is the mean over the seeds with the minimum and maximum over the seeds; a difference is reform minus baseline for the same seed (same inputs), summarised the same way";

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

/// A summary statistic over seeds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stat {
    pub mean: f64,
    pub min: i64,
    pub max: i64,
}

impl Stat {
    fn of(values: &[i64]) -> Stat {
        let n = values.len().max(1) as f64;
        Stat {
            mean: values.iter().map(|&v| v as f64).sum::<f64>() / n,
            min: values.iter().copied().min().unwrap_or(0),
            max: values.iter().copied().max().unwrap_or(0),
        }
    }
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
