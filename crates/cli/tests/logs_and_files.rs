//! What the binary does to files: logs and `--out` files are private; an existing log is
//! replaced only with `--force`, saying what it held; an unusable `--db` is one message and exit
//! 2; a full disk names the file and never leaves a truncated or claimed-finished file; reading
//! a log (replay, explain) changes nothing beside it and never opens a path stored in it; replay
//! says verified, mismatch or cannot-verify in its exit code.

use std::os::unix::fs::PermissionsExt;
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use support::{log_hash, root, stderr, stdout, teaching, zairyu};

/// Runs the binary with a file-size limit of `blocks` × 512 bytes, as a full disk would: a
/// write past it fails (SIGXFSZ ignored, so the write returns EFBIG).
fn zairyu_with_disk_of(blocks: u32, args: &[&str], dir: &Path) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {blocks} && exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_zairyu"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("sh runs")
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

/// Every entry of `dir` with its bytes and modification time.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| {
            let p = e.expect("entry").path();
            let m = std::fs::symlink_metadata(&p).expect("lstat");
            let bytes = if m.is_file() {
                std::fs::read(&p).expect("read")
            } else {
                Vec::new()
            };
            (p, bytes, m.modified().expect("mtime"))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn logs_and_out_files_are_readable_by_their_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = zairyu(
        &["run", &teaching("extension_legacy.yaml"), "--db", "x.db"],
        d,
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(mode(&d.join("x.db")), 0o600);
    let explain = zairyu(
        &[
            "explain",
            &teaching("extension_legacy.yaml"),
            "--format",
            "html",
            "--out",
            "lesson/x.html",
        ],
        d,
    );
    assert_eq!(explain.status.code(), Some(0), "{}", stderr(&explain));
    assert_eq!(mode(&d.join("lesson/x.html")), 0o600);
    let baseline = root().join("scenarios/what-if/legacy.policy.yaml");
    let reform = root().join("scenarios/what-if/integrated.policy.yaml");
    let compare = zairyu(
        &[
            "compare",
            &teaching("extension_legacy.yaml"),
            "--baseline",
            baseline.to_str().unwrap(),
            "--reform",
            reform.to_str().unwrap(),
            "--out",
            "c.txt",
        ],
        d,
    );
    assert_eq!(compare.status.code(), Some(0), "{}", stderr(&compare));
    assert_eq!(mode(&d.join("c.txt")), 0o600);
    // Nothing else was left: no temporary files, no write-ahead files.
    let mut names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["c.txt", "lesson", "x.db"]);
}

#[test]
fn an_existing_log_is_replaced_only_with_force_and_the_run_says_what_it_held() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let scenario = teaching("extension_legacy.yaml");
    let first = zairyu(&["run", &scenario, "--db", "x.db", "--quiet"], d);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let before = std::fs::read(d.join("x.db")).unwrap();

    let again = zairyu(&["run", &scenario, "--db", "x.db", "--seed", "9"], d);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert_eq!(
        stderr(&again),
        format!(
            "error: x.db already holds the log of {scenario} (16 events, finished); pass \
             --force to replace it, or choose another --db\n"
        )
    );
    assert!(stdout(&again).is_empty());
    assert_eq!(std::fs::read(d.join("x.db")).unwrap(), before, "untouched");

    let forced = zairyu(
        &["run", &scenario, "--db", "x.db", "--seed", "9", "--force"],
        d,
    );
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert_eq!(
        stderr(&forced),
        format!("replacing x.db: it held the log of {scenario} (16 events, finished)\n")
    );
    let replay = zairyu(&["replay", "x.db"], d);
    assert_eq!(replay.status.code(), Some(0), "{}", stderr(&replay));
    assert!(stdout(&replay).contains("seed 9"), "{}", stdout(&replay));

    // Something that is not a log is never replaced, even with --force.
    std::fs::write(d.join("notes.txt"), "mine\n").unwrap();
    let refused = zairyu(&["run", &scenario, "--db", "notes.txt", "--force"], d);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("notes.txt exists and is not a zairyu event log"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        std::fs::read_to_string(d.join("notes.txt")).unwrap(),
        "mine\n"
    );
}

#[test]
fn an_unusable_db_path_is_one_message_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("file"), "x").unwrap();
    std::fs::create_dir(d.join("folder")).unwrap();
    let scenario = teaching("extension_legacy.yaml");
    for (db, expected) in [
        ("file/x.db", "error: cannot create the directory file: "),
        (
            "folder",
            "error: folder is a directory; --db names the log file to create",
        ),
        (
            "/dev/full",
            "error: /dev/full exists and is not a zairyu event log (not a regular file)",
        ),
        (
            "/proc/zairyu/x.db",
            "error: cannot create the directory /proc/zairyu: ",
        ),
    ] {
        let o = zairyu(&["run", &scenario, "--db", db, "--force"], d);
        assert_eq!(o.status.code(), Some(2), "{db}: {}", stderr(&o));
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{db}: one message: {err}");
        assert!(err.starts_with(expected), "{db}: {err}");
    }
    assert_eq!(
        mode(Path::new("/dev/full")) & 0o666,
        0o666,
        "/dev/full untouched"
    );
}

#[test]
fn a_full_disk_names_the_log_and_leaves_no_finished_claim() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let scenario = teaching("extension_legacy.yaml");
    // Too small to create the log at all: nothing is left behind.
    for force in [&[][..], &["--force"]] {
        let mut args = vec!["run", &scenario, "--db", "tiny.db"];
        args.extend(force);
        let tiny = zairyu_with_disk_of(8, &args, d);
        assert_eq!(tiny.status.code(), Some(2), "{}", stderr(&tiny));
        assert!(stderr(&tiny).starts_with("error: cannot create the log tiny.db: "));
        assert!(snapshot(d).is_empty(), "{force:?}: {:?}", snapshot(d));
    }
    // Room for the start of the log only: the run fails naming it, and the log left behind
    // is an unfinished prefix that replay cannot verify (never one it calls verified).
    let mut stopped = None;
    for blocks in [40, 48, 56, 64, 72, 80] {
        let _ = std::fs::remove_file(d.join("full.db"));
        let o = zairyu_with_disk_of(blocks, &["run", &scenario, "--db", "full.db"], d);
        if o.status.code() == Some(1) {
            stopped = Some(o);
            break;
        }
    }
    let o = stopped.expect("some limit stops the run after the log was created");
    let err = stderr(&o);
    assert!(
        err.starts_with("error: the run stopped: the log full.db is incomplete"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!stdout(&o).contains("log hash"), "no success claimed");
    let replay = zairyu(&["replay", "full.db"], d);
    assert_eq!(replay.status.code(), Some(3), "{}", stderr(&replay));

    // With room again, `run --resume` checks the stored prefix against a re-run, appends the
    // rest and finishes the log: the same log an uninterrupted run writes, and now verified.
    let kept = event_store::EventStore::open_read_only(d.join("full.db"))
        .and_then(|s| s.last_global_seq())
        .unwrap();
    let resumed = zairyu(&["run", &scenario, "--db", "full.db", "--resume"], d);
    assert_eq!(resumed.status.code(), Some(0), "{}", stderr(&resumed));
    assert!(
        stderr(&resumed).contains(&format!("the {kept} stored events are this run's")),
        "{}",
        stderr(&resumed)
    );
    let whole = zairyu(&["run", &scenario, "--db", "whole.db"], d);
    assert_eq!(whole.status.code(), Some(0), "{}", stderr(&whole));
    assert_eq!(log_hash(&resumed), log_hash(&whole));
    let replay = zairyu(&["replay", "full.db"], d);
    assert_eq!(replay.status.code(), Some(0), "{}", stdout(&replay));
}

#[test]
fn resume_continues_only_a_prefix_of_the_same_run_and_otherwise_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let legacy = teaching("extension_legacy.yaml");
    let run = zairyu(&["run", &legacy, "--db", "x.db"], d);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    // The same grant date edited in the stored payload, as in the replay test below.
    let mut edited = std::fs::read(d.join("x.db")).unwrap();
    let from = b"2029-07-31";
    let places: Vec<usize> = edited
        .windows(from.len())
        .enumerate()
        .filter(|(_, w)| *w == from)
        .map(|(i, _)| i)
        .collect();
    assert!(!places.is_empty(), "the grant date is stored");
    for at in places {
        edited[at + 9] = b'0';
    }
    std::fs::write(d.join("edited.db"), &edited).unwrap();
    std::fs::set_permissions(d.join("edited.db"), std::fs::Permissions::from_mode(0o600)).unwrap();

    let integrated = teaching("extension_integrated.yaml");
    let refusals: [(&[&str], &str); 4] = [
        (
            &["run", &integrated, "--db", "x.db", "--resume"],
            "the log is of another run (its scenario file differs)",
        ),
        (
            &["run", &legacy, "--db", "x.db", "--resume", "--seed", "8"],
            "the log is of another run (its seed differs)",
        ),
        (
            &["run", &legacy, "--db", "edited.db", "--resume"],
            "cannot resume",
        ),
        (
            &["run", &legacy, "--db", "none.db", "--resume"],
            "none.db: no log to resume",
        ),
    ];
    for (args, says) in refusals {
        let before = snapshot(d);
        let o = zairyu(args, d);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
        assert!(
            !stdout(&o).contains("log hash"),
            "{args:?}: no success claimed"
        );
        assert_eq!(snapshot(d), before, "{args:?}: nothing written");
    }
    // In Japanese the part that differs is named in its own words: the simulator says which
    // part by kind, so the words cannot fall back to a vague "the run's record" when its English
    // is reworded.
    let in_japanese: [(&[&str], &str); 2] = [
        (
            &["run", &integrated, "--db", "x.db", "--resume"],
            "別の実行のログ（シナリオファイルが違う）",
        ),
        (
            &["run", &legacy, "--db", "x.db", "--resume", "--seed", "8"],
            "別の実行のログ（シードが違う）",
        ),
    ];
    for (args, says) in in_japanese {
        let o = zairyu(&[&["--lang", "ja"][..], args].concat(), d);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn a_failed_out_write_leaves_the_previous_file_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("lesson.html"), "the old lesson\n").unwrap();
    let o = zairyu_with_disk_of(
        4,
        &[
            "explain",
            &teaching("extension_legacy.yaml"),
            "--format",
            "html",
            "--out",
            "lesson.html",
        ],
        d,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("error: cannot write lesson.html: "),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(d.join("lesson.html")).unwrap(),
        "the old lesson\n"
    );
    assert_eq!(
        snapshot(d).len(),
        1,
        "no temporary file left: {:?}",
        snapshot(d)
    );
}

#[test]
fn replay_and_explain_of_a_log_change_nothing_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let scenario = teaching("extension_integrated.yaml");
    let run = zairyu(&["run", &scenario, "--db", "x.db"], d);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    // The log of a bulk run stopped before `finish`: no unique index yet (which a writer
    // would build on open), and marked unfinished.
    let s = scenario::load(Path::new(&scenario)).unwrap();
    let store = event_store::EventStore::create(d.join("bulk.db")).unwrap();
    let mut store = store;
    store
        .write_run_meta(&simulator::scenario_run_meta(&s, "test"))
        .unwrap();
    drop(simulator::run_scenario(&s, Some(store), None).unwrap());
    let before = snapshot(d);
    for (args, code) in [
        (&["replay", "x.db"][..], 0),
        (
            &["replay", "x.db", "--as-of", "2026-07-20", "--transcript"],
            0,
        ),
        (&["explain", "x.db"], 0),
        (&["explain", "x.db", "--format", "mermaid"], 0),
        (&["explain", "x.db", "--format", "html"], 0),
        (&["replay", "bulk.db"], 3),
        (&["explain", "bulk.db"], 0),
    ] {
        let o = zairyu(args, d);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        assert_eq!(snapshot(d), before, "{args:?} changed the directory");
    }
}

#[test]
fn explain_of_a_log_tells_it_from_the_log_alone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The scenario is copied, run, then replaced by a FIFO: a reader that reopened the path
    // stored in the log would block on it forever.
    std::fs::copy(teaching("extension_integrated.yaml"), d.join("s.yaml")).unwrap();
    let run = zairyu(&["run", "s.yaml", "--db", "x.db"], d);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    std::fs::remove_file(d.join("s.yaml")).unwrap();
    let fifo = Command::new("mkfifo")
        .arg(d.join("s.yaml"))
        .status()
        .unwrap();
    assert!(fifo.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_zairyu"))
        .args(["explain", "x.db"])
        .current_dir(d)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut waited = 0;
    while child.try_wait().unwrap().is_none() {
        std::thread::sleep(std::time::Duration::from_millis(20));
        waited += 1;
        if waited > 1500 {
            child.kill().unwrap();
            panic!("explain blocked on the path stored in the log");
        }
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    // Title, description and display name come from the log.
    assert!(
        text.starts_with("Extension under the integrated regime\n"),
        "{text}"
    );
    assert!(text.contains("Li Mei"), "{text}");
}

#[test]
fn replay_verifies_against_the_run_and_against_a_hash_kept_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = zairyu(
        &["run", &teaching("extension_legacy.yaml"), "--db", "x.db"],
        d,
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let hash = log_hash(&run);
    let ok = zairyu(&["replay", "x.db", "--expect-hash", &hash], d);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("(matches the log)"));
    let wrong = zairyu(&["replay", "x.db", "--expect-hash", "0000"], d);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(stdout(&wrong).contains("expected    0000  MISMATCH"));

    // An edited event (a grant date changed in the stored payload, as anyone with the file
    // could) no longer matches what the run recorded.
    let mut edited = std::fs::read(d.join("x.db")).unwrap();
    let from = b"2029-07-31";
    let places: Vec<usize> = edited
        .windows(from.len())
        .enumerate()
        .filter(|(_, w)| *w == from)
        .map(|(i, _)| i)
        .collect();
    assert!(!places.is_empty(), "the grant date is stored");
    for at in places {
        edited[at + 9] = b'0';
    }
    std::fs::write(d.join("edited.db"), &edited).unwrap();
    std::fs::set_permissions(d.join("edited.db"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let tampered = zairyu(&["replay", "edited.db"], d);
    assert_eq!(tampered.status.code(), Some(1), "{}", stderr(&tampered));
    assert!(
        stdout(&tampered).contains("MISMATCH"),
        "{}",
        stdout(&tampered)
    );
}

#[test]
fn replay_compares_a_state_hash_only_under_the_rules_that_derived_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A golden log finished before the rules' version was recorded: its events verify, and its
    // state hash, made by older rules, is shown and not compared.
    std::fs::copy(
        root().join("tests/golden/v2/extension_integrated.db"),
        d.join("old.db"),
    )
    .unwrap();
    let old = zairyu(&["replay", "old.db"], d);
    assert_eq!(old.status.code(), Some(0), "{}", stderr(&old));
    let text = stdout(&old);
    assert!(text.contains("(matches the run)"), "{text}");
    assert!(
        text.contains("not compared: the run recorded a4702f84"),
        "{text}"
    );

    // A log of this build whose recorded state hash was changed is a mismatch ...
    let run = zairyu(
        &["run", &teaching("extension_legacy.yaml"), "--db", "x.db"],
        d,
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    // Edited through the store, as anyone with the file and a SQLite could.
    let edit = |change: &dyn Fn(&mut event_store::RunMeta)| {
        let mut store = event_store::EventStore::open(d.join("x.db")).unwrap();
        let mut meta = store.read_run_meta().unwrap().unwrap();
        change(&mut meta);
        store.write_run_meta(&meta).unwrap();
    };
    edit(&|m| m.final_state_hash = Some("beef".into()));
    let edited = zairyu(&["replay", "x.db"], d);
    assert_eq!(edited.status.code(), Some(1), "{}", stdout(&edited));
    assert!(
        stdout(&edited).contains("MISMATCH: the run recorded beef"),
        "{}",
        stdout(&edited)
    );
    // ... and one recorded under another version of the rules is not compared.
    edit(&|m| m.projection_version = Some(1));
    let other = zairyu(&["replay", "x.db", "--format", "json"], d);
    assert_eq!(other.status.code(), Some(0), "{}", stderr(&other));
    let json: serde_json::Value = serde_json::from_str(&stdout(&other)).unwrap();
    assert_eq!(json["hashes"][1]["what"], "state hash");
    assert_eq!(json["hashes"][1]["compared"], false);
    assert_eq!(json["verdict"], "verified");
    let text = stdout(&zairyu(&["replay", "x.db"], d));
    assert!(
        text.contains("not compared: the run recorded beef under version 1 of the rules"),
        "{text}"
    );
}
