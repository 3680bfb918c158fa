//! Golden logs: event logs written by earlier versions of zairyu must still replay.
//!
//! `tests/golden/v<N>/` holds logs exactly as the code of log format `N` wrote them (copied from
//! `zairyu run … --db`, never edited), each with `<name>.json`: the projections that log replayed
//! to when it was captured and the log hash its run recorded. Every later change of the stored
//! format must keep these replaying — through an upcaster for an old payload shape, through the
//! hasher of the format the log was written in — to the same card records and measures, and (from
//! format 2) with every hash recorded at a commit reproduced. See
//! `tests/golden/README.md` for the rules (a golden log is captured once and never regenerated).

use std::path::{Path, PathBuf};

use event_store::{EventStore, LogFormat};
use serde_json::Value;
use simulator::replay::replay;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("golden")
}

/// Every `*.db` under `tests/golden/`, sorted.
fn golden_logs() -> Vec<PathBuf> {
    let mut logs = Vec::new();
    for version in std::fs::read_dir(golden_dir()).unwrap() {
        let version = version.unwrap().path();
        if !version.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&version).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "db") {
                logs.push(file);
            }
        }
    }
    logs.sort();
    logs
}

/// `expected` is contained in `actual`: every object key of `expected` is present with a
/// contained value; arrays and scalars are equal. New fields in later versions are allowed;
/// a changed or missing value is not.
fn contains(actual: &Value, expected: &Value, path: &str, diffs: &mut Vec<String>) {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            for (k, ev) in e {
                let p = format!("{path}.{k}");
                match a.get(k) {
                    Some(av) => contains(av, ev, &p, diffs),
                    None => diffs.push(format!("{p}: missing (expected {ev})")),
                }
            }
        }
        (Value::Array(a), Value::Array(e)) if a.len() == e.len() => {
            for (i, (av, ev)) in a.iter().zip(e).enumerate() {
                contains(av, ev, &format!("{path}[{i}]"), diffs);
            }
        }
        _ if actual == expected => {}
        _ => diffs.push(format!("{path}: expected {expected}, got {actual}")),
    }
}

/// What replaying one golden log gave.
struct GoldenReplay {
    projections: Value,
    /// The log hash recomputed in the log's own format.
    log_hash: String,
    /// The log hash its run recorded.
    recorded_hash: Option<String>,
    /// Format 2 on: a failure of the hashes recorded at the commits, if any.
    commits_failure: Option<String>,
}

/// Replays one golden log from a copy (so the fixture is never touched).
fn replay_golden(db: &Path) -> GoldenReplay {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("golden.db");
    std::fs::copy(db, &copy).unwrap();
    let store = EventStore::open_read_only(&copy).unwrap();
    let meta = store
        .read_run_meta()
        .unwrap()
        .expect("a golden log has its run metadata");
    assert!(
        meta.finished,
        "{}: a golden log is a finished run",
        db.display()
    );
    let policy: model::policy::Policy = serde_json::from_str(&meta.policy).unwrap();
    let switch = policy.switches.validity.special_period_my_number;
    let replayed = replay(&store, meta.start, meta.until, None, switch, false)
        .unwrap_or_else(|e| panic!("{}: does not replay: {e}", db.display()));
    let commits = &replayed.commits;
    let commits_failure = match replayed.format {
        // Format 1 recorded no commit hashes.
        LogFormat::V1 => None,
        _ if commits.checked == 0 => Some("no commit hash recorded".to_owned()),
        _ if commits.mismatch.is_some() || commits.beyond_log.is_some() => {
            Some(format!("the commit hashes do not match: {commits:?}"))
        }
        _ if commits.through != replayed.events => Some(format!(
            "the commit hashes vouch for events up to {}, of {}",
            commits.through, replayed.events
        )),
        _ => None,
    };
    GoldenReplay {
        projections: serde_json::to_value(&replayed.projections).unwrap(),
        log_hash: replayed.log_hash,
        recorded_hash: meta.log_hash,
        commits_failure,
    }
}

#[test]
fn golden_logs_of_every_earlier_format_still_replay_to_their_recorded_projections() {
    let logs = golden_logs();
    assert!(
        !logs.is_empty(),
        "no golden logs under {}",
        golden_dir().display()
    );
    let capture = std::env::var_os("ZAIRYU_CAPTURE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for db in &logs {
        let GoldenReplay {
            projections,
            log_hash,
            recorded_hash,
            commits_failure,
        } = replay_golden(db);
        let json = db.with_extension("json");
        if capture && !json.exists() {
            let golden = serde_json::json!({
                "log_hash": log_hash,
                "projections": projections,
            });
            std::fs::write(&json, serde_json::to_string_pretty(&golden).unwrap() + "\n").unwrap();
            continue;
        }
        let golden: Value = serde_json::from_str(
            &std::fs::read_to_string(&json)
                .unwrap_or_else(|e| panic!("{}: {e} (capture it once)", json.display())),
        )
        .unwrap();
        let name = db.display();
        if let Some(failure) = commits_failure {
            failures.push(format!("{name}: {failure}"));
        }
        if recorded_hash.as_deref() != Some(log_hash.as_str()) {
            failures.push(format!(
                "{name}: the log hash recomputed on replay ({log_hash}) is not the one its run \
                 recorded ({recorded_hash:?})"
            ));
        }
        if golden["log_hash"] != Value::String(log_hash.clone()) {
            failures.push(format!(
                "{name}: log hash {log_hash}, golden {}",
                golden["log_hash"]
            ));
        }
        let mut diffs = Vec::new();
        contains(
            &projections,
            &golden["projections"],
            "projections",
            &mut diffs,
        );
        for d in diffs {
            failures.push(format!("{name}: {d}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_containment_check_sees_a_changed_value() {
    let golden = serde_json::json!({"a": {"b": [1, 2]}, "c": "x"});
    let mut diffs = Vec::new();
    contains(
        &serde_json::json!({"a": {"b": [1, 3]}, "c": "x", "new": 1}),
        &golden,
        "p",
        &mut diffs,
    );
    assert_eq!(diffs, vec!["p.a.b[1]: expected 2, got 3".to_owned()]);
    diffs.clear();
    contains(
        &serde_json::json!({"a": {"b": [1, 2]}}),
        &golden,
        "p",
        &mut diffs,
    );
    assert_eq!(diffs.len(), 1, "a missing key is a difference");
}
