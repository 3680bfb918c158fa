//! Questions asked of stored histories, as a user asks them: `zairyu diff` of two logs (where
//! they first differ, the differences by resident and event kind, exit 0/1/2 like `diff`) and
//! `zairyu why` (the event, rule, inputs and causes behind a value of the card record).

mod support;

use std::path::Path;

use support::{root, stderr, stdout, zairyu};

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

/// `zairyu why` with `args`, which must succeed; its standard output.
fn why(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["why"];
    all.extend_from_slice(args);
    let o = zairyu(&all, dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stdout(&o)
}

#[test]
fn why_names_the_model_function_and_the_section_behind_a_tokutei_cards_validity_in_both_languages()
{
    let dir = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/teaching/extension_integrated.yaml");
    let scenario = scenario.to_str().unwrap();
    let field = ["--resident", "mei", "--field", "tokutei_card.valid_through"];
    let args: Vec<&str> = [scenario].iter().copied().chain(field).collect();
    let en = why(dir.path(), &args);
    assert!(
        en.starts_with("mei: tokutei_card.valid_through at the end of 2026-12-31 = 2029-07-31"),
        "{en}"
    );
    // The card handed over on 2026-07-25 set it, by the residence card validity rule of the
    // amended law (§8.2), from the period the extension granted.
    assert!(
        en.contains("function            model::validity::residence_card_valid_through"),
        "{en}"
    );
    assert!(
        en.contains("rulebook            §8.2 New-format card"),
        "{en}"
    );
    assert!(
        !en.contains("§8.1"),
        "the old law's section does not apply: {en}"
    );
    assert!(
        en.contains("law in force            the amended law"),
        "{en}"
    );
    let expiry = en
        .lines()
        .find(|l| l.contains("period of stay expires"))
        .unwrap();
    assert!(
        expiry.contains("2029-07-31") && expiry.contains("extends the period of stay"),
        "{expiry}"
    );
    // The chain goes back from the hand-over through J-LIS's production to the grant.
    let chain = en.split("Why it happened").nth(1).expect("a chain");
    let order = [
        "issues a Tokutei residence card",
        "has produced",
        "asks J-LIS",
        "grants the extension",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|s| chain.find(s).unwrap_or_else(|| panic!("{s}: {chain}")))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{chain}");

    let mut ja_args = args.clone();
    ja_args.extend(["--lang", "ja"]);
    let ja = why(dir.path(), &ja_args);
    assert!(
        ja.contains("関数              model::validity::residence_card_valid_through"),
        "{ja}"
    );
    assert!(
        ja.contains("規則集            §8.2 新様式のカードの有効期間"),
        "{ja}"
    );
    assert!(ja.contains("改正後の入管法"), "{ja}");

    let mut json_args = args.clone();
    json_args.extend(["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&why(dir.path(), &json_args)).unwrap();
    assert_eq!(v["value"], "2029-07-31");
    assert_eq!(
        v["rule"]["function"],
        "model::validity::residence_card_valid_through"
    );
    assert_eq!(v["rule"]["file"], "crates/model/src/validity.rs");
    assert_eq!(v["rule"]["sections"], serde_json::json!(["§8.2"]));
    assert_eq!(v["set_by"]["event_type"], "ResidenceCardIssued");
    let chain: Vec<&str> = v["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(chain.first(), Some(&"ResidenceCardIssued"));
    assert_eq!(chain.last(), Some(&"ExtensionGranted"));
}

#[test]
fn why_reads_a_stored_log_on_any_day_of_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let db = stored(
        dir.path(),
        "teaching/extension_legacy.yaml",
        "legacy.db",
        &[],
    );
    let before = std::fs::read(&db).unwrap();
    let field = [
        "--resident",
        "mei",
        "--field",
        "my_number_card.valid_through",
    ];
    // After the city hall's validity change, that rule set the date.
    let mut args = vec![db.as_str()];
    args.extend(field);
    let after = why(dir.path(), &args);
    assert!(after.contains("= 2029-07-31"), "{after}");
    assert!(
        after.contains("model::validity::my_number_validity_change"),
        "{after}"
    );
    assert!(after.contains("§8.4"), "{after}");
    // Before it, the starting record's validity, by the My Number card rule.
    args.extend(["--on", "2026-07-01"]);
    let early = why(dir.path(), &args);
    assert!(
        early.contains("at the end of 2026-07-01 = 2026-07-31"),
        "{early}"
    );
    assert!(
        early.contains("model::validity::my_number_card_valid_through"),
        "{early}"
    );
    // The legacy regime's residence card follows the old law's section.
    let card = why(
        dir.path(),
        &[
            db.as_str(),
            "--resident",
            "mei",
            "--field",
            "residence_card.valid_through",
        ],
    );
    assert!(
        card.contains("rulebook            §8.1 Residence card — legacy"),
        "{card}"
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "why must not change the log"
    );
}

#[test]
fn why_my_number_is_not_usable_shows_the_lapsed_card_that_makes_it_so() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/teaching/extension_legacy_never_renews.yaml");
    let text = why(
        dir.path(),
        &[
            scenario.to_str().unwrap(),
            "--resident",
            "mei",
            "--field",
            "my_number.usable",
        ],
    );
    assert!(
        text.contains("my_number.usable at the end of 2026-12-31 = no"),
        "{text}"
    );
    assert!(
        text.contains("model::validity::MyNumberFunctionsHeld::usable_on"),
        "{text}"
    );
    let card = text
        .lines()
        .find(|l| l.contains("separate My Number card"))
        .unwrap();
    assert!(
        card.contains("valid through 2026-07-31 (not in use)"),
        "{card}"
    );
    assert!(
        card.contains("records that the My Number card lapsed"),
        "{card}"
    );
    // Before the lapse, the same card made the functions usable.
    let early = why(
        dir.path(),
        &[
            scenario.to_str().unwrap(),
            "--resident",
            "mei",
            "--field",
            "my_number.usable",
            "--on",
            "2026-07-20",
        ],
    );
    assert!(early.contains("= yes"), "{early}");
}

#[test]
fn why_refuses_an_unknown_field_resident_or_day_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/teaching/extension_legacy.yaml");
    let s = scenario.to_str().unwrap();
    for (args, says) in [
        (
            vec![s, "--resident", "mei", "--field", "card.colour"],
            "one of: residence_card.valid_through",
        ),
        (
            vec![s, "--resident", "nobody", "--field", "my_number.usable"],
            "no resident `nobody`",
        ),
        (
            vec![
                s,
                "--resident",
                "mei",
                "--field",
                "my_number.usable",
                "--on",
                "2030-01-01",
            ],
            "outside the run",
        ),
    ] {
        let mut all = vec!["why"];
        all.extend(args);
        let o = zairyu(&all, dir.path());
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
    }
}

#[test]
fn replay_effective_on_shows_a_late_notified_move_from_the_day_of_the_move() {
    let dir = tempfile::tempdir().unwrap();
    let db = stored(
        dir.path(),
        "teaching/move_between_integrated.yaml",
        "move.db",
        &[],
    );
    let replay = |option: &str| {
        let o = zairyu(&["replay", &db, option, "2026-10-05"], dir.path());
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let text = stdout(&o);
        let city_hall = text
            .lines()
            .find(|l| l.contains("city hall's view"))
            .unwrap()
            .to_owned();
        (text, city_hall)
    };
    // Moved on 2026-10-03, notified on 2026-10-08: on the 5th the city hall still had Setagaya,
    // but she legally lived in Yokohama.
    let (_, known) = replay("--as-of");
    assert!(known.ends_with("2-14-7 Kitazawa, setagaya"), "{known}");
    let (text, legal) = replay("--effective-on");
    assert!(
        legal.ends_with("3-1 Yamashita-cho, yokohama-naka"),
        "{legal}"
    );
    assert!(
        text.contains("What was legally true on 2026-10-05"),
        "{text}"
    );
    // The log is still verified, and the two questions cannot be asked at once.
    assert!(text.contains("(matches the run)"), "{text}");
    let both = zairyu(
        &[
            "replay",
            &db,
            "--as-of",
            "2026-10-05",
            "--effective-on",
            "2026-10-05",
        ],
        dir.path(),
    );
    assert_eq!(both.status.code(), Some(2), "{}", stderr(&both));
    let outside = zairyu(&["replay", &db, "--effective-on", "2027-01-01"], dir.path());
    assert_eq!(outside.status.code(), Some(2), "{}", stderr(&outside));
    assert!(stderr(&outside).contains("--effective-on 2027-01-01 is outside the run"));
}
