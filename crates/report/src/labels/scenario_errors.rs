//! What is wrong with a scenario or policy file (or a `--set`/`--grid` assignment), said in
//! English or Japanese from the reader's [`Problem`]: English is the reader's own sentence (its
//! `Display`), Japanese is worded here, one sentence per kind of problem. Keys, values, dates
//! and file names are identifiers, shown as the author wrote them in either language.
//!
//! A few problems carry another library's English words (the YAML reader's syntax errors, a
//! check of the model's own types, the policy reader's): in Japanese they are said by their kind,
//! and the detail is left to `--lang en`, which the sentence says.

use scenario::problem::{
    CardWord, ClosedHint, ClosedPlace, ClosedWhy, FileKind, Found, Limit, NameKind, NodeKind,
    Problem, Referrer, Shape, backquoted,
};

use super::{Lang, errors::io_reason};

/// The sentence for `p` in `lang`, without the place (the CLI puts `file:line:column:` first).
pub fn scenario_problem(p: &Problem, lang: Lang) -> String {
    match lang {
        Lang::En => p.to_string(),
        Lang::Ja => ja(p),
    }
}

/// Where the English detail of a problem is.
const DETAIL: &str = "詳細は --lang en で表示される";

/// What a value was, in Japanese.
fn found(f: &Found) -> String {
    match f {
        Found::Empty => "空の値".into(),
        Found::Bool(b) => format!("真偽値 `{b}`"),
        Found::Number(n) => format!("数 `{n}`"),
        Found::Text(s) => format!("文字列 `{s}`"),
        Found::Seq => "リスト".into(),
        Found::Map => "マッピング".into(),
        Found::Other => "別の種類の値".into(),
    }
}

/// What serde says a value was expected to be (its English words), in Japanese: the common
/// kinds by name, anything else as "another kind of value".
fn expected(e: &str) -> String {
    let kind = match e {
        "u8" | "u16" | "u32" | "u64" | "usize" => "0 以上の整数",
        "i8" | "i16" | "i32" | "i64" | "isize" => "整数",
        "f32" | "f64" => "数",
        "a boolean" => "真偽値（true か false）",
        "a string" | "a borrowed string" | "a character" => "文字列",
        "a sequence" => "リスト",
        "a map" => "マッピング",
        "a date YYYY-MM-DD" => "日付（YYYY-MM-DD）",
        "a time of day HH:MM" => "時刻（HH:MM）",
        "a count (0, 1, 2 …) or `at_least_once`" => "回数（0、1、2 …）か `at_least_once`",
        _ if e.starts_with("struct ") || e.starts_with("a map") => "マッピング",
        _ if e.starts_with("enum ") || e.starts_with("variant") => "決められた名前のどれか",
        _ => "別の種類の値",
    };
    kind.into()
}

/// serde's list of expected names in Japanese: "`a`", "`a` か `b`", "`a`、`b`、`c` のどれか".
fn one_of(names: &[&str]) -> String {
    match names {
        [one] => format!("`{one}`"),
        [a, b] => format!("`{a}` か `{b}`"),
        _ => format!("{} のどれか", backquoted(names).replace(", ", "、")),
    }
}

fn file_kind(k: FileKind) -> &'static str {
    match k {
        FileKind::Scenario => "シナリオ",
        FileKind::Policy => "政策",
        FileKind::ShardResult => "シャードの結果",
        FileKind::Input => "入力",
    }
}

fn node_kind(k: NodeKind) -> &'static str {
    match k {
        NodeKind::Directory => "ディレクトリ",
        NodeKind::Fifo => "名前付きパイプ（FIFO）",
        NodeKind::CharDevice => "キャラクタデバイス",
        NodeKind::BlockDevice => "ブロックデバイス",
        NodeKind::Socket => "ソケット",
        NodeKind::Other => "普通のファイルではないもの",
    }
}

fn name_kind(k: NameKind) -> &'static str {
    match k {
        NameKind::NotificationCode => "通知の符号",
        NameKind::EventType => "イベントの種類",
        NameKind::RefusalRule => "拒否の規則",
        NameKind::Happening => "イベントの種類、通知の符号、拒否の規則",
    }
}

fn referrer(r: Referrer) -> &'static str {
    match r {
        Referrer::Step => "手順",
        Referrer::Expectation => "期待",
    }
}

/// "`x`。もしかして `y`？" or "`x`（次のどれか：…）".
fn unknown_name(found: &str, nearest: Option<&String>, choices: &[String]) -> String {
    match nearest {
        Some(best) => format!("`{found}`。もしかして `{best}`？"),
        None => format!("`{found}`（次のどれか：{}）", backquoted(choices)),
    }
}

fn ja(p: &Problem) -> String {
    use Problem as P;
    match p {
        P::Custom(_) => format!("この値は使えない（{DETAIL}）"),
        P::Syntax(_) => format!("YAML の書き方が正しくない（{DETAIL}）"),
        P::TooLarge(limit) => format!(
            "ファイルが大きすぎるか複雑すぎて読めない：{}",
            match limit {
                Limit::Values => "YAML の値が 250,000 個を超える（`*alias` は参照ごとに一つと数える。\
                                  シナリオの在留者は約 22,700 人まで。大きな母集団には \
                                  zairyu compare --population を使う）"
                    .to_owned(),
                Limit::Aliases => "`*alias` の参照が多すぎる".to_owned(),
                Limit::Depth(max) => format!("マッピングとリストの入れ子が {max} 段を超える"),
                Limit::LongText => "文字列の値が長すぎる".to_owned(),
                Limit::Documents => "`---` で区切った文書が多すぎる".to_owned(),
                Limit::Other => "YAML を読む際の大きさの制限を超える".to_owned(),
            }
        ),
        P::DuplicateKey(Some(k)) => {
            format!("キー `{k}` が重複している。一つのマッピングに同じキーは一度だけ")
        }
        P::DuplicateKey(None) => "キーが重複している。一つのマッピングに同じキーは一度だけ".into(),
        P::MultipleDocuments => "YAML の文書は一つだけ。二つ目（`---`）がある".into(),
        P::InvalidType {
            found: f, expected: e, ..
        } => format!("値の種類が違う：{}。ここには{}を書く", found(f), expected(e)),
        P::InvalidValue {
            found: f, expected: e, ..
        } => format!("値が正しくない：{}。ここには{}を書く", found(f), expected(e)),
        P::InvalidLength { len, .. } => format!("リストの長さ {len} が正しくない"),
        P::UnknownVariant { variant, expected } if expected.is_empty() => {
            format!("`{variant}` は使えない")
        }
        P::UnknownVariant { variant, expected } => {
            format!("`{variant}` は使えない。{} を書く", one_of(expected))
        }
        P::UnknownField { field, expected } if expected.is_empty() => {
            format!("キー `{field}` は使えない。ここにはキーを書かない")
        }
        P::UnknownField { field, expected } => {
            format!("キー `{field}` は使えない。{} を書く", one_of(expected))
        }
        P::UnknownStepField {
            field,
            expected,
            kind,
        } if expected.is_empty() => format!(
            "キー `{field}` は使えない。`{kind}` の手順には `on`、`at`、`resident`、`do` だけを書く"
        ),
        P::UnknownStepField {
            field,
            expected,
            kind,
        } => format!(
            "キー `{field}` は `{kind}` の手順には使えない。{} を書く（どの手順にも `on`、`at`、\
             `resident`、`do` がある）",
            one_of(expected)
        ),
        P::MissingField(field) => format!("キー `{field}` がない"),
        P::DuplicateField(field) => format!("キー `{field}` が二度ある"),
        P::Expected { shape, found: f } => format!(
            "ここには{} を書く。あるのは{}",
            match shape {
                Shape::Mapping => "マッピング",
                Shape::Sequence => "リスト",
            },
            found(f)
        ),
        P::TakesNoValue { key } => {
            format!("`{key}` は値をとらない。ただの文字列として書く")
        }
        P::NotARegularFile { what, found } => format!(
            "{}のファイルではなく{}。読むのは普通のファイルだけ",
            file_kind(*what),
            node_kind(*found)
        ),
        P::TooLong { what, mib } => format!(
            "{}のファイルは {mib} MiB まで。このファイルはそれより長い（ここで読むのをやめた）",
            file_kind(*what)
        ),
        P::NotUtf8 => "UTF-8 のテキストではない。ここに不正なバイトがある".into(),
        P::NotAScenario => {
            "シナリオではない。シナリオは `name`、`start`、`until`、`residents` … を持つマッピング"
                .into()
        }
        P::NotAPolicy => {
            "政策ファイルではない。政策ファイルは `name`、`base`、`policy` を持つマッピング".into()
        }
        P::UntilBeforeStart { until, start } => {
            format!("`until` {until} が `start` {start} より前")
        }
        P::NoResidents => "シナリオには `residents` に在留者が一人以上要る".into(),
        P::TooManyResidents => "一つのシナリオファイルには在留者が多すぎる".into(),
        P::EmptyResidentId => "在留者の `id` が空".into(),
        P::DuplicateResidentId { key, line } => {
            format!("在留者の `id` `{key}` が重複している（最初は {line} 行目）")
        }
        P::UnknownName {
            what,
            found,
            nearest,
            choices,
        } => format!(
            "{}にない名前：{}",
            name_kind(*what),
            unknown_name(found, nearest.as_ref(), choices)
        ),
        P::UnknownResident {
            of,
            found,
            nearest,
            choices,
        } => format!(
            "{}がファイルにない在留者を指している：{}",
            referrer(*of),
            unknown_name(found, nearest.as_ref(), choices)
        ),
        P::DateBeforeStart { of, date, start } => {
            format!("{}の日付 {date} が `start` {start} より前", referrer(*of))
        }
        P::DateAfterUntil { of, date, until } => {
            format!("{}の日付 {date} が `until` {until} より後", referrer(*of))
        }
        P::NotTheirMunicipality {
            municipality,
            resident,
            nearest,
            theirs,
        } => format!(
            "`{municipality}` はこのファイルの在留者 `{resident}` の市区町村ではない{}",
            match nearest {
                Some(near) => format!("。もしかして `{near}`？"),
                None => format!("（その市区町村：{}）", theirs.join("、")),
            }
        ),
        P::RecordKeepsNo { office, key, keeps } => format!(
            "このモデルでは `{office}` の記録に `{key}` はない。問えるのは：{}",
            keeps.join("、")
        ),
        P::DecidedBeforeFiled { decided, filed } => format!(
            "decided_on {decided} が申請の日 {filed} より前。入管が処分するのは受け付けた申請だけ"
        ),
        P::Closed {
            place,
            date,
            why,
            next,
            hint,
        } => {
            let what = match place {
                ClosedPlace::BureauDecides => "入管は処分をしない",
                ClosedPlace::CityHall => "市区町村の窓口は閉まっている",
                ClosedPlace::CardCounter => "カードを受け取る窓口が開いていない",
                ClosedPlace::BureauCounter => "入管の窓口は閉まっている",
            };
            let why = match why {
                ClosedWhy::Saturday => "土曜日".to_owned(),
                ClosedWhy::Sunday => "日曜日".to_owned(),
                ClosedWhy::Holiday(name) => format!("国民の祝日（{name}）"),
                ClosedWhy::YearEnd => "年末年始の休み（12/29–1/3）".to_owned(),
                ClosedWhy::Closed => "閉庁日".to_owned(),
            };
            let hint = match hint {
                ClosedHint::None => "",
                ClosedHint::EveryDay => {
                    "。または `policy: { switches: { offices_work: every_day } }` で毎日開庁にする"
                }
                ClosedHint::SundayCityHall => {
                    "。または `policy: { switches: { sunday_counters: city_hall } }` で市区町村の\
                     窓口を日曜日も開ける"
                }
                ClosedHint::SundayBureau => {
                    "。または `policy: { switches: { sunday_counters: bureau_and_city_hall } }` で\
                     入管の窓口も日曜日に開ける"
                }
            };
            format!(
                "{date} は{why}で、{what}。窓口は土曜日、日曜日、国民の祝日、12/29–1/3 に閉まる\
                 （docs/domain.md §5）。次の開庁日は {next}{hint}"
            )
        }
        P::AfterStepDate {
            field,
            date,
            on,
            kind,
        } => format!(
            "{field} {date} が手順の日付 {on} より後。`{kind}` の手順は、すでに起きたことを届け出る"
        ),
        P::GrantAndRefuse => {
            "`grant: <新しい満了日>` か `refuse: true` のどちらか一方だけを書く".into()
        }
        P::RefuseFalse => {
            "`refuse: false` では何も決まらない。`grant: <新しい満了日>` か `refuse: true` を書く"
                .into()
        }
        P::NeedsGrantOrRefuse { kind } => {
            format!("`{kind}` の手順には `grant: <新しい満了日>` か `refuse: true` が要る")
        }
        P::GrantNotAfterDecision { grant, on } => format!(
            "grant {grant} が処分の日 {on} より後ではない。その日に許可する在留期間はそれより後に\
             満了する"
        ),
        P::GrantDoesNotExtend { grant, current } => format!(
            "grant {grant} では、{current} に満了する在留期間が延びない。更新後の満了日は今の満了日\
             より後"
        ),
        P::PermanentNeedsOne => {
            "`decide_permanent_residence` の手順には `grant: true` か `refuse: true` のどちらか\
             一つだけが要る"
                .into()
        }
        P::LossDatesOnly { both: true } => {
            "`learned_on` と `reported_on` は `reason: lost` のときだけ書く".into()
        }
        P::LossDatesOnly { both: false } => "`reported_on` は `reason: lost` のときだけ書く".into(),
        P::NotAStep => "手順ではない。手順は `on`、`resident`、`do` を持つマッピング".into(),
        P::MissingDo { kinds } => format!(
            "キー `do` がない（手続き：{} のどれか）",
            backquoted(kinds)
        ),
        P::BornAfterStart { born_on, start } => {
            format!("born_on {born_on} が `start` {start} より後")
        }
        P::NoCardForStatus { status, card } => format!(
            "在留資格 `{status}` の在留者は中長期在留者ではなく、{}を持たない（docs/domain.md §3）。\
             削除する",
            match card {
                CardWord::ResidenceCard => "在留カード",
                CardWord::MyNumberCard => "個人番号カード",
            }
        ),
        P::ArrivingHoldsNo { card } => format!(
            "入国する在留者はまだ `{card}` を持たない。削除する（カードは `land` の手順で交付される）"
        ),
        P::TokuteiHasMyNumber => {
            "特定在留カードがマイナンバー機能を持つので、この在留者は別の `my_number_card` を持たない\
             （docs/domain.md §16.6）"
                .into()
        }
        P::ArrivingPending => {
            "入国する在留者はまだ入管に何も申請していない。`pending` を削除する".into()
        }
        P::PendingFromStart { start, filed_on } => format!(
            "係属中の申請は `start` {start} より前に出したもの（{filed_on} ではない）。`start` 以降の\
             申請は手順として書く"
        ),
        P::FiledBeforeBirth { filed_on, born_on } => {
            format!("filed_on {filed_on} が born_on {born_on} より前")
        }
        P::PermanentForPermanent => "永住者には申請する永住許可がない".into(),
        P::NoPeriodToExtend { status } => format!(
            "在留資格 `{status}` には更新や変更をする在留期間がない（docs/domain.md §5.4、§5.5）"
        ),
        P::FiledAfterExpiry { filed_on, expiry } => format!(
            "申請の日 {filed_on} は在留期間の満了日 {expiry} より後。更新や変更の申請は満了日までに\
             する（docs/domain.md §9）"
        ),
        P::StatusChangeNeedsTo => {
            "係属中の `status_change` には `to:`（申請する在留資格）が要る".into()
        }
        P::PermanentIsItsOwn => {
            "永住許可は別の申請：`procedure: permanent_residence`（docs/domain.md §5.6）".into()
        }
        P::ToOnlyForChange => "`to:` は在留資格変更の申請でだけ書く".into(),
        P::ApplicationAtPort => {
            "在留の申請は窓口かオンラインでする。出入国港ではできない".into()
        }
        P::PeriodRequired { status } => {
            format!("在留資格 `{status}` には period_expiry が要る")
        }
        P::NoPeriodForStatus { status } => {
            format!("在留資格 `{status}` には在留期間がない。period_expiry を削除する")
        }
        P::ExpiryNotAfterBirth { expiry, born_on } => {
            format!("period_expiry {expiry} が born_on {born_on} より後ではない")
        }
        P::IssuedAfterStart {
            card,
            issued_on,
            start,
        } => format!("{card}.issued_on {issued_on} が `start` {start} より後"),
        P::IssuedBeforeBirth {
            card,
            issued_on,
            born_on,
        } => format!("{card}.issued_on {issued_on} が born_on {born_on} より前"),
        P::ValidBeforeIssued {
            card,
            valid_through,
            issued_on,
        } => format!("{card}.valid_through {valid_through} が issued_on {issued_on} より前"),
        P::TokuteiNotHere { card } => {
            format!("`tokutei` は `residence_card` に書く。`{card}` には書かない")
        }
        P::TokuteiNeedsIntegrated => {
            "特定在留カードは一体化制度にだけある（docs/domain.md §3）。`policy: { regime: \
             integrated }` にするか `tokutei` を削除する"
                .into()
        }
        P::TokuteiTooEarly { from, issued_on } => format!(
            "特定在留カードは {from} より前には交付されない（docs/domain.md §3）。\
             residence_card.issued_on は {issued_on}"
        ),
        P::TokuteiNeedsRegister => {
            "特定在留カードを持つ人は住民基本台帳に記録されている（docs/domain.md §3）。\
             `registered: false` か `tokutei` を削除する"
                .into()
        }
        P::MoveInElsewhere {
            at,
            line,
            to,
            nearest,
        } => format!(
            "転入届は `{at}` だが、{line} 行目の転出届の転出先は `{to}`{}",
            match nearest {
                Some(m) => format!("。もしかして `{m}`？"),
                None => format!("。転入届を `{to}` に出すか、転出届の `to:` を直す"),
            }
        ),
        P::UnknownMunicipality { name, key } => {
            format!("市区町村 `{name}` は知らない名前。もしかして `{key}`？")
        }
        P::TimeOfDay { found } => {
            format!("時刻は HH:MM（24 時間制）で書く。あるのは `{found}`")
        }
        P::CountTooLarge(n) => format!("回数 {n} が大きすぎる"),
        P::NegativeCount(n) => format!("回数は負にならない（{n}）"),
        P::NotACount { found } => format!(
            "回数（0、1、2 …）か `at_least_once` を書く。あるのは `{found}`"
        ),
        P::Date(e) => date(e),
        P::DateOrNone(e) => format!("{}（または `none`）", date(e)),
        P::BaseCycle { max, file } => format!(
            "`base:` のファイルが循環している（または {max} 段より深い）：{file}"
        ),
        P::BaseUnreadable {
            file, kind, code, ..
        } => {
            let e = match code {
                Some(code) => std::io::Error::from_raw_os_error(*code),
                None => std::io::Error::from(*kind),
            };
            format!(
                "`base:` のファイル {file} を読めない：{}",
                io_reason(&e, Lang::Ja)
            )
        }
        P::MergedPolicyInvalid(inner) => {
            format!("すべての `base:` を当てはめた政策が正しくない：{}", ja(inner))
        }
        P::SetNotAssignment => {
            "キー=値 の形で書く（キーは政策ファイルの書き方の点で区切ったもの、またはスイッチの名前）"
                .into()
        }
        P::SetNoSuchKey { key, known } if known.is_empty() => {
            format!("政策に `{key}` はない")
        }
        P::SetNoSuchKey { key, known } => {
            format!("政策に `{key}` はない（次のどれか：{}）", backquoted(known))
        }
        P::SetValue(inner) => format!("値：{}", ja(inner)),
        P::SetBadValue { key, problem } => format!("`{key}`：{}", ja(problem)),
        P::GridNotAssignment => {
            "キー=値,値,… の形で書く（値はコンマで区切る）".into()
        }
        P::SweptTwice { key } => format!("`{key}` を二度スイープしている"),
        P::EmptyGridValue => "空の値がある".into(),
    }
}

/// Why a text is not a date, in Japanese.
fn date(e: &model::date_text::DateError) -> String {
    use model::date_text::DateError;
    match e {
        DateError::Shape(found) => format!("日付は YYYY-MM-DD で書く。あるのは `{found}`"),
        DateError::NoMonth { text, month } => {
            format!("`{text}` という日付はない：{month} 月はない")
        }
        DateError::NoDay {
            text,
            year,
            month,
            last,
        } => format!("`{text}` という日付はない：{year} 年 {month} 月は {last} 日まで"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_that_is_not_one_is_said_in_either_language() {
        let e = model::date_text::parse("2026-02-30").unwrap_err();
        let p = Problem::Date(e);
        assert_eq!(
            scenario_problem(&p, Lang::En),
            "no such date `2026-02-30`: February 2026 has 28 days"
        );
        assert_eq!(
            scenario_problem(&p, Lang::Ja),
            "`2026-02-30` という日付はない：2026 年 2 月は 28 日まで"
        );
    }

    #[test]
    fn serde_s_expected_kinds_are_named_and_others_said_generally() {
        assert_eq!(expected("u32"), "0 以上の整数");
        assert_eq!(expected("struct ResidentFile"), "マッピング");
        assert_eq!(expected("something new"), "別の種類の値");
    }
}
