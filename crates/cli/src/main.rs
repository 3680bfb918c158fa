//! `zairyu`: the command-line tool. Runs scenarios and prints their transcripts, replays stored
//! logs, checks scenario expectations, validates files, prints the scenario JSON Schema, and
//! benchmarks the simulator at scale.
//!
//! Architecture invariant: this is the only crate that prints to a terminal or sets an exit
//! code. Exit codes: 0 success, 1 a check or replay found a difference (or a run failed), 2
//! bad input (a malformed scenario, a missing file, a bad argument, a log in use by another
//! process) — in which case nothing is written, 3 `replay` could not verify the log (its run
//! did not finish and no `--expect-hash` was given).

// The workspace forbids `print!` and `eprint!` (clippy::print_stdout, print_stderr): the CLI
// writes through `out!`, `outln!` and `errln!`, which never panic.
#[macro_use]
mod out;

mod bench;
mod check;
mod commands;
mod compare;
mod counterfactual;
mod diag;
mod diff;
mod explain;
mod export;
mod global;
mod help;
mod merge;
mod reference;
mod replay;
mod run;
mod run_population;
mod scale_out;
mod simtest;
mod step;
mod sweep;
mod table;
mod validate;
mod why;

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use model::policy::Regime;

use crate::global::{ColorArg, Global, TextOrJson};

/// `zairyu --version`: the package version and, when built from a git checkout, the commit and
/// its date (see build.rs).
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), env!("ZAIRYU_COMMIT"));

/// Simulates how Japan's immigration bureau, city halls and J-LIS keep a foreign resident's
/// card record in sync, under the legacy two-card regime and the integrated Tokutei card
/// (from 2026-06-14). Every step is an event in a replayable SQLite log.
#[derive(Parser)]
#[command(name = "zairyu", version = VERSION, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum RegimeArg {
    /// Residence card + separate My Number card; the amendment never comes into force.
    Legacy,
    /// The amended law from 2026-06-14, with the optional Tokutei card.
    Integrated,
}

impl From<RegimeArg> for Regime {
    fn from(r: RegimeArg) -> Regime {
        match r {
            RegimeArg::Legacy => Regime::Legacy,
            RegimeArg::Integrated => Regime::Integrated,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario: print a transcript (date, office, what happened, why), the measures, the
    /// expectations' results, the log hash and where the log was stored. The log also gets the
    /// analysis tables rebuilt from it (residents, card_records, measures, notifications;
    /// docs/analysis.md), for SQLite, pandas or DuckDB, or `zairyu export`. Or run a synthetic
    /// population for a year (--population N): its measures and hashes, and with --db its whole
    /// log and the same tables.
    Run {
        /// The scenario file (YAML; see docs/scenario-format.md), or --population.
        #[arg(required_unless_present = "population")]
        scenario: Option<PathBuf>,
        /// Run a synthetic population of N residents instead (N omitted: the national
        /// 3,956,619) for a year from --start, under the default policy (or --policy, then
        /// --regime). Nothing is written unless --db is given.
        #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "3956619",
              conflicts_with_all = ["scenario", "step"])]
        population: Option<usize>,
        /// With --population: a policy file (YAML, as `compare --baseline` takes) on top of the
        /// default policy.
        #[arg(long, value_name = "POLICY", requires = "population")]
        policy: Option<PathBuf>,
        /// With --population: the first simulated day (a year is simulated).
        #[arg(long, value_name = "DATE", requires = "population", default_value_t = population::DEFAULT_START)]
        start: NaiveDate,
        /// With --population: worker threads (1 to 256; default: the cores available). The log
        /// and its hash do not depend on it.
        #[arg(long, value_name = "N", requires = "population")]
        threads: Option<usize>,
        /// Where to store the event log (SQLite, created 0600). Default for a scenario:
        /// runs/<scenario>.<regime>.db; a population keeps a log only with --db. An existing
        /// log there is refused unless --force; any other file is never touched; a log another
        /// zairyu process has open is refused.
        #[arg(long)]
        db: Option<PathBuf>,
        /// Replace the zairyu log already at the --db path (says what it held).
        #[arg(long, conflicts_with = "resume")]
        force: bool,
        /// Continue the run whose log is at the --db path (a run that was killed or stopped):
        /// re-run it, check every stored event against the one the run produces, and append
        /// the rest. A log of another scenario (or population), policy or seed, or one this run
        /// does not reproduce, is refused and left as it is. A population is resumed with the
        /// options it was run with; --threads may differ.
        #[arg(long)]
        resume: bool,
        /// Also store the card records at the end of this day in the log's `card_records`
        /// table (repeatable; the run's last day is always there; docs/analysis.md).
        #[arg(long, value_name = "DATE")]
        as_of: Vec<NaiveDate>,
        /// Override the scenario's seed.
        #[arg(long)]
        seed: Option<u64>,
        /// Override the scenario's regime.
        #[arg(long, value_enum)]
        regime: Option<RegimeArg>,
        /// Output: text for people, or one JSON document (the transcript's events, the
        /// measures, the expectations, the hashes).
        #[arg(long, value_enum, default_value = "text")]
        format: TextOrJson,
        /// Step through the run interactively, with commands read from standard input one a
        /// line (`help` lists them; a session can be piped): the next event, the next day, to a
        /// date, a resident's record as each office sees it, a step added after now; `quit`
        /// saves the log of the run through the end of the day (default path:
        /// runs/<scenario>.<regime>.stepped.db) and `zairyu replay` verifies it
        /// (docs/stepping.md).
        #[arg(long, conflicts_with_all = ["resume", "as_of", "format"])]
        step: bool,
    },
    /// Rebuild every projection from a stored log, check it against the run's recorded hashes
    /// (the log hash, the final state hash and, in a log of format 2, the hash recorded at
    /// every commit), and show the card record on a date. Reads the log without changing it.
    /// Exit codes: 0 verified, 1 a hash does not match (or the log is corrupt), 3 cannot verify
    /// (the run did not finish or its hashes were removed, and no --expect-hash was given).
    /// With --policy or --set: a counterfactual replay instead (exit 0 when it ran).
    #[command(group = clap::ArgGroup::new("counterfactual").multiple(true))]
    Replay {
        /// The SQLite log written by `zairyu run`.
        db: PathBuf,
        /// Show the card record as it stood at the end of this day (YYYY-MM-DD). Default: the
        /// run's last day.
        #[arg(long)]
        as_of: Option<NaiveDate>,
        /// Show instead what was legally true on this day, as known by the end of the log:
        /// events count from the day they take effect (a move notified late counts from the
        /// day of the move), not the day an office recorded them (docs/history.md).
        #[arg(long, value_name = "DATE", conflicts_with = "as_of")]
        effective_on: Option<NaiveDate>,
        /// Show only this resident (the scenario id).
        #[arg(long)]
        resident: Option<String>,
        /// Also print the transcript of the stored log up to that day.
        #[arg(long)]
        transcript: bool,
        /// Verify the log against this log hash, kept elsewhere (as `zairyu run` printed it),
        /// besides the hashes recorded in the log itself.
        #[arg(long, value_name = "HASH")]
        expect_hash: Option<String>,
        /// Counterfactual: run the stored inputs (the scenario, the seed) again under the stored
        /// policy with this policy file on top (docs/what-if.md), and show the measures of the
        /// stored run and of the changed one, with where the changed log first departs from
        /// the stored one. Fails if the stored inputs no longer give the stored log.
        #[arg(long, value_name = "POLICY", group = "counterfactual", conflicts_with_all = ["as_of", "effective_on", "transcript", "expect_hash", "resident"])]
        policy: Option<PathBuf>,
        /// Counterfactual: change one field of the stored policy (repeatable; after --policy):
        /// a dotted path as policy files write it (`resident.tokutei_uptake=0.5`) or a switch's
        /// name (`disposition_at=decision`).
        #[arg(long, value_name = "KEY=VALUE", group = "counterfactual", conflicts_with_all = ["as_of", "effective_on", "transcript", "expect_hash", "resident"])]
        set: Vec<String>,
        /// With --policy/--set: the scenario file the log ran, when it is no longer at the path
        /// the log records (its hash must match the log's).
        #[arg(long, value_name = "FILE", requires = "counterfactual")]
        scenario: Option<PathBuf>,
        /// Output: text for people, or one JSON document (the card records, the hashes and
        /// whether they match).
        #[arg(long, value_enum, default_value = "text")]
        format: TextOrJson,
    },
    /// Run scenario files (or every *.yaml under directories) and report each expectation, pass
    /// or fail. Exits 1 if any expectation fails, 2 if a file is malformed.
    Check {
        /// Scenario files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Override every scenario's regime.
        #[arg(long, value_enum)]
        regime: Option<RegimeArg>,
        /// Override every scenario's seed.
        #[arg(long)]
        seed: Option<u64>,
        /// Output: text (failures only; every check with -v), json, junit (JUnit XML for CI
        /// test reports: one test case per check), or github (workflow annotations on the
        /// failing expectations' lines).
        #[arg(long, value_enum, default_value = "text")]
        format: check::CheckFormat,
    },
    /// Parse and validate scenario files without running them.
    Validate {
        /// Scenario files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output: text, or one JSON document (each file with its counts).
        #[arg(long, value_enum, default_value = "text")]
        format: TextOrJson,
    },
    /// Explain a scenario or a stored run for teaching: a day-by-day narrative, Mermaid
    /// sequence diagrams, or a self-contained HTML report, in English or Japanese.
    Explain(explain::ExplainArgs),
    /// Run a scenario or a synthetic population under a baseline and a reform policy and print
    /// the measures side by side with their difference (docs/what-if.md).
    Compare(compare::CompareArgs),
    /// Compare two stored event logs: where they first differ (with the events around it),
    /// then the differences by resident and event kind. Exit 0 when they record the same facts
    /// in the same order, 1 when they differ, 2 on bad input.
    Diff(diff::DiffArgs),
    /// Write the analysis tables of a stored run (residents, card_records, measures,
    /// notifications; docs/analysis.md) as CSV, JSON or Parquet files. Reads the log without
    /// changing it.
    Export(export::ExportArgs),
    /// Explain one value of a resident's card record: the event that set it, the rule function
    /// of the model that computed it (with its rulebook section and grade), the rule's inputs,
    /// and the chain of events that led there.
    Why(why::WhyArgs),
    /// Add up the JSON results of `compare --shard k/n` (or `sweep --shard k/n`) into the
    /// whole population's result.
    Merge(merge::MergeArgs),
    /// Run a synthetic population under every point of a grid of policy parameters over
    /// seeds: one tidy table (CSV or Parquet, the manifest beside it), a terminal table or
    /// JSON (docs/sweep.md).
    Sweep(sweep::SweepArgs),
    /// Test the offices under faults: generate random residents and procedures from seeds, run
    /// each under random link faults and outages, and check the invariants after every event
    /// and at the end (docs/reliability.md). A failure prints the seed, the faults and a command
    /// that reproduces it, and writes the case shrunk to a scenario file. Exit 1 on a failure.
    Simtest(simtest::SimtestArgs),
    /// Print the JSON Schema of the scenario file format (or of policy files), the same as
    /// schemas/*.schema.json.
    Schema {
        /// Which file format.
        #[arg(value_enum, default_value = "scenario")]
        of: validate::SchemaOf,
    },
    /// For every procedure, which offices a resident must visit under each regime, generated
    /// from simulations (the legacy two-card regime vs the integrated Tokutei card).
    Table {
        /// Output: text (one block per procedure, within 100 columns), markdown (for
        /// docs/domain.md), or json.
        #[arg(long, value_enum, default_value = "text")]
        format: table::TableFormat,
        /// Text as one line per procedure, as wide as it takes.
        #[arg(long)]
        wide: bool,
    },
    /// Print a shell completion script: e.g. `zairyu completions bash >
    /// ~/.local/share/bash-completion/completions/zairyu`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write one page per command into a directory: e.g.
    /// `zairyu man | man -l -`.
    Man {
        /// Write zairyu.1 and zairyu-COMMAND.1 into this directory instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Benchmark: a synthetic population through the real services and store, with the raw
    /// SQLite append rate of the same rows measured in the same run as the baseline.
    Bench {
        /// Number of residents (default: 100,000; with --what-if the national 3,956,619).
        #[arg(long)]
        residents: Option<usize>,
        /// Measure instead the what-if comparison: the population run under the legacy and the
        /// integrated regime (one seed, no log), as `compare --population` runs it — wall time,
        /// events per second, peak memory and a digest of both arms' measures (the same for
        /// every --threads).
        #[arg(long)]
        what_if: bool,
        /// Seed of the population and the run.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Regime to simulate.
        #[arg(long, value_enum, default_value = "integrated")]
        regime: RegimeArg,
        /// Events per store transaction.
        #[arg(long, default_value_t = 100_000)]
        batch: usize,
        /// Threads of the simulation, one shard of residents each (1 to 256; default: the
        /// cores available). The log and its hash do not depend on it.
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
        /// Directory for the benchmark databases (removed afterwards unless --keep).
        #[arg(long, default_value = "target/zairyu-bench")]
        dir: PathBuf,
        /// Keep the benchmark databases.
        #[arg(long)]
        keep: bool,
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// A command line clap refuses: in English, clap's own message (with the usage line); in
/// Japanese, the same error in words from the labels, with the argument and value as typed.
/// Help and `--version` are not errors and are printed by clap either way.
fn usage_error(e: clap::Error, lang: report::Lang) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    use report::labels::UsageError;
    // An option as typed, without clap's placeholder for its value (`--as-of <AS_OF>`).
    let option = |s: &String| match s.split_once(' ') {
        Some((name, _)) if name.starts_with('-') => name.to_owned(),
        _ => s.clone(),
    };
    let text = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => option(s),
        Some(ContextValue::Strings(all)) => all.iter().map(option).collect::<Vec<_>>().join(", "),
        _ => String::new(),
    };
    let (arg, value) = (
        text(ContextKind::InvalidArg),
        text(ContextKind::InvalidValue),
    );
    let error = match e.kind() {
        _ if lang == report::Lang::En || !e.use_stderr() => e.exit(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => UsageError::InvalidValue {
            arg: &arg,
            value: &value,
        },
        ErrorKind::UnknownArgument => UsageError::UnknownArgument { arg: &arg },
        ErrorKind::InvalidSubcommand => UsageError::UnknownCommand {
            command: &text(ContextKind::InvalidSubcommand),
        },
        ErrorKind::MissingRequiredArgument | ErrorKind::MissingSubcommand => {
            UsageError::Missing { args: &arg }
        }
        ErrorKind::ArgumentConflict => UsageError::Conflict {
            arg: &arg,
            with: &text(ContextKind::PriorArg),
        },
        _ => UsageError::Other,
    };
    errln!(
        "{}{}",
        report::labels::error_prefix(lang),
        report::labels::usage_error(error, lang)
    );
    out::finish(ExitCode::from(2), lang)
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // clap's own messages (help, usage errors) follow --color and NO_COLOR too.
    let color = ColorArg::from_args(&args);
    // `--help` is said in the language of `--lang` too, so it is read before parsing as well.
    let lang = global::LangArg::from_args(&args);
    let matches = match help::localized(Cli::command(), lang)
        .color(color.clap())
        .try_get_matches_from(&args)
    {
        Ok(matches) => matches,
        Err(e) => return usage_error(e, lang),
    };
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let g = cli.global;
    g.init_tracing();
    let lang = g.lang();
    let result = match cli.command {
        Command::Run {
            population: Some(residents),
            policy,
            start,
            threads,
            db,
            seed,
            regime,
            force,
            resume,
            as_of,
            format,
            ..
        } => run_population::run(
            &run_population::PopulationArgs {
                residents,
                db,
                force,
                resume,
                seed,
                regime: regime.map(Into::into),
                policy: policy.as_deref(),
                start,
                threads,
                as_of,
                format,
            },
            &g,
        ),
        Command::Run {
            scenario: Some(scenario),
            db,
            seed,
            regime,
            force,
            resume,
            as_of,
            format,
            step: false,
            ..
        } => run::run(
            &run::RunArgs {
                path: &scenario,
                db,
                seed,
                regime: regime.map(Into::into),
                format,
                force,
                resume,
                as_of,
            },
            &g,
        ),
        Command::Run {
            scenario: Some(scenario),
            db,
            seed,
            regime,
            force,
            ..
        } => step::step(
            &step::StepArgs {
                path: &scenario,
                db,
                force,
                seed,
                regime: regime.map(Into::into),
            },
            &g,
        ),
        // clap already asks for one of them; this keeps the match whole without a panic.
        Command::Run { scenario: None, .. } => Err(diag::refused(
            report::labels::CommandProblem::ScenarioOrPopulation { national: None },
            lang,
        )),
        Command::Replay {
            db,
            format,
            policy,
            set,
            scenario,
            ..
        } if policy.is_some() || !set.is_empty() => counterfactual::counterfactual(
            &counterfactual::CounterfactualArgs {
                db: &db,
                policy: policy.as_deref(),
                set: &set,
                scenario: scenario.as_deref(),
                format,
            },
            lang,
        ),
        Command::Replay {
            db,
            as_of,
            effective_on,
            resident,
            transcript,
            expect_hash,
            format,
            ..
        } => replay::replay(
            &replay::ReplayArgs {
                db: &db,
                as_of,
                effective_on,
                resident: resident.as_deref(),
                transcript,
                expect_hash: expect_hash.as_deref(),
                format,
            },
            lang,
        ),
        Command::Check {
            paths,
            regime,
            seed,
            format,
        } => check::check(&paths, seed, regime.map(Into::into), format, &g),
        Command::Validate { paths, format } => validate::validate(&paths, format, lang),
        Command::Explain(args) => explain::explain(args, lang),
        Command::Compare(args) => compare::compare(args, &g),
        Command::Merge(args) => merge::merge(args, lang),
        Command::Sweep(args) => sweep::sweep(args, &g),
        Command::Simtest(args) => simtest::simtest(&args, &g),
        Command::Diff(args) => diff::diff(args, lang),
        Command::Export(args) => export::export(&args, lang),
        Command::Why(args) => why::why(args, lang),
        Command::Schema { of } => validate::schema(of),
        Command::Table { format, wide } => table::table(format, wide, lang),
        Command::Completions { shell } => reference::completions(shell, &mut Cli::command()),
        Command::Man { dir } => reference::man(Cli::command(), dir.as_deref(), lang),
        Command::Bench {
            residents,
            what_if: true,
            seed,
            threads,
            json,
            ..
        } => diag::threads(threads, lang).and_then(|threads| {
            bench::bench_what_if(
                &bench::WhatIfBenchArgs {
                    residents: residents.unwrap_or(population::NATIONAL_RESIDENTS),
                    seed,
                    threads,
                    json,
                },
                lang,
            )
        }),
        Command::Bench {
            residents,
            what_if: false,
            seed,
            regime,
            batch,
            threads,
            dir,
            keep,
            json,
        } => diag::threads(threads, lang).and_then(|threads| {
            bench::bench(
                &bench::BenchArgs {
                    residents: residents.unwrap_or(100_000),
                    seed,
                    regime: regime.into(),
                    batch,
                    threads,
                    dir,
                    keep,
                    json,
                },
                lang,
            )
        }),
    };
    let code = match result {
        Ok(code) => code,
        Err(e) => diag::report(e, g.color.enabled(global::Stream::Stderr), lang),
    };
    out::finish(code, lang)
}
