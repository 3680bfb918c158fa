//! `zairyu run`: runs one scenario into a new (or resumed) event log, writes the analysis
//! tables beside it, and prints the transcript, the measures and the scenario's checks — as text
//! for people or as JSON for programs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::anyhow;
use chrono::NaiveDate;
use event_store::{EventStore, StoreError};
use model::policy::Regime;
use report::labels::{self, LogWriting, Problem, ui};
use report::{Authored, Lang};
use scenario::Scenario;
use serde_json::json;
use simulator::check::{check_expectations, names};

use crate::commands::{
    CODE_VERSION, check_json, events_json, load, passed_failed, print_json, print_outcomes,
    within_the_run,
};
use crate::diag::Failure;
use crate::global::{Global, TextOrJson};

/// `runs/<stem>.<regime>.db`
fn default_db(scenario: &Scenario, path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    PathBuf::from("runs").join(format!("{stem}.{}.db", scenario.policy.regime.as_str()))
}

/// The new log at `path`, created for this run alone (the store locks it, decision 9).
///
/// Without `force`, a file already there is never touched: an existing log is refused with
/// what it holds, so a run cannot silently replace another run's log. With `force`, a zairyu
/// log is replaced in place and what it held is said on standard error; anything else is
/// still refused. A log another process has open (a run writing it, a replay reading it) is
/// refused either way. Every refusal is bad input (exit 2), in one message naming the path,
/// said in `lang`.
pub(crate) fn create_log(path: &Path, force: bool, lang: Lang) -> Result<EventStore, Failure> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            Failure::Input(anyhow!(labels::problem_because(
                Problem::Writing(LogWriting::CannotCreateDirectory { path: dir }),
                &e,
                lang
            )))
        })?;
    }
    if path.is_dir() {
        return Err(refusal(LogWriting::DbIsADirectory { path }, lang));
    }
    let refused = |e: StoreError| -> Failure {
        match e {
            StoreError::AlreadyExists { .. } => match EventStore::summary(path) {
                Ok(held) => refusal(
                    LogWriting::LogAlreadyThere {
                        path,
                        held: &describe_log(&held, lang),
                    },
                    lang,
                ),
                Err(e) => refused_other(path, e, lang),
            },
            other => refused_other(path, other, lang),
        }
    };
    if force {
        let (store, replaced) = EventStore::create_replacing(path).map_err(refused)?;
        if let Some(held) = replaced {
            errln!(
                "{}",
                labels::replacing(path, &describe_log(&held, lang), lang)
            );
        }
        Ok(store)
    } else {
        EventStore::create(path).map_err(refused)
    }
}

/// Bad input about the log being written, said in `lang` (exit 2).
fn refusal(w: LogWriting<'_>, lang: Lang) -> Failure {
    Failure::Input(anyhow!(labels::problem(Problem::Writing(w), lang)))
}

/// The log at `path` of a run to continue (`run --resume`), opened as its one writer; which
/// reads it once and checks it. Anything that is not a log of the current format, or is in use,
/// is bad input.
pub(crate) fn open_log_to_resume(path: &Path, lang: Lang) -> Result<EventStore, Failure> {
    EventStore::open(path).map_err(|e| match e {
        StoreError::NotFound { .. } => refusal(LogWriting::NoLogToResume { path }, lang),
        StoreError::ReadOnlyFormat { .. } | StoreError::Corrupt { .. } => refusal(
            LogWriting::CannotResume {
                path,
                reason: &crate::diag::cause(&e, lang),
            },
            lang,
        ),
        other => refused_other(path, other, lang),
    })
}

/// A resumed run's failure when the log is not this run's to continue — a log of another
/// run, or one this run does not reproduce: bad input, and nothing was written. Any other
/// failure is handed back.
pub(crate) fn not_this_runs_log(
    e: simulator::SimError,
    db: &Path,
    lang: Lang,
) -> Result<Failure, simulator::SimError> {
    match e {
        simulator::SimError::ResumeOtherRun { .. }
        | simulator::SimError::ResumeMismatch { .. }
        | simulator::SimError::ResumeLonger { .. } => Ok(Failure::Input(anyhow!(
            "{}{}{}",
            db.display(),
            labels::separator(lang),
            crate::diag::cause(&e, lang)
        ))),
        other => Err(other),
    }
}

/// A refusal to create the log at `path` for any reason but an existing log.
fn refused_other(path: &Path, e: StoreError, lang: Lang) -> Failure {
    match e {
        StoreError::NotAnEventLog { reason } => refusal(
            LogWriting::NotALogChooseAnother {
                path,
                reason: &crate::diag::not_a_log_reason(&reason, lang),
            },
            lang,
        ),
        StoreError::Locked { .. } => refusal(LogWriting::InUse { path }, lang),
        StoreError::Io { source, .. } => refusal(
            LogWriting::CannotCreateLog {
                path,
                reason: &labels::io_reason(&source, lang),
            },
            lang,
        ),
        other => refusal(
            LogWriting::CannotCreateLog {
                path,
                reason: &crate::diag::cause(&other, lang),
            },
            lang,
        ),
    }
}

/// "the log of X (N events, finished)", for messages about an existing log.
fn describe_log(held: &event_store::LogSummary, lang: Lang) -> String {
    labels::held_log(held.label.as_deref(), held.events, held.finished, lang)
}

/// What `zairyu run` was asked.
pub struct RunArgs<'a> {
    pub path: &'a Path,
    pub db: Option<PathBuf>,
    pub seed: Option<u64>,
    pub regime: Option<Regime>,
    pub format: TextOrJson,
    /// Replace the zairyu log already at the path.
    pub force: bool,
    /// Continue the run whose log is at the path.
    pub resume: bool,
    /// More days for the `card_records` analysis table.
    pub as_of: Vec<NaiveDate>,
}

/// Writes the analysis tables (docs/analysis.md) into the log a scenario's run has just
/// finished (`store`, still its writer), rebuilt from its events. `as_of` are more days for the
/// card records.
pub(crate) fn write_analysis_tables(
    store: &mut EventStore,
    db: &Path,
    scenario: &Scenario,
    as_of: &[NaiveDate],
    lang: Lang,
) -> Result<simulator::analysis::Written, Failure> {
    let names = names(scenario);
    let run = simulator::analysis::Run {
        start: scenario.start,
        until: scenario.until,
        policy: &scenario.policy,
        names: &names,
    };
    write_tables_of(store, db, &run, as_of, lang)
}

/// Writes the analysis tables of `run` into its finished log (`store`, still its writer), in
/// memory that grows with the residents, not the events. The log itself is complete whatever
/// happens here.
pub(crate) fn write_tables_of(
    store: &mut EventStore,
    db: &Path,
    run: &simulator::analysis::Run<'_>,
    as_of: &[NaiveDate],
    lang: Lang,
) -> Result<simulator::analysis::Written, Failure> {
    simulator::analysis::write_tables(store, run, as_of).map_err(|e| {
        Failure::Run(anyhow!(e).context(labels::problem(
            Problem::Writing(LogWriting::TablesNotWritten { db }),
            lang,
        )))
    })
}

/// `zairyu run`
pub fn run(a: &RunArgs<'_>, g: &Global) -> Result<ExitCode, Failure> {
    let lang = g.lang();
    let u = ui(lang);
    let scenario = load(a.path, a.seed, a.regime)?;
    // Checked before anything is written: a day outside the run is bad input.
    for &day in &a.as_of {
        within_the_run("--as-of", Some(day), scenario.start, scenario.until, lang)?;
    }
    let db =
        a.db.clone()
            .unwrap_or_else(|| default_db(&scenario, a.path));
    let stopped = |e: simulator::SimError| {
        Failure::Run(anyhow!(e).context(labels::problem(
            Problem::Writing(LogWriting::RunStopped { log: Some(&db) }),
            lang,
        )))
    };
    let out = if a.resume {
        let store = open_log_to_resume(&db, lang)?;
        let kept = store
            .last_global_seq()
            .map_err(|e| Failure::Run(e.into()))?;
        let out = simulator::resume_scenario_stored(&scenario, store, CODE_VERSION, None)
            .map_err(|e| not_this_runs_log(e, &db, lang).unwrap_or_else(stopped))?;
        errln!("{}", labels::resumed(&db, kept, out.events - kept, lang));
        out
    } else {
        let store = create_log(&db, a.force, lang)?;
        // A failure from here on (a full disk, an I/O error) leaves a valid, unfinished prefix.
        simulator::run_scenario_stored(&scenario, store, CODE_VERSION, None).map_err(stopped)?
    };
    let mut out = out;
    if let Some(store) = out.store.as_mut() {
        write_analysis_tables(store, &db, &scenario, &a.as_of, lang)?;
    }
    let names = names(&scenario);
    let outcomes = check_expectations(&scenario, &out.log);
    let failed = outcomes
        .iter()
        .flat_map(|o| &o.results)
        .filter(|r| !r.passed())
        .count();
    let code = if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    let totals = out.projections.totals();
    if a.format == TextOrJson::Json {
        let mut doc = json!({
            "scenario": {
                "name": scenario.name,
                "file": scenario.source,
                "regime": scenario.policy.regime.as_str(),
                "seed": scenario.seed,
                "start": scenario.start,
                "until": scenario.until,
            },
            "measures": totals,
            "expectations": outcomes
                .iter()
                .flat_map(|o| o.results.iter().map(|r| check_json(&scenario.source, o, r)))
                .collect::<Vec<_>>(),
            "log_hash": out.log_hash,
            "state_hash": out.state_hash,
            "events": out.events,
            "database": db.display().to_string(),
        });
        if synchronization_shown(&scenario, &out) {
            doc["synchronization"] = faults_json(&out);
        }
        if !g.quiet {
            doc["transcript"] = events_json(&out.log, &names, lang);
        }
        print_json(&doc);
        return Ok(code);
    }
    outln!(
        "{} — {}",
        Authored::title_of(&scenario).get(lang),
        regime_and_seed(scenario.policy.regime, scenario.seed, lang)
    );
    for line in Authored::description_of(&scenario).get(lang).lines() {
        outln!("  {line}");
    }
    outln!();
    if !g.quiet {
        out!("{}", report::transcript(&out.log, &names, lang));
        outln!();
    }
    out!("{}", report::summary(&totals, scenario.until, lang));
    if synchronization_shown(&scenario, &out) {
        outln!();
        out!("{}", faults_text(&out, lang));
    }
    if !scenario.expectations.is_empty() {
        outln!();
        outln!("{}", u.expectations);
        let (passed, failed) = print_outcomes(
            &scenario.source,
            &outcomes,
            false,
            g.color_stdout(),
            g.lang(),
        );
        outln!("  {}", passed_failed(passed, failed, lang));
    }
    outln!();
    out!(
        "{}",
        report::align::labelled(
            &[
                (u.log_hash, out.log_hash.clone()),
                (u.state_hash, out.state_hash.clone()),
                (u.events, out.events.to_string()),
                (u.database, db.display().to_string()),
            ],
            0,
            2,
        )
    );
    Ok(code)
}

/// Whether `run` shows the synchronization block: under faults, or when the run left work
/// undelivered at its end (a notice still in transit), which is flagged, never dropped
/// silently (issue 8).
fn synchronization_shown(scenario: &scenario::Scenario, out: &simulator::RunOutput) -> bool {
    !scenario.policy.faults.is_none() || out.faults.undelivered != Default::default()
}

/// The synchronization block of a run under faults (issue 8).
fn faults_text(out: &simulator::RunOutput, lang: Lang) -> String {
    let links: Vec<report::LinkFigures<'_>> = out
        .faults
        .links
        .iter()
        .map(|(&(code, from, to), t)| report::LinkFigures {
            code,
            from,
            to,
            counts: [t.sent, t.lost, t.redelivered, t.duplicated],
        })
        .collect();
    report::faults_summary(
        &out.projections.sync.measures(),
        &links,
        out.faults.held_by_outages,
        [
            out.faults.undelivered.notices,
            out.faults.undelivered.held_by_outages,
        ],
        lang,
    )
}

/// The synchronization measures of a run under faults, for `--format json`.
fn faults_json(out: &simulator::RunOutput) -> serde_json::Value {
    let links: Vec<serde_json::Value> = out
        .faults
        .links
        .iter()
        .map(|(&(code, from, to), t)| {
            json!({
                "notice": code, "from": from, "to": to, "sent": t.sent, "lost": t.lost,
                "redelivered": t.redelivered, "duplicated": t.duplicated,
            })
        })
        .collect();
    json!({
        "time_to_consistency": out.projections.sync.measures(),
        "links": links,
        "held_by_outages": out.faults.held_by_outages,
        "undelivered_at_end": {
            "notices": out.faults.undelivered.notices,
            "held_by_outages": out.faults.undelivered.held_by_outages,
        },
    })
}

/// "legacy regime, seed 7" / 「従来制度、シード 7」.
pub(crate) fn regime_and_seed(regime: Regime, seed: u64, lang: Lang) -> String {
    let u = ui(lang);
    let name = report::labels::regime_short(regime).get(lang);
    match lang {
        Lang::En => format!("{name} {}{}{} {seed}", u.regime_word, u.comma, u.seed),
        Lang::Ja => format!("{name}{}{} {seed}", u.comma, u.seed),
    }
}
