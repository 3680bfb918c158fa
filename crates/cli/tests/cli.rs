//! The `zairyu` binary as a user meets it: exit codes, located errors, nothing written on bad
//! input, run → replay round trip, and the same log hash twice.

mod support;

use support::{log_hash, root, stderr, stdout, teaching, zairyu};

#[test]
fn malformed_scenario_exits_2_with_a_located_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "name: bad\nstart: 2026-06-20\nuntil: 2026-12-31\nresidents:\n  - id: mei\n    born_on: 1995-13-40\n",
    )
    .unwrap();
    let db = dir.path().join("out.db");
    let o = zairyu(
        &["run", bad.to_str().unwrap(), "--db", db.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("bad.yaml:6:14"), "{err}");
    assert!(
        err.contains("no such date `1995-13-40`: there is no month 13"),
        "{err}"
    );
    assert!(!db.exists(), "a malformed scenario must write nothing");
    assert!(!dir.path().join("runs").exists());
}

#[test]
fn run_then_replay_matches_and_shows_the_card_record_on_a_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ext.db");
    let db = db.to_str().unwrap();
    let run = zairyu(
        &["run", &teaching("extension_legacy.yaml"), "--db", db],
        dir.path(),
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let out = stdout(&run);
    assert!(
        out.contains("counter visits         immigration bureau 2 · city hall 1"),
        "{out}"
    );
    assert!(out.contains("0 failed"), "{out}");

    let replay = zairyu(&["replay", db, "--as-of", "2026-07-16"], dir.path());
    assert_eq!(replay.status.code(), Some(0), "{}", stderr(&replay));
    let text = stdout(&replay);
    assert!(text.contains("mei on 2026-07-16"), "{text}");
    // On 2026-07-16 the My Number card still carries the old expiry.
    assert!(
        text.contains("My Number card, valid through 2026-07-31"),
        "{text}"
    );
    assert_eq!(text.matches("(matches the run)").count(), 2, "{text}");
    assert!(text.contains(&log_hash(&run)), "{text}");

    let outside = zairyu(&["replay", db, "--as-of", "2030-01-01"], dir.path());
    assert_eq!(outside.status.code(), Some(2));
}

#[test]
fn the_same_scenario_and_seed_twice_give_the_same_log_hash() {
    let dir = tempfile::tempdir().unwrap();
    let a = zairyu(
        &[
            "run",
            &teaching("extension_integrated.yaml"),
            "--db",
            "a.db",
        ],
        dir.path(),
    );
    let b = zairyu(
        &[
            "run",
            &teaching("extension_integrated.yaml"),
            "--db",
            "b.db",
        ],
        dir.path(),
    );
    assert_eq!(log_hash(&a), log_hash(&b));
    let c = zairyu(
        &[
            "run",
            &teaching("extension_integrated.yaml"),
            "--db",
            "c.db",
            "--seed",
            "8",
        ],
        dir.path(),
    );
    assert_ne!(
        log_hash(&a),
        log_hash(&c),
        "another seed gives other numbers"
    );
}

#[test]
fn regime_override_changes_the_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let o = zairyu(
        &[
            "run",
            &teaching("extension_integrated.yaml"),
            "--regime",
            "legacy",
            "--quiet",
        ],
        dir.path(),
    );
    // The file expects a Tokutei card; under the legacy regime the application is refused, so
    // its expectations fail (exit 1) and the refusal names the rule.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("FAIL"));
    assert!(
        dir.path()
            .join("runs/extension_integrated.legacy.db")
            .exists()
    );
}

#[test]
fn check_passes_on_the_bundled_scenarios_and_fails_on_a_wrong_expectation() {
    let dir = tempfile::tempdir().unwrap();
    let ok = zairyu(
        &["check", root().join("scenarios").to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    let wrong = dir.path().join("wrong.yaml");
    let text = std::fs::read_to_string(teaching("extension_legacy.yaml"))
        .unwrap()
        .replace(
            "visits: { immigration_bureau: 2, city_hall: 1 }\n    notifications",
            "visits: { immigration_bureau: 2, city_hall: 0 }\n    notifications",
        );
    std::fs::write(&wrong, text).unwrap();
    let o = zairyu(&["check", wrong.to_str().unwrap()], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("visits.city_hall expected 0, got 1"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn run_refuses_to_overwrite_a_file_that_is_not_a_zairyu_log() {
    let dir = tempfile::tempdir().unwrap();
    let precious = dir.path().join("notes.db");
    std::fs::write(&precious, "not a database").unwrap();
    let o = zairyu(
        &[
            "run",
            &teaching("extension_legacy.yaml"),
            "--db",
            precious.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&precious).unwrap(),
        "not a database"
    );
}

#[test]
fn schema_is_json_and_describes_steps() {
    let dir = tempfile::tempdir().unwrap();
    let o = zairyu(&["schema"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let text = v.to_string();
    assert!(text.contains("file_extension") && text.contains("residents"));
}

#[test]
fn bench_reports_rates_against_the_raw_append_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let o = zairyu(
        &[
            "bench",
            "--residents",
            "300",
            "--seed",
            "3",
            "--json",
            "--dir",
            "b",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let events = v["events"].as_u64().unwrap();
    assert!(events > 300, "{v}");
    assert_eq!(v["baseline_raw_append"]["rows"].as_u64(), Some(events));
    assert!(
        v["simulation_with_store"]["events_per_second"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    // CPU time of each phase (what a phase cost, whatever else the machine was doing).
    for phase in ["simulation_only", "simulation_with_store", "replay"] {
        assert!(v[phase]["cpu_seconds"].as_f64().unwrap() >= 0.0, "{v}");
    }
    // The benchmark databases are removed unless --keep.
    assert_eq!(std::fs::read_dir(dir.path().join("b")).unwrap().count(), 0);
}

#[test]
fn bench_gives_the_same_log_hash_on_one_thread_or_three() {
    let dir = tempfile::tempdir().unwrap();
    let on = |threads: &str| {
        let o = zairyu(
            &[
                "bench",
                "--residents",
                "300",
                "--seed",
                "3",
                "--threads",
                threads,
                "--json",
                "--dir",
                "b",
            ],
            dir.path(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        serde_json::from_str::<serde_json::Value>(&stdout(&o)).unwrap()
    };
    let (one, three) = (on("1"), on("3"));
    assert_eq!(one["threads"].as_u64(), Some(1));
    assert_eq!(three["threads"].as_u64(), Some(3));
    assert!(
        one["log_hash"].as_str().is_some_and(|h| !h.is_empty()),
        "{one}"
    );
    assert_eq!(one["log_hash"], three["log_hash"]);
    assert_eq!(one["events"], three["events"]);
    // No thread count of zero.
    let o = zairyu(&["bench", "--threads", "0"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn bench_what_if_times_both_regimes_and_its_measures_do_not_depend_on_the_threads() {
    let dir = tempfile::tempdir().unwrap();
    let on = |threads: &str| {
        let o = zairyu(
            &[
                "bench",
                "--what-if",
                "--residents",
                "400",
                "--threads",
                threads,
                "--json",
            ],
            dir.path(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        serde_json::from_str::<serde_json::Value>(&stdout(&o)).unwrap()
    };
    let (one, two) = (on("1"), on("2"));
    for v in [&one, &two] {
        assert_eq!(v["residents"].as_u64(), Some(400), "{v}");
        assert!(v["events"]["legacy"].as_u64().unwrap() > 400, "{v}");
        assert!(v["events"]["integrated"].as_u64().unwrap() > 400, "{v}");
        assert!(v["seconds"].as_f64().unwrap() > 0.0, "{v}");
        assert!(v["peak_rss_mib"].as_f64().unwrap() > 0.0, "{v}");
        assert!(v["cpu_seconds"].as_f64().unwrap() >= 0.0, "{v}");
    }
    assert_eq!(one["threads"].as_u64(), Some(1));
    assert_eq!(two["threads"].as_u64(), Some(2));
    assert_eq!(one["events"], two["events"]);
    assert_eq!(one["measures_digest"], two["measures_digest"]);
    // The regimes differ, so the digest is not of one arm twice.
    assert_ne!(one["events"]["legacy"], one["events"]["integrated"]);
    // Nothing was written: the what-if keeps no log.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    let o = zairyu(&["bench", "--what-if", "--residents", "0"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn table_says_an_extension_needs_the_city_hall_only_under_the_legacy_regime() {
    let dir = tempfile::tempdir().unwrap();
    let o = zairyu(&["table", "--format", "markdown"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let row = text
        .lines()
        .find(|l| l.starts_with("| period-of-stay extension"))
        .expect("an extension row");
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    assert_eq!(cells[2], "immigration bureau + city hall", "{row}");
    assert_eq!(cells[3], "immigration bureau", "{row}");
}

#[test]
fn the_table_in_docs_domain_md_is_the_generated_one() {
    let dir = tempfile::tempdir().unwrap();
    let generated = stdout(&zairyu(&["table", "--format", "markdown"], dir.path()));
    let doc = std::fs::read_to_string(root().join("docs/domain.md")).unwrap();
    assert!(
        doc.contains(&generated),
        "docs/domain.md is out of date: paste the output of `zairyu table --format markdown`"
    );
}

#[test]
fn the_html_report_of_a_run_under_faults_gives_the_time_to_consistency() {
    let dir = tempfile::tempdir().unwrap();
    let batch = support::scenario("faults/nightly_batch_n3.yaml");
    let html = zairyu(&["explain", &batch, "--format", "html"], dir.path());
    assert_eq!(html.status.code(), Some(0), "{}", stderr(&html));
    let page = stdout(&html);
    assert!(
        page.contains("<tr><th>time to consistency</th><td>p50 "),
        "{page}"
    );
    assert!(page.contains("<tr><th>still inconsistent at the end</th><td>"));
    // Without faults the row is not there.
    let plain = zairyu(
        &[
            "explain",
            &teaching("extension_legacy.yaml"),
            "--format",
            "html",
        ],
        dir.path(),
    );
    assert!(!stdout(&plain).contains("time to consistency"));
}

/// Every numeric option of the commands that run a population, out of range: no residents, too
/// many (a number that once aborted `run --population` with a failed 154 GB allocation), no
/// threads or more than can be started, no events per transaction, no seeds. Each is bad input:
/// exit 2, an error naming the option and its range, and nothing written — not even `bench`'s
/// directory.
#[test]
fn numeric_options_out_of_range_are_bad_input_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (legacy, integrated) = (
        support::scenario("what-if/legacy.policy.yaml"),
        support::scenario("what-if/integrated.policy.yaml"),
    );
    let compare = ["compare", "--baseline", &legacy, "--reform", &integrated];
    let sweep = ["sweep", "--grid", "resident.tokutei_uptake=0.1,0.2"];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["bench", "--residents", "0", "--dir", "b"],
            "--residents must be between 1 and 39566190",
        ),
        (
            vec!["bench", "--residents", "39566191", "--dir", "b"],
            "--residents must be between 1 and 39566190",
        ),
        (
            vec!["bench", "--residents", "10", "--batch", "0", "--dir", "b"],
            "--batch must be at least 1",
        ),
        (
            vec!["bench", "--threads", "257", "--dir", "b"],
            "--threads must be between 1 and 256",
        ),
        (
            vec!["bench", "--what-if", "--residents", "0"],
            "--residents must be between 1 and 39566190",
        ),
        (
            vec!["run", "--population", "4294967295"],
            "--population must be between 1 and 39566190",
        ),
        (
            vec!["run", "--population", "10", "--threads", "100000"],
            "--threads must be between 1 and 256",
        ),
        (
            [&compare[..], &["--population", "0"]].concat(),
            "--population must be between 1",
        ),
        (
            [&compare[..], &["--population", "10", "--threads", "257"]].concat(),
            "--threads must be between 1 and 256",
        ),
        (
            [&compare[..], &["--population", "10", "--seeds", "0"]].concat(),
            "--seeds must be at least 1",
        ),
        (
            [&sweep[..], &["--population", "39566191"]].concat(),
            "--population must be between 1",
        ),
        (
            [&sweep[..], &["--population", "10", "--threads", "0"]].concat(),
            "--threads must be at least 1",
        ),
        (
            vec!["simtest", "--seeds", "2", "--threads", "0", "--out", "s"],
            "--threads must be at least 1",
        ),
        (
            vec!["simtest", "--seeds", "2", "--threads", "257", "--out", "s"],
            "--threads must be between 1 and 256",
        ),
    ];
    for (args, says) in cases {
        let o = zairyu(&args, dir.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
        let written: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(written.is_empty(), "{args:?} wrote {written:?}");
    }
}
