//! `zairyu run --population N --db FILE` and `zairyu compare --population N --db DIR`: a
//! synthetic population's run keeps its whole log, private to its owner, which `replay`
//! verifies, and the analysis tables beside it, whose rows agree with the log and which `export`
//! writes; without `--db` the run writes nothing and has the same log hash; a `--db` that is
//! taken, a directory or not a log, and any other bad input, exit 2 with nothing written.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use support::{json, scenario, stderr, stdout, zairyu};

/// The analysis tables of the log `db` (relative to `dir`), as `zairyu export --format json`
/// writes them into `dir/<out>`: each table's rows, by table name.
/// Residents of the 200-resident population's log: the 200 present at the start, the 25 who
/// arrive during the year (`population::Population::arrivals`) and the one child born during it
/// (`population::Population::births`).
const RECORDS: usize = 226;

fn exported(dir: &Path, db: &str, out: &str) -> BTreeMap<String, Vec<Value>> {
    let o = zairyu(&["export", db, "--format", "json", "--out", out], dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    ["residents", "card_records", "measures", "notifications"]
        .into_iter()
        .map(|t| {
            let text = std::fs::read_to_string(dir.join(out).join(format!("{t}.json"))).unwrap();
            let rows: Vec<Value> = serde_json::from_str(&text).unwrap();
            (t.to_owned(), rows)
        })
        .collect()
}

/// The sum of `column` over `rows`.
fn sum(rows: &[Value], column: &str) -> i64 {
    rows.iter()
        .map(|r| {
            r[column]
                .as_i64()
                .unwrap_or_else(|| panic!("{column}: {r}"))
        })
        .sum()
}

/// How many of `rows` have `column` = `value`.
fn count(rows: &[Value], column: &str, value: &str) -> usize {
    rows.iter().filter(|r| r[column] == value).count()
}

/// Every file in `dir`, sorted, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    all.sort();
    all
}

fn run_population(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["run", "--population", "200", "--format", "json"];
    args.extend_from_slice(extra);
    zairyu(&args, dir)
}

#[test]
fn a_population_run_with_db_keeps_a_log_that_replays_and_tables_that_agree_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_population(dir.path(), &["--db", "pop.db", "--as-of", "2026-12-01"]);
    let run = json(&o, 0);
    let db = dir.path().join("pop.db");
    let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the log is private to its owner");
    assert_eq!(run["population"]["residents"], 200);
    assert_eq!(run["database"], "pop.db");
    let events = run["events"].as_i64().unwrap();
    assert!(events > 1000, "{run}");

    // `replay` verifies the log against the hashes its run recorded: it holds every event.
    let replayed = json(
        &zairyu(&["replay", "pop.db", "--format", "json"], dir.path()),
        0,
    );
    assert_eq!(replayed["verdict"], "verified", "{replayed}");
    assert_eq!(replayed["hashes"][0]["rebuilt"], run["log_hash"]);
    assert_eq!(replayed["run"]["events"].as_i64(), Some(events));
    assert_eq!(replayed["records"].as_array().unwrap().len(), RECORDS);

    // The tables, as `export` writes them: one row per resident, named R<index>, whose events
    // add up to the log's; two card records each (the end of the run and --as-of); a notice
    // row for every notification the run counted; the measures the run printed.
    let t = exported(dir.path(), "pop.db", "json");
    let residents = &t["residents"];
    assert_eq!(residents.len(), RECORDS);
    let ids: BTreeSet<String> = residents
        .iter()
        .map(|r| {
            assert_eq!(r["resident"], format!("R{}", r["resident_index"]), "{r}");
            r["resident"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(ids.len(), RECORDS, "distinct residents");
    assert_eq!(sum(residents, "events"), events);
    assert_eq!(t["measures"].len(), RECORDS);
    let records = &t["card_records"];
    assert_eq!(count(records, "as_of", "2027-06-14"), RECORDS);
    assert_eq!(count(records, "as_of", "2026-12-01"), RECORDS);
    assert_eq!(records.len(), 2 * RECORDS);
    assert_eq!(
        run["tables"]["card_records"],
        2 * RECORDS,
        "the run says what it wrote: {run}"
    );
    let measures = &run["measures"];
    for (code, n) in measures["notifications"].as_object().unwrap() {
        assert_eq!(
            count(&t["notifications"], "code", code) as i64,
            n.as_i64().unwrap(),
            "{code}"
        );
    }
    assert!(!t["notifications"].is_empty(), "{run}");
    assert_eq!(
        sum(&t["measures"], "refusals"),
        measures["refusals"].as_i64().unwrap()
    );
    assert_eq!(
        sum(&t["measures"], "visits_city_hall"),
        measures["visits"]["city_hall"].as_i64().unwrap()
    );
    // And as CSV.
    let e = zairyu(&["export", "pop.db", "--out", "csv"], dir.path());
    assert_eq!(e.status.code(), Some(0), "{}", stderr(&e));
    let lines = |name: &str| {
        std::fs::read_to_string(dir.path().join("csv").join(name))
            .unwrap()
            .lines()
            .count()
    };
    // The 200 residents present at the start, the 25 who arrive and the one born, and the
    // header.
    assert_eq!(lines("residents.csv"), RECORDS + 1);
    assert_eq!(lines("notifications.csv"), t["notifications"].len() + 1);

    // Without --db the same run writes nothing and has the same log and state hashes.
    let bare = tempfile::tempdir().unwrap();
    let again = json(&run_population(bare.path(), &["--threads", "1"]), 0);
    assert_eq!(again["log_hash"], run["log_hash"]);
    assert_eq!(again["state_hash"], run["state_hash"]);
    assert_eq!(again["database"], serde_json::Value::Null);
    assert!(files(bare.path()).is_empty(), "{:?}", files(bare.path()));
}

#[test]
fn a_bad_db_path_or_bad_input_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let taken = run_population(dir.path(), &["--db", "taken.db"]);
    assert_eq!(taken.status.code(), Some(0), "{}", stderr(&taken));
    std::fs::write(dir.path().join("notes.db"), "not a log").unwrap();
    std::fs::create_dir(dir.path().join("folder.db")).unwrap();
    let before = files(dir.path());
    let refused: [(&[&str], &str); 7] = [
        (&["--db", "taken.db"], "pass --force to replace it"),
        (
            &["--db", "notes.db", "--force"],
            "is not a zairyu event log",
        ),
        (&["--db", "folder.db"], "is a directory"),
        (
            &["--db", "new.db", "--as-of", "2028-01-01"],
            "--as-of 2028-01-01 is outside the run",
        ),
        (
            &["--db", "new.db", "--policy", "missing.policy.yaml"],
            "missing.policy.yaml",
        ),
        (&["--db", "new.db", "--threads", "0"], "--threads"),
        (&["--db", "new.db", "--resume"], "--resume"),
    ];
    for (args, says) in refused {
        let o = run_population(dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
        assert_eq!(files(dir.path()), before, "{args:?} wrote something");
    }
    let zero = zairyu(&["run", "--population", "0"], dir.path());
    assert_eq!(zero.status.code(), Some(2), "{}", stderr(&zero));
    assert_eq!(files(dir.path()), before);
    // With --force, a zairyu log is replaced, and what it held is said.
    let o = run_population(dir.path(), &["--db", "taken.db", "--force", "--seed", "2"]);
    let doc = json(&o, 0);
    assert!(stderr(&o).contains("replacing taken.db"), "{}", stderr(&o));
    assert_eq!(doc["population"]["seed"], 2);
}

#[test]
fn compare_with_db_keeps_both_arms_whole_logs_and_tables_with_the_comparison_s_measures() {
    let dir = tempfile::tempdir().unwrap();
    let compare = |sub: &str| {
        zairyu(
            &[
                "compare",
                "--population",
                "200",
                "--baseline",
                &scenario("what-if/legacy.policy.yaml"),
                "--reform",
                &scenario("what-if/integrated.policy.yaml"),
                "--db",
                sub,
                "--format",
                "json",
            ],
            dir.path(),
        )
    };
    let o = compare("arms");
    let c = json(&o, 0);
    assert!(
        stderr(&o).contains("kept the logs of the whole population (200 residents, seed 1)"),
        "{}",
        stderr(&o)
    );
    for arm in ["baseline", "reform"] {
        let db = format!("arms/{arm}.db");
        let mode = std::fs::metadata(dir.path().join(&db))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{arm}");
        let measures = &c["runs"][0][arm];
        let replayed = json(&zairyu(&["replay", &db, "--format", "json"], dir.path()), 0);
        assert_eq!(replayed["verdict"], "verified", "{arm}");
        assert_eq!(replayed["run"]["events"], measures["events"], "{arm}");
        let t = exported(dir.path(), &db, &format!("{arm}-tables"));
        assert_eq!(t["residents"].len(), RECORDS, "{arm}");
        assert_eq!(
            sum(&t["measures"], "refusals"),
            measures["refusals"].as_i64().unwrap(),
            "{arm}"
        );
        assert_eq!(
            sum(&t["measures"], "visits_immigration_bureau"),
            measures["visits.immigration_bureau"].as_i64().unwrap(),
            "{arm}"
        );
        // The two arms differ where the regimes do: only the integrated one produces Tokutei
        // cards.
        let tokutei = count(&t["card_records"], "card_kind", "tokutei_residence_card");
        assert_eq!(tokutei > 0, arm == "reform", "{arm}: {tokutei}");
    }
    // Each arm's log is the one `run --population --policy` keeps.
    let alone = json(
        &zairyu(
            &[
                "run",
                "--population",
                "200",
                "--policy",
                &scenario("what-if/integrated.policy.yaml"),
                "--format",
                "json",
            ],
            dir.path(),
        ),
        0,
    );
    let reform = json(
        &zairyu(
            &["replay", "arms/reform.db", "--format", "json"],
            dir.path(),
        ),
        0,
    );
    assert_eq!(reform["hashes"][0]["rebuilt"], alone["log_hash"]);
    // The directory now holds them: a second comparison into it is refused before it runs.
    let again = compare("arms");
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(stdout(&again).is_empty());
}
