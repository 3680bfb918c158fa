//! The scenario commands: run, replay, check, validate, schema.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use chrono::NaiveDate;
use event_store::{EventStore, RunMeta, StoreError};
use model::policy::{Policy, Regime};
use scenario::{Overrides, Scenario};
use simulator::check::{ExpectationOutcome, check_expectations, names};
use simulator::replay::replay as replay_log;

use crate::diag::Failure;

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

fn print_outcomes(source: &str, outcomes: &[ExpectationOutcome], verbose: bool) -> (usize, usize) {
    let (mut passed, mut failed) = (0, 0);
    for o in outcomes {
        for r in &o.results {
            if r.passed() {
                passed += 1;
                if verbose {
                    outln!(
                        "  ok    {source}:{} {} on {}: {} = {}",
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
                    "  FAIL  {source}:{} {} on {}: {} expected {}, got {}",
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

/// `zairyu run`
pub fn run(
    path: &Path,
    db: Option<PathBuf>,
    seed: Option<u64>,
    regime: Option<Regime>,
    quiet: bool,
    force: bool,
    resume: bool,
) -> Result<ExitCode, Failure> {
    let scenario = load(path, seed, regime)?;
    let db = db.unwrap_or_else(|| default_db(&scenario, path));
    let stopped = |e: simulator::SimError| {
        Failure::Run(anyhow!(e).context(format!(
            "the run stopped: the log {} is incomplete (marked unfinished)",
            db.display()
        )))
    };
    let out = if resume {
        let store = open_log_to_resume(&db)?;
        let kept = store
            .last_global_seq()
            .map_err(|e| Failure::Run(e.into()))?;
        let out =
            simulator::resume_scenario_stored(&scenario, store, None).map_err(|e| match e {
                // A log of another run, or one this run does not reproduce, is not this run's to
                // continue: bad input, and nothing was written.
                simulator::SimError::ResumeOtherRun { .. }
                | simulator::SimError::ResumeMismatch { .. }
                | simulator::SimError::ResumeLonger { .. } => {
                    Failure::Input(anyhow!("{}: {e}", db.display()))
                }
                other => stopped(other),
            })?;
        errln!(
            "resumed {}: the {kept} stored events are this run's; {} appended",
            db.display(),
            out.events - kept
        );
        out
    } else {
        let store = create_log(&db, force)?;
        // A failure from here on (a full disk, an I/O error) leaves a valid, unfinished prefix.
        simulator::run_scenario_stored(&scenario, store, CODE_VERSION, None).map_err(stopped)?
    };
    let names = names(&scenario);
    outln!(
        "{} — {} regime, seed {}",
        scenario.name,
        scenario.policy.regime.as_str(),
        scenario.seed
    );
    if !scenario.description.is_empty() {
        for line in scenario.description.lines() {
            outln!("  {line}");
        }
    }
    outln!();
    if !quiet {
        out!("{}", report::transcript(&out.log, &names, report::Lang::En));
        outln!();
    }
    out!(
        "{}",
        report::summary(&out.projections.totals(), scenario.until, report::Lang::En)
    );
    let mut code = ExitCode::SUCCESS;
    if !scenario.expectations.is_empty() {
        let outcomes = check_expectations(&scenario, &out.log);
        outln!();
        outln!("Expectations");
        let (passed, failed) = print_outcomes(&scenario.source, &outcomes, false);
        outln!("  {passed} passed, {failed} failed");
        if failed > 0 {
            code = ExitCode::from(1);
        }
    }
    outln!();
    outln!("log hash    {}", out.log_hash);
    outln!("state hash  {}", out.state_hash);
    outln!("events      {}", out.events);
    outln!("database    {}", db.display());
    Ok(code)
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

/// `zairyu replay`
pub fn replay(
    db: &Path,
    as_of: Option<NaiveDate>,
    resident: Option<&str>,
    transcript: bool,
    expect_hash: Option<&str>,
) -> Result<ExitCode, Failure> {
    let (store, Some((meta, policy))) = open_stored_log(db)? else {
        errln!(
            "warning: cannot verify {}: its run stopped before it recorded what it ran (no run \
             metadata)",
            db.display()
        );
        return Ok(ExitCode::from(CANNOT_VERIFY));
    };
    let switch = policy.switches.validity.special_period_my_number;
    if let Some(day) = as_of
        && (day < meta.start || day > meta.until)
    {
        return Err(Failure::Input(anyhow!(
            "--as-of {day} is outside the run ({} to {})",
            meta.start,
            meta.until
        )));
    }
    let selected = match resident {
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
    // The full replay checks the hashes; the as-of replay shows the record on the day.
    let full = replay_log(&store, meta.start, meta.until, None, switch, false)
        .map_err(|e| Failure::Run(e.into()))?;
    let day = as_of.unwrap_or(meta.until);
    let shown = if day == meta.until && !transcript {
        full.projections.clone()
    } else {
        replay_log(
            &store,
            meta.start,
            meta.until,
            Some(day),
            switch,
            transcript,
        )
        .map(|r| {
            if transcript {
                out!(
                    "{}",
                    report::transcript(&r.log, &meta.resident_names, report::Lang::En)
                );
                outln!();
            }
            r.projections
        })
        .map_err(|e| Failure::Run(e.into()))?
    };
    outln!(
        "{} — {} events, seed {}, {}",
        meta.label,
        full.events,
        meta.seed,
        meta.code_version
    );
    outln!();
    for (i, rec) in shown.records.iter().enumerate() {
        if selected.is_some_and(|s| s != i) {
            continue;
        }
        let who = meta
            .resident_names
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("R{i}"));
        outln!(
            "{}",
            report::card_record(rec, &who, day, switch, report::Lang::En)
        );
    }
    let state_hash = full.projections.state_hash();
    let commits_match = report_commits(&full);
    let verdict = verify(
        &[
            ("log hash", meta.log_hash.as_deref(), &full.log_hash),
            ("state hash", meta.final_state_hash.as_deref(), &state_hash),
        ],
        expect_hash.map(|h| (h, full.log_hash.as_str())),
        commits_match,
    );
    Ok(verdict)
}

/// Prints what the hashes recorded at the commits say (decision 11) and whether they all match:
/// a log of format 2 records the hash of the log up to each commit, so even a killed run's
/// prefix is checked.
fn report_commits(full: &simulator::replay::Replayed) -> bool {
    let c = &full.commits;
    if full.format == event_store::LogFormat::V1 {
        outln!("commits     (a log of format 1 records no hash at its commits)");
        return true;
    }
    if let Some((seq, recorded, rebuilt)) = &c.mismatch {
        outln!(
            "commits     MISMATCH at the commit ending at event {seq}: it recorded {recorded}, \
             the log hashes to {rebuilt} there"
        );
        return false;
    }
    if let Some(seq) = c.beyond_log {
        outln!("commits     MISMATCH: a commit ended at event {seq}, which the log does not hold");
        return false;
    }
    match c.checked {
        0 => outln!("commits     (no hash recorded at any commit)"),
        n => outln!(
            "commits     {n} hashes match: the log is the one its run committed, up to event {}",
            c.through
        ),
    }
    true
}

/// Exit code of `replay` whose log could not be verified: the run recorded no hashes (it did
/// not finish) and none was given with `--expect-hash`.
const CANNOT_VERIFY: u8 = 3;

/// What `replay` could establish about a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Verified,
    Mismatch,
    CannotVerify,
}

impl Verdict {
    fn exit_code(self) -> ExitCode {
        match self {
            Verdict::Verified => ExitCode::SUCCESS,
            Verdict::Mismatch => ExitCode::from(1),
            Verdict::CannotVerify => ExitCode::from(CANNOT_VERIFY),
        }
    }
}

/// Compares the rebuilt hashes with those the run recorded (and with `--expect-hash`): one
/// line for each comparison, and the verdict. `commits_match` says whether every hash recorded
/// at a commit matched (`report_commits`).
fn verdict(
    recorded: &[(&str, Option<&str>, &str)],
    expected: Option<(&str, &str)>,
    commits_match: bool,
) -> (Vec<String>, Verdict) {
    // Verified means every hash the run records matched, or the one given did: a log whose
    // run recorded only some of its hashes (or had some nulled) is not verified by the rest.
    let mut lines = Vec::new();
    // A commit hash the log does not reproduce is a mismatch whatever else matches.
    let mut mismatch = !commits_match;
    let mut compared = recorded.iter().all(|(_, stored, _)| stored.is_some());
    for &(what, stored, rebuilt) in recorded {
        lines.push(match stored {
            Some(s) if s == rebuilt => format!("{what:<11} {rebuilt}  (matches the run)"),
            Some(s) => {
                mismatch = true;
                format!("{what:<11} {rebuilt}  MISMATCH: the run recorded {s}")
            }
            None => format!("{what:<11} {rebuilt}  (the run did not finish: nothing recorded)"),
        });
    }
    if let Some((given, rebuilt)) = expected {
        if given == rebuilt {
            compared = true;
            lines.push(format!("expected    {given}  (matches the log)"));
        } else {
            mismatch = true;
            lines.push(format!(
                "expected    {given}  MISMATCH: the log hashes to {rebuilt}"
            ));
        }
    }
    let verdict = if mismatch {
        Verdict::Mismatch
    } else if compared {
        Verdict::Verified
    } else {
        Verdict::CannotVerify
    };
    (lines, verdict)
}

/// Prints the comparisons and what the verdict means, and returns the exit code: 0 verified,
/// 1 a mismatch, 3 nothing to compare with.
fn verify(
    recorded: &[(&str, Option<&str>, &str)],
    expected: Option<(&str, &str)>,
    commits_match: bool,
) -> ExitCode {
    let (lines, verdict) = verdict(recorded, expected, commits_match);
    for line in lines {
        outln!("{line}");
    }
    match verdict {
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
    verdict.exit_code()
}

/// `zairyu check`
pub fn check(
    paths: &[PathBuf],
    seed: Option<u64>,
    regime: Option<Regime>,
    verbose: bool,
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
    let (mut passed, mut failed, mut failing_files) = (0, 0, 0);
    for s in &scenarios {
        let out = simulator::run_scenario(s, None, None).map_err(|e| Failure::Run(e.into()))?;
        let outcomes = check_expectations(s, &out.log);
        let ok = outcomes.iter().all(ExpectationOutcome::passed);
        let n: usize = outcomes.iter().map(|o| o.results.len()).sum();
        outln!(
            "{} {} ({} checks, {} regime)",
            if ok { "ok  " } else { "FAIL" },
            s.source,
            n,
            s.policy.regime.as_str()
        );
        let (p, f) = print_outcomes(&s.source, &outcomes, verbose);
        passed += p;
        failed += f;
        if !ok {
            failing_files += 1;
        }
    }
    outln!();
    outln!(
        "{} scenarios: {passed} checks passed, {failed} failed ({failing_files} scenarios failing)",
        scenarios.len()
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `zairyu validate`
pub fn validate(paths: &[PathBuf]) -> Result<ExitCode, Failure> {
    let files = scenario::discover(paths)?;
    if files.is_empty() {
        return Err(Failure::Input(anyhow!("no scenario files (*.yaml) found")));
    }
    for f in &files {
        let s = scenario::load(f)?;
        outln!(
            "ok  {}: {} residents, {} steps, {} expectations",
            s.source,
            s.residents.len(),
            s.steps.len(),
            s.expectations.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `zairyu schema`
pub fn schema() -> Result<ExitCode, Failure> {
    let schema = scenario::json_schema();
    outln!(
        "{}",
        serde_json::to_string_pretty(&schema).expect("schemas serialize")
    );
    Ok(ExitCode::SUCCESS)
}

/// `zairyu table`
pub fn table(markdown: bool) -> Result<ExitCode, Failure> {
    let rows = simulator::table::office_table().map_err(|e| Failure::Run(e.into()))?;
    if markdown {
        out!(
            "{}",
            report::visits_table::markdown(&rows, report::Lang::En)
        );
    } else {
        out!("{}", report::visits_table::text(&rows, report::Lang::En));
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::{Verdict, verdict};

    fn of(recorded: &[(&str, Option<&str>, &str)], expected: Option<(&str, &str)>) -> Verdict {
        verdict(recorded, expected, true).1
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
        let (lines, _) = verdict(&both(Some("L"), Some("x")), None, true);
        assert_eq!(lines[1], "state hash  S  MISMATCH: the run recorded x");
        // A commit hash the log does not reproduce fails even a log whose final hashes match
        // (they could have been recomputed), and so does an unfinished one.
        assert_eq!(
            verdict(&both(Some("L"), Some("S")), None, false).1,
            Verdict::Mismatch
        );
        assert_eq!(verdict(&both(None, None), None, false).1, Verdict::Mismatch);
    }
}
