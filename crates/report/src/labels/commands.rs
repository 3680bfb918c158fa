//! The words of the commands that read scenarios and stored logs without simulating anything
//! new — `replay` (the run's first line, the hashes it checks), `check` (each scenario's line
//! and each check) and `validate` (what each file holds), and the lines of a synthetic
//! population's run and of the logs it keeps — in English and Japanese. Columns
//! line up by display width (`crate::align`), so a double-width Japanese label keeps the
//! hashes under one another.

use super::Lang;
use crate::align::pad;

/// The width of the name column of `replay`'s commit and hash lines, in display columns.
fn name_column(lang: Lang) -> usize {
    match lang {
        Lang::En => 11,
        Lang::Ja => 14,
    }
}

/// `replay`'s first line: the run, how many events its log holds, its seed and the code that
/// wrote it.
pub fn run_header(label: &str, events: u64, seed: u64, version: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{label} — {events} events, seed {seed}, {version}"),
        Lang::Ja => format!("{label} — イベント {events} 件、シード {seed}、{version}"),
    }
}

/// What the hashes a log recorded at its commits say, as `replay` found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommitsFound {
    /// A log of format 1, which records no hash at its commits.
    FormatOne,
    /// No commit recorded a hash.
    NoneRecorded,
    /// Every recorded hash matched, `checked` of them, up to event `through`.
    Match { checked: usize, through: u64 },
    /// The commit ending at event `seq` recorded `recorded`; the log hashes to `rebuilt` there.
    Mismatch {
        seq: u64,
        recorded: String,
        rebuilt: String,
    },
    /// A commit ended at event `seq`, which the log does not hold.
    BeyondLog { seq: u64 },
}

/// `replay`'s line about the hashes recorded at the commits.
pub fn commits_line(found: &CommitsFound, lang: Lang) -> String {
    let name = pad(
        match lang {
            Lang::En => "commits",
            Lang::Ja => "コミット",
        },
        name_column(lang),
    );
    let said = match (found, lang) {
        (CommitsFound::FormatOne, Lang::En) => {
            "(a log of format 1 records no hash at its commits)".to_owned()
        }
        (CommitsFound::FormatOne, Lang::Ja) => {
            "（形式 1 のログはコミットごとのハッシュを記録しない）".to_owned()
        }
        (CommitsFound::NoneRecorded, Lang::En) => "(no hash recorded at any commit)".to_owned(),
        (CommitsFound::NoneRecorded, Lang::Ja) => {
            "（どのコミットにもハッシュの記録がない）".to_owned()
        }
        (CommitsFound::Match { checked, through }, Lang::En) => format!(
            "{checked} hashes match: the log is the one its run committed, up to event {through}"
        ),
        (CommitsFound::Match { checked, through }, Lang::Ja) => format!(
            "ハッシュ {checked} 件が一致：イベント {through} まで、実行がコミットしたとおりのログ"
        ),
        (
            CommitsFound::Mismatch {
                seq,
                recorded,
                rebuilt,
            },
            Lang::En,
        ) => format!(
            "MISMATCH at the commit ending at event {seq}: it recorded {recorded}, the log \
             hashes to {rebuilt} there"
        ),
        (
            CommitsFound::Mismatch {
                seq,
                recorded,
                rebuilt,
            },
            Lang::Ja,
        ) => format!(
            "不一致：イベント {seq} で終わるコミットの記録は {recorded}、ログのその時点のハッシュは \
             {rebuilt}"
        ),
        (CommitsFound::BeyondLog { seq }, Lang::En) => {
            format!("MISMATCH: a commit ended at event {seq}, which the log does not hold")
        }
        (CommitsFound::BeyondLog { seq }, Lang::Ja) => {
            format!("不一致：イベント {seq} で終わるコミットがあるが、ログにそのイベントがない")
        }
    };
    format!("{name} {said}")
}

/// Which hash a `replay` line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashName {
    /// The hash of the whole log.
    Log,
    /// The hash of the state the log folds to.
    State,
    /// The hash given with `--expect-hash`.
    Expected,
}

/// `replay`'s line about one hash: the hash rebuilt from the log (or the one given, for
/// [`HashName::Expected`]) and whether it matches what the run recorded (`recorded`; `None`
/// when the run recorded nothing).
pub fn hash_line(
    name: HashName,
    rebuilt: &str,
    recorded: Option<&str>,
    matches: bool,
    lang: Lang,
) -> String {
    let shown = pad(
        match (name, lang) {
            (HashName::Log, Lang::En) => "log hash",
            (HashName::Log, Lang::Ja) => "ログのハッシュ",
            (HashName::State, Lang::En) => "state hash",
            (HashName::State, Lang::Ja) => "状態のハッシュ",
            (HashName::Expected, Lang::En) => "expected",
            (HashName::Expected, Lang::Ja) => "期待値",
        },
        name_column(lang),
    );
    let (hash, said) = match (name, recorded, matches, lang) {
        (HashName::Expected, Some(given), true, Lang::En) => (given, "(matches the log)".into()),
        (HashName::Expected, Some(given), true, Lang::Ja) => (given, "（ログと一致）".into()),
        (HashName::Expected, Some(given), false, Lang::En) => {
            (given, format!("MISMATCH: the log hashes to {rebuilt}"))
        }
        (HashName::Expected, Some(given), false, Lang::Ja) => {
            (given, format!("不一致：ログのハッシュは {rebuilt}"))
        }
        (_, Some(_), true, Lang::En) => (rebuilt, "(matches the run)".into()),
        (_, Some(_), true, Lang::Ja) => (rebuilt, "（実行の記録と一致）".into()),
        (_, Some(r), false, Lang::En) => (rebuilt, format!("MISMATCH: the run recorded {r}")),
        (_, Some(r), false, Lang::Ja) => (rebuilt, format!("不一致：実行の記録は {r}")),
        (_, None, _, Lang::En) => (rebuilt, "(the run did not finish: nothing recorded)".into()),
        (_, None, _, Lang::Ja) => (rebuilt, "（実行が終わらず、記録なし）".into()),
    };
    format!("{shown} {hash}  {said}")
}

/// The mark before a passed or failed scenario or check, four columns wide in either language.
pub fn check_mark(passed: bool, lang: Lang) -> &'static str {
    match (passed, lang) {
        (true, Lang::En) => "ok  ",
        (false, Lang::En) => "FAIL",
        (true, Lang::Ja) => "成功",
        (false, Lang::Ja) => "失敗",
    }
}

/// Where and about whom a check was made: "`source:line` mei on 2026-07-31: " /
/// 「`source:line` mei（2026-07-31）：」.
pub fn check_place(source: &str, line: usize, resident: &str, on: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{source}:{line} {resident} on {on}: "),
        Lang::Ja => format!("{source}:{line} {resident}（{on}）："),
    }
}

/// A failed check: what was expected and what was found (values as [`check_value`] shows them).
pub fn expected_got(what: &str, expected: &str, actual: &str, lang: Lang) -> String {
    let (expected, actual) = (check_value(expected, lang), check_value(actual, lang));
    match lang {
        Lang::En => format!("{what} expected {expected}, got {actual}"),
        Lang::Ja => format!("{what} 期待 {expected}、実際 {actual}"),
    }
}

/// A value a check compares, in `lang`: the fixed words the checks use (`true`, `occurred`,
/// `at least once`, `sent 2 times` …) are translated; dates, numbers and names stay as they are.
pub fn check_value(value: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return value.to_owned();
    }
    let fixed = match value {
        "true" => Some("はい"),
        "false" => Some("いいえ"),
        "occurred" => Some("発生"),
        "did not occur" => Some("発生せず"),
        "refused" => Some("拒否"),
        "not refused" => Some("拒否なし"),
        "absent" => Some("なし"),
        "none" => Some("なし"),
        "not held" => Some("不所持"),
        "at least once" => Some("1 回以上"),
        // An office's record against its value at the start (`records:`).
        "changed" => Some("変更あり"),
        "unchanged" => Some("変更なし"),
        _ => None,
    };
    match (
        fixed,
        value
            .strip_prefix("sent ")
            .and_then(|v| v.strip_suffix(" times")),
    ) {
        (Some(word), _) => word.to_owned(),
        (None, Some(n)) => format!("{n} 回送付"),
        (None, None) => value.to_owned(),
    }
}

/// `validate`'s line for a file that parsed: how many residents, steps and expectations it has.
pub fn validated(
    source: &str,
    residents: usize,
    steps: usize,
    expectations: usize,
    lang: Lang,
) -> String {
    let mark = check_mark(true, lang);
    match lang {
        Lang::En => format!(
            "{mark}{source}: {residents} residents, {steps} steps, {expectations} expectations"
        ),
        Lang::Ja => {
            format!("{mark}  {source}：住民 {residents} 人、手順 {steps}、期待 {expectations}")
        }
    }
}

/// The title of a synthetic population's run (`run --population N`).
pub fn synthetic_population(residents: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("synthetic population of {residents} residents"),
        Lang::Ja => format!("在留者 {residents} 人の合成母集団"),
    }
}

/// The rows each analysis table of a stored run got (`tables`: name and rows, in order).
pub fn tables_written(tables: &[(&str, u64)], lang: Lang) -> String {
    let (head, sep) = match lang {
        Lang::En => ("analysis tables (rows): ", ", "),
        Lang::Ja => ("分析用の表（行数）：", "、"),
    };
    let rows: Vec<String> = tables
        .iter()
        .map(|(name, n)| format!("{name} {n}"))
        .collect();
    format!("{head}{}", rows.join(sep))
}

/// What `compare --population N --db DIR` kept: both arms' whole logs, with their tables.
pub fn population_logs_kept(
    residents: usize,
    seed: u64,
    baseline: &str,
    reform: &str,
    lang: Lang,
) -> String {
    match lang {
        Lang::En => format!(
            "kept the logs of the whole population ({residents} residents, seed {seed}) under \
             both arms, with their analysis tables: {baseline} and {reform}"
        ),
        Lang::Ja => format!(
            "母集団全体（在留者 {residents} 人、シード {seed}）について両方の政策のログと分析用の\
             表を保存：{baseline} と {reform}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hashes_line_up_under_one_another_in_either_language() {
        for lang in [Lang::En, Lang::Ja] {
            for line in [
                hash_line(HashName::Log, "HASH", Some("HASH"), true, lang),
                hash_line(HashName::State, "HASH", None, false, lang),
                hash_line(HashName::Expected, "other", Some("HASH"), false, lang),
            ] {
                let before = &line[..line.find("HASH").unwrap()];
                assert_eq!(crate::align::width(before), name_column(lang) + 1, "{line}");
            }
        }
    }

    #[test]
    fn check_values_are_translated_and_names_kept() {
        assert_eq!(check_value("true", Lang::Ja), "はい");
        assert_eq!(check_value("sent 2 times", Lang::Ja), "2 回送付");
        assert_eq!(check_value("unchanged", Lang::Ja), "変更なし");
        assert_eq!(check_value("2029-07-31", Lang::Ja), "2029-07-31");
        assert_eq!(check_value("true", Lang::En), "true");
        assert_eq!(
            expected_got("lawfully_resident", "true", "false", Lang::Ja),
            "lawfully_resident 期待 はい、実際 いいえ"
        );
    }
}
