//! The words of the commands that question a stored history — `diff`, two logs compared — in
//! English and Japanese.

use super::Lang;

/// The words of `diff`.
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
};

/// The words of `diff` in `lang`.
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
