//! The command-line conventions people expect, as a user meets them: shell completions and a
//! man page generated from the real options, `--version` with the commit, `--color` and
//! `NO_COLOR`, `-q`/`-v`, JSON for every command that prints results, JUnit and GitHub
//! annotations for CI, each error said once, `table` within 100 columns, and `--lang`.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::{json, root, stderr, stdout, teaching, zairyu, zairyu_env};

/// A scenario with one expectation that passes and one that fails.
fn failing_scenario(dir: &Path) -> PathBuf {
    let path = dir.join("failing.yaml");
    std::fs::write(
        &path,
        "name: failing\nstart: 2026-06-20\nuntil: 2026-07-31\npolicy: { regime: legacy }\n\
         residents:\n  - id: mei\n    born_on: 1995-04-12\n    status: engineer_specialist_humanities\n\
         \x20   period_expiry: 2029-07-31\n    municipality: shinjuku\n    address: 1-2-3 Nishi-Shinjuku\n\
         expect:\n  - { on: 2026-07-31, resident: mei, lawfully_resident: true, visits: { city_hall: 3 } }\n",
    )
    .unwrap();
    path
}

#[test]
fn completions_cover_every_command_and_the_global_options() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = zairyu(&["completions", shell], dir.path());
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        // fish spells a long option `-l lang`.
        let (lang, color) = match shell {
            "fish" => ("-l lang", "-l color"),
            _ => ("--lang", "--color"),
        };
        for word in ["replay", "explain", "completions", lang, color] {
            assert!(script.contains(word), "{shell} completions lack `{word}`");
        }
    }
    let o = zairyu(&["completions", "tcsh"], dir.path());
    assert_eq!(o.status.code(), Some(2), "an unknown shell is bad input");
}

#[test]
fn the_man_page_documents_every_command_and_one_page_each_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let o = zairyu(&["man"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = stdout(&o);
    assert!(
        page.starts_with(".ie") || page.contains(".TH zairyu 1"),
        "{page}"
    );
    assert!(page.contains(".TH zairyu 1"));
    for command in [
        "run", "replay", "check", "validate", "explain", "compare", "table",
    ] {
        assert!(page.contains(&format!("zairyu\\-{command}(1)")) || page.contains(command));
    }
    let o = zairyu(&["man", "--dir", "man"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let run = std::fs::read_to_string(dir.path().join("man/zairyu-run.1")).unwrap();
    assert!(run.contains(".TH zairyu-run 1"), "{run}");
    assert!(run.contains("\\-\\-format"), "run's page lists its options");
    assert!(
        stdout(&o).is_empty(),
        "the pages written are reported on stderr"
    );
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let dir = tempfile::tempdir().unwrap();
    let o = zairyu(&["--version"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    let version = stdout(&o);
    assert!(
        version.starts_with(&format!("zairyu {}", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
    // Built from a git checkout (this test runs in one), the version carries the commit.
    let head = Command::new("git")
        .args(["log", "-1", "--format=%h", "--abbrev=12"])
        .current_dir(root())
        .output();
    if let Ok(head) = head
        && head.status.success()
    {
        let commit = String::from_utf8_lossy(&head.stdout).trim().to_owned();
        assert!(
            version.contains(&format!("({commit} ")),
            "`{version}` does not name {commit}"
        );
    }
}

#[test]
fn color_follows_the_option_and_no_color() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = failing_scenario(dir.path());
    let s = scenario.to_str().unwrap();
    let esc = |o: &Output| stdout(o).contains('\x1b');
    let always = zairyu(&["check", s, "--color", "always"], dir.path());
    assert_eq!(always.status.code(), Some(1), "{}", stderr(&always));
    assert!(esc(&always), "--color always colours: {}", stdout(&always));
    // Even with NO_COLOR, an explicit `always` wins; `auto` into a pipe never colours.
    assert!(esc(&zairyu_env(
        &["--color=always", "check", s],
        dir.path(),
        &[("NO_COLOR", "1")]
    )));
    assert!(!esc(&zairyu(&["check", s, "--color", "never"], dir.path())));
    assert!(!esc(&zairyu(&["check", s], dir.path())));
    let bad = zairyu(&["check", s, "--color", "pink"], dir.path());
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn quiet_and_verbose_change_what_is_said_not_the_results() {
    let dir = tempfile::tempdir().unwrap();
    let run = |extra: &[&str], db: &str| {
        let mut args = vec!["run", "--db", db];
        let scenario = teaching("extension_legacy.yaml");
        args.push(&scenario);
        args.extend_from_slice(extra);
        let o = zairyu(&args, dir.path());
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        o
    };
    let plain = run(&[], "plain.db");
    let quiet = run(&["-q"], "quiet.db");
    let verbose = run(&["-v"], "verbose.db");
    let hash = |o: &Output| {
        stdout(o)
            .lines()
            .find(|l| l.starts_with("log hash"))
            .map(str::to_owned)
    };
    assert!(hash(&plain).is_some());
    assert_eq!(hash(&plain), hash(&quiet));
    assert_eq!(hash(&plain), hash(&verbose));
    // -q leaves the transcript out; -v adds the run's phases on stderr, never on stdout.
    assert!(stdout(&plain).contains("grants the extension"));
    assert!(!stdout(&quiet).contains("grants the extension"));
    assert!(stderr(&quiet).is_empty() && stderr(&plain).is_empty());
    assert_eq!(
        stdout(&plain).replace("plain.db", "verbose.db"),
        stdout(&verbose)
    );
    for phase in ["enrolment", "steps", "finish"] {
        assert!(stderr(&verbose).contains(phase), "{}", stderr(&verbose));
    }
    // -q and -v contradict each other.
    let both = zairyu(&["-q", "-v", "validate", "x.yaml"], dir.path());
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn run_replay_check_validate_and_table_speak_json() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = teaching("extension_legacy.yaml");
    let run = json(
        &zairyu(
            &["run", &scenario, "--db", "r.db", "--format", "json"],
            dir.path(),
        ),
        0,
    );
    assert_eq!(run["scenario"]["regime"], "legacy");
    assert_eq!(run["measures"]["visits"]["city_hall"], 1, "{run}");
    let transcript = run["transcript"].as_array().expect("the events");
    assert_eq!(transcript.len() as u64, run["events"].as_u64().unwrap());
    assert!(
        transcript
            .iter()
            .any(|e| e["type"] == "ExtensionGranted" && e["office"] == "immigration-bureau")
    );
    assert!(
        run["expectations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["passed"] == true)
    );

    let replay = json(
        &zairyu(
            &[
                "replay",
                "r.db",
                "--format",
                "json",
                "--as-of",
                "2026-07-20",
            ],
            dir.path(),
        ),
        0,
    );
    assert_eq!(replay["verdict"], "verified");
    assert_eq!(replay["hashes"][0]["rebuilt"], run["log_hash"]);
    let mei = &replay["records"][0];
    assert_eq!(mei["resident"], "mei");
    assert_eq!(mei["as_of"], "2026-07-20");
    assert_eq!(mei["card_valid_through"], "2029-07-31", "{mei}");
    // The separate My Number card has not been brought in line yet on that day.
    assert_eq!(mei["my_number_card_valid_through"], "2026-07-31", "{mei}");

    let failing = failing_scenario(dir.path());
    let check = json(
        &zairyu(
            &["check", failing.to_str().unwrap(), "--format", "json"],
            dir.path(),
        ),
        1,
    );
    assert_eq!(
        (check["passed"].as_u64(), check["failed"].as_u64()),
        (Some(1), Some(1))
    );
    let checks = check["scenarios"][0]["checks"].as_array().unwrap();
    let failed = checks.iter().find(|c| c["passed"] == false).unwrap();
    assert_eq!(failed["check"], "visits.city_hall");
    assert_eq!(failed["line"], 13);

    let validate = json(
        &zairyu(
            &[
                "validate",
                &root().join("scenarios/teaching").display().to_string(),
                "--format",
                "json",
            ],
            dir.path(),
        ),
        0,
    );
    assert!(
        validate["valid"].as_array().unwrap().len() >= 9,
        "{validate}"
    );

    let table = json(&zairyu(&["table", "--format", "json"], dir.path()), 0);
    let extension = table["procedures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["section"] == "§5.4")
        .expect("the extension row");
    assert_eq!(extension["legacy"]["visits"]["city_hall"], 1, "{extension}");
    assert!(extension["integrated"]["visits"].get("city_hall").is_none());
}

#[test]
fn check_reports_for_ci_as_junit_and_github_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let failing = failing_scenario(dir.path());
    let f = failing.to_str().unwrap();
    let o = zairyu(&["check", f, "--format", "junit"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let xml = stdout(&o);
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(
        xml.contains(r#"<testsuites name="zairyu check" tests="2""#),
        "{xml}"
    );
    assert!(xml.contains(r#"failures="1""#), "{xml}");
    assert!(
        xml.contains("line 13: mei on 2026-07-31: visits.city_hall"),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<failure message="expected 3, got 0" type="expectation""#),
        "{xml}"
    );

    let o = zairyu(&["check", f, "--format", "github"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let annotations = stdout(&o);
    let line = annotations
        .lines()
        .find(|l| l.starts_with("::error "))
        .expect("an annotation");
    assert!(line.contains(",line=13,"), "{line}");
    assert!(
        line.ends_with("::mei on 2026-07-31: visits.city_hall expected 3, got 0"),
        "{line}"
    );
}

#[test]
fn a_scenario_error_is_said_once_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "name: bad\nstart: 2026-06-20\nuntil: 2026-12-31\nresidents:\n  - id: mei\n    born_on: 1995-13-40\n",
    )
    .unwrap();
    for command in ["run", "check", "validate"] {
        let o = zairyu(&[command, bad.to_str().unwrap()], dir.path());
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert_eq!(
            err.matches("there is no month 13").count(),
            1,
            "{command}:\n{err}"
        );
        assert!(err.contains("bad.yaml:6:14"), "{err}");
        assert!(
            err.contains("born_on: 1995-13-40"),
            "the line is shown: {err}"
        );
    }
}

#[test]
fn table_fits_in_100_columns_unless_wide() {
    let dir = tempfile::tempdir().unwrap();
    let widest = |o: &Output| stdout(o).lines().map(|l| l.chars().count()).max().unwrap();
    let narrow = zairyu(&["table"], dir.path());
    assert_eq!(narrow.status.code(), Some(0), "{}", stderr(&narrow));
    assert!(widest(&narrow) <= 100, "{}", stdout(&narrow));
    assert!(stdout(&narrow).contains("period-of-stay extension §5.4\n"));
    let wide = zairyu(&["table", "--wide"], dir.path());
    assert!(widest(&wide) > 100, "--wide keeps one line per procedure");
}

#[test]
fn lang_reaches_run_table_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = teaching("extension_legacy.yaml");
    let run = zairyu(
        &["--lang", "ja", "run", &scenario, "--db", "ja.db"],
        dir.path(),
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        stdout(&run).contains("出入国在留管理庁"),
        "{}",
        stdout(&run)
    );
    let table = zairyu(&["table", "--lang", "ja"], dir.path());
    assert!(
        stdout(&table).contains("在留期間更新"),
        "{}",
        stdout(&table)
    );
    let explain = zairyu(&["explain", &scenario, "--lang", "ja"], dir.path());
    assert_eq!(explain.status.code(), Some(0), "{}", stderr(&explain));
    assert!(stdout(&explain).contains("在留期間更新許可申請"));
}
