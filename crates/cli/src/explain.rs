//! `zairyu explain`: a run told for teaching — a day-by-day narrative, Mermaid sequence
//! diagrams, or a self-contained HTML report — from a scenario file (run in memory) or from a
//! log stored by `zairyu run` (replayed; its run metadata holds the dates, the residents' names
//! and the policy).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::anyhow;
use clap::{Args, ValueEnum};
use model::policy::Regime;
use report::labels::{self, Problem};
use report::{Lang, Person, Run, Story, StoryError};
use simulator::replay::replay;

use crate::diag::Failure;

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// A day-by-day narrative.
    Text,
    /// Markdown with one Mermaid sequence diagram per resident (GitHub renders it).
    Mermaid,
    /// One self-contained offline HTML file: latency-true sequence diagram, card-state
    /// timeline, measures, step-through controls.
    Html,
}

#[derive(Args)]
pub struct ExplainArgs {
    /// A scenario file (YAML; run in memory) or a stored log (SQLite, written by `zairyu run`).
    input: PathBuf,
    /// Tell only this resident (the scenario id).
    #[arg(long)]
    resident: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: FormatArg,
    /// Run the scenario under both regimes and show them side by side (scenario files only).
    #[arg(long)]
    compare_regimes: bool,
    /// Write to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Whether `path` is an SQLite file (a stored log) rather than a scenario.
fn is_sqlite(path: &Path, lang: Lang) -> Result<bool, Failure> {
    let cannot_open = |e| {
        Failure::Input(anyhow!(labels::problem_because(
            Problem::CannotOpen { path },
            &e,
            lang
        )))
    };
    // Nothing there: said here, in `lang`, rather than by the scenario reader.
    std::fs::symlink_metadata(path).map_err(cannot_open)?;
    // Only a regular file is opened: opening a FIFO to read blocks until someone writes. Any
    // other kind of file goes to the scenario reader, which refuses it with a located error.
    if !path.is_file() {
        return Ok(false);
    }
    let mut file = std::fs::File::open(path).map_err(cannot_open)?;
    let mut magic = [0u8; 16];
    let n = file.read(&mut magic).unwrap_or(0);
    Ok(n == 16 && &magic == b"SQLite format 3\0")
}

fn scenario_runs(path: &Path, compare: bool) -> Result<Vec<Run>, Failure> {
    let scenario = scenario::load(path)?;
    let regimes: Vec<Option<Regime>> = if compare {
        vec![Some(Regime::Legacy), Some(Regime::Integrated)]
    } else {
        vec![None]
    };
    regimes
        .into_iter()
        .map(|regime| {
            let s = match regime {
                Some(r) => scenario.clone().with_regime(r),
                None => scenario.clone(),
            };
            let out =
                simulator::run_scenario(&s, None, None).map_err(|e| Failure::Run(e.into()))?;
            Ok(Run::from_scenario(&s, out.log))
        })
        .collect()
}

fn stored_run(db: &Path, lang: Lang) -> Result<Run, Failure> {
    let (store, meta, policy) = crate::commands::open_stored_run(db, lang)?;
    let switch = policy.switches.validity.special_period_my_number;
    let replayed = replay(&store, meta.start, meta.until, None, switch, true)
        .map_err(|e| crate::commands::cannot_read_log(db, e, lang))?;
    if let Some(stored) = &meta.log_hash
        && *stored != replayed.log_hash
    {
        errln!("{}", labels::explaining_anyway(db, lang));
    }
    // Everything told comes from the log itself: a path stored in a log is never opened
    // again (it could name a FIFO, /dev/zero, or another person's file). A log of schema
    // version 1 has no title, description or display names; its label and ids stand in. The
    // Japanese title and description are those the log keeps (schema version 4).
    let residents = meta
        .resident_names
        .iter()
        .enumerate()
        .map(|(i, key)| Person {
            key: key.clone(),
            name: meta.display_names.get(i).filter(|n| *n != key).cloned(),
        })
        .collect();
    Ok(Run {
        title: crate::commands::stored_title(&meta),
        description: crate::commands::stored_description(&meta),
        source: db.display().to_string(),
        seed: meta.seed,
        policy,
        start: meta.start,
        until: meta.until,
        residents,
        log: replayed.log,
        // A stored log does not say which of its visits were scripted.
        follow_ups: Vec::new(),
    })
}

/// The run a scenario file (run in memory) or a stored log (replayed) holds, for the commands
/// that question one run (`why`).
pub(crate) fn run_of(path: &Path, lang: Lang) -> Result<Run, Failure> {
    if is_sqlite(path, lang)? {
        stored_run(path, lang)
    } else {
        let mut runs = scenario_runs(path, false)?;
        Ok(runs.remove(0))
    }
}

/// `zairyu explain`
pub fn explain(args: ExplainArgs, lang: Lang) -> Result<ExitCode, Failure> {
    let runs = if is_sqlite(&args.input, lang)? {
        if args.compare_regimes {
            return Err(Failure::Input(anyhow!(labels::problem(
                Problem::CompareRegimesNeedsAScenario,
                lang
            ))));
        }
        vec![stored_run(&args.input, lang)?]
    } else {
        scenario_runs(&args.input, args.compare_regimes)?
    };
    let stories = runs
        .iter()
        .map(|run| Story::build(run, args.resident.as_deref()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| match e {
            StoryError::UnknownResident { key, known } => Failure::Input(anyhow!(labels::problem(
                Problem::NoResident {
                    key: &key,
                    residents: &known
                },
                lang
            ))),
        })?;
    let text = match args.format {
        FormatArg::Text => report::explain::render(&stories, lang),
        FormatArg::Mermaid => report::mermaid::render(&stories, lang),
        FormatArg::Html => report::html::render(&stories, lang),
    };
    crate::out::emit(&text, args.out.as_deref(), lang)?;
    if let Some(path) = &args.out {
        errln!("{}", labels::wrote(path, lang));
    }
    Ok(ExitCode::SUCCESS)
}
