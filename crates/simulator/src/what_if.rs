//! Policy what-if: the same inputs (a scenario, or a synthetic population) and the same seeds,
//! run under a baseline and a reform policy; the measures of both arms, per seed; the summary
//! (mean and min–max over seeds, differences paired by seed); shards and their merge.
//!
//! Nothing derived from the baseline is reused under the reform: each arm generates the same
//! population from the same seed and runs it from scratch, so whatever the reform changes
//! (resident behaviour included, which the agent draws from the policy) shows up in its run
//! alone. Population runs keep no log and no store: only the measures are kept (design.md,
//! Scale). A scenario run keeps its log, so that for a single resident the two logs can be
//! compared event by event and the first difference shown.
//!
//! A [`Comparison`] carries a [`Manifest`] (inputs, both resolved policies, seeds, code version)
//! and the raw measures of every seed, so that shard results can be merged exactly and the
//! summary recomputed from them.

use chrono::NaiveDate;
use model::envelope::Envelope;
use model::policy::Policy;
use scenario::Scenario;
use scenario::population::{Population, PopulationSpec, Shard, add_digests};
use serde::{Deserialize, Serialize};

use crate::measures::{Measures, label};
use crate::scheduler::{Progress, RunInput, RunOptions, SimError, run_blocking};

/// The format tag of comparison results (the JSON `zairyu compare` writes and `merge` reads).
pub const FORMAT: &str = "zairyu-compare/1";

/// How the summary's intervals are made; repeated in every manifest.
pub const INTERVALS: &str = "each value is the mean over the seeds with the minimum and maximum over the seeds; a difference is reform minus baseline for the same seed (same inputs), summarised the same way";

/// What is compared.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    /// A scenario file: its residents and steps, with each arm's policy applied on top of the
    /// scenario's own.
    Scenario(&'a Scenario),
    /// A synthetic population (one per seed), or one shard of it.
    Population {
        residents: usize,
        start: NaiveDate,
        shard: Shard,
    },
}

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
    fn of(arm: &Arm) -> PolicyManifest {
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
        /// The generator (its tables are in `scenario::population` and docs/what-if.md).
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
    pub key: String,
    pub label: String,
    pub baseline: Stat,
    pub reform: Stat,
    pub difference: Stat,
}

/// Progress of a comparison, reported after each simulated instant.
#[derive(Debug, Clone, Copy)]
pub struct RunProgress {
    /// Which run (0-based) of `runs` (two per seed).
    pub run: usize,
    pub runs: usize,
    pub seed: u64,
    pub arm: &'static str,
    pub day: u64,
    pub days: u64,
    pub events: u64,
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
                    label: label(&key),
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
    let same = |a: &Envelope, b: &Envelope| {
        a.occurred_at == b.occurred_at && a.service == b.service && a.event == b.event
    };
    let index = baseline
        .iter()
        .zip(reform)
        .position(|(a, b)| !same(a, b))
        .unwrap_or(baseline.len().min(reform.len()));
    (index < baseline.len().max(reform.len())).then(|| Divergence {
        index,
        baseline: baseline.get(index).cloned(),
        reform: reform.get(index).cloned(),
    })
}

/// The population generator's name in manifests.
pub const GENERATOR: &str = "scenario::population v1";

/// Runs both arms for every seed.
pub fn compare(
    subject: Subject<'_>,
    baseline: &Arm,
    reform: &Arm,
    seeds: &[u64],
    code_version: &str,
    mut progress: Option<&mut dyn FnMut(RunProgress)>,
) -> Result<Comparison, SimError> {
    let (subject_manifest, shard) = match subject {
        Subject::Scenario(s) => (
            SubjectManifest::Scenario {
                source: s.source.clone(),
                name: s.name.clone(),
                hash: s.hash.clone(),
                residents: s.residents.len(),
                start: s.start,
                until: s.until,
            },
            None,
        ),
        Subject::Population {
            residents,
            start,
            shard,
        } => (
            SubjectManifest::Population {
                residents,
                start,
                until: start + chrono::Duration::days(365),
                generator: GENERATOR.to_owned(),
            },
            (!shard.is_whole()).then_some(shard),
        ),
    };
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        code_version: code_version.to_owned(),
        subject: subject_manifest,
        baseline: PolicyManifest::of(baseline),
        reform: PolicyManifest::of(reform),
        seeds: seeds.to_vec(),
        shard,
        intervals: INTERVALS.to_owned(),
    };
    let runs_total = seeds.len() * 2;
    let mut runs = Vec::with_capacity(seeds.len());
    let mut divergence = None;
    for (k, &seed) in seeds.iter().enumerate() {
        // The population is generated once per seed and run under both policies: the inputs
        // are the same by construction, not by recomputation.
        let population = match subject {
            Subject::Population {
                residents,
                start,
                shard,
            } => Some(Population::generate(PopulationSpec {
                residents,
                seed,
                start,
                shard,
            })),
            Subject::Scenario(_) => None,
        };
        let mut arms = Vec::with_capacity(2);
        for (which, (arm, name)) in [(baseline, "baseline"), (reform, "reform")]
            .into_iter()
            .enumerate()
        {
            let run = 2 * k + which;
            let mut report = |start: NaiveDate, until: NaiveDate, p: Progress| {
                if let Some(f) = progress.as_deref_mut() {
                    f(RunProgress {
                        run,
                        runs: runs_total,
                        seed,
                        arm: name,
                        day: (p.now.date() - start).num_days().max(0) as u64,
                        days: (until - start).num_days().max(1) as u64,
                        events: p.events,
                    });
                }
            };
            arms.push(match (subject, &population) {
                (Subject::Scenario(s), _) => {
                    let mut s = s.clone();
                    s.policy = arm.policy.clone();
                    let s = s.with_seed(seed);
                    let (start, until) = (s.start, s.until);
                    let mut cb = |p: Progress| report(start, until, p);
                    let out = crate::run_scenario(&s, None, Some(&mut cb))?;
                    let m = Measures::from_projections(&out.projections);
                    (m, out.log_hash, out.log, s.hash.clone())
                }
                (Subject::Population { start, .. }, Some(pop)) => {
                    let until = pop.until;
                    let mut cb = |p: Progress| report(start, until, p);
                    let input = RunInput {
                        residents: pop.profiles(),
                        steps: pop.steps(),
                        start,
                        until,
                        policy: arm.policy.clone(),
                        seed,
                    };
                    let out = run_blocking(
                        input,
                        RunOptions {
                            store: None,
                            keep_log: false,
                            progress: Some(&mut cb),
                            ..RunOptions::default()
                        },
                    )?;
                    let m = Measures::from_projections(&out.projections);
                    (m, out.log_hash, Vec::new(), pop.digest())
                }
                (Subject::Population { .. }, None) => unreachable!("generated above"),
            });
        }
        let [(b, b_hash, b_log, inputs_hash), (r, r_hash, r_log, _)]: [_; 2] =
            arms.try_into().expect("two arms");
        if k == 0
            && let Subject::Scenario(s) = subject
            && s.residents.len() == 1
        {
            divergence = first_divergence(&b_log, &r_log);
        }
        runs.push(SeedRun {
            seed,
            inputs_hash,
            baseline: b,
            reform: r,
            log_hashes: shard.is_none().then_some([b_hash, r_hash]),
        });
    }
    Ok(Comparison {
        manifest,
        runs,
        divergence,
    })
}

/// Why shard results cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("nothing to merge")]
    Empty,
    #[error("{0}")]
    Mismatch(String),
}

/// Adds the shards of one comparison into the result of the whole. The shards must come from
/// the same comparison (same manifest but for the shard), be `k/n` for one `n`, and cover every
/// `k` once.
pub fn merge(parts: Vec<Comparison>) -> Result<Comparison, MergeError> {
    let mut parts = parts;
    parts.sort_by_key(|p| p.manifest.shard.map(|s| s.index));
    let first = parts.first().ok_or(MergeError::Empty)?;
    let mismatch = |what: String| Err(MergeError::Mismatch(what));
    let Some(count) = first.manifest.shard.map(|s| s.count) else {
        return mismatch(
            "the first result is not a shard (it has no `shard` in its manifest)".into(),
        );
    };
    let mut bare = first.manifest.clone();
    bare.shard = None;
    for (k, part) in parts.iter().enumerate() {
        let mut m = part.manifest.clone();
        let shard = m.shard.take();
        if m != bare {
            return mismatch(format!(
                "shard {} was made with other inputs, policies, seeds or code version than shard {}",
                shard.map_or("?".into(), |s| s.to_string()),
                first.manifest.shard.map_or("?".into(), |s| s.to_string()),
            ));
        }
        let want = Shard {
            index: k as u32,
            count,
        };
        if shard != Some(want) {
            return mismatch(format!(
                "expected shards 0/{count} … {}/{count} once each; found {} where {want} belongs",
                count - 1,
                shard.map_or("a whole run".into(), |s| s.to_string()),
            ));
        }
    }
    if parts.len() != count as usize {
        return mismatch(format!(
            "{} shard results given, but the shards are k/{count}",
            parts.len()
        ));
    }
    let mut runs: Vec<SeedRun> = Vec::new();
    for (i, &seed) in bare.seeds.iter().enumerate() {
        let mut run = SeedRun {
            seed,
            inputs_hash: String::new(),
            baseline: Measures::default(),
            reform: Measures::default(),
            log_hashes: None,
        };
        let mut digests = Vec::new();
        for part in &parts {
            let Some(r) = part.runs.get(i).filter(|r| r.seed == seed) else {
                return mismatch(format!("a shard lacks the run of seed {seed}"));
            };
            run.baseline.add(&r.baseline);
            run.reform.add(&r.reform);
            digests.push(r.inputs_hash.as_str());
        }
        run.inputs_hash = add_digests(digests).unwrap_or_default();
        runs.push(run);
    }
    Ok(Comparison {
        manifest: bare,
        runs,
        divergence: None,
    })
}
