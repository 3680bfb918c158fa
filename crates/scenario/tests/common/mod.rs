//! Shared by the reader tests: the located error of a valid scenario with one edit.

use scenario::{ScenarioError, parse};

/// The error of `base` with the first `from` replaced by `to`: ((line, column), message).
/// Panics if the edited scenario is accepted or fails without a location.
pub fn refused(base: &str, from: &str, to: &str) -> ((usize, usize), String) {
    assert!(base.contains(from), "{from:?} not in the base scenario");
    let text = base.replacen(from, to, 1);
    match parse("edited.yaml", &text) {
        Ok(_) => panic!("{to:?} was accepted"),
        Err(ScenarioError::Invalid {
            line,
            column,
            problem,
            ..
        }) => ((line, column), problem.to_string()),
        Err(e) => panic!("unexpected {e}"),
    }
}
