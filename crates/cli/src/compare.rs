//! `zairyu compare`: a scenario or a synthetic population under a baseline and a reform policy,
//! with the measures side by side (docs/what-if.md). Population runs fold measures only (no
//! log, no store), show a progress bar on stderr, and can be split with `--shard k/n` into
//! slices whose JSON results `zairyu merge` adds up; with `--db DIR` each arm is run once more
//! into a stored log with its analysis tables (or, with `--keep-sample N`, a sample of it).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::anyhow;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use model::policy::Policy;
use model::shard::Shard;
use population::{DEFAULT_START, NATIONAL_RESIDENTS, Population, PopulationSpec};
use projection::what_if::{Arm, Comparison};
use report::Lang;
use report::labels::{self, CommandProblem};
use scenario::policy_file::load_policy;
use simulator::population_run::run_population;
use simulator::what_if::{self, RunProgress, Subject};

use crate::commands::CODE_VERSION;
use crate::diag::{Failure, failed, refused};
use crate::global::Global;
use crate::out::emit;

/// How a comparison is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for the terminal.
    Table,
    /// Tidy CSV: one row per measure, arm (or difference) and seed, then the summaries over
    /// the seeds; with --out X.csv the manifest goes beside it as X.manifest.json.
    Csv,
    /// JSON: manifest, summary and every seed's raw measures (what `zairyu merge` reads).
    Json,
    /// One self-contained offline HTML page with SVG charts: monthly workload per office with
    /// its band, outage days per seed, each difference with its paired interval.
    Html,
}

/// The band over seeds the terminal table shows (CSV and JSON carry every statistic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BandArg {
    /// The 10th to the 90th percentile over seeds.
    #[value(name = "p10-p90")]
    Percentiles,
    /// The minimum to the maximum over seeds.
    MinMax,
}

impl From<BandArg> for report::compare::Band {
    fn from(b: BandArg) -> Self {
        match b {
            BandArg::Percentiles => report::compare::Band::Percentiles,
            BandArg::MinMax => report::compare::Band::MinMax,
        }
    }
}

/// The seeds of a population comparison when `--seeds` is not given: enough that the 10th and
/// 90th percentiles are not just the extremes (docs/what-if.md, "Intervals").
pub const DEFAULT_POPULATION_SEEDS: u32 = 10;

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// A scenario file to compare (or use --population).
    #[arg(required_unless_present = "population", conflicts_with = "population")]
    pub scenario: Option<PathBuf>,
    /// A synthetic population of N residents (N omitted: the national 3,956,619).
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "3956619")]
    pub population: Option<usize>,
    /// The baseline policy file (YAML; see scenarios/what-if/).
    #[arg(long, value_name = "POLICY")]
    pub baseline: PathBuf,
    /// The reform policy file.
    #[arg(long, value_name = "POLICY")]
    pub reform: PathBuf,
    /// How many seeds (consecutive from --seed); values are summarised over them (median with
    /// the 10th–90th percentile band). Default: 10 for a population (fewer make the band
    /// little more than the extremes), 1 for a scenario (its steps are scripted).
    #[arg(long, value_name = "K")]
    pub seeds: Option<u32>,
    /// The first seed. Default: 1 (for a scenario, the scenario's own seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// The first simulated day of a population (a year is simulated).
    #[arg(long, value_name = "DATE", default_value_t = DEFAULT_START)]
    pub start: NaiveDate,
    /// Run only the residents whose index in the whole population (arrivals included) is k
    /// modulo n (0 <= k < n), and write JSON for `zairyu merge`. The merged shards equal the
    /// unsharded run exactly unless a policy sets a capacity: then each shard's residents queue
    /// only among themselves (docs/scale-out.md).
    #[arg(long, value_name = "k/n", value_parser = Shard::parse)]
    pub shard: Option<Shard>,
    /// Run one of N shards, its index k from the batch scheduler's array task
    /// (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX); as --shard k/N
    /// otherwise (docs/scale-out.md).
    #[arg(long, value_name = "N", conflicts_with = "shard")]
    pub shards: Option<u32>,
    /// Output format (default: table; json for a shard).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the output to FILE instead of standard output (written whole or not at all; a
    /// CSV's manifest beside it as FILE's stem + .manifest.json).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The band over seeds the table shows beside each median.
    #[arg(long, value_enum, default_value = "p10-p90")]
    pub band: BandArg,
    /// Worker threads for a population (1 to 256; default: the cores available). The results
    /// do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Population: keep the event logs of only a deterministic sample of N residents (from the
    /// seed) under both arms, as DIR/baseline.db and DIR/reform.db (see --db), for `zairyu
    /// diff` to show where they part (docs/what-if.md).
    #[arg(long, value_name = "N", requires = "db", requires = "population")]
    pub keep_sample: Option<usize>,
    /// Population: keep both arms' whole event logs, each with its analysis tables
    /// (docs/analysis.md), as DIR/baseline.db and DIR/reform.db — of the first seed, the whole
    /// population (not a shard); each arm is run once more, stored, and must give the measures
    /// the comparison printed. With --keep-sample, only the sample's logs. The directory is
    /// created if missing; logs already there are refused.
    #[arg(long, value_name = "DIR", requires = "population")]
    pub db: Option<PathBuf>,
}

fn arm(path: &Path, start: &Policy) -> Result<Arm, Failure> {
    let file = load_policy(path, start)?;
    Ok(Arm {
        name: file.name,
        files: file.files.iter().map(|f| f.display().to_string()).collect(),
        policy: file.policy,
    })
}

/// A progress bar over every run's simulated days, on stderr (hidden when it is not a
/// terminal).
pub fn progress_bar(lang: Lang) -> ProgressBar {
    let bar = ProgressBar::new(1);
    bar.set_style(
        ProgressStyle::with_template(&labels::progress_template(
            labels::ProgressBar::Percent,
            lang,
        ))
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar
}

pub fn report_to(bar: &ProgressBar, lang: Lang) -> impl FnMut(RunProgress) + '_ {
    move |p: RunProgress| {
        bar.set_length(p.total);
        bar.set_position(p.done.min(p.total));
        bar.set_prefix(labels::progress_seed(p.seed, lang));
        bar.set_message(labels::progress_events(p.events, lang));
    }
}

/// Renders a comparison in `format`, its words in `lang`.
pub fn render(
    c: &Comparison,
    format: Format,
    names: &[String],
    lang: Lang,
    band: BandArg,
) -> String {
    match format {
        Format::Table => report::compare::table_with_band(c, names, lang, band.into()),
        Format::Csv => report::compare::csv(c, lang),
        Format::Json => report::compare::json(c, names, lang),
        Format::Html => report::charts::compare_page(c, lang),
    }
}

/// The sidecar manifest of the data file `out`: `X.csv` → `X.manifest.json`.
pub fn sidecar_path(out: &Path) -> PathBuf {
    out.with_extension("manifest.json")
}

/// Prints or writes a comparison (see [`render`]); a CSV written to a file gets its manifest
/// beside it ([`sidecar_path`]), each file written whole or not at all.
pub fn emit_comparison(
    c: &Comparison,
    format: Format,
    names: &[String],
    lang: Lang,
    band: BandArg,
    out: Option<&Path>,
) -> Result<(), Failure> {
    emit(&render(c, format, names, lang, band), out, lang)?;
    if let (Format::Csv, Some(path)) = (format, out) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let manifest = report::compare::sidecar(c, &name, &report::compare::CSV_COLUMNS);
        crate::out::write_file(manifest.as_bytes(), &sidecar_path(path), lang)?;
    }
    Ok(())
}

pub fn compare(a: CompareArgs, g: &Global) -> Result<ExitCode, Failure> {
    let lang = g.lang();
    let shard = crate::scale_out::shard(a.shard, a.shards, |v| std::env::var(v).ok(), lang)?;
    if a.seeds == Some(0) {
        return Err(refused(
            CommandProblem::AtLeastOne { option: "--seeds" },
            lang,
        ));
    }
    let format = a.format.unwrap_or(if shard.is_some() {
        Format::Json
    } else {
        Format::Table
    });
    if shard.is_some() && format != Format::Json {
        return Err(refused(CommandProblem::ShardIsJson, lang));
    }
    let threads = crate::diag::threads(a.threads, lang)?;
    let bar = if g.progress() {
        progress_bar(lang)
    } else {
        ProgressBar::hidden()
    };
    let mut report = report_to(&bar, lang);
    if a.db.is_some() && a.keep_sample.is_none() && shard.is_some() {
        return Err(refused(CommandProblem::DbWithShard, lang));
    }
    if a.keep_sample == Some(0) {
        return Err(refused(
            CommandProblem::AtLeastOne {
                option: "--keep-sample",
            },
            lang,
        ));
    }
    let (mut sample, mut whole) = (None, None);
    // The population's arms, for its sample.
    let mut population_arms = None;
    let (comparison, names) = match (&a.scenario, a.population) {
        (Some(path), _) => {
            if shard.is_some() {
                return Err(refused(CommandProblem::ShardOfAScenario, lang));
            }
            let scenario = scenario::load(path)?;
            // The policy files apply on top of the scenario's own policy.
            let baseline = arm(&a.baseline, &scenario.policy)?;
            let reform = arm(&a.reform, &scenario.policy)?;
            let first = a.seed.unwrap_or(scenario.seed);
            let seeds = seed_list(first, a.seeds.unwrap_or(1), lang)?;
            let names = simulator::check::names(&scenario);
            let c = what_if::compare(
                Subject::Scenario(&scenario),
                &baseline,
                &reform,
                &seeds,
                CODE_VERSION,
                threads,
                Some(&mut report),
            )
            .map_err(|e| Failure::Run(e.into()))?;
            (c, names)
        }
        (None, Some(residents)) => {
            crate::diag::population_size(residents, "--population", lang)?;
            let defaults = Policy::default();
            let baseline = arm(&a.baseline, &defaults)?;
            let reform = arm(&a.reform, &defaults)?;
            population_arms = Some([baseline.clone(), reform.clone()]);
            let seeds = seed_list(
                a.seed.unwrap_or(1),
                a.seeds.unwrap_or(DEFAULT_POPULATION_SEEDS),
                lang,
            )?;
            // The logs are created once the inputs are known good and before the comparison
            // runs, so that a path already taken is refused before anything is simulated.
            if let Some(dir) = &a.db {
                match a.keep_sample {
                    Some(n) => sample = Some((n, arm_logs(dir, g.lang())?)),
                    None => whole = Some(arm_logs(dir, g.lang())?),
                }
            }
            let c = what_if::compare(
                Subject::Population {
                    residents,
                    start: a.start,
                    shard: shard.unwrap_or(Shard::WHOLE),
                },
                &baseline,
                &reform,
                &seeds,
                CODE_VERSION,
                threads,
                Some(&mut report),
            )
            .map_err(|e| Failure::Run(e.into()))?;
            (c, Vec::new())
        }
        (None, None) => {
            return Err(refused(
                CommandProblem::ScenarioOrPopulation {
                    national: Some(NATIONAL_RESIDENTS),
                },
                lang,
            ));
        }
    };
    bar.finish_and_clear();
    emit_comparison(
        &comparison,
        format,
        &names,
        g.lang(),
        a.band,
        a.out.as_deref(),
    )?;
    if let (Some(logs), Some(residents), Some(arms)) = (whole, a.population, &population_arms) {
        keep_whole_logs(&comparison, residents, a.start, arms, logs, threads, g)?;
    }
    if let (Some((n, (paths, stores))), Some(residents), Some(arms)) =
        (sample, a.population, population_arms)
    {
        let seed = comparison.manifest.seeds.first().copied().unwrap_or(1);
        let spec = what_if::sample_spec(residents, n, seed, a.start);
        for ((arm, store), path) in arms.iter().zip(stores).zip(&paths) {
            what_if::run_sample(spec, n, arm, store, CODE_VERSION).map_err(|e| {
                Failure::Run(anyhow!(e).context(labels::command_problem(
                    CommandProblem::SampleLogIncomplete { path },
                    g.lang(),
                )))
            })?;
        }
        errln!(
            "{}",
            report::labels::sample_kept(
                n.min(Population::shard_len(&spec)),
                seed,
                &paths[0].display().to_string(),
                &paths[1].display().to_string(),
                g.lang()
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The two arms' logs, new, and their paths.
type ArmLogs = ([PathBuf; 2], [event_store::EventStore; 2]);

/// Runs the whole population of the comparison's first seed once more under each arm, storing
/// its log and then its analysis tables in `logs`; each arm must give the measures the
/// comparison found for it (the comparison ran the population in parts, without a log).
fn keep_whole_logs(
    comparison: &Comparison,
    residents: usize,
    start: NaiveDate,
    arms: &[Arm; 2],
    (paths, stores): ArmLogs,
    threads: usize,
    g: &Global,
) -> Result<(), Failure> {
    let first = comparison
        .runs
        .first()
        .ok_or_else(|| failed(CommandProblem::NoSeedRan, g.lang()))?;
    let population = Population::generate(PopulationSpec {
        start,
        ..PopulationSpec::new(residents, first.seed)
    });
    let expected = [&first.baseline, &first.reform];
    for (((arm, store), path), expected) in arms.iter().zip(stores).zip(&paths).zip(expected) {
        // The same metadata as `run --population N --policy FILE` writes but for the label,
        // which the log hash does not cover: the two runs keep the same log.
        let meta =
            crate::run_population::population_meta(&population, &arm.policy, Some(&arm.name));
        let bar = crate::run_population::progress_bar(
            g,
            &arm.name,
            (population.until - start).num_days() as u64,
        );
        let mut report = crate::run_population::report_days(&bar, start, g.lang());
        let mut out = run_population(
            &population,
            &arm.policy,
            &meta,
            Some(store),
            threads,
            Some(&mut report),
        )
        .map_err(|e| {
            Failure::Run(anyhow!(e).context(labels::command_problem(
                CommandProblem::LogIncomplete { path },
                g.lang(),
            )))
        })?;
        if out.measures() != *expected {
            return Err(failed(
                CommandProblem::StoredRunDiffers {
                    population: &labels::synthetic_population(residents, g.lang()),
                    arm: &arm.name,
                    path,
                },
                g.lang(),
            ));
        }
        if let Some(store) = out.store.as_mut() {
            bar.set_message(labels::progress_writing_tables(g.lang()));
            let run = simulator::analysis::Run {
                start: meta.start,
                until: meta.until,
                policy: &arm.policy,
                names: &meta.resident_names,
            };
            crate::run::write_tables_of(store, path, &run, &[], g.lang())?;
        }
        bar.finish_and_clear();
    }
    errln!(
        "{}",
        labels::population_logs_kept(
            residents,
            first.seed,
            &paths[0].display().to_string(),
            &paths[1].display().to_string(),
            g.lang()
        )
    );
    Ok(())
}

/// The two new logs of a population's arms, `DIR/baseline.db` and `DIR/reform.db`.
fn arm_logs(dir: &Path, lang: Lang) -> Result<ArmLogs, Failure> {
    let paths = [dir.join("baseline.db"), dir.join("reform.db")];
    let new = !paths[0].exists();
    let baseline = crate::run::create_log(&paths[0], false, lang)?;
    let reform = match crate::run::create_log(&paths[1], false, lang) {
        Ok(store) => store,
        Err(e) => {
            // The second log is refused: the first, made a moment ago, goes again, so that
            // bad input leaves nothing written.
            drop(baseline);
            if new {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = paths[0].clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            return Err(e);
        }
    };
    Ok((paths, [baseline, reform]))
}

fn seed_list(first: u64, k: u32, lang: Lang) -> Result<Vec<u64>, Failure> {
    (0..u64::from(k))
        .map(|i| first.checked_add(i))
        .collect::<Option<Vec<u64>>>()
        .ok_or_else(|| {
            refused(
                CommandProblem::SeedsOverflow {
                    seed: first,
                    seeds: u64::from(k),
                },
                lang,
            )
        })
}
