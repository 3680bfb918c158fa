//! `zairyu compare --population R --keep-sample N --db DIR`: a population comparison that also
//! keeps the logs of a deterministic sample of residents under both arms, as logs `replay`
//! verifies and `diff` compares; the same inputs keep the same logs; a directory that already
//! holds them is refused before anything runs.

mod support;

use std::path::Path;

use support::{json, scenario, stderr, stdout, zairyu};

/// `compare --population 500` legacy → integrated, keeping a sample of 60 in `dir/<sub>`.
fn compare_keeping(dir: &Path, sub: &str) -> std::process::Output {
    let out = dir.join(sub).display().to_string();
    let (baseline, reform) = (
        scenario("what-if/legacy.policy.yaml"),
        scenario("what-if/integrated.policy.yaml"),
    );
    zairyu(
        &[
            "compare",
            "--population",
            "500",
            "--baseline",
            &baseline,
            "--reform",
            &reform,
            "--keep-sample",
            "60",
            "--db",
            &out,
            "--format",
            "json",
        ],
        dir,
    )
}

fn replayed(dir: &Path, db: &str) -> serde_json::Value {
    let o = zairyu(&["replay", db, "--format", "json"], dir);
    json(&o, 0)
}

#[test]
fn the_sample_logs_replay_and_diff_shows_where_the_arms_part() {
    let dir = tempfile::tempdir().unwrap();
    let o = compare_keeping(dir.path(), "sample");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("kept the logs of a sample of 60 residents (seed 1)"),
        "{}",
        stderr(&o)
    );
    // The comparison itself is printed as without the sample.
    let comparison: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(comparison["manifest"]["subject"]["residents"], 500);
    let (a, b) = (
        dir.path().join("sample/baseline.db").display().to_string(),
        dir.path().join("sample/reform.db").display().to_string(),
    );
    for db in [&a, &b] {
        let doc = replayed(dir.path(), db);
        assert_eq!(doc["verdict"], "verified", "{db}");
        let records = doc["records"].as_array().unwrap();
        assert_eq!(records.len(), 60, "{db}");
    }
    let d = zairyu(&["diff", &a, &b], dir.path());
    assert_eq!(d.status.code(), Some(1), "{}", stderr(&d));
    let text = stdout(&d);
    assert!(text.contains("The logs first differ at event"), "{text}");
    assert!(text.contains("resident-"), "{text}");
    assert!(text.contains("Tokutei card produced"), "{text}");

    // The same inputs keep the same sample, event for event.
    let again = compare_keeping(dir.path(), "again");
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    for arm in ["baseline", "reform"] {
        let first = replayed(dir.path(), &format!("sample/{arm}.db"));
        let second = replayed(dir.path(), &format!("again/{arm}.db"));
        let hash = |doc: &serde_json::Value| doc["hashes"][0]["rebuilt"].clone();
        assert_eq!(hash(&first), hash(&second), "{arm}: {first}");
        assert!(hash(&first).is_string(), "{first}");
    }
}

#[test]
fn a_directory_that_already_holds_sample_logs_is_refused_before_the_comparison_runs() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(compare_keeping(dir.path(), "sample").status.code(), Some(0));
    let o = compare_keeping(dir.path(), "sample");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("already holds"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    let o = zairyu(
        &[
            "compare",
            "--population",
            "50",
            "--baseline",
            &scenario("what-if/legacy.policy.yaml"),
            "--reform",
            &scenario("what-if/integrated.policy.yaml"),
            "--keep-sample",
            "5",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--db"), "{}", stderr(&o));
}
