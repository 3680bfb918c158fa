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
