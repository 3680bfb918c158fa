//! `zairyu sweep`: a synthetic population run under every point of a grid of policy
//! parameters (`--grid KEY=V1,V2,…`, the keys and values `replay --set` takes), over seeds;
//! the measures of every grid point and seed as one tidy table (CSV or Parquet, the manifest
//! beside it), a terminal table of medians with their bands, JSON for `zairyu merge`, or an
//! HTML page with sliders over the swept parameters (docs/sweep.md). Shards split the
//! population like `compare --shard`, and merge exactly.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::anyhow;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use event_store::derived::{Cell, ColumnType};
use indicatif::ProgressBar;
use model::policy::Policy;
use model::shard::Shard;
use population::DEFAULT_START;
use projection::sweep::{Axis, Sweep, grid};
use projection::what_if::Arm;
use report::Lang;
use report::labels::{CommandProblem, command_problem};
use scenario::policy_file::{load_policy, set_policy_value};
use scenario::{Problem, ScenarioError};
use simulator::what_if::{PART, Workers};

use crate::commands::CODE_VERSION;
use crate::compare::{progress_bar, report_to, sidecar_path};
use crate::diag::{Failure, refused};
use crate::global::Global;
use crate::out::{emit, write_file};

/// How a sweep is printed or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SweepFormat {
    /// A table for the terminal: one row per grid point, headline measures.
    Table,
    /// Tidy CSV: one row per grid point × seed × measure (with --out X.csv, the manifest
    /// beside it as X.manifest.json).
    Csv,
    /// The same tidy table as a Parquet file (needs --out).
    Parquet,
    /// JSON: the whole result, every seed's measures at every point (what `zairyu merge`
    /// reads).
    Json,
    /// One self-contained offline HTML page: a slider per swept parameter showing that grid
    /// point's figures and monthly workload chart, all drawn in advance (at most 1,000 points).
    Html,
}

/// The most grid points a sweep runs (each is a whole run of the population per seed).
const MAX_POINTS: usize = 10_000;

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// A synthetic population of N residents (N omitted: the national 3,956,619).
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "3956619", required = true)]
    pub population: Option<usize>,
    /// The policy file every grid point starts from (default: the built-in defaults).
    #[arg(long, value_name = "POLICY")]
    pub policy: Option<PathBuf>,
    /// One axis of the grid: a policy key as `replay --set` takes it and its values, separated
    /// by commas (a comma inside braces or brackets belongs to the value), e.g.
    /// `--grid resident.tokutei_uptake=0.1,0.5,0.9 --grid card_production_lead_time=5d,15d,30d`.
    /// Repeat for more axes; the grid is every combination.
    #[arg(long = "grid", value_name = "KEY=V1,V2,…", required = true)]
    pub grid: Vec<String>,
    /// How many seeds (consecutive from --seed); every grid point runs the same populations.
    #[arg(long, default_value_t = crate::compare::DEFAULT_POPULATION_SEEDS, value_name = "K")]
    pub seeds: u32,
    /// The first seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The first simulated day (a year is simulated).
    #[arg(long, value_name = "DATE", default_value_t = DEFAULT_START)]
    pub start: NaiveDate,
    /// Run only the residents whose index in the whole population (arrivals included) is k
    /// modulo n, and write JSON for `zairyu merge`. The merged shards equal the unsharded run
    /// exactly unless a policy sets a capacity: then each shard's residents queue only among
    /// themselves (docs/scale-out.md).
    #[arg(long, value_name = "k/n", value_parser = Shard::parse)]
    pub shard: Option<Shard>,
    /// Run one of N shards, its index from the batch scheduler's array task
    /// (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX;
    /// docs/scale-out.md).
    #[arg(long, value_name = "N", conflicts_with = "shard")]
    pub shards: Option<u32>,
    /// Output format (default: table; json for a shard).
    #[arg(long, value_enum)]
    pub format: Option<SweepFormat>,
    /// Write the output to FILE (whole or not at all, so a retried task never leaves half a
    /// file); CSV and Parquet get their manifest beside it, as FILE's stem + .manifest.json.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Worker threads (1 to 256; default: the cores available). The results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Splits `V1,V2,…` at the commas outside braces and brackets.
fn split_values(text: &str) -> Vec<String> {
    let (mut values, mut current, mut depth) = (Vec::new(), String::new(), 0i32);
    for c in text.chars() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            ',' if depth == 0 => {
                values.push(current.trim().to_owned());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    values.push(current.trim().to_owned());
    values
}

/// A `--grid` error, located like a policy file's.
fn grid_error(text: &str, problem: impl Into<Box<Problem>>) -> Failure {
    Failure::Scenario(ScenarioError::invalid(
        format!("--grid {text}"),
        scenario::Pos::START,
        problem,
    ))
}

/// The axes of the grid, each value checked against the policy.
pub fn axes(grid_args: &[String], base: &Policy) -> Result<Vec<Axis>, Failure> {
    let mut axes: Vec<Axis> = Vec::new();
    for text in grid_args {
        let (key, values) = text
            .split_once('=')
            .ok_or_else(|| grid_error(text, Problem::GridNotAssignment))?;
        let key = key.trim().to_owned();
        if axes.iter().any(|a| a.key == key) {
            return Err(grid_error(text, Problem::SweptTwice { key }));
        }
        let values = split_values(values);
        if values.iter().any(String::is_empty) {
            return Err(grid_error(text, Problem::EmptyGridValue));
        }
        for v in &values {
            set_policy_value(base, &format!("{key}={v}")).map_err(|e| match e {
                ScenarioError::Invalid { problem, .. } => grid_error(text, problem),
                other => Failure::Scenario(other),
            })?;
        }
        axes.push(Axis { key, values });
    }
    Ok(axes)
}

/// One arm per grid point: the base policy with each axis's value set on top.
pub fn points(base: &Arm, axes: &[Axis]) -> Result<Vec<(Vec<String>, Arm)>, Failure> {
    grid(axes)
        .into_iter()
        .map(|values| {
            let mut policy = base.policy.clone();
            let mut settings = Vec::new();
            for (axis, v) in axes.iter().zip(&values) {
                let assignment = format!("{}={v}", axis.key);
                policy = set_policy_value(&policy, &assignment)?;
                settings.push(assignment);
            }
            let mut files: Vec<String> = settings.iter().map(|s| format!("--set {s}")).collect();
            files.extend(base.files.iter().cloned());
            Ok((
                values,
                Arm {
                    name: format!("{} ({})", base.name, settings.join(", ")),
                    files,
                    policy,
                },
            ))
        })
        .collect::<Result<Vec<_>, ScenarioError>>()
        .map_err(Failure::Scenario)
}

/// The tidy table as Parquet.
fn parquet(s: &Sweep, lang: Lang) -> Result<Vec<u8>, Failure> {
    let t = report::sweep::tidy(s, lang);
    let columns: Vec<(&str, ColumnType)> = t
        .columns
        .iter()
        .map(|(n, int)| {
            let kind = if *int {
                ColumnType::Integer
            } else {
                ColumnType::Text
            };
            (n.as_str(), kind)
        })
        .collect();
    let rows: Vec<Vec<Cell>> = t
        .rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|v| match v {
                    report::sweep::Value::Int(i) => Cell::Int(i),
                    report::sweep::Value::Text(s) => Cell::Text(s),
                })
                .collect()
        })
        .collect();
    crate::export::parquet_of("sweep", &columns, &rows).map_err(|e| {
        Failure::Run(anyhow!(e).context(command_problem(CommandProblem::ParquetNotMade, lang)))
    })
}

/// Prints or writes a sweep in `format`; CSV and Parquet written to a file get the manifest
/// beside them. Each file is written whole or not at all.
pub fn emit_sweep(
    s: &Sweep,
    format: SweepFormat,
    lang: Lang,
    out: Option<&Path>,
) -> Result<(), Failure> {
    match format {
        SweepFormat::Table => emit(&report::sweep::table(s, lang), out, lang)?,
        SweepFormat::Json => emit(&report::sweep::json(s), out, lang)?,
        SweepFormat::Html => emit(&report::charts::sweep_page(s, lang), out, lang)?,
        SweepFormat::Csv => emit(&report::sweep::csv(s, lang), out, lang)?,
        SweepFormat::Parquet => {
            let path = out.ok_or_else(|| refused(CommandProblem::ParquetNeedsOutFile, lang))?;
            write_file(&parquet(s, lang)?, path, lang)?;
        }
    }
    if let (SweepFormat::Csv | SweepFormat::Parquet, Some(path)) = (format, out) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let columns: Vec<String> = report::sweep::tidy_columns(s);
        let manifest = report::sweep::sidecar(s, &name, &columns);
        write_file(manifest.as_bytes(), &sidecar_path(path), lang)?;
    }
    Ok(())
}

/// `zairyu sweep`
pub fn sweep(a: SweepArgs, g: &Global) -> Result<ExitCode, Failure> {
    let lang = g.lang();
    let shard = crate::scale_out::shard(a.shard, a.shards, |v| std::env::var(v).ok(), lang)?;
    let residents = a.population.unwrap_or(population::NATIONAL_RESIDENTS);
    crate::diag::population_size(residents, "--population", lang)?;
    if a.seeds == 0 {
        return Err(refused(
            CommandProblem::AtLeastOne { option: "--seeds" },
            lang,
        ));
    }
    let last = a
        .seed
        .checked_add(u64::from(a.seeds) - 1)
        .filter(|&s| i64::try_from(s).is_ok())
        .ok_or_else(|| {
            refused(
                CommandProblem::SeedsBeyond {
                    seed: a.seed,
                    seeds: a.seeds,
                },
                lang,
            )
        })?;
    let seeds: Vec<u64> = (a.seed..=last).collect();
    let format = a.format.unwrap_or(if shard.is_some() {
        SweepFormat::Json
    } else {
        SweepFormat::Table
    });
    if shard.is_some() && format != SweepFormat::Json {
        return Err(refused(CommandProblem::ShardIsJson, lang));
    }
    if format == SweepFormat::Parquet && a.out.is_none() {
        return Err(refused(CommandProblem::ParquetNeedsOutFile, lang));
    }
    let threads = crate::diag::threads(a.threads, lang)?;
    let defaults = Policy::default();
    let base = match &a.policy {
        Some(path) => {
            let file = load_policy(path, &defaults)?;
            Arm {
                name: file.name,
                files: file.files.iter().map(|f| f.display().to_string()).collect(),
                policy: file.policy,
            }
        }
        None => Arm {
            name: report::labels::analysis(g.lang()).defaults.to_owned(),
            files: Vec::new(),
            policy: defaults,
        },
    };
    let axes = axes(&a.grid, &base.policy)?;
    let size: usize = axes.iter().map(|x| x.values.len()).product();
    if size > MAX_POINTS {
        return Err(refused(
            CommandProblem::GridTooLarge {
                size,
                max: MAX_POINTS,
            },
            lang,
        ));
    }
    if format == SweepFormat::Html && size > report::charts::MAX_PAGE_POINTS {
        return Err(refused(
            CommandProblem::GridTooLargeForHtml {
                size,
                max: report::charts::MAX_PAGE_POINTS,
            },
            lang,
        ));
    }
    let points = points(&base, &axes)?;
    let bar = if g.progress() {
        progress_bar(lang)
    } else {
        ProgressBar::hidden()
    };
    let mut report = report_to(&bar, lang);
    let result = simulator::sweep::run(
        &simulator::sweep::SweepInput {
            residents,
            start: a.start,
            shard: shard.unwrap_or(Shard::WHOLE),
            base: &base,
            axes: &axes,
            points: &points,
            seeds: &seeds,
            code_version: CODE_VERSION,
        },
        Workers {
            threads,
            part: PART,
        },
        Some(&mut report),
    )
    .map_err(|e| Failure::Run(e.into()))?;
    bar.finish_and_clear();
    emit_sweep(&result, format, g.lang(), a.out.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_split_at_commas_outside_braces() {
        assert_eq!(split_values("0.1, 0.5,0.9"), ["0.1", "0.5", "0.9"]);
        assert_eq!(
            split_values("{ uniform: { min: 1, max: 5 } },{ table: [ { days: 7, weight: 1 } ] }"),
            [
                "{ uniform: { min: 1, max: 5 } }",
                "{ table: [ { days: 7, weight: 1 } ] }"
            ]
        );
    }

    #[test]
    fn a_grid_value_the_policy_does_not_take_is_refused_with_its_key() {
        let base = Policy::default();
        let ok = axes(
            &[
                "resident.tokutei_uptake=0.1,0.9".into(),
                "regime=legacy,integrated".into(),
            ],
            &base,
        )
        .unwrap_or_else(|_| panic!("valid axes"));
        assert_eq!(ok.len(), 2);
        for bad in [
            "resident.tokutei_uptake=0.1,1.5",
            "resident.no_such=1",
            "resident.tokutei_uptake",
            "resident.tokutei_uptake=0.1,,0.2",
        ] {
            match axes(&[bad.into()], &base) {
                Err(Failure::Scenario(e)) => assert!(e.to_string().contains("--grid"), "{e}"),
                other => panic!("{bad}: expected a located error, got {other:?}"),
            }
        }
    }
}
