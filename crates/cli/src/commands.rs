//! The scenario commands: run, replay, check, validate, schema, table — each as text for
//! people or as JSON for programs (and `check` as JUnit XML or GitHub annotations for CI).
//!
//! At about 1,050 lines before its tests this file is over the project's size limit. It is
//! still one file because three engineers changed it at the same time this round: `replay`'s
//! verification, the JSON and JUnit outputs, and `--resume`. Its seam is one module per
//! command, each with its own argument type and printing (`commands/run.rs`,
//! `commands/replay.rs`, `commands/check.rs`, …), as `compare`, `diff` and `why` already are.
//! Splitting it along that seam is the next change to make here.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use chrono::NaiveDate;
use clap::ValueEnum;
use event_store::{EventStore, RunMeta, StoreError};
use model::envelope::Envelope;
use model::policy::{Policy, Regime};
use model::rules;
use projection::Projections;
use projection::rows::RecordRow;
use report::Lang;
use report::labels::ui;
use scenario::{Overrides, Scenario};
use serde_json::{Value, json};
use simulator::check::{ExpectationOutcome, check_expectations, names};
use simulator::replay::replay as replay_log;

use crate::diag::Failure;
use crate::global::{Global, TextOrJson, paint};

/// The version written into every run's metadata.
pub const CODE_VERSION: &str = concat!("zairyu ", env!("CARGO_PKG_VERSION"));

fn load(path: &Path, seed: Option<u64>, regime: Option<Regime>) -> Result<Scenario, Failure> {
    Ok(scenario::load_with(path, Overrides { seed, regime })?)
}

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
/// refused either way. Every refusal is bad input (exit 2), in one message naming the path.
fn create_log(path: &Path, force: bool) -> Result<EventStore, Failure> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the directory {}", dir.display()))
            .map_err(Failure::Input)?;
    }
    let shown = path.display();
    if path.is_dir() {
        return Err(Failure::Input(anyhow!(
            "{shown} is a directory; --db names the log file to create"
        )));
    }
    let refused = |e: StoreError| -> Failure {
        Failure::Input(match e {
            StoreError::AlreadyExists { .. } => match EventStore::summary(path) {
                Ok(held) => anyhow!(
                    "{shown} already holds {}; pass --force to replace it, or choose another --db",
                    describe_log(&held)
                ),
                Err(e) => return refused_other(path, e),
            },
            other => return refused_other(path, other),
        })
    };
    if force {
        let (store, replaced) = EventStore::create_replacing(path).map_err(refused)?;
        if let Some(held) = replaced {
            errln!("replacing {shown}: it held {}", describe_log(&held));
        }
        Ok(store)
    } else {
        EventStore::create(path).map_err(refused)
    }
}

/// The log at `path` of a run to continue (`run --resume`), opened as its one writer; which
/// reads it once and checks it. Anything that is not a log of the current format, or is in use,
/// is bad input.
fn open_log_to_resume(path: &Path) -> Result<EventStore, Failure> {
    EventStore::open(path).map_err(|e| {
        let shown = path.display();
        Failure::Input(match e {
            StoreError::NotFound { .. } => {
                anyhow!("{shown}: no log to resume (run without --resume to start one)")
            }
            StoreError::ReadOnlyFormat { .. } | StoreError::Corrupt { .. } => {
                anyhow!("{shown}: cannot resume: {e}")
            }
            other => return refused_other(path, other),
        })
    })
}

/// A refusal to create the log at `path` for any reason but an existing log.
fn refused_other(path: &Path, e: StoreError) -> Failure {
    let shown = path.display();
    Failure::Input(match e {
        StoreError::NotAnEventLog { reason } => anyhow!(
            "{shown} exists and is not a zairyu event log ({reason}); choose another --db path"
        ),
        StoreError::Locked { .. } => anyhow!("{e}"),
        StoreError::Io { source, .. } => anyhow!("cannot create the log {shown}: {source}"),
        other => anyhow!("cannot create the log {shown}: {other}"),
    })
}

/// "the log of X (N events, finished)", for messages about an existing log.
fn describe_log(held: &event_store::LogSummary) -> String {
    let what = held.label.as_deref().unwrap_or("an unnamed run");
    let state = if held.finished {
        "finished"
    } else {
        "unfinished"
    };
    format!("the log of {what} ({} events, {state})", held.events)
}

/// Prints each check of `outcomes` (the failures; every one when `verbose`) and returns how
/// many passed and failed.
fn print_outcomes(
    source: &str,
    outcomes: &[ExpectationOutcome],
    verbose: bool,
    color: bool,
) -> (usize, usize) {
    let (mut passed, mut failed) = (0, 0);
    for o in outcomes {
        for r in &o.results {
            if r.passed() {
                passed += 1;
                if verbose {
                    outln!(
                        "  {}    {source}:{} {} on {}: {} = {}",
                        paint("ok", 32, color),
                        o.line,
                        o.resident,
                        o.on,
                        r.what,
                        r.actual
                    );
                }
            } else {
                failed += 1;
                outln!(
                    "  {}  {source}:{} {} on {}: {} expected {}, got {}",
                    paint("FAIL", 31, color),
                    o.line,
                    o.resident,
                    o.on,
                    r.what,
                    r.expected,
                    r.actual
                );
            }
        }
    }
    (passed, failed)
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

/// One expectation's check as JSON.
fn check_json(source: &str, o: &ExpectationOutcome, r: &simulator::check::CheckResult) -> Value {
    json!({
        "file": source,
        "line": o.line,
        "resident": o.resident,
        "on": o.on,
        "check": r.what,
        "expected": r.expected,
        "actual": r.actual,
        "passed": r.passed(),
    })
}

/// The events of a log as JSON: when, which office, who, the event type, the sentence (in
/// `lang`), the rule, and the notices it sends. No My Number is ever in the sentence.
fn events_json(log: &[Envelope], names: &[String], lang: Lang) -> Value {
    log.iter()
        .map(|env| {
            let r = env.event.resident();
            json!({
                "seq": env.global_seq,
                "event_id": env.event_id.to_string(),
                "at": env.occurred_at.format("%Y-%m-%dT%H:%M").to_string(),
                "office": env.service,
                "resident": names.get(r.index()).cloned().unwrap_or_else(|| r.to_string()),
                "type": env.event.type_name(),
                "text": report::describe::describe(&env.event, lang),
                "rule": env.event.section(),
                "notifies": rules::notified(&env.event)
                    .iter()
                    .map(|n| json!({ "to": n.to, "code": n.code }))
                    .collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// Prints `value` as pretty JSON on stdout.
fn print_json(value: &Value) {
    outln!(
        "{}",
        serde_json::to_string_pretty(value).expect("JSON values serialize")
    );
}

/// Writes the analysis tables (docs/analysis.md) into the log a run has just finished (`store`,
/// still its writer), rebuilt from its events. The log itself is complete whatever happens here.
/// `as_of` are more days for the card records.
fn write_analysis_tables(
    store: &mut EventStore,
    db: &Path,
    scenario: &Scenario,
    as_of: &[NaiveDate],
) -> Result<(), Failure> {
    let failed = |e: anyhow::Error| {
        Failure::Run(e.context(format!(
            "the run finished and its log {} is complete, but its analysis tables could not be \
             written (`zairyu export` rebuilds them from the log)",
            db.display()
        )))
    };
    let names = names(scenario);
    let run = simulator::analysis::Run {
        start: scenario.start,
        until: scenario.until,
        policy: &scenario.policy,
        names: &names,
    };
    simulator::analysis::Tables::build(store, &run, as_of)
        .map_err(|e| failed(e.into()))?
        .write(store)
        .map_err(|e| failed(e.into()))
}

/// `zairyu run`
pub fn run(a: &RunArgs<'_>, g: &Global) -> Result<ExitCode, Failure> {
    let lang = g.lang();
    let u = ui(lang);
    let scenario = load(a.path, a.seed, a.regime)?;
    // Checked before anything is written: a day outside the run is bad input.
    if let Some(day) = a
        .as_of
        .iter()
        .find(|&&d| d < scenario.start || d > scenario.until)
    {
        return Err(Failure::Input(anyhow!(
            "--as-of {day} is outside the run ({} to {})",
            scenario.start,
            scenario.until
        )));
    }
    let db =
        a.db.clone()
            .unwrap_or_else(|| default_db(&scenario, a.path));
    let stopped = |e: simulator::SimError| {
        Failure::Run(anyhow!(e).context(format!(
            "the run stopped: the log {} is incomplete (marked unfinished)",
            db.display()
        )))
    };
    let out = if a.resume {
        let store = open_log_to_resume(&db)?;
        let kept = store
            .last_global_seq()
            .map_err(|e| Failure::Run(e.into()))?;
        let out = simulator::resume_scenario_stored(&scenario, store, CODE_VERSION, None).map_err(
            |e| match e {
                // A log of another run, or one this run does not reproduce, is not this run's to
                // continue: bad input, and nothing was written.
                simulator::SimError::ResumeOtherRun { .. }
                | simulator::SimError::ResumeMismatch { .. }
                | simulator::SimError::ResumeLonger { .. } => {
                    Failure::Input(anyhow!("{}: {e}", db.display()))
                }
                other => stopped(other),
            },
        )?;
        errln!(
            "resumed {}: the {kept} stored events are this run's; {} appended",
            db.display(),
            out.events - kept
        );
        out
    } else {
        let store = create_log(&db, a.force)?;
        // A failure from here on (a full disk, an I/O error) leaves a valid, unfinished prefix.
        simulator::run_scenario_stored(&scenario, store, CODE_VERSION, None).map_err(stopped)?
    };
    let mut out = out;
    if let Some(store) = out.store.as_mut() {
        write_analysis_tables(store, &db, &scenario, &a.as_of)?;
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
        if !g.quiet {
            doc["transcript"] = events_json(&out.log, &names, lang);
        }
        print_json(&doc);
        return Ok(code);
    }
    outln!(
        "{} — {}",
        scenario.name,
        regime_and_seed(scenario.policy.regime, scenario.seed, lang)
    );
    if !scenario.description.is_empty() {
        for line in scenario.description.lines() {
            outln!("  {line}");
        }
    }
    outln!();
    if !g.quiet {
        out!("{}", report::transcript(&out.log, &names, lang));
        outln!();
    }
    out!("{}", report::summary(&totals, scenario.until, lang));
    if !scenario.expectations.is_empty() {
        outln!();
        outln!("{}", u.expectations);
        let (passed, failed) = print_outcomes(&scenario.source, &outcomes, false, g.color_stdout());
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

/// "legacy regime, seed 7" / 「従来制度、シード 7」.
fn regime_and_seed(regime: Regime, seed: u64, lang: Lang) -> String {
    let u = ui(lang);
    let name = report::labels::regime_short(regime).get(lang);
    match lang {
        Lang::En => format!("{name} {}{}{} {seed}", u.regime_word, u.comma, u.seed),
        Lang::Ja => format!("{name}{}{} {seed}", u.comma, u.seed),
    }
}

/// "3 passed, 1 failed" / 「3 成功、1 失敗」.
fn passed_failed(passed: usize, failed: usize, lang: Lang) -> String {
    let u = ui(lang);
    format!("{passed} {}{}{failed} {}", u.passed, u.comma, u.failed)
}

/// Opens a stored run: its log, its metadata and the policy it ran under. A missing file or one
/// that is not a zairyu log is bad input (exit 2).
pub fn open_stored_run(db: &Path) -> Result<(EventStore, RunMeta, Policy), Failure> {
    match open_stored_log(db)? {
        (store, Some((meta, policy))) => Ok((store, meta, policy)),
        (_, None) => Err(Failure::Input(anyhow!(
            "{} has no run metadata",
            db.display()
        ))),
    }
}

/// [`open_stored_run`], with no metadata being an answer rather than an error (a run stopped
/// before it recorded what it ran).
fn open_stored_log(db: &Path) -> Result<(EventStore, Option<(RunMeta, Policy)>), Failure> {
    // Reading never writes: the log is opened read-only and left exactly as it was.
    let store = EventStore::open_read_only(db).map_err(|e| match e {
        StoreError::NotFound { .. }
        | StoreError::NotAnEventLog { .. }
        | StoreError::SchemaTooNew { .. }
        | StoreError::Locked { .. } => Failure::Input(anyhow!("{}: {e}", db.display())),
        other => Failure::Run(anyhow!(other).context(format!("cannot read {}", db.display()))),
    })?;
    let Some(meta) = store.read_run_meta().map_err(|e| Failure::Run(e.into()))? else {
        return Ok((store, None));
    };
    let policy: Policy = serde_json::from_str(&meta.policy)
        .map_err(|e| Failure::Run(anyhow!("stored policy does not parse: {e}")))?;
    Ok((store, Some((meta, policy))))
}

/// What `zairyu replay` was asked.
pub struct ReplayArgs<'a> {
    pub db: &'a Path,
    pub as_of: Option<NaiveDate>,
    /// What was legally true on this day, as known by the end of the log (instead of `as_of`).
    pub effective_on: Option<NaiveDate>,
    pub resident: Option<&'a str>,
    pub transcript: bool,
    pub expect_hash: Option<&'a str>,
    pub format: TextOrJson,
}

/// `zairyu replay`
pub fn replay(a: &ReplayArgs<'_>, lang: Lang) -> Result<ExitCode, Failure> {
    let json = a.format == TextOrJson::Json;
    let (store, Some((meta, policy))) = open_stored_log(a.db)? else {
        errln!(
            "warning: cannot verify {}: its run stopped before it recorded what it ran (no run \
             metadata)",
            a.db.display()
        );
        return Ok(ExitCode::from(CANNOT_VERIFY));
    };
    let switch = policy.switches.validity.special_period_my_number;
    for (option, day) in [("--as-of", a.as_of), ("--effective-on", a.effective_on)] {
        if let Some(day) = day
            && (day < meta.start || day > meta.until)
        {
            return Err(Failure::Input(anyhow!(
                "{option} {day} is outside the run ({} to {})",
                meta.start,
                meta.until
            )));
        }
    }
    let selected = match a.resident {
        Some(key) => Some(
            meta.resident_names
                .iter()
                .position(|n| n == key)
                .ok_or_else(|| {
                    Failure::Input(anyhow!(
                        "no resident `{key}` in this run (residents: {})",
                        meta.resident_names.join(", ")
                    ))
                })?,
        ),
        None => None,
    };
    // The full replay checks the hashes; the as-of replay shows the record on the day. What
    // was legally true on a day is folded from the whole log, by the events' legal dates.
    let legal = a.effective_on.is_some();
    let full = replay_log(&store, meta.start, meta.until, None, switch, legal)
        .map_err(|e| Failure::Run(e.into()))?;
    let day = a.effective_on.or(a.as_of).unwrap_or(meta.until);
    let (shown, log) = if let Some(on) = a.effective_on {
        let shown = Projections::legally_on(&full.log, meta.start, switch, on);
        let legal_on =
            |e: &&model::envelope::Envelope| e.effective_on.unwrap_or(e.occurred_at.date()) <= on;
        let log = if a.transcript {
            full.log.iter().filter(legal_on).cloned().collect()
        } else {
            Vec::new()
        };
        (shown, log)
    } else if day == meta.until && !a.transcript {
        (full.projections.clone(), Vec::new())
    } else {
        replay_log(
            &store,
            meta.start,
            meta.until,
            Some(day),
            switch,
            a.transcript,
        )
        .map(|r| (r.projections, r.log))
        .map_err(|e| Failure::Run(e.into()))?
    };
    let who = |i: usize| {
        meta.resident_names
            .get(i)
            .cloned()
            .unwrap_or_else(|| model::ids::ResidentId(i as u32).to_string())
    };
    let records = shown
        .records
        .iter()
        .enumerate()
        .filter(|(i, _)| selected.is_none_or(|s| s == *i));
    let state_hash = full.projections.state_hash();
    let commits = commit_check(&full);
    let checks = verify(
        &[
            ("log hash", meta.log_hash.as_deref(), &full.log_hash),
            ("state hash", meta.final_state_hash.as_deref(), &state_hash),
        ],
        a.expect_hash.map(|h| (h, full.log_hash.as_str())),
        commits.matches,
    );
    if json {
        let mut doc = json!({
            "run": {
                "label": meta.label,
                "title": meta.title,
                "seed": meta.seed,
                "code_version": meta.code_version,
                "start": meta.start,
                "until": meta.until,
                "finished": meta.finished,
                "events": full.events,
            },
            "as_of": a.effective_on.is_none().then_some(day),
            "effective_on": a.effective_on,
            "records": records
                .map(|(i, rec)| RecordRow::of(rec, &who(i), day, switch))
                .collect::<Vec<_>>(),
            "commits": { "checked": full.commits.checked, "matches": commits.matches },
            "hashes": checks.hashes.iter().map(HashCheck::to_json).collect::<Vec<_>>(),
            "verdict": checks.verdict.as_str(),
        });
        if a.transcript {
            doc["transcript"] = events_json(&log, &meta.resident_names, lang);
        }
        print_json(&doc);
    } else {
        if a.transcript {
            out!("{}", report::transcript(&log, &meta.resident_names, lang));
            outln!();
        }
        outln!(
            "{} — {} events, seed {}, {}",
            meta.label,
            full.events,
            meta.seed,
            meta.code_version
        );
        outln!();
        if let Some(on) = a.effective_on {
            outln!("{}", report::labels::legally_on(on, lang));
            outln!();
        }
        for (i, rec) in records {
            outln!("{}", report::card_record(rec, &who(i), day, switch, lang));
        }
        outln!("{}", commits.line);
        for h in &checks.hashes {
            outln!("{}", h.line());
        }
    }
    match checks.verdict {
        Verdict::Mismatch => {
            errln!("error: the log does not match: it is not the log its run wrote");
        }
        Verdict::CannotVerify => errln!(
            "warning: cannot verify the log: its run did not finish, so it recorded no final \
             hash (the hashes at its commits, above, check the prefix it kept); pass \
             --expect-hash HASH to check it against a hash kept elsewhere"
        ),
        Verdict::Verified => {}
    }
    Ok(checks.verdict.exit_code())
}

/// What the hashes recorded at the commits say (decision 11): a log of format 2 records the
/// hash of the log up to each commit, so even a killed run's prefix is checked.
struct CommitCheck {
    /// The line `replay` prints.
    line: String,
    /// Whether every hash recorded at a commit matched.
    matches: bool,
}

fn commit_check(full: &simulator::replay::Replayed) -> CommitCheck {
    let c = &full.commits;
    let (line, matches) = if full.format == event_store::LogFormat::V1 {
        (
            "commits     (a log of format 1 records no hash at its commits)".to_owned(),
            true,
        )
    } else if let Some((seq, recorded, rebuilt)) = &c.mismatch {
        (
            format!(
                "commits     MISMATCH at the commit ending at event {seq}: it recorded \
                 {recorded}, the log hashes to {rebuilt} there"
            ),
            false,
        )
    } else if let Some(seq) = c.beyond_log {
        (
            format!(
                "commits     MISMATCH: a commit ended at event {seq}, which the log does not hold"
            ),
            false,
        )
    } else {
        let line = match c.checked {
            0 => "commits     (no hash recorded at any commit)".to_owned(),
            n => format!(
                "commits     {n} hashes match: the log is the one its run committed, up to event {}",
                c.through
            ),
        };
        (line, true)
    };
    CommitCheck { line, matches }
}

/// Exit code of `replay` whose log could not be verified: the run recorded no hashes (it did
/// not finish) and none was given with `--expect-hash`.
const CANNOT_VERIFY: u8 = 3;

/// One hash rebuilt from the log, and what it was compared with.
#[derive(Debug)]
struct HashCheck {
    /// `log hash`, `state hash`, or `expected` (compared with the `--expect-hash` given).
    what: &'static str,
    rebuilt: String,
    /// What the run recorded (or the hash given); `None` when the run recorded nothing.
    recorded: Option<String>,
    matches: bool,
}

impl HashCheck {
    fn to_json(&self) -> Value {
        json!({
            "what": self.what,
            "rebuilt": self.rebuilt,
            "recorded": self.recorded,
            "matches": self.matches,
        })
    }

    /// The text line: the hash and whether it matches.
    fn line(&self) -> String {
        let (what, rebuilt) = (self.what, &self.rebuilt);
        match (what, &self.recorded, self.matches) {
            ("expected", Some(given), true) => format!("{what:<11} {given}  (matches the log)"),
            ("expected", Some(given), false) => {
                format!("{what:<11} {given}  MISMATCH: the log hashes to {rebuilt}")
            }
            (_, Some(_), true) => format!("{what:<11} {rebuilt}  (matches the run)"),
            (_, Some(r), false) => format!("{what:<11} {rebuilt}  MISMATCH: the run recorded {r}"),
            (_, None, _) => {
                format!("{what:<11} {rebuilt}  (the run did not finish: nothing recorded)")
            }
        }
    }
}

/// What the comparison of hashes concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Verified,
    Mismatch,
    CannotVerify,
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Verdict::Verified => "verified",
            Verdict::Mismatch => "mismatch",
            Verdict::CannotVerify => "cannot_verify",
        }
    }

    /// The exit code: 0 verified, 1 a mismatch, 3 nothing to compare with.
    fn exit_code(self) -> ExitCode {
        match self {
            Verdict::Verified => ExitCode::SUCCESS,
            Verdict::Mismatch => ExitCode::from(1),
            Verdict::CannotVerify => ExitCode::from(CANNOT_VERIFY),
        }
    }
}

struct Checks {
    hashes: Vec<HashCheck>,
    verdict: Verdict,
}

/// Compares the rebuilt hashes with those the run recorded (and with `--expect-hash`).
/// Verified means every hash the run records matched, or the one given did: a log whose run
/// recorded only some of its hashes (or had some nulled) is not verified by the rest.
/// `commits_match` says whether every hash recorded at a commit matched ([`commit_check`]): one
/// the log does not reproduce is a mismatch whatever else matches.
fn verify(
    recorded: &[(&'static str, Option<&str>, &str)],
    expected: Option<(&str, &str)>,
    commits_match: bool,
) -> Checks {
    let mut hashes: Vec<HashCheck> = recorded
        .iter()
        .map(|&(what, stored, rebuilt)| HashCheck {
            what,
            rebuilt: rebuilt.to_owned(),
            recorded: stored.map(str::to_owned),
            matches: stored == Some(rebuilt),
        })
        .collect();
    let mut compared = recorded.iter().all(|(_, stored, _)| stored.is_some());
    if let Some((given, rebuilt)) = expected {
        compared |= given == rebuilt;
        hashes.push(HashCheck {
            what: "expected",
            rebuilt: rebuilt.to_owned(),
            recorded: Some(given.to_owned()),
            matches: given == rebuilt,
        });
    }
    let mismatch = !commits_match || hashes.iter().any(|h| h.recorded.is_some() && !h.matches);
    let verdict = if mismatch {
        Verdict::Mismatch
    } else if compared {
        Verdict::Verified
    } else {
        Verdict::CannotVerify
    };
    Checks { hashes, verdict }
}

/// How `zairyu check` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// A line per scenario, the failing checks under it (every check with -v), a total.
    Text,
    /// One JSON document: every scenario with every check.
    Json,
    /// JUnit XML: a test suite per scenario file, a test case per check.
    Junit,
    /// GitHub Actions workflow commands: an error annotation on each failing expectation's line.
    Github,
}

/// One scenario's checks.
struct Checked<'a> {
    scenario: &'a Scenario,
    outcomes: Vec<ExpectationOutcome>,
}

/// `zairyu check`
pub fn check(
    paths: &[PathBuf],
    seed: Option<u64>,
    regime: Option<Regime>,
    format: CheckFormat,
    g: &Global,
) -> Result<ExitCode, Failure> {
    let files = scenario::discover(paths)?;
    if files.is_empty() {
        return Err(Failure::Input(anyhow!("no scenario files (*.yaml) found")));
    }
    // Validate everything first: a malformed file is bad input, and nothing runs.
    let scenarios = files
        .iter()
        .map(|f| load(f, seed, regime))
        .collect::<Result<Vec<_>, _>>()?;
    let mut checked = Vec::with_capacity(scenarios.len());
    for s in &scenarios {
        let out = simulator::run_scenario(s, None, None).map_err(|e| Failure::Run(e.into()))?;
        let outcomes = check_expectations(s, &out.log);
        if format == CheckFormat::Text {
            print_checked_text(
                &Checked {
                    scenario: s,
                    outcomes: outcomes.clone(),
                },
                g,
            );
        }
        checked.push(Checked {
            scenario: s,
            outcomes,
        });
    }
    let results = || {
        checked
            .iter()
            .flat_map(|c| c.outcomes.iter().flat_map(|o| &o.results))
    };
    let failed = results().filter(|r| !r.passed()).count();
    let passed = results().count() - failed;
    let failing = checked
        .iter()
        .filter(|c| !c.outcomes.iter().all(ExpectationOutcome::passed))
        .count();
    match format {
        CheckFormat::Text => {
            outln!();
            let u = ui(g.lang());
            outln!(
                "{} {}{}{} {}",
                checked.len(),
                u.scenarios,
                u.colon,
                u.checks,
                passed_failed(passed, failed, g.lang())
            );
            if failing > 0 {
                outln!("{} {} {}", failing, u.scenarios, u.failed);
            }
        }
        CheckFormat::Json => print_json(&json!({
            "scenarios": checked.iter().map(|c| json!({
                "file": c.scenario.source,
                "name": c.scenario.name,
                "regime": c.scenario.policy.regime.as_str(),
                "passed": c.outcomes.iter().all(ExpectationOutcome::passed),
                "checks": c.outcomes.iter()
                    .flat_map(|o| o.results.iter().map(move |r| check_json(&c.scenario.source, o, r)))
                    .collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "passed": passed,
            "failed": failed,
        })),
        CheckFormat::Junit => out!("{}", junit(&checked)?),
        CheckFormat::Github => {
            for c in &checked {
                for o in &c.outcomes {
                    for r in o.results.iter().filter(|r| !r.passed()) {
                        outln!(
                            "::error file={},line={},title=zairyu check::{}",
                            github_property(&c.scenario.source),
                            o.line,
                            github_data(&format!(
                                "{} on {}: {} expected {}, got {}",
                                o.resident, o.on, r.what, r.expected, r.actual
                            ))
                        );
                    }
                }
            }
            outln!(
                "{} scenarios: {passed} checks passed, {failed} failed",
                checked.len()
            );
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// A scenario's line and its failing checks (every check with `-v`).
fn print_checked_text(c: &Checked<'_>, g: &Global) {
    let s = c.scenario;
    let ok = c.outcomes.iter().all(ExpectationOutcome::passed);
    let n: usize = c.outcomes.iter().map(|o| o.results.len()).sum();
    let color = g.color_stdout();
    if ok && g.quiet {
        return;
    }
    let u = ui(g.lang());
    outln!(
        "{} {} {}{n} {}{}{}{}",
        if ok {
            paint("ok  ", 32, color)
        } else {
            paint("FAIL", 31, color)
        },
        s.source,
        u.lp,
        u.checks,
        u.comma,
        report::labels::regime_short(s.policy.regime).get(g.lang()),
        u.rp
    );
    print_outcomes(&s.source, &c.outcomes, g.verbose > 0, color);
}

/// A GitHub workflow command's message, escaped as the runner expects (`%`, CR, LF).
fn github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A GitHub workflow command's property value (`:` and `,` too).
fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The checks as a JUnit XML report: one test suite per scenario file, one test case per
/// check, named after the expectation's line, resident, day and what it checks.
fn junit(checked: &[Checked<'_>]) -> Result<String, Failure> {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut report = Report::new("zairyu check");
    for c in checked {
        let mut suite = TestSuite::new(c.scenario.source.as_str());
        for o in &c.outcomes {
            for r in &o.results {
                let name = format!("line {}: {} on {}: {}", o.line, o.resident, o.on, r.what);
                let status = if r.passed() {
                    TestCaseStatus::success()
                } else {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    s.set_message(format!("expected {}, got {}", r.expected, r.actual));
                    s.set_type("expectation");
                    s
                };
                let mut case = TestCase::new(name, status);
                case.set_classname(c.scenario.source.as_str());
                suite.add_test_case(case);
            }
        }
        report.add_test_suite(suite);
    }
    report
        .to_string()
        .context("cannot write the JUnit report")
        .map_err(Failure::Run)
}

/// `zairyu validate`
pub fn validate(paths: &[PathBuf], format: TextOrJson) -> Result<ExitCode, Failure> {
    let files = scenario::discover(paths)?;
    if files.is_empty() {
        return Err(Failure::Input(anyhow!("no scenario files (*.yaml) found")));
    }
    let mut valid = Vec::with_capacity(files.len());
    for f in &files {
        let s = scenario::load(f)?;
        if format == TextOrJson::Text {
            outln!(
                "ok  {}: {} residents, {} steps, {} expectations",
                s.source,
                s.residents.len(),
                s.steps.len(),
                s.expectations.len()
            );
        }
        valid.push(json!({
            "file": s.source,
            "name": s.name,
            "residents": s.residents.len(),
            "steps": s.steps.len(),
            "expectations": s.expectations.len(),
        }));
    }
    if format == TextOrJson::Json {
        print_json(&json!({ "valid": valid }));
    }
    Ok(ExitCode::SUCCESS)
}

/// Which file format `zairyu schema` describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaOf {
    /// Scenario files (schemas/scenario.schema.json).
    Scenario,
    /// Policy files for `zairyu compare` (schemas/policy.schema.json).
    Policy,
}

/// `zairyu schema`
pub fn schema(of: SchemaOf) -> Result<ExitCode, Failure> {
    print_json(&match of {
        SchemaOf::Scenario => scenario::json_schema(),
        SchemaOf::Policy => scenario::policy_file::json_schema(),
    });
    Ok(ExitCode::SUCCESS)
}

/// How `zairyu table` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// For the terminal.
    Text,
    /// A Markdown table (for docs/domain.md).
    Markdown,
    /// One JSON document: per procedure, the visits under each regime.
    Json,
}

/// The width `zairyu table` keeps within unless `--wide`.
const TABLE_WIDTH: usize = 100;

/// One regime's outcome of a procedure as JSON: the visits per office (machine names), the
/// follow-up procedures, and whether the goal was met.
fn outcome_json(o: &projection::office_table::Outcome) -> Value {
    json!({
        "visits": o.visits.iter()
            .map(|(office, n)| (office.as_str().to_owned(), json!(n)))
            .collect::<serde_json::Map<_, _>>(),
        "follow_ups": o.follow_ups,
        "goal_met": o.goal_met,
    })
}

/// `zairyu table`
pub fn table(format: TableFormat, wide: bool, lang: Lang) -> Result<ExitCode, Failure> {
    let rows = simulator::table::office_table().map_err(|e| Failure::Run(e.into()))?;
    match format {
        TableFormat::Text => out!(
            "{}",
            report::visits_table::text(&rows, lang, (!wide).then_some(TABLE_WIDTH))
        ),
        TableFormat::Markdown => out!("{}", report::visits_table::markdown(&rows, lang)),
        TableFormat::Json => print_json(&json!({
            "procedures": rows.iter().map(|r| json!({
                "procedure": r.procedure,
                "label": report::labels::procedure(r.procedure).get(lang),
                "section": r.procedure.section(),
                "legacy": outcome_json(&r.legacy),
                "integrated": outcome_json(&r.integrated),
            })).collect::<Vec<_>>(),
        })),
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::{Verdict, verify};

    fn of(
        recorded: &[(&'static str, Option<&str>, &str)],
        expected: Option<(&str, &str)>,
    ) -> Verdict {
        verify(recorded, expected, true).verdict
    }

    #[test]
    fn replay_is_verified_only_when_every_recorded_hash_or_the_given_one_matches() {
        let both = |log: Option<&'static str>, state: Option<&'static str>| {
            [("log hash", log, "L"), ("state hash", state, "S")]
        };
        assert_eq!(of(&both(Some("L"), Some("S")), None), Verdict::Verified);
        assert_eq!(of(&both(Some("L"), Some("x")), None), Verdict::Mismatch);
        assert_eq!(of(&both(Some("x"), None), None), Verdict::Mismatch);
        // Nothing recorded (the run did not finish), or only part of it: cannot verify.
        assert_eq!(of(&both(None, None), None), Verdict::CannotVerify);
        assert_eq!(of(&both(None, Some("S")), None), Verdict::CannotVerify);
        // A hash kept elsewhere verifies an unfinished log, and a wrong one fails any log.
        assert_eq!(of(&both(None, None), Some(("L", "L"))), Verdict::Verified);
        assert_eq!(of(&both(None, None), Some(("y", "L"))), Verdict::Mismatch);
        assert_eq!(
            of(&both(Some("L"), Some("S")), Some(("y", "L"))),
            Verdict::Mismatch
        );
        let checks = verify(&both(Some("L"), Some("x")), None, true);
        assert_eq!(
            checks.hashes[1].line(),
            "state hash  S  MISMATCH: the run recorded x"
        );
        // A commit hash the log does not reproduce fails even a log whose final hashes match
        // (they could have been recomputed), and so does an unfinished one.
        assert_eq!(
            verify(&both(Some("L"), Some("S")), None, false).verdict,
            Verdict::Mismatch
        );
        assert_eq!(
            verify(&both(None, None), None, false).verdict,
            Verdict::Mismatch
        );
    }
}
