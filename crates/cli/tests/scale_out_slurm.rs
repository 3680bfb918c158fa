//! The Slurm array script of docs/scale-out.md, run on a real Slurm: four array tasks each run
//! one shard of a sweep (the index from `SLURM_ARRAY_TASK_ID`), and their results merged equal
//! the unsharded sweep byte for byte. It needs `sbatch` and a running cluster (a one-node
//! cluster is enough: docs/scale-out.md says how to set one up); without them it says why on
//! standard error and checks nothing else — CI does not install Slurm.
//!
//! The Kubernetes Indexed Job manifest cannot be run here; what can be checked offline is that
//! it asks for as many completions as the shards it names, in Indexed mode, and treats exit
//! code 2 (bad input) as final.

mod support;

use std::path::Path;
use std::process::Command;

use support::{root, stderr, zairyu};

/// Why the Slurm test cannot run here, if it cannot.
fn no_slurm() -> Option<String> {
    let ran = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .output()
            .map(|o| o.status.success())
    };
    match ran("sbatch", &["--version"]) {
        Err(_) => return Some("`sbatch` is not installed".into()),
        Ok(false) => return Some("`sbatch --version` failed".into()),
        Ok(true) => {}
    }
    match ran("scontrol", &["ping"]) {
        Ok(true) => None,
        _ => Some("no Slurm controller answers `scontrol ping`".into()),
    }
}

#[test]
fn the_slurm_array_script_runs_four_shards_that_merge_into_the_unsharded_sweep() {
    if let Some(why) = no_slurm() {
        eprintln!("skipped: {why} (docs/scale-out.md sets up a one-node cluster)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results");
    let script = root().join("docs/scale-out/sweep-array.sbatch");
    let o = Command::new("sbatch")
        .current_dir(dir.path())
        .args(["--wait", "--array=0-3"])
        .arg(format!(
            "--export=ALL,ZAIRYU={},OUT={},POPULATION=150,SEEDS=2",
            env!("CARGO_BIN_EXE_zairyu"),
            results.display()
        ))
        .arg(&script)
        .output()
        .expect("sbatch runs");
    assert!(
        o.status.success(),
        "sbatch: {}{}",
        String::from_utf8_lossy(&o.stdout),
        stderr(&o)
    );
    let shard = |k: usize| results.join(format!("shard-{k}.json"));
    let mut merge = vec!["merge".to_owned()];
    for k in 0..4 {
        let part: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(shard(k)).unwrap()).unwrap();
        assert_eq!(
            part["manifest"]["shard"]["index"], k,
            "task {k} ran shard {k}"
        );
        merge.push(shard(k).display().to_string());
    }
    merge.extend(["--format", "csv"].map(str::to_owned));
    let merge: Vec<&str> = merge.iter().map(String::as_str).collect();
    let merged = zairyu(&merge, dir.path());
    let whole = zairyu(
        &[
            "sweep",
            "--population",
            "150",
            "--seeds",
            "2",
            "--grid",
            "resident.tokutei_uptake=0.1,0.5,0.9",
            "--grid",
            "card_production_lead_time=5d,15d,30d",
            "--format",
            "csv",
        ],
        dir.path(),
    );
    assert_eq!(merged.status.code(), Some(0), "{}", stderr(&merged));
    assert_eq!(merged.stdout, whole.stdout);
}

#[test]
fn the_kubernetes_indexed_job_asks_for_one_completion_per_shard() {
    let text = std::fs::read_to_string(root().join("docs/scale-out/indexed-job.yaml")).unwrap();
    let value = |key: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(key))
            .map(str::trim)
            .unwrap_or_else(|| panic!("no `{key}` in the manifest"))
            .to_owned()
    };
    assert_eq!(value("kind:"), "Job");
    assert_eq!(value("completionMode:"), "Indexed");
    let completions = value("completions:");
    assert!(
        text.contains(&format!("--shards {completions} ")),
        "--shards must equal completions ({completions})"
    );
    assert!(text.contains("$JOB_COMPLETION_INDEX"));
    assert_eq!(value("values:"), "[2]", "exit code 2 fails the Job at once");
    // The same arguments run here, as one shard (index 3), give that shard.
    let dir = tempfile::tempdir().unwrap();
    let o = support::zairyu_env(
        &[
            "sweep",
            "--population",
            "40",
            "--seeds",
            "1",
            "--grid",
            "resident.tokutei_uptake=0.1,0.5,0.9",
            "--grid",
            "card_production_lead_time=5d,15d,30d",
            "--shards",
            &completions,
            "--threads",
            "1",
            "--out",
            "shard-3.json",
        ],
        dir.path(),
        &[("JOB_COMPLETION_INDEX", "3")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(Path::new(&dir.path().join("shard-3.json")).exists());
}
