//! Policy what-if: the same inputs (a scenario, or a synthetic population) and the same seeds,
//! run under a baseline and a reform policy; the measures of both arms, per seed; the summary
//! (mean and min–max over seeds, differences paired by seed); shards and their merge.
//!
//! Nothing derived from the baseline is reused under the reform: each arm generates the same
//! population from the same seed and runs it from scratch, so whatever the reform changes
//! (resident behaviour included, which the agent draws from the policy) shows up in its run
//! alone. Population runs keep no log, no store and no log hash: only the projections are folded
//! (at national scale a log would not fit; docs/what-if.md), and a population is run a part at a
//! time ([`PART`] residents, generated, run under both arms, added up) on every thread, so that
//! its memory does not grow with its size; its measures do not depend on the parts or the
//! threads, every measure being a sum over residents. A scenario run keeps its log, so that for a single resident the two logs can be
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
    Arm, Comparison, Divergence, FORMAT, INTERVALS, Manifest, PolicyManifest, SeedRun,
    SubjectManifest, first_divergence,
};
use scenario::Scenario;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::scheduler::{Progress, RunInput, RunOptions, SimError, run};

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

/// Progress of a comparison: the work done of the whole comparison (every seed, both arms), in
/// units that take about the same time each — a resident simulated for a year in one arm, or a
/// day of a scenario's run — so that a rate and an ETA can be drawn from it.
#[derive(Debug, Clone, Copy)]
pub struct RunProgress {
    pub done: u64,
    pub total: u64,
    /// The seed being run.
    pub seed: u64,
    /// Events simulated so far, all runs together.
    pub events: u64,
}

/// Residents per part of a population what-if. Each part is generated and run under both
/// arms on its own, so memory is bounded by the parts in flight (one per thread), not by the
/// population. Small enough that the parts in flight fit in the last-level cache beside each
/// other (32 MiB on this machine, shared by two cores): with parts of 131,072 residents a
/// part's working set was about a hundred megabytes, and two threads missed that cache 3.6
/// times an event (decision 26). Smaller still, the work of each simulated instant would be
/// shared by too few residents.
pub const PART: usize = 1 << 13;

/// The population generator's name in manifests. It names the generator's version, not a
/// module path: it stays as it was when the generator moved to its own crate, so that results
/// made before and after merge.
pub const GENERATOR: &str = "scenario::population v1";

/// What one arm's run of one seed of a scenario gave.
struct ArmRun {
    measures: Measures,
    log_hash: String,
    log: Vec<Envelope>,
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
                name_ja: s.ja.as_ref().map(|j| j.name.clone()),
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

/// Runs one arm of a scenario for one seed: the scenario with the arm's policy on top of its own.
/// `report` gets the run's first and last day with each progress report.
fn scenario_arm(
    scenario: &Scenario,
    arm: &Arm,
    seed: u64,
    report: &mut dyn FnMut(NaiveDate, NaiveDate, Progress),
) -> Result<ArmRun, SimError> {
    let mut s = scenario.clone();
    s.policy = arm.policy.clone();
    let s = s.with_seed(seed);
    let (start, until) = (s.start, s.until);
    let mut cb = |p: Progress| report(start, until, p);
    let out = crate::run_scenario(&s, None, Some(&mut cb))?;
    Ok(ArmRun {
        measures: out.measures(),
        log_hash: out.log_hash,
        log: out.log,
    })
}

/// What a counterfactual replay found (`zairyu replay DB --policy P`).
pub enum Counterfactual {
    /// The stored run, re-run as it was, and under the changed policy: the measures of both,
    /// and where the changed run's log first departs from the stored one.
    Compared(Box<Comparison>),
    /// Re-running the stored inputs under the stored policy does not give the stored log (the
    /// scenario file or the code changed since): where they first differ. A comparison would
    /// mix the change of policy with that change, so none is made.
    NotReproduced(Box<Divergence>),
}

/// Replays the run whose log is `stored` under `changed`: re-runs the stored inputs — the
/// scenario's steps, and the resident agent's draws from the stored seed — first as they were
/// (`as_run`, the stored policy), to check that they reproduce the stored log fact for fact,
/// then under the changed policy. `scenario` carries the stored seed.
pub fn counterfactual(
    scenario: &Scenario,
    stored: &[Envelope],
    as_run: &Arm,
    changed: &Arm,
    code_version: &str,
) -> Result<Counterfactual, SimError> {
    let seed = scenario.seed;
    let mut quiet = |_: NaiveDate, _: NaiveDate, _: Progress| {};
    let again = scenario_arm(scenario, as_run, seed, &mut quiet)?;
    if let Some(d) = first_divergence(stored, &again.log) {
        return Ok(Counterfactual::NotReproduced(Box::new(d)));
    }
    let other = scenario_arm(scenario, changed, seed, &mut quiet)?;
    Ok(Counterfactual::Compared(Box::new(Comparison {
        manifest: manifest(
            Subject::Scenario(scenario),
            as_run,
            changed,
            &[seed],
            code_version,
        ),
        divergence: first_divergence(stored, &other.log),
        runs: vec![SeedRun {
            seed,
            inputs_hash: scenario.hash.clone(),
            baseline: again.measures,
            reform: other.measures,
            log_hashes: Some([again.log_hash, other.log_hash]),
        }],
    })))
}

/// The residents a population comparison keeps the logs of (`compare --population R
/// --keep-sample N`): every `n`-th resident from the `k`-th, `n` = R / N, `k` drawn from the
/// seed, the first N of them. A shard of the population, so each resident is exactly the
/// resident of the whole run (residents never interact, and each draws from its own stream).
pub fn sample_spec(residents: usize, sample: usize, seed: u64, start: NaiveDate) -> PopulationSpec {
    let count = u32::try_from((residents / sample.max(1)).max(1)).unwrap_or(u32::MAX);
    let index =
        u32::try_from(model::hashing::mix64(seed) % u64::from(count)).expect("less than the count");
    PopulationSpec {
        residents,
        seed,
        start,
        shard: Shard { index, count },
    }
}

/// Runs the residents of `spec` (the first `sample` of them) under `arm`, storing the log in
/// `store`, a new, empty log: its metadata names the sample and the arm, the residents are
/// named by their index in the whole population (`resident-<index>`), and the log is finished
/// with its hashes, so `zairyu replay` verifies it and `zairyu diff` compares the two arms'.
pub fn run_sample(
    spec: PopulationSpec,
    sample: usize,
    arm: &Arm,
    store: event_store::EventStore,
    code_version: &str,
) -> Result<crate::RunOutput, SimError> {
    let population = Population::generate_part(spec, 0..sample);
    let names: Vec<String> = (0..population.len())
        .map(|i| {
            let local = model::ids::ResidentId(u32::try_from(i).expect("a small sample"));
            format!("resident-{}", population.global(local))
        })
        .collect();
    let meta = event_store::RunMeta {
        label: format!(
            "{} residents (shard {} of a synthetic population of {}), {}",
            population.len(),
            spec.shard,
            spec.residents,
            arm.name
        ),
        resident_names: names,
        title: arm.name.clone(),
        ..crate::population_run::population_run_meta(&population, &arm.policy, code_version)
    };
    crate::population_run::run_population(&population, &arm.policy, &meta, Some(store), 1, None)
}

/// What one part of a population gave under one arm.
struct PartRun {
    part: usize,
    arm: usize,
    residents: usize,
    events: u64,
    measures: Measures,
    /// The part's population digest (with the first arm's result).
    digest: Option<String>,
}

/// A part of a population with its residents' starting profiles built once, for every arm
/// that runs it: a profile does not depend on the policy (`Population::profile`), and building
/// one (identifiers, card validities, certificates) costs as much as several of the resident's
/// events, so each arm building its own doubled that work. The profiles of a part in flight
/// (one per thread) are held meanwhile, about 200 bytes a resident.
struct Profiled<'a> {
    population: &'a Population,
    profiles: Vec<std::sync::Arc<model::command::ResidentProfile>>,
}

impl<'a> Profiled<'a> {
    fn new(population: &'a Population) -> Profiled<'a> {
        Profiled {
            population,
            profiles: population
                .profiles()
                .into_iter()
                .map(std::sync::Arc::new)
                .collect(),
        }
    }
}

impl crate::scheduler::Residents for Profiled<'_> {
    fn len(&self) -> usize {
        self.profiles.len()
    }

    fn profile(
        &self,
        resident: model::ids::ResidentId,
    ) -> std::sync::Arc<model::command::ResidentProfile> {
        std::sync::Arc::clone(&self.profiles[resident.index()])
    }

    fn steps(
        &self,
        range: std::ops::Range<u32>,
    ) -> Box<dyn Iterator<Item = crate::agent::StepInput> + Send + '_> {
        crate::scheduler::Residents::steps(self.population, range)
    }

    fn collections(&self, range: std::ops::Range<u32>) -> Vec<crate::agent::ScriptedCollection> {
        crate::scheduler::Residents::collections(self.population, range)
    }

    fn follow_ups(
        &self,
        range: std::ops::Range<u32>,
    ) -> Option<Vec<(model::ids::ResidentId, model::time::SimTime)>> {
        crate::scheduler::Residents::follow_ups(self.population, range)
    }
}

/// Every arm (two for a comparison, one per grid point for a sweep) of one seed of a
/// population: its parts (of `workers.part` residents) generated and run
/// under each arm on `threads` threads, their measures added up in part order — every measure is
/// a sum over residents, so the result does not depend on the parts or the threads. No log, no
/// hash: only the projections are folded. Returns the arms' measures, in order, and the
/// population's digest; `report` gets the residents and events of each part run as it finishes.
pub(crate) fn population_arms(
    spec: PopulationSpec,
    arms: &[&Arm],
    Workers {
        threads,
        part: size,
    }: Workers,
    report: &mut dyn FnMut(u64, u64),
) -> Result<(Vec<Measures>, String), SimError> {
    // With a capacity, a part is whole blocks of every arm (decision 17).
    let size = model::capacity::part_in_blocks(size, arms.iter().map(|a| &a.policy)).max(1);
    let parts = Population::shard_len(&spec).div_ceil(size).max(1);
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<Result<PartRun, SimError>>();
    let mut results: Vec<Vec<Option<Measures>>> =
        (0..parts).map(|_| vec![None; arms.len()]).collect();
    let mut digests = vec![String::new(); parts];
    let mut failure = None;
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, parts) {
            let (tx, next) = (tx.clone(), &next);
            scope.spawn(move || {
                loop {
                    let part = next.fetch_add(1, Ordering::Relaxed);
                    if part >= parts {
                        return;
                    }
                    let population =
                        Population::generate_part(spec, part * size..(part + 1) * size);
                    let mut digest = Some(population.digest());
                    let profiled = Profiled::new(&population);
                    for (which, arm) in arms.iter().enumerate() {
                        let out = run(
                            RunInput {
                                residents: &profiled,
                                start: spec.start,
                                until: population.until,
                                policy: arm.policy.clone(),
                                seed: spec.seed,
                            },
                            RunOptions {
                                store: None,
                                keep_log: false,
                                hashes: false,
                                threads: 1,
                                ..RunOptions::default()
                            },
                        );
                        let sent = tx.send(out.map(|out| PartRun {
                            part,
                            arm: which,
                            residents: population.len(),
                            events: out.events,
                            measures: out.measures(),
                            digest: digest.take(),
                        }));
                        if sent.is_err() {
                            return;
                        }
                    }
                }
            });
        }
        drop(tx);
        for message in rx {
            match message {
                Ok(r) => {
                    report(r.residents as u64, r.events);
                    if let Some(d) = r.digest {
                        digests[r.part] = d;
                    }
                    results[r.part][r.arm] = Some(r.measures);
                }
                Err(e) => {
                    // Stop handing out parts; the threads finish the ones they hold.
                    next.store(parts, Ordering::Relaxed);
                    failure.get_or_insert(e);
                }
            }
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    let mut sums = vec![Measures::default(); arms.len()];
    for part in results {
        for (sum, m) in sums.iter_mut().zip(part) {
            sum.add(&m.expect("every part ran under every arm"));
        }
    }
    let digest = add_digests(digests.iter().map(String::as_str)).unwrap_or_default();
    Ok((sums, digest))
}

/// Runs both arms for every seed, populations on `threads` threads in parts of [`PART`]
/// residents.
pub fn compare(
    subject: Subject<'_>,
    baseline: &Arm,
    reform: &Arm,
    seeds: &[u64],
    code_version: &str,
    threads: usize,
    progress: Option<&mut dyn FnMut(RunProgress)>,
) -> Result<Comparison, SimError> {
    compare_in_parts(
        subject,
        baseline,
        reform,
        seeds,
        code_version,
        Workers {
            threads,
            part: PART,
        },
        progress,
    )
}

/// How a population comparison is spread: threads, and residents per part.
#[derive(Debug, Clone, Copy)]
pub struct Workers {
    pub threads: usize,
    pub part: usize,
}

/// [`compare`] with parts of `workers.part` residents (tests use small parts to show that the
/// result does not depend on them).
pub fn compare_in_parts(
    subject: Subject<'_>,
    baseline: &Arm,
    reform: &Arm,
    seeds: &[u64],
    code_version: &str,
    workers: Workers,
    mut progress: Option<&mut dyn FnMut(RunProgress)>,
) -> Result<Comparison, SimError> {
    let manifest = manifest(subject, baseline, reform, seeds, code_version);
    // The work of one seed: a unit per resident and arm, or per day of each arm's run.
    let per_seed = match subject {
        Subject::Scenario(s) => 2 * (s.until - s.start).num_days().max(1) as u64,
        Subject::Population {
            residents,
            start,
            shard,
        } => {
            2 * Population::shard_len(&PopulationSpec {
                residents,
                seed: 0,
                start,
                shard,
            }) as u64
        }
    };
    let total = per_seed * seeds.len() as u64;
    let (mut done, mut events) = (0u64, 0u64);
    let mut runs = Vec::with_capacity(seeds.len());
    let mut divergence = None;
    for (k, &seed) in seeds.iter().enumerate() {
        let _seed_span = tracing::info_span!("seed", seed).entered();
        let mut tell = |done: u64, events: u64| {
            if let Some(f) = progress.as_deref_mut() {
                f(RunProgress {
                    done,
                    total,
                    seed,
                    events,
                });
            }
        };
        let run = match subject {
            Subject::Scenario(s) => {
                let mut arms = Vec::with_capacity(2);
                for (arm, name) in [(baseline, "baseline"), (reform, "reform")] {
                    let _arm_span = tracing::info_span!("arm", arm = name).entered();
                    let before = (done, events);
                    let mut report = |start: NaiveDate, until: NaiveDate, p: Progress| {
                        let day = (p.now.date() - start)
                            .num_days()
                            .clamp(0, (until - start).num_days());
                        tell(before.0 + day as u64, before.1 + p.events);
                    };
                    let out = scenario_arm(s, arm, seed, &mut report)?;
                    done = before.0 + per_seed / 2;
                    events += out.log.len() as u64;
                    arms.push(out);
                }
                let [b, r]: [ArmRun; 2] = arms.try_into().ok().expect("two arms");
                if k == 0 && s.residents.len() == 1 {
                    divergence = first_divergence(&b.log, &r.log);
                }
                SeedRun {
                    seed,
                    inputs_hash: s.hash.clone(),
                    baseline: b.measures,
                    reform: r.measures,
                    log_hashes: Some([b.log_hash, r.log_hash]),
                }
            }
            Subject::Population {
                residents,
                start,
                shard,
            } => {
                let spec = PopulationSpec {
                    residents,
                    seed,
                    start,
                    shard,
                };
                let mut report = |residents: u64, part_events: u64| {
                    done += residents;
                    events += part_events;
                    tell(done, events);
                };
                let (measures, digest) =
                    population_arms(spec, &[baseline, reform], workers, &mut report)?;
                let [b, r]: [Measures; 2] = measures.try_into().expect("two arms");
                // A population's arms keep no log, so they have no log hash.
                SeedRun {
                    seed,
                    inputs_hash: digest,
                    baseline: b,
                    reform: r,
                    log_hashes: None,
                }
            }
        };
        runs.push(run);
    }
    Ok(Comparison {
        manifest,
        runs,
        divergence,
    })
}

/// Checks that shard results — each one's shard and its manifest without it, sorted by shard
/// index — are the shards `0/n … (n−1)/n` of one run, each once, and returns that run's
/// manifest (the merge's). Comparisons and sweeps (`crate::sweep::merge`) are checked alike.
pub(crate) fn check_shards<M: PartialEq>(
    manifests: Vec<(Option<Shard>, M)>,
) -> Result<M, MergeError> {
    let given = manifests.len();
    let mut rest = manifests.into_iter();
    let (first, bare) = rest.next().ok_or(MergeError::Empty)?;
    let Some(count) = first.map(|s| s.count) else {
        return Err(MergeError::NotAShard);
    };
    let in_place = |k: usize, found: Option<Shard>| {
        let want = Shard {
            index: k as u32,
            count,
        };
        if found == Some(want) {
            Ok(())
        } else {
            Err(MergeError::OutOfPlace {
                want,
                found: Found(found),
            })
        }
    };
    in_place(0, first)?;
    for (k, (shard, m)) in rest.enumerate() {
        if m != bare {
            return Err(MergeError::OtherInputs {
                shard: Found(shard),
                first: Found(first),
            });
        }
        in_place(k + 1, shard)?;
    }
    if given != count as usize {
        return Err(MergeError::Count { given, count });
    }
    Ok(bare)
}

/// Why shard results cannot be merged: a closed set, so that the CLI says each in its own words
/// (English and Japanese) by kind, never by matching this text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("nothing to merge")]
    Empty,
    /// The first result (by shard index) has no `shard` in its manifest.
    #[error("the first result is not a shard (it has no `shard` in its manifest)")]
    NotAShard,
    /// Shard `want` is missing, given twice, or of another count: `found` is in its place.
    #[error(
        "expected shards 0/{count} … {last}/{count} once each; found {found} where {want} belongs",
        count = want.count,
        last = want.count - 1
    )]
    OutOfPlace { want: Shard, found: Found },
    /// A shard made from other inputs (population, policies, seeds, code version) than the first.
    #[error(
        "shard {shard} was made with other inputs, policies, seeds or code version than shard \
         {first}"
    )]
    OtherInputs { shard: Found, first: Found },
    /// Fewer or more results than the shards' count.
    #[error("{given} shard results given, but the shards are k/{count}")]
    Count { given: usize, count: u32 },
    /// A comparison's shard without the run of `seed`.
    #[error("a shard lacks the run of seed {seed}")]
    MissingSeed { seed: u64 },
    /// A sweep's shard without every grid point and seed.
    #[error("shard {shard} lacks grid points or seeds")]
    MissingPoints { shard: Found },
}

/// The shard a result says it is, if any (`None`: a whole run, not a shard).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found(pub Option<Shard>);

impl std::fmt::Display for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(shard) => write!(f, "{shard}"),
            None => f.write_str("a whole run"),
        }
    }
}

/// Adds the shards of one comparison into the result of the whole. The shards must come from
/// the same comparison (same manifest but for the shard), be `k/n` for one `n`, and cover every
/// `k` once.
pub fn merge(parts: Vec<Comparison>) -> Result<Comparison, MergeError> {
    let mut parts = parts;
    parts.sort_by_key(|p| p.manifest.shard.map(|s| s.index));
    let manifests: Vec<(Option<Shard>, Manifest)> = parts
        .iter()
        .map(|p| {
            let mut m = p.manifest.clone();
            (m.shard.take(), m)
        })
        .collect();
    let bare = check_shards(manifests)?;
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
                return Err(MergeError::MissingSeed { seed });
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
