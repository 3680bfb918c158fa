//! The state hash's JSON writer (`projection::json`) writes every card record exactly as
//! `serde_json` does: compared record by record on every bundled scenario and on a population
//! under both regimes, with faults and capacities, so that the writer cannot drift from the JSON
//! the state hash is defined by.

use std::path::{Path, PathBuf};

use model::capacity::{Capacity, PerThousand};
use model::policy::{Policy, Regime};
use population::{Population, PopulationSpec};
use projection::{CardRecord, Projections, record_json};
use simulator::{RunInput, RunOptions, run, run_scenario};

/// Asserts that each record's JSON is `serde_json`'s, and returns how many records it compared.
fn same_json(projections: &Projections, what: &str) -> usize {
    let mut ours = Vec::new();
    for (i, record) in projections.records.iter().enumerate() {
        ours.clear();
        record_json(record, &mut ours);
        let theirs = serde_json::to_vec(record).expect("a record serializes");
        assert!(
            ours == theirs,
            "{what}, record {i}:\n ours:   {}\n theirs: {}",
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&theirs)
        );
    }
    projections.records.len()
}

fn scenario_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable directory") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            scenario_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            found.push(path);
        }
    }
}

#[test]
fn every_bundled_scenarios_records_are_written_as_serde_json_writes_them() {
    let mut files = Vec::new();
    scenario_files(Path::new("../../scenarios"), &mut files);
    files.sort();
    let (mut scenarios, mut records) = (0, 0);
    for path in &files {
        // The directory also holds policy files and partial scenarios: only whole scenarios run.
        let Ok(scenario) = scenario::load(path) else {
            continue;
        };
        let out = run_scenario(&scenario, None, None)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        records += same_json(&out.projections, &path.display().to_string());
        scenarios += 1;
    }
    assert!(scenarios >= 60, "only {scenarios} scenarios ran");
    assert!(records >= scenarios, "{records} records");
}

#[test]
fn a_populations_records_are_written_as_serde_json_writes_them_under_either_regime_or_a_capacity() {
    let population = Population::generate(PopulationSpec::new(3_000, 5));
    let legacy = Policy {
        regime: Regime::Legacy,
        ..Policy::default()
    };
    // Capacities tight enough for residents to wait: the records then carry their waiting days.
    let rate = |r| PerThousand::new(r).expect("a positive rate");
    let tight = Policy {
        capacity: Some(Capacity {
            immigration_bureau: Some(rate(0.6)),
            city_hall: Some(rate(1.5)),
            jlis_production: Some(rate(0.3)),
            block: 1_000,
        }),
        ..Policy::default()
    };
    let mut waited = false;
    for policy in [Policy::default(), legacy, tight] {
        let out = run(
            RunInput::of_population(&population, policy),
            RunOptions {
                threads: 2,
                ..RunOptions::default()
            },
        )
        .expect("a population runs");
        let n = same_json(&out.projections, "population");
        assert!(n >= 3_000, "{n} records");
        // The records are varied: cards, pending applications and functions all appear.
        let has = |f: fn(&CardRecord) -> bool| out.projections.records.iter().any(f);
        assert!(has(|r| r.pending.is_some()));
        assert!(has(|r| r.my_number_card.is_some()));
        assert!(has(|r| r.residence_card.is_some()));
        waited |= has(|r| r.waiting_days != [0; 3]);
    }
    assert!(waited, "nobody waited under the tight capacity");
}
