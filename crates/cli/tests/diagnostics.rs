//! Diagnostics: `RUST_LOG` turns on `tracing` output on stderr — the phases of a run, the
//! store's commits — and changes nothing on stdout or in the log.

use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, db: &str, rust_log: Option<&str>) -> Output {
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios/teaching/extension_legacy.yaml");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zairyu"));
    cmd.args(["run", &scenario.display().to_string(), "--db", db])
        .current_dir(dir)
        .env_remove("RUST_LOG");
    if let Some(filter) = rust_log {
        cmd.env("RUST_LOG", filter);
    }
    let out = cmd.output().expect("the binary runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// stdout without the line naming the database file, which differs between the two runs.
fn report(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| !l.starts_with("database"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn rust_log_reports_the_run_phases_on_stderr_and_leaves_stdout_alone() {
    let dir = tempfile::tempdir().unwrap();
    let quiet = run(dir.path(), "quiet.db", None);
    let traced = run(dir.path(), "traced.db", Some("info,event_store=debug"));

    assert!(
        quiet.stderr.is_empty(),
        "without RUST_LOG nothing is reported: {}",
        String::from_utf8_lossy(&quiet.stderr)
    );
    // The same report (log hash included), whatever the diagnostics.
    assert_eq!(report(&quiet), report(&traced));

    let err = String::from_utf8_lossy(&traced.stderr);
    for phase in [
        "run{",
        "enrolment",
        "steps",
        "finish",
        "run finished",
        "batch committed",
    ] {
        assert!(
            err.contains(phase),
            "no `{phase}` in the diagnostics:\n{err}"
        );
    }
}
