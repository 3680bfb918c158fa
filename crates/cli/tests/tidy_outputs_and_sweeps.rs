//! The analyst's outputs (issue 14): `compare` summarises seeds as medians with 10th–90th
//! percentile bands and paired intervals; its CSV is tidy, with a plain header that a CSV
//! reader (here the `csv` crate, as `pandas.read_csv` would) takes as the columns, and the
//! manifest beside it; `zairyu sweep` runs a 3 × 3 grid × 3 seeds as one tidy table (CSV and
//! Parquet); a shard's index comes from the batch scheduler's array variable; four shards
//! merged equal the unsharded run byte for byte; bad input is exit 2, nothing written.
//!
//! Populations are tiny (≤ 200 residents) so that the file runs in seconds on two cores.

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use support::{scenario, stderr, stdout, zairyu, zairyu_env};

const GRID: [&str; 4] = [
    "--grid",
    "resident.tokutei_uptake=0.1,0.5,0.9",
    "--grid",
    "card_production_lead_time=5d,15d,30d",
];

/// The rows of a CSV file, each a map from the header's column names.
fn read_csv(path: &Path) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_owned))
                .collect()
        })
        .collect();
    (header, rows)
}

fn compare_csv(dir: &Path) -> std::process::Output {
    zairyu(
        &[
            "compare",
            "--population",
            "200",
            "--seeds",
            "3",
            "--baseline",
            &scenario("what-if/legacy.policy.yaml"),
            "--reform",
            &scenario("what-if/integrated.policy.yaml"),
            "--format",
            "csv",
            "--out",
            "cmp.csv",
        ],
        dir,
    )
}

#[test]
fn compare_csv_is_tidy_with_paired_differences_and_its_manifest_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let o = compare_csv(dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.path().join("cmp.csv")).unwrap();
    assert!(!text.starts_with('#'), "no comment line: {}", &text[..80]);
    let (header, rows) = read_csv(&dir.path().join("cmp.csv"));
    assert_eq!(
        header,
        ["measure", "label", "arm", "seed", "summary", "value"]
    );

    // Per-seed rows: every measure × arm × seed once; the difference is reform − baseline of
    // the same seed.
    let mut per_seed: BTreeMap<(String, String, String), i64> = BTreeMap::new();
    let mut summaries: BTreeMap<(String, String, String), f64> = BTreeMap::new();
    for r in &rows {
        if r["summary"].is_empty() {
            let v: i64 = r["value"].parse().unwrap();
            let key = (r["measure"].clone(), r["arm"].clone(), r["seed"].clone());
            assert!(per_seed.insert(key, v).is_none(), "one row each: {r:?}");
        } else {
            assert!(r["seed"].is_empty(), "{r:?}");
            let key = (r["measure"].clone(), r["arm"].clone(), r["summary"].clone());
            summaries.insert(key, r["value"].parse().unwrap());
        }
    }
    let measures: std::collections::BTreeSet<&String> = per_seed.keys().map(|k| &k.0).collect();
    assert!(measures.contains(&"visits.city_hall".to_owned()));
    assert!(measures.iter().any(|m| m.starts_with("workload.")));
    assert_eq!(per_seed.len(), measures.len() * 3 * 3);
    for m in &measures {
        let mut diffs = Vec::new();
        for seed in ["1", "2", "3"] {
            let get = |arm: &str| per_seed[&((*m).clone(), arm.to_owned(), seed.to_owned())];
            assert_eq!(
                get("difference"),
                get("reform") - get("baseline"),
                "{m} seed {seed}"
            );
            diffs.push(get("difference"));
        }
        diffs.sort_unstable();
        let s = |stat: &str| summaries[&((*m).clone(), "difference".to_owned(), stat.to_owned())];
        // The paired interval: percentiles of the per-seed differences (3 seeds: the median is
        // the middle one, p10 a fifth of the way from the lowest to the middle).
        assert_eq!(s("median"), diffs[1] as f64, "{m}");
        let p10 = diffs[0] as f64 + 0.2 * (diffs[1] - diffs[0]) as f64;
        assert!((s("p10") - p10).abs() < 1e-6, "{m}: {} vs {p10}", s("p10"));
        assert_eq!(
            (s("min"), s("max")),
            (diffs[0] as f64, diffs[2] as f64),
            "{m}"
        );
    }
    // The reform moves city-hall visits: some seed's difference is not zero.
    assert!(["1", "2", "3"].iter().any(|seed| per_seed[&(
        "visits.city_hall".into(),
        "difference".into(),
        (*seed).into()
    )] != 0));

    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("cmp.manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["data"], "cmp.csv");
    assert_eq!(manifest["manifest"]["format"], "zairyu-compare/1");
    assert_eq!(manifest["manifest"]["seeds"], serde_json::json!([1, 2, 3]));
    assert_eq!(manifest["runs"].as_array().map(Vec::len), Some(3));
    assert!(
        manifest["manifest"]["intervals"]
            .as_str()
            .unwrap()
            .contains("10th and 90th percentiles")
    );
}

#[test]
fn compare_table_shows_medians_with_percentile_bands_or_min_max() {
    let dir = tempfile::tempdir().unwrap();
    let args = |band: &'static str| {
        vec![
            "compare".to_owned(),
            "--population".into(),
            "200".into(),
            "--baseline".into(),
            scenario("what-if/legacy.policy.yaml"),
            "--reform".into(),
            scenario("what-if/integrated.policy.yaml"),
            "--band".into(),
            band.into(),
        ]
    };
    let run = |band| {
        let a = args(band);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let o = zairyu(&a, dir.path());
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o)
    };
    let p = run("p10-p90");
    // Ten seeds by default for a population.
    assert!(p.contains("seeds     1, 2, 3, 4, 5, 6, 7, 8, 9, 10"), "{p}");
    assert!(
        p.contains("median over seeds [10th–90th percentile]"),
        "{p}"
    );
    let line = |text: &str| {
        text.lines()
            .find(|l| l.starts_with("My Number outage days"))
            .unwrap_or_else(|| panic!("{text}"))
            .to_owned()
    };
    let (pl, ml) = (line(&p), line(&run("min-max")));
    assert!(pl.contains('[') && pl.contains('–'), "a band: {pl}");
    assert_ne!(pl, ml, "the bands differ: {pl} / {ml}");
}

#[test]
fn a_three_by_three_sweep_over_three_seeds_is_one_tidy_table_in_csv_and_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["sweep", "--population", "120", "--seeds", "3"];
    args.extend(GRID);
    let csv_args = [&args[..], &["--format", "csv", "--out", "s.csv"]].concat();
    let o = zairyu(&csv_args, dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (header, rows) = read_csv(&dir.path().join("s.csv"));
    assert_eq!(
        header,
        [
            "point",
            "resident.tokutei_uptake",
            "card_production_lead_time",
            "seed",
            "measure",
            "label",
            "value"
        ]
    );
    let points: std::collections::BTreeSet<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["point"].clone(),
                r["resident.tokutei_uptake"].clone(),
                r["card_production_lead_time"].clone(),
            )
        })
        .collect();
    assert_eq!(points.len(), 9);
    let measures: std::collections::BTreeSet<&String> =
        rows.iter().map(|r| &r["measure"]).collect();
    assert_eq!(rows.len(), 9 * 3 * measures.len());
    // More uptake, more Tokutei cards: the sweep's axes reach the runs.
    let tokutei = |uptake: &str| -> i64 {
        rows.iter()
            .filter(|r| {
                r["measure"] == "tokutei_productions"
                    && r["resident.tokutei_uptake"] == uptake
                    && r["card_production_lead_time"] == "5d"
            })
            .map(|r| r["value"].parse::<i64>().unwrap())
            .sum()
    };
    assert!(
        tokutei("0.1") < tokutei("0.9"),
        "{} {}",
        tokutei("0.1"),
        tokutei("0.9")
    );

    // The same table as Parquet, with its manifest beside it.
    let pq_args = [&args[..], &["--format", "parquet", "--out", "s.parquet"]].concat();
    let o = zairyu(&pq_args, dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let file = std::fs::File::open(dir.path().join("s.parquet")).unwrap();
    let reader = SerializedFileReader::new(file).unwrap();
    let schema = reader.metadata().file_metadata().schema_descr();
    let names: Vec<&str> = schema.columns().iter().map(|c| c.name()).collect();
    assert_eq!(names, header.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(
        reader.metadata().file_metadata().num_rows() as usize,
        rows.len()
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("s.manifest.json")).unwrap())
            .unwrap();
    assert_eq!(m["data"], "s.parquet");
    assert_eq!(
        m["manifest"]["axes"][1]["values"],
        serde_json::json!(["5d", "15d", "30d"])
    );

    // The terminal table: a row per grid point.
    let o = zairyu(&args, dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = stdout(&o);
    assert!(
        t.lines()
            .any(|l| l.starts_with("8 ") && l.contains("0.9") && l.contains("30d")),
        "{t}"
    );
}

#[test]
fn four_array_tasks_merged_equal_the_unsharded_sweep_and_comparison_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let mut sweep = vec!["sweep", "--population", "150", "--seeds", "2"];
    sweep.extend(GRID);
    let whole = [&sweep[..], &["--format", "csv", "--out", "whole.csv"]].concat();
    assert_eq!(zairyu(&whole, dir.path()).status.code(), Some(0));
    // One task per scheduler variable: each names its own shard.
    let vars = [
        "SLURM_ARRAY_TASK_ID",
        "JOB_COMPLETION_INDEX",
        "AWS_BATCH_JOB_ARRAY_INDEX",
        "SLURM_ARRAY_TASK_ID",
    ];
    let mut files = Vec::new();
    for (k, var) in vars.iter().enumerate() {
        let out = format!("shard-{k}.json");
        let args = [&sweep[..], &["--shards", "4", "--out", &out]].concat();
        let o = zairyu_env(&args, dir.path(), &[(var, &k.to_string())]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let part: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join(&out)).unwrap()).unwrap();
        assert_eq!(
            part["manifest"]["shard"],
            serde_json::json!({"index": k, "count": 4})
        );
        files.push(out);
    }
    // Retrying a task (the file is replaced whole) changes nothing.
    let again = [&sweep[..], &["--shards", "4", "--out", "shard-1.json"]].concat();
    let before = std::fs::read(dir.path().join("shard-1.json")).unwrap();
    let o = zairyu_env(&again, dir.path(), &[("SLURM_ARRAY_TASK_ID", "1")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(dir.path().join("shard-1.json")).unwrap(),
        before
    );

    let mut merge = vec!["merge"];
    merge.extend(files.iter().rev().map(String::as_str));
    let merged = [&merge[..], &["--format", "csv", "--out", "merged.csv"]].concat();
    let o = zairyu(&merged, dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(dir.path().join("merged.csv")).unwrap(),
        std::fs::read(dir.path().join("whole.csv")).unwrap()
    );
    // The table too (stdout).
    let o_whole = zairyu(&sweep, dir.path());
    let o_merged = zairyu(&merge, dir.path());
    assert_eq!(stdout(&o_merged), stdout(&o_whole));

    // A comparison likewise, through the same variables.
    let compare = [
        "compare",
        "--population",
        "150",
        "--seeds",
        "2",
        "--baseline",
        &scenario("what-if/legacy.policy.yaml"),
        "--reform",
        &scenario("what-if/integrated.policy.yaml"),
    ];
    let whole = [&compare[..], &["--format", "csv"]].concat();
    let o_whole = zairyu(&whole, dir.path());
    let mut parts = Vec::new();
    for k in 0..4 {
        let out = format!("cmp-{k}.json");
        let args = [&compare[..], &["--shards", "4", "--out", &out]].concat();
        let o = zairyu_env(
            &args,
            dir.path(),
            &[("JOB_COMPLETION_INDEX", &k.to_string())],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        parts.push(out);
    }
    let mut merge = vec!["merge", "--format", "csv"];
    merge.extend(parts.iter().map(String::as_str));
    let o_merged = zairyu(&merge, dir.path());
    assert_eq!(o_merged.status.code(), Some(0), "{}", stderr(&o_merged));
    assert_eq!(stdout(&o_merged), stdout(&o_whole));

    // Shards that do not make a whole, or mix a sweep with a comparison, are bad input, said in
    // each language by what is wrong (the simulator's reason is typed: the Japanese says it in
    // its own words, not "see --lang en").
    for (files, said, said_ja) in [
        (
            ["shard-0.json", "shard-1.json"],
            "k/4",
            "4 個に分けたシャードの結果が 2 個ある",
        ),
        (
            ["shard-0.json", "shard-0.json"],
            "where 1/4 belongs",
            "シャード 1/4 の所にシャード 0/4 がある",
        ),
        (["shard-0.json", "cmp-1.json"], "mix", "混ざっている"),
    ] {
        let o = zairyu(&[&["merge"][..], &files[..]].concat(), dir.path());
        assert_eq!(o.status.code(), Some(2), "{files:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(said), "{files:?}: {}", stderr(&o));
        let o = zairyu(
            &[&["--lang", "ja", "merge"][..], &files[..]].concat(),
            dir.path(),
        );
        assert_eq!(o.status.code(), Some(2), "{files:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(said_ja), "{files:?}: {}", stderr(&o));
    }
}

/// Extra arguments, environment, and what the error must say.
type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);

#[test]
fn a_bad_array_index_or_grid_is_bad_input_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut sweep = vec!["sweep", "--population", "50", "--seeds", "1"];
    sweep.extend(GRID);
    let cases: [Case; 5] = [
        (
            &["--shards", "4"],
            &[("SLURM_ARRAY_TASK_ID", "4")],
            "0 to 3",
        ),
        (&["--shards", "4"], &[], "SLURM_ARRAY_TASK_ID"),
        (
            &["--shards", "4"],
            &[("JOB_COMPLETION_INDEX", "one")],
            "whole number",
        ),
        (&["--grid", "resident.tokutei_uptake=2"], &[], "--grid"),
        (&["--grid", "no_such_key=1"], &[], "no_such_key"),
    ];
    for (extra, env, said) in cases {
        let args = [&sweep[..], extra, &["--out", "x.json"]].concat();
        let o = zairyu_env(&args, dir.path(), env);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(said), "{extra:?}: {}", stderr(&o));
        assert!(!dir.path().join("x.json").exists());
    }
}
