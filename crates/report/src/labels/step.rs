//! The words of `zairyu run SCENARIO --step`, the interactive stepping mode: its help, its
//! status line and its messages, in English and Japanese.

use chrono::{NaiveDate, NaiveDateTime};

use super::Lang;

/// The commands of the stepping mode and what each does (`help`).
pub fn step_help(lang: Lang) -> &'static str {
    match lang {
        Lang::En => {
            "\
Commands (one a line; the first letter is enough for next, day, show, quit):
  next [N]             the next event (or the next N)
  day                  every event to the end of the day (then of the next day)
  until DATE           every event to the end of DATE (YYYY-MM-DD)
  end                  every event to the end of the run
  show [RESIDENT]      the card record as each office sees it now (every resident by default)
  add RESIDENT STEP [FIELDS]
                       add a step after now, as a scenario file writes one: e.g.
                       `add mei file_extension tokutei: true` files an extension today;
                       `add mei notify_move_in on: 2026-10-08, municipality: yokohama-naka,
                       address: 3-1 Yamashita-cho` (`on:`, `at:` default to now)
  help                 this list
  quit                 save the log of the run through the end of today, and stop"
        }
        Lang::Ja => {
            "\
コマンド（1 行に 1 つ。next・day・show・quit は頭文字だけでもよい）：
  next [件数]          次のイベント（または次の件数分）
  day                  その日の終わりまでのイベント（すでに終わりなら翌日の終わりまで）
  until 日付           日付（YYYY-MM-DD）の終わりまでのイベント
  end                  実行の最後までのイベント
  show [在留者]        各機関が今見ている記録（既定ではすべての在留者）
  add 在留者 手続 [項目]
                       今より後に手続を加える（シナリオファイルと同じ書き方）：例
                       `add mei file_extension tokutei: true` は今日の更新申請；
                       `add mei notify_move_in on: 2026-10-08, municipality: yokohama-naka,
                       address: 3-1 Yamashita-cho`（`on:`・`at:` の既定は今）
  help                 この一覧
  quit                 今日の終わりまでの実行のログを保存して終了"
        }
    }
}

/// The status line after a move: where the run stands.
pub fn step_now(now: NaiveDateTime, shown: usize, total: usize, lang: Lang) -> String {
    let at = now.format("%Y-%m-%d %H:%M");
    match lang {
        Lang::En => format!("— now {at}: {shown} of {total} events"),
        Lang::Ja => format!("— 現在 {at}：{total} 件中 {shown} 件のイベント"),
    }
}

/// Nothing more happens in the run.
pub fn step_at_end(until: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::En => format!("(no more events: the run ends on {until})"),
        Lang::Ja => format!("（これ以上のイベントはない：実行は {until} まで）"),
    }
}

/// A command the mode does not know.
pub fn step_unknown(command: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("unknown command `{command}`: type `help` for the commands"),
        Lang::Ja => format!("`{command}` というコマンドはない：`help` で一覧を表示"),
    }
}

/// A command of a stepped run given without what it needs, or with something it cannot read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepUsage {
    /// `next [N]`.
    Next,
    /// `until DATE`, a day from `from` to `to`.
    Until { from: NaiveDate, to: NaiveDate },
    /// `add RESIDENT STEP [FIELDS]`.
    Add,
}

/// How a command of a stepped run is used.
pub fn step_usage(usage: StepUsage, lang: Lang) -> String {
    let usage = match (usage, lang) {
        (StepUsage::Next, Lang::En) => "next [N]  (N: a number of events, 1 or more)".to_owned(),
        (StepUsage::Next, Lang::Ja) => "next [件数]（進めるイベントの数、1 以上）".to_owned(),
        (StepUsage::Until { from, to }, Lang::En) => {
            format!("until DATE  (YYYY-MM-DD, from {from} to {to})")
        }
        (StepUsage::Until { from, to }, Lang::Ja) => {
            format!("until 日付（YYYY-MM-DD、{from} から {to} まで）")
        }
        (StepUsage::Add, Lang::En) => {
            "add RESIDENT STEP [FIELDS]  (e.g. add mei file_extension tokutei: true)".to_owned()
        }
        (StepUsage::Add, Lang::Ja) => {
            "add 在留者 手続 [項目]（例：`add mei file_extension tokutei: true`）".to_owned()
        }
    };
    match lang {
        Lang::En => format!("usage: {usage}"),
        Lang::Ja => format!("使い方：{usage}"),
    }
}

/// A resident the scenario does not have.
pub fn step_no_resident(key: &str, residents: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("no resident `{key}` (residents: {residents})"),
        Lang::Ja => format!("在留者 `{key}` はいない（在留者：{residents}）"),
    }
}

/// A step at or before what has already been shown.
pub fn step_in_the_past(at: NaiveDateTime, now: NaiveDateTime, lang: Lang) -> String {
    let (at, now) = (at.format("%Y-%m-%d %H:%M"), now.format("%Y-%m-%d %H:%M"));
    match lang {
        Lang::En => format!(
            "a step at {at} is not after now ({now}): what has been shown cannot change; give a \
             later `on:` or `at:`"
        ),
        Lang::Ja => {
            format!(
                "{at} の手続は現在（{now}）より後ではない：表示済みの出来事は変えられない。より後の `on:` か `at:` を指定"
            )
        }
    }
}

/// A step added: the run recomputed with it.
pub fn step_added(at: NaiveDateTime, events: usize, lang: Lang) -> String {
    let at = at.format("%Y-%m-%d %H:%M");
    match lang {
        Lang::En => format!("step added at {at}; the run now has {events} events"),
        Lang::Ja => format!("{at} に手続を追加：実行のイベントは {events} 件"),
    }
}

/// The log saved at the end of the session.
pub fn step_saved(db: &str, events: u64, until: NaiveDate, hash: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "saved the log {db}: {events} events through {until}, log hash {hash} (`zairyu \
             replay {db}` verifies it)"
        ),
        Lang::Ja => format!(
            "ログ {db} を保存：{until} までのイベント {events} 件、ログハッシュ {hash}（`zairyu \
             replay {db}` で検証できる）"
        ),
    }
}
