//! `zairyu run SCENARIO --step`, driven by piped commands as a teacher would type them: move on
//! by events, days and dates, look at the record as each office sees it, add a step after now
//! (Li Mei, who never renews her My Number card, asks the city hall in time), quit; the saved
//! log replays and verifies like any other; a command the mode does not know, a step in the
//! past and an unknown resident each get a clear message, never a panic.

mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

/// `zairyu [global] run SCENARIO --step --db DB` with `input` piped to it.
fn session(global: &[&str], scenario: &str, db: &Path, input: &str) -> Output {
    let scenario = support::scenario(scenario);
    let db = db.display().to_string();
    let mut args = global.to_vec();
    args.extend(["run", &scenario, "--step", "--db", &db]);
    let mut child = support::command(&args, Path::new("."))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Output bytes as text.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn replay(db: &Path) -> Output {
    let db = db.display().to_string();
    support::zairyu(&["replay", &db, "--format", "json"], Path::new("."))
}

const NEVER_RENEWS: &str = "teaching/extension_legacy_never_renews.yaml";

#[test]
fn a_stepped_run_with_a_step_added_shows_its_effect_and_saves_a_log_that_replays() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stepped.db");
    let o = session(
        &[],
        NEVER_RENEWS,
        &db,
        "next\nnext 2\nuntil 2026-07-20\nshow mei\n\
         add mei request_my_number_validity_change\nend\nshow mei\nquit\n",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    // One event, then two more, each move followed by where the run stands.
    assert!(
        out.contains("— now 2026-06-20 00:00: 1 of 13 events"),
        "{out}"
    );
    assert!(
        out.contains("— now 2026-06-20 00:00: 3 of 13 events"),
        "{out}"
    );
    // On the 20th the bureau has granted the extension; her My Number card still ends with
    // the old period.
    assert!(out.contains("mei on 2026-07-20"), "{out}");
    assert!(
        out.contains("My Number card, valid through 2026-07-31"),
        "{out}"
    );
    // The added step happens the next morning and changes what follows.
    assert!(
        out.contains("step added at 2026-07-21 09:00; the run now has 16 events"),
        "{out}"
    );
    assert!(
        out.contains(
            "2026-07-21 09:00  city hall  mei  changes the My Number card's validity from \
             2026-07-31 to 2029-07-31"
        ),
        "{out}"
    );
    let end = out
        .split("mei on 2026-12-31")
        .nth(1)
        .expect("the last record");
    assert!(end.contains("My Number functions: usable"), "{end}");
    assert!(end.contains("outage 0"), "{end}");
    assert!(
        out.contains("saved the log") && out.contains("16 events through 2026-12-31"),
        "{out}"
    );
    // The saved log is a run like any other: replay verifies every hash.
    let r = replay(&db);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(doc["verdict"], "verified");
    assert_eq!(doc["run"]["events"], 16);
}

#[test]
fn quitting_mid_run_saves_the_run_through_the_end_of_that_day() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stepped.db");
    // No `quit`: the end of the input ends the session the same way.
    let o = session(&[], NEVER_RENEWS, &db, "until 2026-07-10\n");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("5 events through 2026-07-10"),
        "{}",
        text(&o.stdout)
    );
    let r = replay(&db);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(doc["run"]["until"], "2026-07-10");
    assert_eq!(doc["run"]["events"], 5);
}

#[test]
fn bad_commands_get_a_message_and_the_session_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stepped.db");
    let o = session(
        &[],
        NEVER_RENEWS,
        &db,
        "bogus\nnext zero\nuntil someday\nshow bob\nadd bob file_extension\n\
         add mei file_extension on: 2026-06-01\nadd mei\nday\nadd mei fly_to_the_moon\nhelp\nquit\n",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    for expected in [
        "unknown command `bogus`: type `help` for the commands",
        "usage: next [N]",
        "usage: until DATE",
        "no resident `bob` (residents: mei)",
        "step refers to unknown resident `bob`",
        "is before `start` 2026-06-20",
        "usage: add RESIDENT STEP [FIELDS]",
        "unknown variant `fly_to_the_moon`",
        "show [RESIDENT]",
    ] {
        assert!(out.contains(expected), "{expected:?} not in:\n{out}");
    }
    assert!(text(&o.stderr).is_empty(), "{}", text(&o.stderr));
}

#[test]
fn a_step_at_or_before_now_is_refused_because_what_was_shown_cannot_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stepped.db");
    let o = session(
        &[],
        NEVER_RENEWS,
        &db,
        "until 2026-07-15\nadd mei request_my_number_validity_change on: 2026-07-14\nquit\n",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("a step at 2026-07-14 09:00 is not after now (2026-07-15 23:59)"),
        "{out}"
    );
}

#[test]
fn the_session_speaks_japanese_with_lang_ja() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stepped.db");
    let o = session(&["--lang", "ja"], NEVER_RENEWS, &db, "help\nnext\nbogus\n");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("コマンド（1 行に 1 つ"), "{out}");
    assert!(
        out.contains("— 現在 2026-06-20 00:00：13 件中 1 件のイベント"),
        "{out}"
    );
    assert!(out.contains("`bogus` というコマンドはない"), "{out}");
    assert!(out.contains("ログ") && out.contains("を保存"), "{out}");
}
