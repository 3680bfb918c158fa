//! `zairyu run --population N`: a synthetic population (the `population` crate) run for a
//! simulated year under one policy, with its measures, log hash and state hash printed. With
//! `--db FILE` the run keeps its whole event log, written by the store's one writer as a
//! scenario's is, and the analysis tables beside it (docs/analysis.md), built in memory that
//! grows with the residents, never with the events. Without `--db` nothing is written.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::anyhow;
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use model::policy::{Policy, Regime};
use population::{Population, PopulationSpec};
use report::labels::{self, LogWriting, Problem, ui};
use serde_json::json;
use simulator::Progress;
use simulator::analysis::TABLES;
use simulator::population_run::{population_run_meta, resume_population, run_population};

use crate::commands::{CODE_VERSION, print_json};
use crate::diag::Failure;
use crate::global::{Global, TextOrJson};

/// What `zairyu run --population` was asked.
pub struct PopulationArgs<'a> {
    pub residents: usize,
    pub db: Option<PathBuf>,
    pub force: bool,
    /// Continue the unfinished log at `db` (`--resume`).
    pub resume: bool,
    pub seed: Option<u64>,
    pub regime: Option<Regime>,
    /// A policy file applied on top of the default policy (as `compare --baseline` is).
    pub policy: Option<&'a Path>,
    pub start: NaiveDate,
    pub threads: Option<usize>,
    /// More days for the `card_records` table.
    pub as_of: Vec<NaiveDate>,
    pub format: TextOrJson,
}

/// The population's policy, the files it came from, and the threads: checked before anything
/// is written or simulated.
struct Checked {
    spec: PopulationSpec,
    policy: Policy,
    files: Vec<String>,
    threads: usize,
}

fn check(a: &PopulationArgs<'_>, lang: report::Lang) -> Result<Checked, Failure> {
    crate::diag::population_size(a.residents, "--population", lang)?;
    let threads = crate::diag::threads(a.threads, lang)?;
    let (mut policy, files) = match a.policy {
        Some(path) => {
            let file = scenario::policy_file::load_policy(path, &Policy::default())?;
            let files = file.files.iter().map(|f| f.display().to_string()).collect();
            (file.policy, files)
        }
        None => (Policy::default(), Vec::new()),
    };
    if let Some(regime) = a.regime {
        policy.regime = regime;
    }
    let spec = PopulationSpec {
        start: a.start,
        ..PopulationSpec::new(a.residents, a.seed.unwrap_or(1))
    };
    let until = a.start + chrono::Duration::days(365);
    for &day in &a.as_of {
        crate::commands::within_the_run("--as-of", Some(day), a.start, until, lang)?;
    }
    Ok(Checked {
        spec,
        policy,
        files,
        threads,
    })
}

/// A bar over the simulated year of a run called `prefix`, on stderr (hidden when it is not a
/// terminal, or with -q).
pub(crate) fn progress_bar(g: &Global, prefix: &str, days: u64) -> ProgressBar {
    if !g.progress() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(days.max(1));
    bar.set_style(
        ProgressStyle::with_template(&labels::progress_template(
            labels::ProgressBar::Days,
            g.lang(),
        ))
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar.set_prefix(prefix.to_owned());
    bar
}

/// The run's progress, as simulated days on `bar` and events in its message.
pub(crate) fn report_days(
    bar: &ProgressBar,
    start: NaiveDate,
    lang: report::Lang,
) -> impl FnMut(Progress) + '_ {
    move |p: Progress| {
        bar.set_position((p.now.date() - start).num_days().max(0) as u64);
        bar.set_message(labels::progress_events(p.events, lang));
    }
}

/// `zairyu run --population N`
pub fn run(a: &PopulationArgs<'_>, g: &Global) -> Result<ExitCode, Failure> {
    let lang = g.lang();
    let u = ui(lang);
    let c = check(a, lang)?;
    // The log is created before the run, so that a path already taken is refused (exit 2)
    // before a year is simulated.
    let store = match &a.db {
        Some(db) if a.resume => Some(crate::run::open_log_to_resume(db, lang)?),
        Some(db) => Some(crate::run::create_log(db, a.force, lang)?),
        None if a.resume => {
            return Err(Failure::Input(anyhow!(labels::problem(
                Problem::Writing(LogWriting::ResumeNeedsDb),
                lang
            ))));
        }
        None => None,
    };
    let kept = match (&store, a.resume) {
        (Some(store), true) => Some(
            store
                .last_global_seq()
                .map_err(|e| Failure::Run(e.into()))?,
        ),
        _ => None,
    };
    let population = Population::generate(c.spec);
    let meta = population_meta(&population, &c.policy, None);
    let start = c.spec.start;
    let bar = progress_bar(
        g,
        labels::progress_simulate(g.lang()),
        (population.until - start).num_days() as u64,
    );
    let mut report = report_days(&bar, start, g.lang());
    let stopped = |e: simulator::SimError| {
        Failure::Run(anyhow!(e).context(labels::problem(
            Problem::Writing(LogWriting::RunStopped {
                log: a.db.as_deref(),
            }),
            lang,
        )))
    };
    let out = match (store, &a.db) {
        (Some(store), Some(db)) if a.resume => {
            let out = resume_population(
                &population,
                &c.policy,
                &meta,
                store,
                c.threads,
                Some(&mut report),
            )
            .map_err(|e| crate::run::not_this_runs_log(e, db, lang).unwrap_or_else(stopped))?;
            let kept = kept.unwrap_or(0);
            errln!("{}", labels::resumed(db, kept, out.events - kept, lang));
            out
        }
        (store, _) => run_population(
            &population,
            &c.policy,
            &meta,
            store,
            c.threads,
            Some(&mut report),
        )
        .map_err(stopped)?,
    };
    drop(population);
    // What is printed is taken now, and the run's projections dropped, so that the tables'
    // replay does not hold a second copy of every resident's record beside them.
    let simulator::RunOutput {
        mut store,
        projections,
        log_hash,
        state_hash,
        events,
        ..
    } = out;
    let totals = projections.totals();
    drop(projections);
    let written = match (store.as_mut(), &a.db) {
        (Some(store), Some(db)) => {
            bar.set_prefix("tables");
            bar.set_message(labels::progress_writing_tables(g.lang()));
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            let run = simulator::analysis::Run {
                start: meta.start,
                until: meta.until,
                policy: &c.policy,
                names: &meta.resident_names,
            };
            Some(crate::run::write_tables_of(
                store, db, &run, &a.as_of, lang,
            )?)
        }
        _ => None,
    };
    bar.finish_and_clear();
    let tables: Option<Vec<(&str, u64)>> = written.map(|w| {
        TABLES
            .iter()
            .map(|t| t.name)
            .zip(w.rows)
            .collect::<Vec<_>>()
    });
    if a.format == TextOrJson::Json {
        print_json(&json!({
            "population": {
                "residents": c.spec.residents,
                "seed": c.spec.seed,
                "start": start,
                "until": meta.until,
                "regime": c.policy.regime.as_str(),
                "policy_files": c.files,
                "digest": out_digest(&meta),
            },
            "measures": totals,
            "log_hash": log_hash,
            "state_hash": state_hash,
            "events": events,
            "database": a.db.as_ref().map(|d| d.display().to_string()),
            "tables": tables.as_ref().map(|t| {
                t.iter()
                    .map(|&(n, r)| (n.to_owned(), json!(r)))
                    .collect::<serde_json::Map<_, _>>()
            }),
        }));
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "{} — {}",
        labels::synthetic_population(c.spec.residents, lang),
        crate::run::regime_and_seed(c.policy.regime, c.spec.seed, lang)
    );
    for file in &c.files {
        outln!("  {file}");
    }
    outln!();
    out!("{}", report::summary(&totals, meta.until, lang));
    outln!();
    let mut lines = vec![
        (u.log_hash, log_hash),
        (u.state_hash, state_hash),
        (u.events, events.to_string()),
    ];
    if let Some(db) = &a.db {
        lines.push((u.database, db.display().to_string()));
    }
    out!("{}", report::align::labelled(&lines, 0, 2));
    if let Some(tables) = &tables {
        outln!("{}", labels::tables_written(tables, lang));
    }
    Ok(ExitCode::SUCCESS)
}

/// The metadata of a population's log (`population_run_meta`), its label worded in English
/// and in Japanese by the labels: the population has no scenario, so the label is what
/// `replay`, `explain`, `diff` and `why` show as its title. `arm`: the arm of a comparison.
pub(crate) fn population_meta(
    population: &Population,
    policy: &Policy,
    arm: Option<&str>,
) -> event_store::RunMeta {
    let spec = &population.spec;
    let shard = (!spec.shard.is_whole()).then_some(spec.shard);
    let label =
        |lang| labels::population_log(spec.residents, shard, spec.seed, policy.regime, arm, lang);
    let meta = population_run_meta(population, policy, CODE_VERSION);
    event_store::RunMeta {
        label: label(report::Lang::En),
        ja: event_store::JapaneseTexts {
            label: label(report::Lang::Ja),
            ..meta.ja.clone()
        },
        ..meta
    }
}

/// The population's content digest, as the log's metadata records it.
fn out_digest(meta: &event_store::RunMeta) -> &str {
    meta.scenario_hash
        .strip_prefix("population:")
        .unwrap_or(&meta.scenario_hash)
}
