//! Tests are data: every scenario file under `scenarios/` is run through the one `check` path.
//!
//! For each file: its expectations must all pass; its transcript and measures are snapshotted
//! with insta (review changes with `cargo insta review`); its log is stored in SQLite, replayed
//! and compared with the live run (every envelope, every projection, both hashes); and it is run
//! a second time to show that the same scenario, policy and seed give the same log hash.

use std::path::Path;

use event_store::EventStore;
use simulator::check::{check_expectations, names};
use simulator::replay::replay;
use simulator::{run_scenario, run_scenario_stored};

fn check_scenario(path: &Path) {
    // Policy files for `zairyu compare` (scenarios/what-if/) are not scenarios.
    if scenario::is_policy_file(path) {
        return;
    }
    let s = scenario::load(path).unwrap_or_else(|e| panic!("{e}"));

    // Run, storing the log.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("run.db");
    let store = EventStore::create(&db).unwrap();
    let mut live = run_scenario_stored(&s, store, "test", None).unwrap();
    let store = live.store.take();

    // Expectations.
    assert!(
        !s.expectations.is_empty(),
        "{}: a scenario must state what it expects",
        s.source
    );
    let outcomes = check_expectations(&s, &live.log);
    let source = &s.source;
    let failures: Vec<String> = outcomes
        .iter()
        .flat_map(|o| {
            o.results.iter().filter(|r| !r.passed()).map(move |r| {
                format!(
                    "{}:{} {} on {}: {} expected {}, got {}",
                    source, o.line, o.resident, o.on, r.what, r.expected, r.actual
                )
            })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Replay the stored log and compare with the live state.
    drop(store);
    let store = EventStore::open_read_only(&db).unwrap();
    let meta = store.read_run_meta().unwrap().unwrap();
    assert!(meta.finished);
    let switch = s.policy.switches.validity.special_period_my_number;
    let replayed = replay(&store, s.start, s.until, None, switch, true).unwrap();
    assert_eq!(
        replayed.log, live.log,
        "{}: stored log differs from live log",
        s.source
    );
    assert_eq!(
        replayed.projections, live.projections,
        "{}: replayed projections differ from the live run",
        s.source
    );
    assert_eq!(replayed.log_hash, live.log_hash);
    assert_eq!(meta.log_hash.as_deref(), Some(live.log_hash.as_str()));
    assert_eq!(
        meta.final_state_hash.as_deref(),
        Some(replayed.projections.state_hash().as_str())
    );

    // Determinism: a second run gives the same log, byte for byte.
    let again = run_scenario(&s, None, None).unwrap();
    assert_eq!(
        again.log_hash, live.log_hash,
        "{}: log hash differs between runs",
        s.source
    );
    assert_eq!(again.state_hash, live.state_hash);

    // The reviewed transcript.
    let mut text = String::new();
    text.push_str(&report::transcript(&live.log, &names(&s), report::Lang::En));
    text.push('\n');
    text.push_str(&report::summary(
        &live.projections.totals(),
        s.until,
        report::Lang::En,
    ));
    text.push_str(&format!("\nlog hash {}\n", live.log_hash));
    insta::assert_snapshot!(text);

    // Every event is said in Japanese too, in words of its own (the teaching reports use them).
    for env in &live.log {
        let ja = report::describe::describe(&env.event, report::Lang::Ja);
        let en = report::describe::describe(&env.event, report::Lang::En);
        assert!(
            !ja.is_empty() && ja != en,
            "{}: {} has no Japanese sentence",
            s.source,
            env.event.type_name()
        );
    }
}

#[test]
fn every_scenario_checks_replays_and_matches_its_snapshot() {
    insta::glob!("../../scenarios", "**/*.yaml", check_scenario);
}
