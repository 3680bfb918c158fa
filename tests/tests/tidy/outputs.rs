//! Checks on what zairyu prints, as its recorded outputs show it: the insta snapshots of every
//! transcript, measure summary, narrative (English and Japanese), Mermaid document and
//! comparison hold no My Number in full. Outputs mask a My Number (`****-****-9018`); only the
//! stored payload holds the digits.
//!
//! A full My Number is twelve digits, written together or grouped `4-4-4` with hyphens, that
//! pass the check digit (docs/domain.md §13), standing alone (not inside a longer run of
//! letters and digits such as a hash).

use std::collections::BTreeMap;

use model::mynumber::MyNumber;

/// Where the recorded outputs live.
const SNAPSHOTS: &str = ".snap";

/// Every valid My Number written in full in a recorded output of `texts` (path → text).
pub fn full_my_numbers(texts: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in texts.iter().filter(|(p, _)| p.ends_with(SNAPSHOTS)) {
        for (n, line) in text.lines().enumerate() {
            for (col, digits) in candidates(line) {
                if MyNumber::parse(&digits).is_ok() {
                    out.push(format!(
                        "{path}:{}:{col}: a My Number in full ({digits}); outputs show it masked \
                         (`Display` of `model::mynumber::MyNumber`), never `reveal()`",
                        n + 1
                    ));
                }
            }
        }
    }
    out
}

/// The runs of digits and hyphens in `line` that start and end with a digit and are bounded by
/// neither a letter nor a digit, as (1-based byte column, the digits alone) when they hold
/// exactly twelve digits in a shape a number is written in: `dddddddddddd` or `dddd-dddd-dddd`.
fn candidates(line: &str) -> Vec<(usize, String)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'-') {
            j += 1;
        }
        let mut end = j;
        while b[end - 1] == b'-' {
            end -= 1;
        }
        let run = &line[i..end];
        let bounded = j == b.len() || !b[j].is_ascii_alphanumeric();
        let shaped = (run.len() == 12 && run.bytes().all(|c| c.is_ascii_digit()))
            || (run.len() == 14
                && run.bytes().enumerate().all(|(k, c)| {
                    if k == 4 || k == 9 {
                        c == b'-'
                    } else {
                        c.is_ascii_digit()
                    }
                }));
        if bounded && shaped {
            out.push((i + 1, run.replace('-', "")));
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod planted {
    use super::*;

    #[test]
    fn a_my_number_in_full_in_a_recorded_output_is_refused() {
        let snap = "---\nsource: tests/tests/scenarios.rs\n---\n\
                    My Number 123456789018 shown\n\
                    grouped 1234-5678-9018.\n\
                    masked ****-****-9018, a bad check digit 123456789017,\n\
                    a hash a123456789018e, a longer run 1234567890180, 2026-06-14\n";
        let texts = BTreeMap::from([
            (
                "tests/tests/snapshots/scenarios__x.snap".to_string(),
                snap.to_string(),
            ),
            // The rulebook's worked example of the check digit is not an output.
            ("docs/domain.md".to_string(), "`123456789018`\n".to_string()),
        ]);
        let v = full_my_numbers(&texts);
        let short: Vec<&str> = v.iter().map(|m| m.split(';').next().unwrap()).collect();
        assert_eq!(
            short,
            [
                "tests/tests/snapshots/scenarios__x.snap:4:11: a My Number in full (123456789018)",
                "tests/tests/snapshots/scenarios__x.snap:5:9: a My Number in full (123456789018)",
            ]
        );
    }
}
