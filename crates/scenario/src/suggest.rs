//! "Did you mean …?" for names that must come from a known list (resident ids, event types,
//! refusal rules), so an error about a typo names the intended spelling.

use crate::problem::{NameKind, Problem};

/// The problem of a name not in `choices`: with the nearest choice if one is close, else the
/// list.
pub fn unknown<'a>(what: NameKind, found: &str, choices: impl Iterator<Item = &'a str>) -> Problem {
    let choices: Vec<&str> = choices.collect();
    Problem::UnknownName {
        what,
        found: found.to_owned(),
        nearest: nearest(found, &choices).map(str::to_owned),
        choices: choices.into_iter().map(str::to_owned).collect(),
    }
}

/// The choice closest to `found` by edit distance (ignoring case), if close enough to be a typo.
/// Ties go to the earlier choice, so the answer does not depend on anything but the list order.
pub fn nearest<'a>(found: &str, choices: &[&'a str]) -> Option<&'a str> {
    nearest_within(found, choices, (found.chars().count() / 3).max(2))
}

/// [`nearest`], counting only choices at most `limit` edits away.
pub fn nearest_within<'a>(found: &str, choices: &[&'a str], limit: usize) -> Option<&'a str> {
    let found_l = found.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for &c in choices {
        let d = distance(&found_l, &c.to_lowercase());
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Levenshtein distance over chars.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_and_lists_when_nothing_is_close() {
        let choices = ["mei", "ken", "sora"];
        assert_eq!(nearest("meii", &choices), Some("mei"));
        assert_eq!(nearest("zzzzzz", &choices), None);
        let p = unknown(NameKind::EventType, "qqqqqq", choices.into_iter());
        assert!(p.to_string().contains("`mei`, `ken`"), "{p}");
    }
}
