//! `zairyu replay`: reads a stored log (never writing to it), rebuilds each office's view as of a
//! day or what was legally true on a day, and verifies the log against the hashes its run
//! recorded — at every commit and at the end — or one given with `--expect-hash`.

use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDate;
use projection::Projections;
use projection::rows::RecordRow;
use report::Lang;
use report::labels::{self, CommitsFound, HashName, ReplayProblem};
use serde_json::{Value, json};
use simulator::replay::replay as replay_log;

use crate::commands::{
    cannot_read_log, events_json, open_stored_log, print_json, resident_index, within_the_run,
};
use crate::diag::Failure;
use crate::global::TextOrJson;

/// What `zairyu replay` was asked.
pub struct ReplayArgs<'a> {
    pub db: &'a Path,
    pub as_of: Option<NaiveDate>,
    /// What was legally true on this day, as known by the end of the log (instead of `as_of`).
    pub effective_on: Option<NaiveDate>,
    pub resident: Option<&'a str>,
    pub transcript: bool,
    pub expect_hash: Option<&'a str>,
    pub format: TextOrJson,
}

/// `zairyu replay`
pub fn replay(a: &ReplayArgs<'_>, lang: Lang) -> Result<ExitCode, Failure> {
    let json = a.format == TextOrJson::Json;
    let (store, Some((meta, policy))) = open_stored_log(a.db, lang)? else {
        errln!(
            "{}",
            labels::replay_warning(ReplayProblem::NoMetadata, &a.db.display().to_string(), lang)
        );
        return Ok(ExitCode::from(CANNOT_VERIFY));
    };
    let switch = policy.switches.validity.special_period_my_number;
    for (option, day) in [("--as-of", a.as_of), ("--effective-on", a.effective_on)] {
        within_the_run(option, day, meta.start, meta.until, lang)?;
    }
    let selected = match a.resident {
        Some(key) => Some(resident_index(&meta.resident_names, key, lang)?),
        None => None,
    };
    // The full replay checks the hashes; the as-of replay shows the record on the day. What
    // was legally true on a day is folded from the whole log, by the events' legal dates.
    let legal = a.effective_on.is_some();
    let full = replay_log(&store, meta.start, meta.until, None, switch, legal)
        .map_err(|e| cannot_read_log(a.db, e, lang))?;
    let day = a.effective_on.or(a.as_of).unwrap_or(meta.until);
    let (shown, log) = if let Some(on) = a.effective_on {
        let shown = Projections::legally_on(&full.log, meta.start, switch, on);
        let legal_on =
            |e: &&model::envelope::Envelope| e.effective_on.unwrap_or(e.occurred_at.date()) <= on;
        let log = if a.transcript {
            full.log.iter().filter(legal_on).cloned().collect()
        } else {
            Vec::new()
        };
        (shown, log)
    } else if day == meta.until && !a.transcript {
        (full.projections.clone(), Vec::new())
    } else {
        replay_log(
            &store,
            meta.start,
            meta.until,
            Some(day),
            switch,
            a.transcript,
        )
        .map(|r| (r.projections, r.log))
        .map_err(|e| cannot_read_log(a.db, e, lang))?
    };
    let who = |i: usize| {
        meta.resident_names
            .get(i)
            .cloned()
            .unwrap_or_else(|| model::ids::ResidentId(i as u32).to_string())
    };
    let records = shown
        .records
        .iter()
        .enumerate()
        .filter(|(i, _)| selected.is_none_or(|s| s == *i));
    let state_hash = full.projections.state_hash();
    let commits = commit_check(&full);
    // A state hash is a function of the events and of the rules that fold them: one the run
    // recorded under other rules (another projection version, or none recorded) is shown
    // beside today's and not compared; the log hash and the commit hashes verify the events.
    let other_rules = meta
        .final_state_hash
        .as_deref()
        .filter(|_| meta.projection_version != Some(projection::STATE_HASH_VERSION));
    let state = (
        HashName::State,
        meta.final_state_hash.as_deref(),
        state_hash.as_str(),
    );
    let log_hash = (
        HashName::Log,
        meta.log_hash.as_deref(),
        full.log_hash.as_str(),
    );
    let compared = if other_rules.is_some() {
        vec![log_hash]
    } else {
        vec![log_hash, state]
    };
    let mut checks = verify(
        &compared,
        a.expect_hash.map(|h| (h, full.log_hash.as_str())),
        commits.matches,
    );
    if let Some(recorded) = other_rules {
        checks.hashes.insert(
            1,
            HashCheck {
                what: HashName::State,
                rebuilt: state_hash.clone(),
                recorded: Some(recorded.to_owned()),
                matches: recorded == state_hash,
                other_rules: Some(meta.projection_version),
            },
        );
    }
    if json {
        let mut doc = json!({
            "run": {
                "label": meta.label,
                "title": meta.title,
                "ja": {
                    "label": meta.ja.label,
                    "title": meta.ja.title,
                    "description": meta.ja.description,
                },
                "seed": meta.seed,
                "code_version": meta.code_version,
                "start": meta.start,
                "until": meta.until,
                "finished": meta.finished,
                "events": full.events,
            },
            "as_of": a.effective_on.is_none().then_some(day),
            "effective_on": a.effective_on,
            "records": records
                .map(|(i, rec)| RecordRow::of(rec, &who(i), day, switch))
                .collect::<Vec<_>>(),
            "commits": { "checked": full.commits.checked, "matches": commits.matches },
            "hashes": checks.hashes.iter().map(HashCheck::to_json).collect::<Vec<_>>(),
            "verdict": checks.verdict.as_str(),
        });
        if a.transcript {
            doc["transcript"] = events_json(&log, &meta.resident_names, lang);
        }
        print_json(&doc);
    } else {
        if a.transcript {
            out!("{}", report::transcript(&log, &meta.resident_names, lang));
            outln!();
        }
        outln!(
            "{}",
            labels::run_header(
                crate::commands::stored_label(&meta).get(lang),
                full.events,
                meta.seed,
                &meta.code_version,
                lang
            )
        );
        outln!();
        if let Some(on) = a.effective_on {
            outln!("{}", report::labels::legally_on(on, lang));
            outln!();
        }
        for (i, rec) in records {
            let text = if legal {
                report::legal_card_record(rec, &who(i), day, switch, lang)
            } else {
                report::card_record(rec, &who(i), day, switch, lang)
            };
            outln!("{text}");
        }
        outln!("{}", labels::commits_line(&commits.found, lang));
        for h in &checks.hashes {
            outln!("{}", h.line(lang));
        }
    }
    match checks.verdict {
        Verdict::Mismatch => {
            errln!(
                "{}",
                labels::replay_warning(ReplayProblem::Mismatch, &a.db.display().to_string(), lang)
            );
        }
        Verdict::CannotVerify => errln!(
            "{}",
            labels::replay_warning(ReplayProblem::Unfinished, &a.db.display().to_string(), lang)
        ),
        Verdict::Verified => {}
    }
    Ok(checks.verdict.exit_code())
}

/// What the hashes recorded at the commits say (decision 11): a log of format 2 records the
/// hash of the log up to each commit, so even a killed run's prefix is checked.
struct CommitCheck {
    /// What was found, for the line `replay` prints.
    found: CommitsFound,
    /// Whether every hash recorded at a commit matched.
    matches: bool,
}

fn commit_check(full: &simulator::replay::Replayed) -> CommitCheck {
    let c = &full.commits;
    let found = if full.format == event_store::LogFormat::V1 {
        CommitsFound::FormatOne
    } else if let Some((seq, recorded, rebuilt)) = &c.mismatch {
        CommitsFound::Mismatch {
            seq: *seq,
            recorded: recorded.clone(),
            rebuilt: rebuilt.clone(),
        }
    } else if let Some(seq) = c.beyond_log {
        CommitsFound::BeyondLog { seq }
    } else if c.checked == 0 {
        CommitsFound::NoneRecorded
    } else {
        CommitsFound::Match {
            checked: c.checked,
            through: c.through,
        }
    };
    let matches = !matches!(
        found,
        CommitsFound::Mismatch { .. } | CommitsFound::BeyondLog { .. }
    );
    CommitCheck { found, matches }
}

/// Exit code of `replay` whose log could not be verified: the run recorded no hashes (it did
/// not finish) and none was given with `--expect-hash`.
const CANNOT_VERIFY: u8 = 3;

/// One hash rebuilt from the log, and what it was compared with.
#[derive(Debug)]
struct HashCheck {
    /// Which hash: the log's, the state's, or the one given with `--expect-hash`.
    what: HashName,
    rebuilt: String,
    /// What the run recorded (or the hash given); `None` when the run recorded nothing.
    recorded: Option<String>,
    matches: bool,
    /// `Some(version recorded)` when the recorded hash is a state hash derived under other
    /// rules than this build's ([`projection::STATE_HASH_VERSION`]): shown, not compared.
    other_rules: Option<Option<u32>>,
}

impl HashCheck {
    fn to_json(&self) -> Value {
        json!({
            "what": match self.what {
                HashName::Log => "log hash",
                HashName::State => "state hash",
                HashName::Expected => "expected",
            },
            "rebuilt": self.rebuilt,
            "recorded": self.recorded,
            "matches": self.matches,
            "compared": self.other_rules.is_none(),
        })
    }

    /// The text line: the hash and whether it matches.
    fn line(&self, lang: Lang) -> String {
        if let (Some(version), Some(recorded), false) =
            (self.other_rules, &self.recorded, self.matches)
        {
            return labels::state_hash_of_other_rules_line(
                &self.rebuilt,
                recorded,
                version,
                projection::STATE_HASH_VERSION,
                lang,
            );
        }
        labels::hash_line(
            self.what,
            &self.rebuilt,
            self.recorded.as_deref(),
            self.matches,
            lang,
        )
    }
}

/// What the comparison of hashes concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Verified,
    Mismatch,
    CannotVerify,
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Verdict::Verified => "verified",
            Verdict::Mismatch => "mismatch",
            Verdict::CannotVerify => "cannot_verify",
        }
    }

    /// The exit code: 0 verified, 1 a mismatch, 3 nothing to compare with.
    fn exit_code(self) -> ExitCode {
        match self {
            Verdict::Verified => ExitCode::SUCCESS,
            Verdict::Mismatch => ExitCode::from(1),
            Verdict::CannotVerify => ExitCode::from(CANNOT_VERIFY),
        }
    }
}

struct Checks {
    hashes: Vec<HashCheck>,
    verdict: Verdict,
}

/// Compares the rebuilt hashes with those the run recorded (and with `--expect-hash`).
/// Verified means every hash the run records matched, or the one given did: a log whose run
/// recorded only some of its hashes (or had some nulled) is not verified by the rest.
/// `commits_match` says whether every hash recorded at a commit matched ([`commit_check`]): one
/// the log does not reproduce is a mismatch whatever else matches.
fn verify(
    recorded: &[(HashName, Option<&str>, &str)],
    expected: Option<(&str, &str)>,
    commits_match: bool,
) -> Checks {
    let mut hashes: Vec<HashCheck> = recorded
        .iter()
        .map(|&(what, stored, rebuilt)| HashCheck {
            what,
            rebuilt: rebuilt.to_owned(),
            recorded: stored.map(str::to_owned),
            matches: stored == Some(rebuilt),
            other_rules: None,
        })
        .collect();
    let mut compared = recorded.iter().all(|(_, stored, _)| stored.is_some());
    if let Some((given, rebuilt)) = expected {
        compared |= given == rebuilt;
        hashes.push(HashCheck {
            what: HashName::Expected,
            rebuilt: rebuilt.to_owned(),
            recorded: Some(given.to_owned()),
            matches: given == rebuilt,
            other_rules: None,
        });
    }
    let mismatch = !commits_match || hashes.iter().any(|h| h.recorded.is_some() && !h.matches);
    let verdict = if mismatch {
        Verdict::Mismatch
    } else if compared {
        Verdict::Verified
    } else {
        Verdict::CannotVerify
    };
    Checks { hashes, verdict }
}

#[cfg(test)]
mod tests {
    use super::{Verdict, verify};
    use report::Lang;
    use report::labels::HashName;

    fn of(recorded: &[(HashName, Option<&str>, &str)], expected: Option<(&str, &str)>) -> Verdict {
        verify(recorded, expected, true).verdict
    }

    #[test]
    fn replay_is_verified_only_when_every_recorded_hash_or_the_given_one_matches() {
        let both = |log: Option<&'static str>, state: Option<&'static str>| {
            [(HashName::Log, log, "L"), (HashName::State, state, "S")]
        };
        assert_eq!(of(&both(Some("L"), Some("S")), None), Verdict::Verified);
        assert_eq!(of(&both(Some("L"), Some("x")), None), Verdict::Mismatch);
        assert_eq!(of(&both(Some("x"), None), None), Verdict::Mismatch);
        // Nothing recorded (the run did not finish), or only part of it: cannot verify.
        assert_eq!(of(&both(None, None), None), Verdict::CannotVerify);
        assert_eq!(of(&both(None, Some("S")), None), Verdict::CannotVerify);
        // A hash kept elsewhere verifies an unfinished log, and a wrong one fails any log.
        assert_eq!(of(&both(None, None), Some(("L", "L"))), Verdict::Verified);
        assert_eq!(of(&both(None, None), Some(("y", "L"))), Verdict::Mismatch);
        assert_eq!(
            of(&both(Some("L"), Some("S")), Some(("y", "L"))),
            Verdict::Mismatch
        );
        let checks = verify(&both(Some("L"), Some("x")), None, true);
        assert_eq!(
            checks.hashes[1].line(Lang::En),
            "state hash  S  MISMATCH: the run recorded x"
        );
        assert_eq!(
            checks.hashes[1].line(Lang::Ja),
            "状態のハッシュ S  不一致：実行の記録は x"
        );
        // A commit hash the log does not reproduce fails even a log whose final hashes match
        // (they could have been recomputed), and so does an unfinished one.
        assert_eq!(
            verify(&both(Some("L"), Some("S")), None, false).verdict,
            Verdict::Mismatch
        );
        assert_eq!(
            verify(&both(None, None), None, false).verdict,
            Verdict::Mismatch
        );
    }
}
