//! Property-based tests of the scenario and policy readers, on the stable toolchain:
//!
//! * no input panics them — arbitrary bytes, YAML-shaped text made of the format's own words,
//!   and the bundled scenarios with random edits — and every refusal is located inside the file;
//! * every valid scenario the generator makes is accepted by the JSON Schema (`zairyu schema`)
//!   and read back to exactly what was generated, written as JSON or as block YAML; likewise
//!   every valid policy overlay.
//!
//! CI runs `PROPTEST_CASES` cases per property (default 64); docs/reliability.md gives the
//! longer command.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{Days, NaiveDate};
use model::policy::{Policy, Regime};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use scenario::ScenarioError;
use serde_json::{Value, json};

/// Cases per property: `PROPTEST_CASES`, or a number small enough for every CI run.
fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Runs `test` over `strategy` with [`config`], failing with the shrunk input.
fn check<S: Strategy>(strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let mut runner = TestRunner::new(config());
    if let Err(e) = runner.run(&strategy, test) {
        panic!("{e}");
    }
}

/// A refusal must point inside the text it refuses (a line that exists, or the one after the
/// last), never past it.
fn located_inside(text: &str, result: Result<(), ScenarioError>) -> Result<(), TestCaseError> {
    match result {
        Ok(()) => Ok(()),
        Err(ScenarioError::Invalid { line, column, .. }) => {
            let lines = text.split('\n').count();
            prop_assert!(line >= 1 && column >= 1, "{line}:{column}");
            prop_assert!(line <= lines + 1, "line {line} of {lines}");
            Ok(())
        }
        Err(ScenarioError::Io { .. }) => Ok(()),
    }
}

fn read_scenario(text: &str) -> Result<(), ScenarioError> {
    scenario::parse("fuzz.yaml", text).map(|_| ())
}

/// Reads `bytes` as a policy file (through a real file, as `zairyu compare` does).
fn read_policy(dir: &Path, bytes: &[u8]) -> Result<(), ScenarioError> {
    let path = dir.join("fuzz.policy.yaml");
    std::fs::write(&path, bytes).expect("write");
    scenario::policy_file::load_policy(&path, &Policy::default()).map(|_| ())
}

/// The words of the format, and the values and YAML punctuation around them.
const KEYS: &[&str] = &[
    "name",
    "seed",
    "start",
    "until",
    "policy",
    "residents",
    "steps",
    "expect",
    "id",
    "born_on",
    "status",
    "period_expiry",
    "municipality",
    "address",
    "residence_card",
    "my_number_card",
    "issued_on",
    "valid_through",
    "tokutei",
    "on",
    "at",
    "resident",
    "do",
    "grant",
    "refuse",
    "moved_on",
    "regime",
    "latency",
    "switches",
    "resident",
    "tokutei_uptake",
    "base",
    "cards",
    "visits",
    "events",
    "refusals",
    "municipal_adoption",
    "day_one",
    "share",
    "only",
];
const VALUES: &[&str] = &[
    "2026-06-20",
    "2026-02-30",
    "2026-12-31",
    "1995-04-12",
    "integrated",
    "legacy",
    "student",
    "permanent_resident",
    "file_extension",
    "decide_extension",
    "move_within",
    "mei",
    "ken",
    "shinjuku",
    "true",
    "false",
    "~",
    "0",
    "-1",
    "18446744073709551616",
    "1.5",
    ".nan",
    "10d",
    "3h",
    "\"quoted\"",
    "'single'",
    "[]",
    "{}",
    "[a, b]",
    "{ x: 1 }",
    "&a x",
    "*a",
    "!!str 5",
    "|",
    ">",
    "\t",
    "\u{feff}",
    "ünïcødé",
    "#",
    "N3",
    "- x",
];

fn yaml_like() -> impl Strategy<Value = String> {
    let line = (
        0usize..8,
        prop::sample::select(KEYS),
        prop::sample::select(VALUES),
        prop::bool::ANY,
    )
        .prop_map(|(indent, key, value, dash)| {
            format!(
                "{}{}{key}: {value}",
                " ".repeat(indent * 2),
                if dash { "- " } else { "" }
            )
        });
    prop::collection::vec(line, 0..40).prop_map(|lines| lines.join("\n") + "\n")
}

#[test]
fn arbitrary_bytes_never_panic_either_reader() {
    let dir = tempfile::tempdir().expect("tempdir");
    check(prop::collection::vec(any::<u8>(), 0..2048), |bytes| {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            located_inside(text, read_scenario(text))?;
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        located_inside(&text, read_policy(dir.path(), &bytes))
    });
}

#[test]
fn yaml_made_of_the_formats_own_words_never_panics_either_reader() {
    let dir = tempfile::tempdir().expect("tempdir");
    check(yaml_like(), |text| {
        located_inside(&text, read_scenario(&text))?;
        located_inside(&text, read_policy(dir.path(), text.as_bytes()))
    });
}

#[test]
fn the_bundled_scenarios_with_random_edits_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let files = scenario::discover(&[root]).expect("scenarios");
    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).expect("read"))
        .collect();
    let edit = (
        0usize..4,
        any::<prop::sample::Index>(),
        0usize..64,
        prop::sample::select(VALUES),
    );
    let strategy = (
        any::<prop::sample::Index>(),
        prop::collection::vec(edit, 1..5),
    );
    check(strategy, |(which, edits)| {
        let mut text = texts[which.index(texts.len())].clone();
        for (op, at, len, word) in edits {
            let mut i = at.index(text.len().max(1));
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            let mut j = (i + len).min(text.len());
            while !text.is_char_boundary(j) {
                j -= 1;
            }
            match op {
                0 => text.replace_range(i..j, ""),
                1 => text.insert_str(i, word),
                2 => text.replace_range(i..j, word),
                _ => text.insert(i, '\n'),
            }
        }
        located_inside(&text, read_scenario(&text))
    });
}

// ---- Valid scenarios, generated, checked against the schema and read back ----

const STATUSES: &[(&str, bool)] = &[
    ("student", true),
    ("engineer_specialist_humanities", true),
    ("dependent", true),
    ("spouse_of_japanese", true),
    ("permanent_resident", false),
    ("special_permanent_resident", false),
];

const OFFICES: &[&str] = &["immigration_bureau", "city_hall", "police", "call_centre"];
const CARDS: &[&str] = &["residence_card", "my_number_card", "tokutei_residence_card"];

/// The last business day on or before `date` (the generator's runs start on one).
fn business_day_on_or_before(mut date: NaiveDate) -> NaiveDate {
    while model::calendar::closed_day(date).is_some() {
        date = date.pred_opt().expect("date");
    }
    date
}

fn day(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).expect("in range")
}

/// A generated valid scenario as a JSON document, with what reading it must give back.
#[derive(Debug, Clone)]
struct Generated {
    doc: Value,
    start: NaiveDate,
    until: NaiveDate,
    residents: Vec<(String, NaiveDate, String, Option<NaiveDate>)>,
    steps: usize,
    expectations: Vec<(NaiveDate, String)>,
}

fn valid_scenario() -> impl Strategy<Value = Generated> {
    let resident = (
        0u64..30_000,
        prop::sample::select(STATUSES),
        1u64..500,
        prop::option::of(0u64..2000),
        prop::collection::vec(0u64..1000, 0..3),
        "[A-Za-z][A-Za-z0-9 ]{0,11}",
    );
    (
        0u64..3000,
        1u64..400,
        prop::collection::vec(resident, 1..5),
        prop::collection::vec(
            (any::<prop::sample::Index>(), 0u64..400, any::<bool>()),
            0..6,
        ),
        any::<u64>(),
        prop::sample::select(&["legacy", "integrated"][..]),
    )
        .prop_map(|(start_offset, length, people, expects, seed, regime)| {
            // Counters are closed on administrative holidays (docs/domain.md §5): the run starts
            // on a business day and every step falls on the last business day on or before its
            // drawn day.
            let start = model::calendar::next_business_day(day(
                NaiveDate::from_ymd_opt(2024, 1, 1).expect("date"),
                start_offset,
            ));
            let until = day(start, length);
            let mut residents = Vec::new();
            let mut docs = Vec::new();
            let mut steps = Vec::new();
            for (i, (age, (status, has_period), expiry_in, card_age, step_days, name)) in
                people.into_iter().enumerate()
            {
                let id = format!("r{i}");
                let born = start
                    .checked_sub_days(Days::new(age + 1))
                    .expect("in range");
                let expiry = has_period.then(|| day(start, expiry_in));
                let mut r = json!({
                    "id": id,
                    "name": name,
                    "born_on": born.to_string(),
                    "status": status,
                    "municipality": "shinjuku",
                    "address": format!("{i}-1-1 Nishi-Shinjuku"),
                });
                if let Some(e) = expiry {
                    r["period_expiry"] = json!(e.to_string());
                }
                if let Some(ago) = card_age {
                    let issued = start
                        .checked_sub_days(Days::new(ago.min(age)))
                        .expect("in range");
                    r["my_number_card"] = json!({ "issued_on": issued.to_string() });
                }
                // Extensions, each granted after both the decision day and the expiry it
                // extends; a move reported after it happened.
                let mut current = expiry;
                for (k, d) in step_days.into_iter().enumerate() {
                    let on = business_day_on_or_before(day(start, d % (length + 1)));
                    match (k % 2, current) {
                        (0, Some(e)) => {
                            let grant = day(e.max(on), 30 + d);
                            steps.push(json!({ "on": on.to_string(), "resident": id,
                                               "do": "file_extension" }));
                            steps.push(json!({ "on": on.to_string(), "resident": id,
                                               "do": "decide_extension",
                                               "grant": grant.to_string() }));
                            current = Some(grant);
                        }
                        _ => {
                            let moved = on.checked_sub_days(Days::new(d % 10)).expect("date");
                            steps.push(json!({ "on": on.to_string(), "resident": id,
                                               "do": "move_within", "address": "elsewhere",
                                               "moved_on": moved.to_string() }));
                        }
                    }
                }
                residents.push((id, born, status.to_owned(), expiry));
                docs.push(r);
            }
            let mut expectations = Vec::new();
            let mut expect_docs = Vec::new();
            for (who, d, usable) in expects {
                let (id, ..) = &residents[who.index(residents.len())];
                let on = day(start, d % (length + 1));
                let cards: BTreeSet<&str> = CARDS.iter().take((d % 3) as usize).copied().collect();
                expect_docs.push(json!({
                    "on": on.to_string(),
                    "resident": id,
                    "my_number_usable": usable,
                    "cards": cards,
                    "visits": { OFFICES[(d % 4) as usize]: d % 5 },
                }));
                expectations.push((on, id.clone()));
            }
            let n_steps = steps.len();
            let doc = json!({
                "name": "generated",
                "seed": seed,
                "start": start.to_string(),
                "until": until.to_string(),
                "policy": { "regime": regime },
                "residents": docs,
                "steps": steps,
                "expect": expect_docs,
            });
            Generated {
                doc,
                start,
                until,
                residents,
                steps: n_steps,
                expectations,
            }
        })
}

/// The scenario JSON Schema, compiled once.
fn schema() -> jsonschema::Validator {
    jsonschema::validator_for(&scenario::json_schema()).expect("the schema compiles")
}

/// A validator for the policy part of the schema (`$defs/Policy`).
fn policy_schema() -> jsonschema::Validator {
    let mut s = scenario::json_schema();
    let defs = s["$defs"].take();
    jsonschema::validator_for(&json!({ "$ref": "#/$defs/Policy", "$defs": defs }))
        .expect("the policy schema compiles")
}

fn assert_read_back(g: &Generated, text: &str, how: &str) -> Result<(), TestCaseError> {
    let s = scenario::parse("generated.yaml", text)
        .map_err(|e| TestCaseError::fail(format!("{how}: {e}\n{text}")))?;
    prop_assert_eq!((s.start, s.until), (g.start, g.until));
    prop_assert_eq!(Some(s.seed), g.doc["seed"].as_u64());
    let read: Vec<_> = s
        .residents
        .iter()
        .map(|r| {
            (
                r.key.clone(),
                r.profile.born_on,
                serde_json::to_value(r.profile.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                r.profile.period_expiry,
            )
        })
        .collect();
    prop_assert_eq!(&read, &g.residents);
    prop_assert_eq!(s.steps.len(), g.steps);
    let expectations: Vec<_> = s
        .expectations
        .iter()
        .map(|e| (e.on, e.resident_key.clone()))
        .collect();
    prop_assert_eq!(&expectations, &g.expectations);
    Ok(())
}

#[test]
fn every_generated_valid_scenario_satisfies_the_schema_and_reads_back_as_written() {
    let validator = schema();
    check(valid_scenario(), |g| {
        let errors: Vec<String> = validator
            .iter_errors(&g.doc)
            .map(|e| e.to_string())
            .collect();
        prop_assert!(
            errors.is_empty(),
            "schema refuses a valid scenario: {errors:?}\n{}",
            g.doc
        );
        // JSON is YAML: the document as JSON, then as block YAML.
        assert_read_back(
            &g,
            &serde_json::to_string_pretty(&g.doc).expect("json"),
            "json",
        )?;
        let yaml = serde_saphyr::to_string(&g.doc).expect("yaml");
        assert_read_back(&g, &yaml, "yaml")
    });
}

#[test]
fn every_generated_valid_policy_satisfies_the_schema_and_reads_back_as_written() {
    let validator = policy_schema();
    let dir = tempfile::tempdir().expect("tempdir");
    let strategy = (
        prop::sample::select(&["legacy", "integrated"][..]),
        0u32..=100,
        1u32..60,
        any::<bool>(),
        prop::sample::select(&["card_issuance", "decision"][..]),
        0u64..400,
    );
    check(
        strategy,
        |(regime, uptake, lead, online, disposition, later)| {
            let others = day(NaiveDate::from_ymd_opt(2026, 6, 15).expect("date"), later);
            let overlay = json!({
                "regime": regime,
                "card_production_lead_time": format!("{lead}d"),
                "resident": { "tokutei_uptake": f64::from(uptake) / 100.0 },
                "municipal_adoption": { "day_one": { "share": 0.5 }, "others_from": others.to_string() },
                "switches": { "disposition_at": disposition, "refuse_tokutei_online": online },
            });
            let errors: Vec<String> = validator
                .iter_errors(&overlay)
                .map(|e| e.to_string())
                .collect();
            prop_assert!(
                errors.is_empty(),
                "schema refuses a valid policy: {errors:?}"
            );
            let file = json!({ "name": "generated", "policy": overlay });
            let path = dir.path().join("generated.policy.yaml");
            std::fs::write(&path, serde_saphyr::to_string(&file).expect("yaml")).expect("write");
            let p = scenario::policy_file::load_policy(&path, &Policy::default())
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let expected_regime = if regime == "legacy" {
                Regime::Legacy
            } else {
                Regime::Integrated
            };
            prop_assert_eq!(p.policy.regime, expected_regime);
            prop_assert_eq!(
                p.policy.resident.tokutei_uptake.get(),
                f64::from(uptake) / 100.0
            );
            prop_assert_eq!(p.policy.municipal_adoption.others_from, Some(others));
            prop_assert_eq!(p.policy.switches.refuse_tokutei_online, online);
            prop_assert_eq!(p.name, "generated");
            Ok(())
        },
    );
}

#[test]
fn deep_nesting_is_refused_on_a_small_thread_stack() {
    // A test thread or a tokio worker has 2 MiB of stack; the reader must refuse deep
    // nesting before it runs out, in debug builds too.
    let refused = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            [100usize, 10_000].iter().all(|&depth| {
                let maps = format!("{}{}\n", "{a: ".repeat(depth), "}".repeat(depth));
                let lists = format!("{}{}\n", "[".repeat(depth), "]".repeat(depth));
                read_scenario(&maps).is_err() && read_scenario(&lists).is_err()
            })
        })
        .expect("thread")
        .join()
        .expect("no stack overflow");
    assert!(refused);
}

#[test]
fn the_schema_is_not_vacuous_it_refuses_wrong_shapes_and_unknown_keys() {
    let validator = schema();
    let good = json!({
        "name": "x", "start": "2026-06-20", "until": "2026-12-31",
        "residents": [{ "id": "mei", "born_on": "1995-04-12", "status": "student",
                        "period_expiry": "2027-01-01", "municipality": "shinjuku",
                        "address": "here" }],
    });
    assert!(validator.is_valid(&good));
    let mut list_policy = good.clone();
    list_policy["policy"] = json!(["integrated", "2030-01-01"]);
    let mut list_resident = good.clone();
    list_resident["residents"] = json!([["mei", "1995-04-12"]]);
    let mut unknown = good.clone();
    unknown["nmae"] = json!("typo");
    let mut status = good.clone();
    status["residents"][0]["status"] = json!("astronaut");
    for bad in [list_policy, list_resident, unknown, status] {
        assert!(!validator.is_valid(&bad), "{bad}");
    }
}
