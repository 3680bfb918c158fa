//! Policy what-if: the same inputs (a scenario, or a synthetic population) and the same seeds,
//! run under a baseline and a reform policy; the measures of both arms, per seed; the summary
//! (mean and min–max over seeds, differences paired by seed); shards and their merge.
//!
//! Nothing derived from the baseline is reused under the reform: each arm generates the same
//! population from the same seed and runs it from scratch, so whatever the reform changes
//! (resident behaviour included, which the agent draws from the policy) shows up in its run
//! alone. Population runs keep no log and no store: only the measures are kept (at
//! national scale a log would not fit; docs/what-if.md). A scenario run keeps its log, so that for a single resident the two logs can be
//! compared event by event and the first difference shown.
//!
//! The result, a [`Comparison`] (in the `projection` crate, with its summary), carries a manifest
//! (inputs, both resolved policies, seeds, code version) and the raw measures of every seed, so
//! that shard results can be merged exactly and the summary recomputed from them.

use chrono::NaiveDate;
use model::envelope::Envelope;
use model::shard::Shard;
use population::{Population, PopulationSpec, add_digests};
use projection::measures::Measures;
use projection::what_if::{
    Arm, Comparison, FORMAT, INTERVALS, Manifest, PolicyManifest, SeedRun, SubjectManifest,
    first_divergence,
};
use scenario::Scenario;

use crate::scheduler::{Progress, RunInput, RunOptions, SimError, run_blocking};

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

/// The population generator's name in manifests. It names the generator's version, not a
/// module path: it stays as it was when the generator moved to its own crate, so that results
/// made before and after merge.
pub const GENERATOR: &str = "scenario::population v1";

/// What one arm's run of one seed gave.
struct ArmRun {
    measures: Measures,
    log_hash: String,
    /// The log (scenario runs only: a population run keeps none).
    log: Vec<Envelope>,
    /// The scenario's hash, or the population's digest.
    inputs_hash: String,
}

/// The manifest of a comparison: enough to reproduce it.
fn manifest(
    subject: Subject<'_>,
    baseline: &Arm,
    reform: &Arm,
    seeds: &[u64],
    code_version: &str,
) -> Manifest {
    let (subject, shard) = match subject {
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
    Manifest {
        format: FORMAT.to_owned(),
        code_version: code_version.to_owned(),
        subject,
        baseline: PolicyManifest::of(baseline),
        reform: PolicyManifest::of(reform),
        seeds: seeds.to_vec(),
        shard,
        intervals: INTERVALS.to_owned(),
    }
}

/// Runs one arm for one seed: the scenario with the arm's policy, or the seed's population
/// (generated once per seed by the caller) under it. `report` gets the run's first and last day
/// with each progress report.
fn run_arm(
    subject: Subject<'_>,
    population: Option<&Population>,
    arm: &Arm,
    seed: u64,
    report: &mut dyn FnMut(NaiveDate, NaiveDate, Progress),
) -> Result<ArmRun, SimError> {
    match (subject, population) {
        (Subject::Scenario(s), _) => {
            let mut s = s.clone();
            s.policy = arm.policy.clone();
            let s = s.with_seed(seed);
            let (start, until) = (s.start, s.until);
            let mut cb = |p: Progress| report(start, until, p);
            let out = crate::run_scenario(&s, None, Some(&mut cb))?;
            Ok(ArmRun {
                measures: Measures::from_projections(&out.projections),
                log_hash: out.log_hash,
                log: out.log,
                inputs_hash: s.hash.clone(),
            })
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
            Ok(ArmRun {
                measures: Measures::from_projections(&out.projections),
                log_hash: out.log_hash,
                log: Vec::new(),
                inputs_hash: pop.digest(),
            })
        }
        (Subject::Population { .. }, None) => unreachable!("the caller generates it"),
    }
}

/// Runs both arms for every seed.
pub fn compare(
    subject: Subject<'_>,
    baseline: &Arm,
    reform: &Arm,
    seeds: &[u64],
    code_version: &str,
    mut progress: Option<&mut dyn FnMut(RunProgress)>,
) -> Result<Comparison, SimError> {
    let manifest = manifest(subject, baseline, reform, seeds, code_version);
    let runs_total = seeds.len() * 2;
    let mut runs = Vec::with_capacity(seeds.len());
    let mut divergence = None;
    for (k, &seed) in seeds.iter().enumerate() {
        let _seed_span = tracing::info_span!("seed", seed).entered();
        // The population is generated once per seed and run under both policies: the inputs
        // are the same by construction, not by recomputation.
        let population = match subject {
            Subject::Population {
                residents,
                start,
                shard,
            } => Some({
                let _span = tracing::info_span!("generate_population", residents, %shard).entered();
                Population::generate(PopulationSpec {
                    residents,
                    seed,
                    start,
                    shard,
                })
            }),
            Subject::Scenario(_) => None,
        };
        let mut arms = Vec::with_capacity(2);
        for (which, (arm, name)) in [(baseline, "baseline"), (reform, "reform")]
            .into_iter()
            .enumerate()
        {
            let run = 2 * k + which;
            let _arm_span = tracing::info_span!("arm", arm = name).entered();
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
            arms.push(run_arm(
                subject,
                population.as_ref(),
                arm,
                seed,
                &mut report,
            )?);
        }
        let [b, r]: [ArmRun; 2] = arms.try_into().ok().expect("two arms");
        if k == 0
            && let Subject::Scenario(s) = subject
            && s.residents.len() == 1
        {
            divergence = first_divergence(&b.log, &r.log);
        }
        runs.push(SeedRun {
            seed,
            inputs_hash: b.inputs_hash,
            baseline: b.measures,
            reform: r.measures,
            log_hashes: manifest.shard.is_none().then_some([b.log_hash, r.log_hash]),
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
