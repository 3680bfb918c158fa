//! `zairyu simtest` as a user meets it: a number of seeds it cannot run is a usage error, and a
//! run of a few seeds says every invariant held.

mod support;

use support::{stderr, stdout, zairyu};

#[test]
fn zero_seeds_is_a_usage_error_and_a_few_seeds_hold_every_invariant() {
    let dir = tempfile::tempdir().unwrap();
    let none = zairyu(&["simtest", "--seeds", "0"], dir.path());
    assert_eq!(none.status.code(), Some(2), "{}", stderr(&none));
    assert!(stderr(&none).contains("--seeds"), "{}", stderr(&none));
    let few = zairyu(
        &["simtest", "--seeds", "12", "--seed", "5", "--quiet"],
        dir.path(),
    );
    assert_eq!(few.status.code(), Some(0), "{}", stderr(&few));
    let out = stdout(&few);
    assert!(
        out.contains("12 seeds from 5 under mixed faults: every invariant held"),
        "{out}"
    );
    // Nothing failed, so no case was written.
    assert!(!dir.path().join("target/simtest").exists());
}

#[test]
fn a_shrunk_case_is_a_scenario_file_that_run_replays_and_check_accepts() {
    use simulator::simtest::{Case, Profile};
    let dir = tempfile::tempdir().unwrap();
    let case = Case::generate(7, Profile::Redelivery)
        .shrink_while(|c| c.doc["steps"].as_array().is_some_and(|s| !s.is_empty()));
    let path = dir.path().join("seed-7.yaml");
    std::fs::write(&path, case.text()).unwrap();
    let path = path.to_str().unwrap();
    let run = zairyu(&["run", path], dir.path());
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let check = zairyu(&["check", path], dir.path());
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}
