//! The words of the commands that question a stored history — `diff` (two logs compared) and
//! `why` (the chain behind a value of the card record: the rules, their inputs, the laws they
//! read), and `replay --policy` (a stored run under a changed policy) — in English and Japanese.

use model::provenance::{Input, RuleId};
use model::validity::CardLaw;

use super::{Label, Lang, l};

/// The words of `diff` and `why`.
#[derive(Debug)]
pub struct History {
    pub log_a: &'static str,
    pub log_b: &'static str,
    pub events: &'static str,
    pub only_resident: &'static str,
    pub both: &'static str,
    pub differences: &'static str,
    pub resident: &'static str,
    pub event_kind: &'static str,
    pub only_in_a: &'static str,
    pub only_in_b: &'static str,
    pub reordered: &'static str,
    pub first_at: &'static str,
    pub residents_listed_differ: &'static str,
    pub set_by: &'static str,
    pub set_by_none: &'static str,
    pub computed_for_day: &'static str,
    pub no_value: &'static str,
    pub rule: &'static str,
    pub no_rule: &'static str,
    pub function: &'static str,
    pub sections: &'static str,
    pub grades: &'static str,
    pub applied_at: &'static str,
    pub on_the_day: &'static str,
    pub inputs_before: &'static str,
    pub inputs_on_day: &'static str,
    pub set_by_arrow: &'static str,
    pub chain: &'static str,
    pub computed_here: &'static str,
    pub absent: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub active: &'static str,
    pub inactive: &'static str,
    pub special_period: &'static str,
    /// `replay --policy`: the title of its table, and the name of the stored run's arm.
    pub counterfactual_title: &'static str,
    pub as_run: &'static str,
    pub changed: &'static str,
    /// The HTML timeline's toggle between the recorded and the legal dates.
    pub legal_dates: &'static str,
    pub legally_from: &'static str,
}

const EN: History = History {
    log_a: "A",
    log_b: "B",
    events: "events",
    only_resident: "only the events of",
    both: "both",
    differences: "Differences by resident and event kind",
    resident: "resident",
    event_kind: "event kind",
    only_in_a: "only in A",
    only_in_b: "only in B",
    reordered: "the same events, in another order",
    first_at: "first differs",
    residents_listed_differ: "note: the two runs list different residents; residents are compared by their position in the run",
    set_by: "Set by",
    set_by_none: "no event of the log changed it",
    no_value: "the record holds no such value on that day (no such card, or no record yet)",
    computed_for_day: "no single event: it is computed for the day from the inputs below, each set by the event shown",
    rule: "Rule",
    no_rule: "no rule of the model computed it: it is an office's decision (a step of the scenario) or what the scenario gave at the start",
    function: "function",
    sections: "rulebook",
    grades: "grades and sources",
    applied_at: "applied by",
    on_the_day: "applied to the record at the end of the day",
    inputs_before: "Inputs, as the record held them just before that event",
    inputs_on_day: "Inputs, as the record held them at the end of the day",
    set_by_arrow: "set by",
    chain: "Why it happened: the event, then the event that caused it, back to the first",
    computed_here: "computed here by",
    absent: "none",
    yes: "yes",
    no: "no",
    active: "in use",
    inactive: "not in use",
    special_period: "special period",
    counterfactual_title: "zairyu replay --policy (what would have happened)",
    as_run: "as run (the policy stored in the log)",
    changed: "the stored policy, changed",
    legal_dates: "timeline by legal date (a move counts from the day of the move, not of its notification)",
    legally_from: "legally from",
};

const JA: History = History {
    log_a: "A",
    log_b: "B",
    events: "件のイベント",
    only_resident: "次の在留者のイベントのみ：",
    both: "共通",
    differences: "在留者・イベントの種類ごとの違い",
    resident: "在留者",
    event_kind: "イベントの種類",
    only_in_a: "A のみ",
    only_in_b: "B のみ",
    reordered: "同じイベントが別の順序で記録されている",
    first_at: "最初の違い",
    residents_listed_differ: "注意：二つの実行の在留者の一覧が異なる。在留者は実行の中の順番で対応付けている",
    set_by: "この値を記録したイベント",
    set_by_none: "ログのどのイベントも変えていない",
    no_value: "その日の記録にはこの値がない（該当するカードがない、または記録がまだない）",
    computed_for_day: "一つのイベントではなく、下の入力（それぞれ記録したイベントを示す）からその日について計算する",
    rule: "規則",
    no_rule: "モデルの規則による計算ではない。機関の判断（シナリオのステップ）か、シナリオが開始時に与えた値",
    function: "関数",
    sections: "規則集",
    grades: "根拠の等級と出典",
    applied_at: "適用したイベント",
    on_the_day: "その日の終わりの記録に適用",
    inputs_before: "入力（そのイベントの直前の記録）",
    inputs_on_day: "入力（その日の終わりの記録）",
    set_by_arrow: "記録したイベント",
    chain: "起きた理由：イベントと、それを引き起こしたイベントを最初まで",
    computed_here: "ここで計算した規則",
    absent: "なし",
    yes: "はい",
    no: "いいえ",
    active: "使用中",
    inactive: "使用されていない",
    special_period: "特例期間",
    counterfactual_title: "zairyu replay --policy（反実仮想：別の政策ならどうなったか）",
    as_run: "記録どおり（ログに保存された政策）",
    changed: "保存された政策を変更したもの",
    legal_dates: "法的な日付で表示（転居・転入は届出の日ではなく移った日から）",
    legally_from: "法的な効力の発生日",
};

/// The words of `diff` and `why` in `lang`.
pub fn history(lang: Lang) -> &'static History {
    match lang {
        Lang::En => &EN,
        Lang::Ja => &JA,
    }
}

/// The heading of the first difference: event `n` (1-based).
pub fn first_difference(n: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("The logs first differ at event {n}:"),
        Lang::Ja => format!("二つのログは {n} 番目のイベントで初めて異なる："),
    }
}

/// Two logs that record the same `n` facts in the same order.
pub fn identical(n: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("The logs record the same {n} events, in the same order."),
        Lang::Ja => format!("二つのログは同じ {n} 件のイベントを同じ順序で記録している。"),
    }
}

/// The last line of a diff: how many residents differ, and how many events each side alone
/// holds.
pub fn diff_totals(differ: usize, of: usize, only: [u64; 2], lang: Lang) -> String {
    let [a, b] = only;
    match lang {
        Lang::En => {
            format!("{differ} of {of} residents differ; events only in A: {a}, only in B: {b}.")
        }
        Lang::Ja => format!(
            "{of} 人中 {differ} 人の在留者で違いがある：A のみのイベント {a} 件、B のみ {b} 件。"
        ),
    }
}

/// The name of a rule's input.
pub fn input(i: Input) -> Label {
    match i {
        Input::CardLaw => l("law in force", "適用される法"),
        Input::Status => l("status of residence", "在留資格"),
        Input::BornOn => l("date of birth", "生年月日"),
        Input::PeriodExpiry => l("period of stay expires", "在留期間の満了日"),
        Input::IssuedOn => l("card issued on", "カードの交付日"),
        Input::SeparateCard => l("separate My Number card", "個人番号カード（別カード）"),
        Input::TokuteiFunctions => l(
            "My Number functions of the Tokutei card",
            "特定在留カードのマイナンバーカード機能",
        ),
        Input::PinLocked => l("PIN locked", "暗証番号のロック"),
        Input::SpecialPeriod => l("special period (§9)", "特例期間（§9）"),
    }
}

/// Which text of the card law: its name.
pub fn card_law(law: CardLaw) -> Label {
    match law {
        CardLaw::Old => l(
            "the old law (入管法19条の5 before the 2024 amendment)",
            "改正前の入管法19条の5",
        ),
        CardLaw::Amended => l(
            "the amended law (令和6年法律第59号, from 2026-06-14)",
            "改正後の入管法（令和6年法律第59号、2026-06-14から）",
        ),
    }
}

/// What a rule says, in a sentence.
pub fn rule_summary(r: RuleId) -> Label {
    match r {
        RuleId::ResidenceCardValidity => l(
            "A residence card is valid through the period of stay's expiry (capped by the 16th birthday for a child); for permanent residents and HSP(ii), 7 years from issuance under the old law and the 10th birthday after issuance (5th under 18) under the amended law.",
            "在留カードの有効期間は在留期間の満了日まで（16歳未満は16歳の誕生日で上限）。永住者と高度専門職2号は、改正前は交付から7年、改正後は交付後10回目の誕生日（18歳未満は5回目）まで。",
        ),
        RuleId::SprCertificateValidity => l(
            "An SPR certificate is valid through the 7th birthday after the application (old law) or by the birthday scheme of permanent residents (amended law); a child's is capped by the 16th birthday.",
            "特別永住者証明書の有効期間は申請後7回目の誕生日まで（改正前）、または永住者と同じ誕生日方式（改正後）。16歳未満は16歳の誕生日まで。",
        ),
        RuleId::StartingCardValidity => l(
            "The card the resident holds at the start: the validity the scenario gave, or that of a card issued on its issue date under the law then in force.",
            "開始時に持っているカード：シナリオが与えた有効期間、または交付日に適用される法による有効期間。",
        ),
        RuleId::MyNumberCardValidity => l(
            "A foreign resident's My Number card is valid through the earlier of the period of stay's expiry and the 10th birthday after issuance (5th under 18); permanent residents, HSP(ii) and SPR holders like Japanese nationals.",
            "外国人住民の個人番号カードの有効期間は、在留期間の満了日と交付後10回目の誕生日（18歳未満は5回目）のうち早い方まで。永住者・高度専門職2号・特別永住者は日本人と同じ。",
        ),
        RuleId::MyNumberValidityChange => l(
            "A validity change (有効期間変更) at the city hall moves the card to the new period expiry, capped by the birthday rule; refused once the card has expired.",
            "市区町村での有効期間変更：新しい在留期間の満了日まで延ばす（誕生日による上限あり）。カードが失効した後は受け付けない。",
        ),
        RuleId::MyNumberSpecialPeriodExtension => l(
            "During the special period, the card can be extended to the earlier of the decision and the special period's end, once.",
            "特例期間中は、処分の日と特例期間の終わりのうち早い方まで、一度だけ延長できる。",
        ),
        RuleId::FunctionsValidity => l(
            "The My Number functions of a Tokutei card last as long as the card's validity; during a special period, as the policy's switch reads it.",
            "特定在留カードのマイナンバーカード機能はカードの有効期間と同じ。特例期間中は政策のスイッチによる。",
        ),
        RuleId::MyNumberUsable => l(
            "My Number functions can be used on a day when a separate card in use is still valid, or the functions of a Tokutei card in use still are; never with the PIN locked.",
            "その日に、使用中の個人番号カードが有効であるか、使用中の特定在留カードの機能が有効であれば利用できる。暗証番号がロックされていれば利用できない。",
        ),
    }
}

/// The heading of `why`: the field of the resident at the end of the day, and its value.
pub fn why_heading(
    who: &str,
    path: &str,
    day: chrono::NaiveDate,
    value: &str,
    lang: Lang,
) -> String {
    match lang {
        Lang::En => format!("{who}: {path} at the end of {day} = {value}"),
        Lang::Ja => format!("{who}：{day} の終わりの {path} = {value}"),
    }
}

/// What `replay --effective-on` shows, said above it.
pub fn legally_on(day: chrono::NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "What was legally true on {day}, as known by the end of the log: each event counts from the day it took effect (a move notified late, from the day of the move; a decision communicated days later, from the day it was made), not the day an office recorded it."
        ),
        Lang::Ja => format!(
            "{day} に法的に成立していたこと（ログの最後の時点で分かっていること）：各イベントは、機関が記録した日ではなく効力が生じた日（届出が遅れた転居は転居した日、後日通知された処分は処分の日）から数える。"
        ),
    }
}

/// `compare --keep-sample`: where the sample's logs are, and how to see where they part.
pub fn sample_kept(
    residents: usize,
    seed: u64,
    baseline: &str,
    reform: &str,
    lang: Lang,
) -> String {
    match lang {
        Lang::En => format!(
            "kept the logs of a sample of {residents} residents (seed {seed}) under both arms: \
             {baseline} and {reform}; `zairyu diff {baseline} {reform}` shows where they part"
        ),
        Lang::Ja => format!(
            "在留者 {residents} 人の標本（シード {seed}）について両方の政策のログを保存：\
             {baseline} と {reform}。`zairyu diff {baseline} {reform}` で分かれた箇所を表示"
        ),
    }
}
