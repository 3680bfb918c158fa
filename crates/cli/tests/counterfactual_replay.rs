//! `zairyu replay DB --policy P` / `--set KEY=VALUE`, as an analyst uses it on the teaching
//! scenarios: the stored run's inputs run again under a changed policy, the measures of both and
//! where the changed log first departs from the stored one; the stored log left as it was; a
//! scenario file that changed since the run, or a setting the policy does not have, refused.

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{root, stderr, stdout, zairyu};

/// Runs `scenario` into `dir/run.db` and returns the log's path.
fn stored(dir: &Path, scenario: &Path) -> String {
    let db = dir.join("run.db").display().to_string();
    let o = zairyu(
        &["run", scenario.to_str().unwrap(), "--db", &db, "--quiet"],
        dir,
    );
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    db
}

fn teaching(name: &str) -> PathBuf {
    PathBuf::from(support::teaching(name))
}

/// The difference (reform − baseline) of measure `key` in a JSON comparison.
fn difference(doc: &Value, key: &str) -> i64 {
    doc["summary"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["key"] == key)
        .unwrap_or_else(|| panic!("no measure {key}"))["difference"]["mean"]
        .as_f64()
        .unwrap() as i64
}

#[test]
fn a_late_grant_replayed_with_permission_on_the_decision_date_loses_its_special_period() {
    let dir = tempfile::tempdir().unwrap();
    let db = stored(
        dir.path(),
        &teaching("extension_integrated_late_grant.yaml"),
    );
    let before = std::fs::read(&db).unwrap();
    let o = zairyu(
        &[
            "replay",
            &db,
            "--set",
            "disposition_at=decision",
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    // Permission takes effect at the decision, not when the Tokutei card is issued ten days
    // later: the two days in the special period go, the offices disagree for longer.
    assert_eq!(difference(&doc, "special_period_days"), -2);
    assert_eq!(difference(&doc, "inconsistency_days"), 3);
    assert_eq!(difference(&doc, "visits.all"), 0);
    let d = &doc["divergence"];
    assert_eq!(d["index"], 7, "{d}");
    assert_eq!(d["baseline"]["event"]["type"], "TokuteiCardRequested");
    assert_eq!(d["reform"]["event"]["type"], "PeriodOfStayExtended");
    assert_eq!(
        doc["manifest"]["reform"]["policy"]["switches"]["disposition_at"],
        "decision"
    );
    assert_eq!(
        doc["manifest"]["baseline"]["policy"]["switches"]["disposition_at"],
        "card_issuance"
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "reading the log never writes to it"
    );
}

#[test]
fn an_integrated_run_replayed_under_the_legacy_policy_file_shows_its_table_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let db = stored(dir.path(), &teaching("extension_integrated.yaml"));
    let policy = root().join("scenarios/what-if/legacy.policy.yaml");
    let policy = policy.to_str().unwrap();
    let en = zairyu(&["replay", &db, "--policy", policy], dir.path());
    assert_eq!(en.status.code(), Some(0), "{}", stderr(&en));
    let text = stdout(&en);
    assert!(
        text.starts_with("zairyu replay --policy (what would have happened) — scenario "),
        "{text}"
    );
    assert!(
        text.contains("as run (the policy stored in the log)"),
        "{text}"
    );
    assert!(
        text.contains("The event logs first diverge at event"),
        "{text}"
    );
    let ja = zairyu(
        &["--lang", "ja", "replay", &db, "--policy", policy],
        dir.path(),
    );
    assert_eq!(ja.status.code(), Some(0), "{}", stderr(&ja));
    let text = stdout(&ja);
    assert!(
        text.contains("記録どおり（ログに保存された政策）"),
        "{text}"
    );
    assert!(text.contains("初めて分かれる"), "{text}");
}

#[test]
fn the_stored_policy_replayed_unchanged_gives_no_divergence_and_no_difference() {
    let dir = tempfile::tempdir().unwrap();
    let db = stored(dir.path(), &teaching("move_between_integrated.yaml"));
    let o = zairyu(
        &[
            "replay",
            &db,
            "--set",
            "disposition_at=card_issuance",
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(doc["divergence"].is_null(), "{doc}");
    for row in doc["summary"].as_array().unwrap() {
        assert_eq!(row["difference"]["mean"], 0.0, "{row}");
    }
    let hashes = &doc["runs"][0]["log_hashes"];
    assert_eq!(hashes[0], hashes[1]);
}

#[test]
fn a_scenario_file_changed_since_the_run_is_refused_unless_the_one_it_ran_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let original = teaching("extension_legacy.yaml");
    let copy = dir.path().join("extension_legacy.yaml");
    std::fs::copy(&original, &copy).unwrap();
    let db = stored(dir.path(), &copy);
    let mut text = std::fs::read_to_string(&copy).unwrap();
    text.push_str("\n# edited after the run\n");
    std::fs::write(&copy, text).unwrap();
    let o = zairyu(
        &["replay", &db, "--set", "disposition_at=decision"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("is not the scenario file this log ran"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());
    let o = zairyu(
        &[
            "replay",
            &db,
            "--set",
            "disposition_at=decision",
            "--scenario",
            original.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_setting_the_policy_does_not_have_is_refused_saying_what_was_expected() {
    let dir = tempfile::tempdir().unwrap();
    let db = stored(dir.path(), &teaching("extension_legacy.yaml"));
    let o = zairyu(
        &["replay", &db, "--set", "disposition_at=someday"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("expected `card_issuance` or `decision`"),
        "{}",
        stderr(&o)
    );
    let o = zairyu(&["replay", &db, "--set", "resident.uptake=0.5"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the policy has no `resident.uptake`"),
        "{}",
        stderr(&o)
    );
}
