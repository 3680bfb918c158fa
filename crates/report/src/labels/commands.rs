//! The words of the commands that read scenarios and stored logs without simulating anything
//! new — `replay` (the run's first line, the hashes it checks, its warnings), `check` (each
//! scenario's line and each check) and `validate` (what each file holds), and the lines of a
//! synthetic population's run and of the logs it keeps — in English and Japanese. Columns
//! line up by display width (`crate::align`), so a double-width Japanese label keeps the
//! hashes under one another.

use model::card::CardKind;
use model::ids::Municipality;
use model::service::Service;
use model::status::Status;

use super::{Lang, card_kind, certificate, measure, municipality, service_short, status};
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
    let shown = hash_name(name, lang);
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

/// The name column of a hash line, padded.
fn hash_name(name: HashName, lang: Lang) -> String {
    pad(
        match (name, lang) {
            (HashName::Log, Lang::En) => "log hash",
            (HashName::Log, Lang::Ja) => "ログのハッシュ",
            (HashName::State, Lang::En) => "state hash",
            (HashName::State, Lang::Ja) => "状態のハッシュ",
            (HashName::Expected, Lang::En) => "expected",
            (HashName::Expected, Lang::Ja) => "期待値",
        },
        name_column(lang),
    )
}

/// The line for a state hash the run recorded under other rules than this build's (a
/// different `projection_version`, or none recorded): shown beside today's, not compared —
/// the same events may fold to another state under other rules, and the log hash and the
/// commit hashes verify the events.
pub fn state_hash_of_other_rules_line(
    rebuilt: &str,
    recorded: &str,
    recorded_version: Option<u32>,
    current_version: u32,
    lang: Lang,
) -> String {
    let shown = hash_name(HashName::State, lang);
    let said = match (recorded_version, lang) {
        (Some(v), Lang::En) => format!(
            "not compared: the run recorded {recorded} under version {v} of the rules, this \
             build has version {current_version}; the log hash verifies the events"
        ),
        (None, Lang::En) => format!(
            "not compared: the run recorded {recorded} under the rules of a build older than \
             version {current_version}; the log hash verifies the events"
        ),
        (Some(v), Lang::Ja) => format!(
            "比較せず：実行の記録 {recorded} は規則の第{v}版によるもの（このビルドは第\
             {current_version}版）。イベントはログのハッシュで検証"
        ),
        (None, Lang::Ja) => format!(
            "比較せず：実行の記録 {recorded} は第{current_version}版より前のビルドの規則によるもの。\
             イベントはログのハッシュで検証"
        ),
    };
    format!("{shown} {rebuilt}  {said}")
}

/// What `replay` found wrong with a log, said on standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayProblem {
    /// The run stopped before it recorded what it ran: nothing to verify against.
    NoMetadata,
    /// The hashes disagree: the log is not the one its run wrote.
    Mismatch,
    /// The run did not finish, so there is no final hash to check.
    Unfinished,
}

/// `replay`'s warning (or, for a log that does not match, its error) about the log `db`.
pub fn replay_warning(problem: ReplayProblem, db: &str, lang: Lang) -> String {
    match (problem, lang) {
        (ReplayProblem::NoMetadata, Lang::En) => format!(
            "warning: cannot verify {db}: its run stopped before it recorded what it ran (no run \
             metadata)"
        ),
        (ReplayProblem::NoMetadata, Lang::Ja) => format!(
            "警告：{db} を検証できない。実行が、何を実行したかを記録する前に止まった（実行の\
             メタデータがない）"
        ),
        (ReplayProblem::Mismatch, Lang::En) => {
            "error: the log does not match: it is not the log its run wrote".to_owned()
        }
        (ReplayProblem::Mismatch, Lang::Ja) => {
            "エラー：ログが一致しない。実行が書いたログではない".to_owned()
        }
        (ReplayProblem::Unfinished, Lang::En) => "warning: cannot verify the log: its run did not \
             finish, so it recorded no final hash (the hashes at its commits, above, check the \
             prefix it kept); pass --expect-hash HASH to check it against a hash kept elsewhere"
            .to_owned(),
        (ReplayProblem::Unfinished, Lang::Ja) => "警告：ログを検証できない。実行が終わらず、最終\
             ハッシュが記録されていない（上のコミットごとのハッシュで、残った部分は確かめた）。\
             別に保管したハッシュと照らすには、--expect-hash でそのハッシュを渡す"
            .to_owned(),
    }
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

/// A failed check: what was expected and what was found (as [`check_what`] and
/// [`check_value_of`] say them).
pub fn expected_got(what: &str, expected: &str, actual: &str, lang: Lang) -> String {
    let (expected, actual) = (
        check_value_of(what, expected, lang),
        check_value_of(what, actual, lang),
    );
    let what = check_what(what, lang);
    match lang {
        Lang::En => format!("{what} expected {expected}, got {actual}"),
        Lang::Ja => format!("{what} 期待 {expected}、実際 {actual}"),
    }
}

/// A passed check as `check -v` lists it: what was checked and the value found.
pub fn check_passed(what: &str, actual: &str, lang: Lang) -> String {
    format!(
        "{} = {}",
        check_what(what, lang),
        check_value_of(what, actual, lang)
    )
}

/// What a check compares. In English, the expectation's key as the scenario file writes it
/// (`visits.city_hall`, `records.city_hall.period_expiry`), so the author finds it; in
/// Japanese, said in words (市区町村の記録：在留期間の満了日), the line number of the check
/// leading to the key. Event type names and refusal rule tags (`events.CardIssued`,
/// `refusals.tokutei_online`) keep the identifier the author listed, after a Japanese word.
pub fn check_what(what: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return what.to_owned();
    }
    let (head, rest) = what.split_once('.').unwrap_or((what, ""));
    let said = match (head, rest) {
        ("cards", "") => Some("有効なカード".to_owned()),
        ("valid_through", kind) => {
            card_kind_named(kind).map(|k| format!("{}の有効期限", card_kind(k).get(lang)))
        }
        ("my_number_usable", "") => Some("マイナンバー機能が使える".to_owned()),
        ("lawfully_resident", "") => Some("適法に在留している".to_owned()),
        ("visits" | "notifications" | "inconsistency_days", _) => Some(measure(what, lang)),
        ("outage_days", "") => Some(measure("my_number_outage_days", lang)),
        ("city_hall_visits", m) if !m.is_empty() => Some(format!(
            "{}への来訪",
            municipality(&Municipality::new(m), lang)
        )),
        ("records", office_field) => office_field.split_once('.').and_then(|(office, field)| {
            let service = [
                ("immigration_bureau", Service::ImmigrationBureau),
                ("city_hall", Service::CityHall),
                ("card_issuer", Service::CardIssuer),
            ]
            .into_iter()
            .find(|(key, _)| *key == office)?
            .1;
            let field = match field {
                "municipality" => "市区町村",
                "address" => "住居地",
                "status" => "在留資格",
                "period_expiry" => "在留期間の満了日",
                "card_number" => "カード番号",
                "name" => "氏名",
                "my_number" => "マイナンバー",
                _ => return None,
            };
            Some(format!(
                "{}の記録：{field}",
                service_short(service).get(lang)
            ))
        }),
        ("events", name) => Some(format!("出来事 {name}")),
        ("refusals", tag) => Some(format!("不受理 {tag}")),
        ("absent", name) => Some(format!("起きていないこと {name}")),
        ("signature_certificate", "") => Some(
            certificate(model::validity::CertificateKind::Signature)
                .get(lang)
                .to_owned(),
        ),
        ("user_authentication_certificate", "") => Some(
            certificate(model::validity::CertificateKind::UserAuthentication)
                .get(lang)
                .to_owned(),
        ),
        // Any other measure a scenario can expect (`fees_paid_yen`), by its measure label.
        _ => Some(measure(what, lang)),
    };
    said.unwrap_or_else(|| what.to_owned())
}

/// A card kind by the name scenario files write (`new_format_residence_card`).
fn card_kind_named(name: &str) -> Option<CardKind> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

/// A status of residence by the name scenario files write (`student`).
fn status_named(name: &str) -> Option<Status> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

/// A value the check `what` compares, in `lang`: card kinds, statuses of residence and
/// municipalities by their names in `lang` (they are written as the scenario file writes them
/// in English), everything else as [`check_value`] says it.
pub fn check_value_of(what: &str, value: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return value.to_owned();
    }
    if what == "cards" {
        let kinds: Option<Vec<String>> = value
            .strip_prefix('[')
            .and_then(|v| v.strip_suffix(']'))
            .map(|v| {
                v.split(", ")
                    .filter(|k| !k.is_empty())
                    .map(|k| {
                        card_kind_named(k)
                            .map_or(k.to_owned(), |k| card_kind(k).get(lang).to_owned())
                    })
                    .collect()
            });
        if let Some(kinds) = kinds {
            return if kinds.is_empty() {
                check_value("none", lang)
            } else {
                kinds.join("、")
            };
        }
    }
    if what.starts_with("records.")
        && what.ends_with(".status")
        && let Some(s) = status_named(value)
    {
        return status(s).get(lang).to_owned();
    }
    if what.starts_with("records.") && what.ends_with(".municipality") && value != "none" {
        return municipality(&Municipality::new(value), lang);
    }
    check_value(value, lang)
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

/// What a synthetic population's log says was run (its label in `run_meta`, shown by `replay`,
/// `explain`, `diff` and `why`): the population, its shard if it is one, its seed and regime,
/// and the arm of `compare --population N --db DIR` it ran under.
pub fn population_log(
    residents: usize,
    shard: Option<model::shard::Shard>,
    seed: u64,
    regime: model::policy::Regime,
    arm: Option<&str>,
    lang: Lang,
) -> String {
    let (shard, arm) = match lang {
        Lang::En => (
            shard.map(|s| format!(", shard {s}")),
            arm.map(|a| format!(", {a}")),
        ),
        Lang::Ja => (
            shard.map(|s| format!("、分割 {s}")),
            arm.map(|a| format!("、{a}")),
        ),
    };
    let (shard, arm) = (shard.unwrap_or_default(), arm.unwrap_or_default());
    match lang {
        Lang::En => format!(
            "synthetic population of {residents} residents{shard}, seed {seed}, {} regime{arm}",
            regime.as_str()
        ),
        Lang::Ja => format!(
            "在留者 {residents} 人の合成母集団{shard}、シード {seed}、{}{arm}",
            super::regime_short(regime).get(lang)
        ),
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
    fn a_simtest_failure_in_japanese_points_to_the_english_detail_instead_of_printing_it() {
        let broken = SimtestBroken {
            seed: 2,
            faults: "loss",
            requested: "loss",
            number: 4,
            name: "名前",
            detail: "resident 0: My Number functions usable on a suspended card",
            steps: 1,
            residents: 1,
            file: "simtest-2.yaml",
        };
        let en = simtest_broken(&broken, Lang::En);
        assert!(en.contains("usable on a suspended card"), "{en}");
        let ja = simtest_broken(&broken, Lang::Ja);
        assert!(!ja.contains("suspended"), "{ja}");
        assert!(ja.contains("詳細は --lang en で表示される"), "{ja}");
        assert!(
            ja.contains("zairyu simtest --seeds 1 --seed 2 --faults loss"),
            "{ja}"
        );
    }

    #[test]
    fn a_population_log_is_labelled_in_either_language() {
        use model::policy::Regime;
        use model::shard::Shard;
        let shard = Some(Shard { index: 1, count: 4 });
        assert_eq!(
            population_log(200, None, 7, Regime::Integrated, None, Lang::En),
            "synthetic population of 200 residents, seed 7, integrated regime"
        );
        assert_eq!(
            population_log(200, shard, 7, Regime::Legacy, Some("reform"), Lang::En),
            "synthetic population of 200 residents, shard 1/4, seed 7, legacy regime, reform"
        );
        assert_eq!(
            population_log(200, shard, 7, Regime::Legacy, Some("reform"), Lang::Ja),
            "在留者 200 人の合成母集団、分割 1/4、シード 7、従来制度、reform"
        );
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
            "適法に在留している 期待 はい、実際 いいえ"
        );
        assert_eq!(
            expected_got("lawfully_resident", "true", "false", Lang::En),
            "lawfully_resident expected true, got false"
        );
    }

    #[test]
    fn check_keys_and_their_values_are_said_in_japanese() {
        assert_eq!(
            check_passed("records.city_hall.status", "student", Lang::Ja),
            "市区町村の記録：在留資格 = 留学"
        );
        assert_eq!(
            check_passed(
                "records.immigration_bureau.municipality",
                "shinjuku",
                Lang::Ja
            ),
            "入管の記録：市区町村 = 新宿区"
        );
        assert_eq!(
            check_passed("cards", "[my_number_card, residence_card]", Lang::Ja),
            "有効なカード = 個人番号カード、在留カード"
        );
        assert_eq!(check_passed("cards", "[]", Lang::Ja), "有効なカード = なし");
        assert_eq!(
            check_passed("valid_through.residence_card", "not held", Lang::Ja),
            "在留カードの有効期限 = 不所持"
        );
        // The names an expectation lists stay as written; an unknown key is shown as it is.
        assert_eq!(
            check_what("events.CardIssued", Lang::Ja),
            "出来事 CardIssued"
        );
        assert_eq!(check_what("something.new", Lang::Ja), "something.new");
        // English shows the key as the file writes it.
        assert_eq!(
            check_passed("records.city_hall.status", "student", Lang::En),
            "records.city_hall.status = student"
        );
    }
}

/// `simtest`'s line when every invariant held over `seeds` seeds from `first` under `faults`.
pub fn simtest_held(seeds: u64, first: u64, faults: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "simtest: {seeds} seeds from {first} under {faults} faults: every invariant held"
        ),
        Lang::Ja => format!(
            "simtest：シード {first} から {seeds} 個を障害 {faults} の下で実行し、すべての不変条件が\
             保たれた"
        ),
    }
}

/// `simtest`'s report of a failure: the seed, the faults, the invariant broken (its number and
/// name) and the simulator's detail, the command that reproduces it, and the shrunk case's size
/// and file. The detail is the simulator's English sentence (its data is not typed yet), so in
/// Japanese it is left out and pointed to, as other untyped details are (decision 19).
#[derive(Debug, Clone, Copy)]
pub struct SimtestBroken<'a> {
    pub seed: u64,
    pub faults: &'a str,
    pub requested: &'a str,
    pub number: u8,
    pub name: &'a str,
    pub detail: &'a str,
    pub steps: usize,
    pub residents: usize,
    pub file: &'a str,
}

/// The lines of [`SimtestBroken`].
pub fn simtest_broken(b: &SimtestBroken<'_>, lang: Lang) -> String {
    let SimtestBroken {
        seed,
        faults,
        requested,
        number,
        name,
        detail,
        steps,
        residents,
        file,
    } = *b;
    match lang {
        Lang::En => format!(
            "simtest: seed {seed} (faults {faults}) broke invariant {number} ({name}): {detail}\n\
             reproduce: zairyu simtest --seeds 1 --seed {seed} --faults {requested}\n\
             shrunk to {steps} steps and {residents} residents: zairyu run {file}"
        ),
        Lang::Ja => format!(
            "simtest：シード {seed}（障害 {faults}）で不変条件 {number}（{name}）が破れた。\
             詳細は --lang en で表示される\n\
             再現：zairyu simtest --seeds 1 --seed {seed} --faults {requested}\n\
             手順 {steps} 件、在留者 {residents} 人に縮めた：zairyu run {file}"
        ),
    }
}

/// What a progress bar on the terminal counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressBar {
    /// The share of a comparison's or a sweep's runs done (its prefix the seed).
    Percent,
    /// The simulated days of a run (its prefix the run's name).
    Days,
    /// `simtest`'s seeds.
    Seeds,
}

/// The `indicatif` template of a progress bar: its words in `lang` around the placeholders.
pub fn progress_template(bar: ProgressBar, lang: Lang) -> String {
    let (days, seeds, eta) = match lang {
        Lang::En => ("days", "seeds", "eta"),
        Lang::Ja => ("日", "シード", "残り"),
    };
    match bar {
        ProgressBar::Percent => {
            format!(
                "{{prefix:>16}} [{{bar:30}}] {{percent:>3}}%  {{msg}}  ({{elapsed}}, {eta} {{eta}})"
            )
        }
        ProgressBar::Days => format!(
            "{{prefix:>10}} [{{bar:30}}] {{pos}}/{{len}} {days}  {{msg}}  ({{elapsed}}, {eta} {{eta}})"
        ),
        ProgressBar::Seeds => {
            format!("simtest [{{bar:30}}] {{pos}}/{{len}} {seeds} ({{elapsed}}, {eta} {{eta}})")
        }
    }
}

/// A progress bar's message: the events simulated so far.
pub fn progress_events(events: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{events} events"),
        Lang::Ja => format!("イベント {events} 件"),
    }
}

/// A progress bar's prefix: the seed being run.
pub fn progress_seed(seed: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("seed {seed}"),
        Lang::Ja => format!("シード {seed}"),
    }
}

/// A progress bar's message while the analysis tables are written.
pub fn progress_writing_tables(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "writing the analysis tables",
        Lang::Ja => "分析用の表を書いている",
    }
}

/// A population run's progress bar prefix.
pub fn progress_simulate(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "simulate",
        Lang::Ja => "模擬",
    }
}
