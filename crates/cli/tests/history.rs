//! Questions asked of stored histories, as a user asks them: `zairyu diff` of two logs (where
//! they first differ, the differences by resident and event kind, exit 0/1/2 like `diff`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn zairyu(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zairyu"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `scenarios/<path>` into `dir/<db>` (with extra options) and returns the log's path. A
/// run whose expectations fail (a scenario run under the other regime) still stores its log.
fn stored(dir: &Path, path: &str, db: &str, extra: &[&str]) -> String {
    let scenario = root().join("scenarios").join(path);
    let db = dir.join(db).display().to_string();
    let mut args = vec!["run", scenario.to_str().unwrap(), "--db", &db, "--quiet"];
    args.extend_from_slice(extra);
    let o = zairyu(&args, dir);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    assert!(stdout(&o).contains("database    "), "{}", stderr(&o));
    db
}

#[test]
fn diff_of_two_runs_of_the_same_inputs_finds_nothing_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let a = stored(
        dir.path(),
        "teaching/extension_integrated.yaml",
        "a.db",
        &[],
    );
    let b = stored(
        dir.path(),
        "teaching/extension_integrated.yaml",
        "b.db",
        &[],
    );
    let o = zairyu(&["diff", &a, &b], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("The logs record the same 19 events, in the same order."),
        "{}",
        stdout(&o)
    );
}

#[test]
fn diff_shows_where_a_late_grant_first_changes_the_log_and_what_differs_by_kind() {
    let dir = tempfile::tempdir().unwrap();
    let a = stored(
        dir.path(),
        "teaching/extension_integrated.yaml",
        "a.db",
        &[],
    );
    let b = stored(
        dir.path(),
        "teaching/extension_integrated_late_grant.yaml",
        "b.db",
        &[],
    );
    let before: Vec<Vec<u8>> = [&a, &b].iter().map(|p| std::fs::read(p).unwrap()).collect();
    let o = zairyu(&["diff", &a, &b, "--context", "2"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    // The two runs share the application day; the grant is where they part.
    assert!(text.contains("The logs first differ at event 7:"), "{text}");
    // The line whose first words are `words`.
    let line = |words: &[&str]| {
        text.lines()
            .find(|l| {
                l.split_whitespace()
                    .take(words.len())
                    .eq(words.iter().copied())
            })
            .map(str::to_owned)
    };
    let shared = line(&["6", "2026-07-10"]).expect("event 6 is shown as shared");
    assert!(shared.contains("Tokutei card application"), "{shared}");
    let grant = "immigration bureau  mei  grants the extension to 2029-07-31";
    let a7 = line(&["A", "7"]).unwrap();
    assert!(a7.contains(&format!("2026-07-15 09:00  {grant}")), "{a7}");
    let b7 = line(&["B", "7"]).unwrap();
    assert!(b7.contains(&format!("2026-07-24 09:00  {grant}")), "{b7}");
    // Two events of context around the difference, not more.
    assert!(
        line(&["5", "2026-07-10"]).is_some() && line(&["4"]).is_none(),
        "{text}"
    );
    assert!(
        line(&["A", "8"]).is_some() && line(&["A", "9"]).is_none(),
        "{text}"
    );
    // Granted late, the old My Number card lapses before the Tokutei card replaces it; granted
    // on time, it is invalidated when the new card is handed over.
    let counts = |kind: &str| {
        let l = text.lines().find(|l| l.contains(kind)).unwrap();
        let n: Vec<&str> = l.split_whitespace().rev().take(2).collect();
        (n[1].to_owned(), n[0].to_owned())
    };
    assert_eq!(counts("My Number card lapsed"), ("0".into(), "1".into()));
    assert_eq!(
        counts("My Number card invalidated"),
        ("1".into(), "0".into())
    );
    assert!(
        text.contains("1 of 1 residents differ; events only in A: 13, only in B: 12."),
        "{text}"
    );
    // Reading never writes.
    for (p, bytes) in [&a, &b].iter().zip(before) {
        assert_eq!(std::fs::read(p).unwrap(), bytes, "{p} changed");
    }

    let o = zairyu(&["diff", &a, &b, "--format", "json"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["identical"], false);
    assert_eq!(v["first_difference"]["position"], 7);
    assert_eq!(
        v["first_difference"]["b"][0]["event_type"],
        "ExtensionGranted"
    );
    assert_eq!(
        v["first_difference"]["b"][0]["occurred_at"],
        "2026-07-24T09:00:00"
    );
    assert_eq!(v["first_difference"]["b"][0]["section"], "§5.4");
    let kinds = v["residents"][0]["kinds"].as_array().unwrap();
    let lapsed = kinds
        .iter()
        .find(|k| k["event_type"] == "MyNumberCardExpired")
        .expect("the lapse is a difference");
    assert_eq!(
        (&lapsed["only_in_a"], &lapsed["only_in_b"]),
        (&0.into(), &1.into())
    );
    assert_eq!(
        (v["only_in_a"].as_u64(), v["only_in_b"].as_u64()),
        (Some(13), Some(12))
    );
}

#[test]
fn diff_of_one_resident_compares_only_their_events_in_either_language() {
    let dir = tempfile::tempdir().unwrap();
    let legacy = ["--regime", "legacy"];
    let a = stored(dir.path(), "rules/tokutei_refusals.yaml", "a.db", &legacy);
    let b = stored(dir.path(), "rules/tokutei_refusals.yaml", "b.db", &[]);
    let o = zairyu(&["diff", &a, &b, "--resident", "sunday"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("only the events of sunday"), "{text}");
    // Only sunday's events are numbered: the first difference is its refusal, whose rule
    // differs — no Tokutei card under the legacy regime, counters closed on the first Sunday.
    let a_line = text.lines().find(|l| l.starts_with("  A")).unwrap();
    let b_line = text.lines().find(|l| l.starts_with("  B")).unwrap();
    assert!(
        a_line.contains("sunday") && a_line.contains("[§7]"),
        "{a_line}"
    );
    assert!(
        b_line.contains("sunday") && !b_line.contains("[§7]"),
        "{b_line}"
    );
    assert!(!text.contains("early"), "{text}");
    assert!(
        text.contains("1 of 1 residents differ; events only in A: 1, only in B: 1."),
        "{text}"
    );

    let o = zairyu(
        &["diff", &a, &b, "--resident", "sunday", "--lang", "ja"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("番目のイベントで初めて異なる"), "{text}");
    assert!(text.contains("特定在留カード等交付申請の不受理"), "{text}");
    assert!(text.contains("在留者・イベントの種類ごとの違い"), "{text}");
}

#[test]
fn diff_refuses_a_missing_log_or_an_unknown_resident_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let a = stored(dir.path(), "teaching/extension_legacy.yaml", "a.db", &[]);
    let missing = dir.path().join("missing.db").display().to_string();
    let o = zairyu(&["diff", &a, &missing], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("missing.db"), "{}", stderr(&o));
    assert!(!Path::new(&missing).exists(), "diff must not create a log");
    let o = zairyu(&["diff", &a, &a, "--resident", "nobody"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no resident `nobody`"),
        "{}",
        stderr(&o)
    );
}
