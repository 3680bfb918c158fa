//! What several commands share: loading a scenario, opening a stored run read-only, the
//! expectation lines and JSON pieces that `run`, `check` and `replay` print alike. Each command
//! lives in its own module (`run`, `replay`, `check`, `validate`, `table`, `compare`, `diff`,
//! `why`, …) with its argument type and its printing; only what two or more of them use is here.

use std::path::Path;

use anyhow::anyhow;
use chrono::NaiveDate;
use event_store::{EventStore, RunMeta, StoreError};
use model::envelope::Envelope;
use model::policy::{Policy, Regime};
use model::rules;
use report::labels::{self, LogUnreadable, Problem, ui};
use report::{Authored, Lang};
use scenario::{Overrides, Scenario};
use serde_json::{Value, json};
use simulator::check::ExpectationOutcome;

use crate::diag::Failure;
use crate::global::paint;

/// The version written into every run's metadata.
pub const CODE_VERSION: &str = concat!("zairyu ", env!("CARGO_PKG_VERSION"));

/// The scenario at `path`, the command line's seed and regime overriding the file's.
pub(crate) fn load(
    path: &Path,
    seed: Option<u64>,
    regime: Option<Regime>,
) -> Result<Scenario, Failure> {
    Ok(scenario::load_with(path, Overrides { seed, regime })?)
}

/// Prints each check of `outcomes` (the failures; every one when `verbose`) in `lang` and
/// returns how many passed and failed.
pub(crate) fn print_outcomes(
    source: &str,
    outcomes: &[ExpectationOutcome],
    verbose: bool,
    color: bool,
    lang: Lang,
) -> (usize, usize) {
    let (mut passed, mut failed) = (0, 0);
    for o in outcomes {
        let on = o.on.to_string();
        let place = labels::check_place(source, o.line, &o.resident, &on, lang);
        for r in &o.results {
            if r.passed() {
                passed += 1;
                if verbose {
                    outln!(
                        "  {}  {place}{}",
                        paint(labels::check_mark(true, lang), 32, color),
                        labels::check_passed(&r.what, &r.actual, lang)
                    );
                }
            } else {
                failed += 1;
                outln!(
                    "  {}  {place}{}",
                    paint(labels::check_mark(false, lang), 31, color),
                    labels::expected_got(&r.what, &r.expected, &r.actual, lang)
                );
            }
        }
    }
    (passed, failed)
}

/// One expectation's check as JSON.
pub(crate) fn check_json(
    source: &str,
    o: &ExpectationOutcome,
    r: &simulator::check::CheckResult,
) -> Value {
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
pub(crate) fn events_json(log: &[Envelope], names: &[String], lang: Lang) -> Value {
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
pub(crate) fn print_json(value: &Value) {
    outln!(
        "{}",
        serde_json::to_string_pretty(value).expect("JSON values serialize")
    );
}

/// "3 passed, 1 failed" / 「3 成功、1 失敗」.
pub(crate) fn passed_failed(passed: usize, failed: usize, lang: Lang) -> String {
    let u = ui(lang);
    format!("{passed} {}{}{failed} {}", u.passed, u.comma, u.failed)
}

/// A stored run's title in English and Japanese (schema version 4 keeps both): the scenario's
/// title, or, in a log that has none (a synthetic population, a log of schema version 1), its
/// label. A log of schema version 3 or older keeps the English only, which `--lang ja` shows.
pub(crate) fn stored_title(meta: &RunMeta) -> Authored {
    if meta.title.is_empty() {
        stored_label(meta)
    } else {
        Authored::stored(meta.title.clone(), meta.ja.title.clone())
    }
}

/// A stored run's description in English and Japanese (empty for a synthetic population).
pub(crate) fn stored_description(meta: &RunMeta) -> Authored {
    Authored::stored(meta.description.clone(), meta.ja.description.clone())
}

/// What a stored run says was run: a scenario's path (the same in either language) or a
/// synthetic population's label in English and Japanese.
pub(crate) fn stored_label(meta: &RunMeta) -> Authored {
    Authored::stored(meta.label.clone(), meta.ja.label.clone())
}

/// Opens a stored run: its log, its metadata and the policy it ran under. A missing file or one
/// that is not a zairyu log is bad input (exit 2), said in `lang`.
pub fn open_stored_run(db: &Path, lang: Lang) -> Result<(EventStore, RunMeta, Policy), Failure> {
    match open_stored_log(db, lang)? {
        (store, Some((meta, policy))) => Ok((store, meta, policy)),
        (_, None) => Err(Failure::Input(anyhow!(labels::problem(
            Problem::Log {
                db,
                why: LogUnreadable::NoMetadata
            },
            lang
        )))),
    }
}

/// A failure to read the stored log `db` (`e`: the store's error), said in `lang`.
pub(crate) fn cannot_read_log(db: &Path, e: impl Into<anyhow::Error>, lang: Lang) -> Failure {
    Failure::Run(
        e.into()
            .context(labels::problem(Problem::CannotRead { path: db }, lang)),
    )
}

/// [`open_stored_run`], with no metadata being an answer rather than an error (a run stopped
/// before it recorded what it ran).
pub(crate) fn open_stored_log(
    db: &Path,
    lang: Lang,
) -> Result<(EventStore, Option<(RunMeta, Policy)>), Failure> {
    let refused = |why: LogUnreadable<'_>| {
        Failure::Input(anyhow!(labels::problem(Problem::Log { db, why }, lang)))
    };
    // Reading never writes: the log is opened read-only and left exactly as it was.
    let store = EventStore::open_read_only(db).map_err(|e| match e {
        StoreError::NotFound { .. } => refused(LogUnreadable::NotFound),
        StoreError::NotAnEventLog { reason } => refused(LogUnreadable::NotALog {
            reason: &crate::diag::not_a_log_reason(&reason, lang),
        }),
        StoreError::SchemaTooNew { found, supported } => {
            refused(LogUnreadable::TooNew { found, supported })
        }
        StoreError::Locked { .. } => refused(LogUnreadable::Locked),
        other => cannot_read_log(db, other, lang),
    })?;
    let Some(meta) = store
        .read_run_meta()
        .map_err(|e| cannot_read_log(db, e, lang))?
    else {
        return Ok((store, None));
    };
    let policy: Policy = serde_json::from_str(&meta.policy).map_err(|e| {
        let reason = crate::diag::cause(&e, lang);
        Failure::Run(anyhow!(labels::problem(
            Problem::StoredPolicy { reason: &reason },
            lang
        )))
    })?;
    Ok((store, Some((meta, policy))))
}

/// `option day` must be a day of the run `start ..= until` (`--as-of`, `--effective-on`, `--on`).
pub(crate) fn within_the_run(
    option: &str,
    day: Option<NaiveDate>,
    start: NaiveDate,
    until: NaiveDate,
    lang: Lang,
) -> Result<(), Failure> {
    match day {
        Some(day) if day < start || day > until => Err(Failure::Input(anyhow!(labels::problem(
            Problem::OutsideTheRun {
                option,
                day,
                start,
                until
            },
            lang
        )))),
        _ => Ok(()),
    }
}

/// The resident `key` of a run whose residents are `keys` (their scenario ids), by index.
pub(crate) fn resident_index(keys: &[String], key: &str, lang: Lang) -> Result<usize, Failure> {
    keys.iter().position(|n| n == key).ok_or_else(|| {
        Failure::Input(anyhow!(labels::problem(
            Problem::NoResident {
                key,
                residents: &keys.join(", ")
            },
            lang
        )))
    })
}
