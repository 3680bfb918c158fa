//! The CLI's errors and warnings about what it was asked — a day outside the run, a resident or
//! a table it does not have, a log it cannot open or create, a scenario that is not the one a
//! log ran —
//! in English and Japanese, each sentence in one place. Options, paths, ids and hashes are
//! identifiers and stay as they are in either language; the sentence around them is translated.

use std::path::Path;

use chrono::NaiveDate;

use super::Lang;

/// The word before a message on standard error that stops the command.
pub fn error_prefix(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "error: ",
        Lang::Ja => "エラー：",
    }
}

/// The word under the caret that points at the place of an error in a file.
pub fn here(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "here",
        Lang::Ja => "ここ",
    }
}

/// The word before a message on standard error that does not stop the command.
pub fn warning_prefix(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "warning: ",
        Lang::Ja => "警告：",
    }
}

/// Why a command cannot read the file it was given as a stored log. The reasons are said in
/// the language of the message by the CLI (a library's own text in English, its kind in words
/// in Japanese: `labels::cause_ja`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogUnreadable<'a> {
    /// No file there.
    NotFound,
    /// A file that is not a zairyu log (`reason`: what gave it away, in English: the store's).
    NotALog { reason: &'a str },
    /// A log of a newer schema version than this build reads.
    TooNew { found: u32, supported: u32 },
    /// Another zairyu process has it open.
    Locked,
    /// The run stopped before it recorded what it ran.
    NoMetadata,
}

/// What a command was asked that it cannot do, or found that it cannot go on with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem<'a> {
    /// `option day` (`--as-of`, `--effective-on`, `--on`) is not a day of the run.
    OutsideTheRun {
        option: &'a str,
        day: NaiveDate,
        start: NaiveDate,
        until: NaiveDate,
    },
    /// No resident with the scenario id `key` (`residents`: the ids there are, listed).
    NoResident {
        key: &'a str,
        residents: &'a str,
    },
    /// No resident `key` in either of the two logs `diff` compares.
    NoResidentInEither {
        key: &'a str,
        a: &'a str,
        b: &'a str,
    },
    /// `why --field` names no value of the card record (`paths`: those it knows).
    NoSuchField {
        field: &'a str,
        paths: &'a str,
    },
    /// The stored log `db` cannot be read as one.
    Log {
        db: &'a Path,
        why: LogUnreadable<'a>,
    },
    /// The policy stored in a log does not parse (`reason`: the parser's words).
    StoredPolicy {
        reason: &'a str,
    },
    /// The file could not be opened, read or written; what follows says why.
    CannotOpen {
        path: &'a Path,
    },
    CannotRead {
        path: &'a Path,
    },
    CannotWrite {
        path: &'a Path,
    },
    /// A directory could not be created.
    CannotCreate {
        path: &'a Path,
    },
    /// `explain --compare-regimes` of a stored log.
    CompareRegimesNeedsAScenario,
    /// `export --format parquet` without `--out`.
    ParquetNeedsOut,
    /// `export` of several tables without `--out`.
    OutOrOneTable,
    /// `export --table` names a table the log does not have.
    NoTable {
        table: &'a str,
        tables: &'a str,
    },
    /// `replay --policy` of a log whose run recorded nothing: there is nothing to run again.
    NothingToRunAgain {
        db: &'a Path,
    },
    /// `replay --policy` cannot read the scenario the log ran (`reason`: the scenario's error).
    ScenarioOfTheLog {
        reason: &'a str,
    },
    /// `replay --policy`: the scenario file at `path` is not the one the log ran.
    NotTheScenario {
        path: &'a Path,
        hash: &'a str,
        recorded: &'a str,
    },
    /// `replay --policy`: the stored log is not reproduced under its own policy.
    NotReproduced {
        db: &'a Path,
    },
    /// Writing a log went wrong.
    Writing(LogWriting<'a>),
}

/// What went wrong making or writing a log (`run`, `run --population`, `compare --db`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogWriting<'a> {
    /// The directory a log or file goes in could not be created.
    CannotCreateDirectory { path: &'a Path },
    /// `--db` names a directory.
    DbIsADirectory { path: &'a Path },
    /// `--db` names an existing log (`held`: [`held_log`]) and `--force` was not given.
    LogAlreadyThere { path: &'a Path, held: &'a str },
    /// `--db` names a file that is not a zairyu log (`reason`: the store's, in English).
    NotALogChooseAnother { path: &'a Path, reason: &'a str },
    /// The log is open in another zairyu process.
    InUse { path: &'a Path },
    /// The log could not be created (`reason`: why, as the store or the system said it).
    CannotCreateLog { path: &'a Path, reason: &'a str },
    /// `run --resume` of a path with no log.
    NoLogToResume { path: &'a Path },
    /// `run --resume` of a log that cannot be continued (`reason`: the store's, in English).
    CannotResume { path: &'a Path, reason: &'a str },
    /// The simulation stopped; its log, if it keeps one, is marked unfinished.
    RunStopped { log: Option<&'a Path> },
    /// The run and its log are complete but the analysis tables beside it are not.
    TablesNotWritten { db: &'a Path },
    /// `run --population --resume` without the log to continue.
    ResumeNeedsDb,
}

/// The sentence for `problem`, without the `error:` word (the CLI adds it).
pub fn problem(p: Problem<'_>, lang: Lang) -> String {
    match (p, lang) {
        (Problem::Writing(w), lang) => writing(w, lang),
        (
            Problem::OutsideTheRun {
                option,
                day,
                start,
                until,
            },
            Lang::En,
        ) => format!("{option} {day} is outside the run ({start} to {until})"),
        (
            Problem::OutsideTheRun {
                option,
                day,
                start,
                until,
            },
            Lang::Ja,
        ) => format!("{option} {day} は実行の期間（{start} から {until} まで）の外"),
        (Problem::NoResident { key, residents }, Lang::En) => {
            format!("no resident `{key}` in this run (residents: {residents})")
        }
        (Problem::NoResident { key, residents }, Lang::Ja) => {
            format!("この実行に在留者 `{key}` はいない（在留者：{residents}）")
        }
        (Problem::NoResidentInEither { key, a, b }, Lang::En) => {
            format!("no resident `{key}` in either run (A: {a}; B: {b})")
        }
        (Problem::NoResidentInEither { key, a, b }, Lang::Ja) => {
            format!("どちらの実行にも在留者 `{key}` はいない（A：{a}、B：{b}）")
        }
        (Problem::NoSuchField { field, paths }, Lang::En) => {
            format!("--field {field}: no such value of the card record (one of: {paths})")
        }
        (Problem::NoSuchField { field, paths }, Lang::Ja) => {
            format!("--field {field}：カードの記録にそのような値はない（次のどれか：{paths}）")
        }
        (Problem::Log { db, why }, lang) => log_unreadable(db, why, lang),
        (Problem::StoredPolicy { reason }, Lang::En) => {
            format!("stored policy does not parse: {reason}")
        }
        (Problem::StoredPolicy { reason }, Lang::Ja) => {
            format!("ログに保存された政策を読めない：{reason}")
        }
        (Problem::CannotOpen { path }, Lang::En) => format!("cannot open {}", path.display()),
        (Problem::CannotOpen { path }, Lang::Ja) => format!("{} を開けない", path.display()),
        (Problem::CannotRead { path }, Lang::En) => format!("cannot read {}", path.display()),
        (Problem::CannotRead { path }, Lang::Ja) => format!("{} を読めない", path.display()),
        (Problem::CannotWrite { path }, Lang::En) => format!("cannot write {}", path.display()),
        (Problem::CannotWrite { path }, Lang::Ja) => format!("{} に書けない", path.display()),
        (Problem::CannotCreate { path }, Lang::En) => format!("cannot create {}", path.display()),
        (Problem::CannotCreate { path }, Lang::Ja) => format!("{} を作れない", path.display()),
        (Problem::CompareRegimesNeedsAScenario, Lang::En) => {
            "--compare-regimes needs a scenario file: a stored log holds one regime's run".into()
        }
        (Problem::CompareRegimesNeedsAScenario, Lang::Ja) => {
            "--compare-regimes にはシナリオファイルが要る。保存されたログには一つの制度での実行\
             しかない"
                .into()
        }
        (Problem::ParquetNeedsOut, Lang::En) => {
            "a Parquet file is binary: give --out DIR to write it".into()
        }
        (Problem::ParquetNeedsOut, Lang::Ja) => {
            "--format parquet の出力はバイナリなので、--out で書き出すディレクトリを指定する".into()
        }
        (Problem::OutOrOneTable, Lang::En) => {
            "give --out DIR to write every table, or one --table NAME to print it".into()
        }
        (Problem::OutOrOneTable, Lang::Ja) => {
            "すべての表を書き出すには --out でディレクトリを、一つの表を表示するには --table で\
             その名前を指定する"
                .into()
        }
        (Problem::NoTable { table, tables }, Lang::En) => {
            format!("no table `{table}` (tables: {tables})")
        }
        (Problem::NoTable { table, tables }, Lang::Ja) => {
            format!("表 `{table}` はない（表：{tables}）")
        }
        (Problem::NothingToRunAgain { db }, Lang::En) => format!(
            "{}: its run stopped before it recorded what it ran (no run metadata), so there are \
             no inputs to run again",
            db.display()
        ),
        (Problem::NothingToRunAgain { db }, Lang::Ja) => format!(
            "{}：実行が、何を実行したかを記録する前に止まった（実行のメタデータがない）ので、\
             もう一度実行する入力がない",
            db.display()
        ),
        (Problem::ScenarioOfTheLog { reason }, Lang::En) => {
            format!(
                "cannot read the scenario this log ran ({reason}); give it with --scenario FILE"
            )
        }
        (Problem::ScenarioOfTheLog { reason }, Lang::Ja) => format!(
            "このログが実行したシナリオを読めない（{reason}）。--scenario でそのファイルを指定する"
        ),
        (
            Problem::NotTheScenario {
                path,
                hash,
                recorded,
            },
            Lang::En,
        ) => format!(
            "{} is not the scenario file this log ran: its hash is {hash}, the log recorded \
             {recorded}; give the file it ran with --scenario FILE",
            path.display()
        ),
        (
            Problem::NotTheScenario {
                path,
                hash,
                recorded,
            },
            Lang::Ja,
        ) => format!(
            "{} はこのログが実行したシナリオファイルではない。そのハッシュは {hash}、ログの記録は \
             {recorded}。実行したファイルを --scenario で指定する",
            path.display()
        ),
        (Problem::NotReproduced { db }, Lang::En) => format!(
            "{}: run again under its own policy, the scenario does not give the stored log \
             (above: the stored log as the baseline, the new run as the reform), so the code or \
             the scenario changed since it ran; a counterfactual would mix that change with the \
             policy's",
            db.display()
        ),
        (Problem::NotReproduced { db }, Lang::Ja) => format!(
            "{}：同じ政策でもう一度実行しても、シナリオから保存されたログにならない（上：保存された\
             ログを基準、新しい実行を改革として比べたもの）。実行の後でコードかシナリオが変わったので、\
             反実仮想はその変化と政策の効果を混ぜてしまう",
            db.display()
        ),
    }
}

/// The sentences of a log being written (`run`, `run --population`, `compare --db`), as
/// [`problem`] says them.
fn writing(w: LogWriting<'_>, lang: Lang) -> String {
    let shown = |p: &Path| p.display().to_string();
    match (w, lang) {
        (LogWriting::CannotCreateDirectory { path }, Lang::En) => {
            format!("cannot create the directory {}", shown(path))
        }
        (LogWriting::CannotCreateDirectory { path }, Lang::Ja) => {
            format!("ディレクトリ {} を作れない", shown(path))
        }
        (LogWriting::DbIsADirectory { path }, Lang::En) => format!(
            "{} is a directory; --db names the log file to create",
            shown(path)
        ),
        (LogWriting::DbIsADirectory { path }, Lang::Ja) => format!(
            "{} はディレクトリ。--db には作るログのファイルを指定する",
            shown(path)
        ),
        (LogWriting::LogAlreadyThere { path, held }, Lang::En) => format!(
            "{} already holds {held}; pass --force to replace it, or choose another --db",
            shown(path)
        ),
        (LogWriting::LogAlreadyThere { path, held }, Lang::Ja) => format!(
            "{} にはすでに {held} がある。置き換えるには --force を付けるか、別の --db を選ぶ",
            shown(path)
        ),
        (LogWriting::NotALogChooseAnother { path, reason }, Lang::En) => format!(
            "{} exists and is not a zairyu event log ({reason}); choose another --db path",
            shown(path)
        ),
        (LogWriting::NotALogChooseAnother { path, reason }, Lang::Ja) => format!(
            "{} はすでにあり、zairyu のイベントログではない（{reason}）。別の --db を選ぶ",
            shown(path)
        ),
        (LogWriting::InUse { path }, Lang::En) => format!(
            "{} is in use by another zairyu process (a run writing it, or a replay reading it); \
             try again when that ends",
            shown(path)
        ),
        (LogWriting::InUse { path }, Lang::Ja) => format!(
            "{} は別の zairyu のプロセスが使っている（実行が書いているか、再生が読んでいる）。\
             それが終わってからやり直す",
            shown(path)
        ),
        (LogWriting::CannotCreateLog { path, reason }, Lang::En) => {
            format!("cannot create the log {}: {reason}", shown(path))
        }
        (LogWriting::CannotCreateLog { path, reason }, Lang::Ja) => {
            format!("ログ {} を作れない：{reason}", shown(path))
        }
        (LogWriting::NoLogToResume { path }, Lang::En) => format!(
            "{}: no log to resume (run without --resume to start one)",
            shown(path)
        ),
        (LogWriting::NoLogToResume { path }, Lang::Ja) => format!(
            "{}：続きを実行するログがない（始めるには --resume なしで実行する）",
            shown(path)
        ),
        (LogWriting::CannotResume { path, reason }, Lang::En) => {
            format!("{}: cannot resume: {reason}", shown(path))
        }
        (LogWriting::CannotResume { path, reason }, Lang::Ja) => {
            format!("{}：続きを実行できない：{reason}", shown(path))
        }
        (LogWriting::RunStopped { log: Some(log) }, Lang::En) => format!(
            "the run stopped: the log {} is incomplete (marked unfinished)",
            shown(log)
        ),
        (LogWriting::RunStopped { log: Some(log) }, Lang::Ja) => {
            format!(
                "実行が止まった。ログ {} は途中まで（未完了と記録）",
                shown(log)
            )
        }
        (LogWriting::RunStopped { log: None }, Lang::En) => "the run stopped".into(),
        (LogWriting::RunStopped { log: None }, Lang::Ja) => "実行が止まった".into(),
        (LogWriting::TablesNotWritten { db }, Lang::En) => format!(
            "the run finished and its log {} is complete, but its analysis tables could not be \
             written (`zairyu export` rebuilds them from the log)",
            shown(db)
        ),
        (LogWriting::TablesNotWritten { db }, Lang::Ja) => format!(
            "実行は終わり、ログ {} は完全だが、分析用の表を書けなかった（表は zairyu export で\
             ログから作り直せる）",
            shown(db)
        ),
        (LogWriting::ResumeNeedsDb, Lang::En) => {
            "--resume of a population needs --db: the log to continue".into()
        }
        (LogWriting::ResumeNeedsDb, Lang::Ja) => {
            "人口の --resume には続けるログ（--db）が要る".into()
        }
    }
}

/// An existing log, for the messages about replacing or keeping it: its label (a scenario's
/// path or a population's), how many events it holds, and whether its run finished.
pub fn held_log(label: Option<&str>, events: u64, finished: bool, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "the log of {} ({events} events, {})",
            label.unwrap_or("an unnamed run"),
            if finished { "finished" } else { "unfinished" }
        ),
        Lang::Ja => format!(
            "{} のログ（イベント {events} 件、{}）",
            label.unwrap_or("名前のない実行"),
            if finished { "終了" } else { "未完了" }
        ),
    }
}

/// `run --force`'s notice that it replaces the log at `path` (`held`: [`held_log`]).
pub fn replacing(path: &Path, held: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("replacing {}: it held {held}", path.display()),
        Lang::Ja => format!("{} を置き換える（{held} があった）", path.display()),
    }
}

/// `run --resume`'s line once the run is complete: how many events were kept and appended.
pub fn resumed(db: &Path, kept: u64, appended: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "resumed {}: the {kept} stored events are this run's; {appended} appended",
            db.display()
        ),
        Lang::Ja => format!(
            "{} の続きを実行：保存されていたイベント {kept} 件はこの実行のもの。{appended} 件を追加",
            db.display()
        ),
    }
}

/// Why the stored log `db` cannot be read, as [`problem`] says it.
fn log_unreadable(db: &Path, why: LogUnreadable<'_>, lang: Lang) -> String {
    let db = db.display();
    match (why, lang) {
        (LogUnreadable::NotFound, Lang::En) => format!("{db}: no event log at {db}"),
        (LogUnreadable::NotFound, Lang::Ja) => format!("{db}：そこにイベントログはない"),
        (LogUnreadable::NotALog { reason }, Lang::En) => {
            format!("{db}: the database is not a zairyu event log ({reason})")
        }
        (LogUnreadable::NotALog { reason }, Lang::Ja) => {
            format!("{db}：zairyu のイベントログではない（{reason}）")
        }
        (LogUnreadable::TooNew { found, supported }, Lang::En) => format!(
            "{db}: the event log has schema version {found}, newer than the {supported} this \
             build knows"
        ),
        (LogUnreadable::TooNew { found, supported }, Lang::Ja) => format!(
            "{db}：イベントログのスキーマの版 {found} は、このビルドが読める {supported} より新しい"
        ),
        (LogUnreadable::Locked, Lang::En) => format!(
            "{db}: {db} is in use by another zairyu process (a run writing it, or a replay \
             reading it); try again when that ends"
        ),
        (LogUnreadable::Locked, Lang::Ja) => format!(
            "{db}：別の zairyu のプロセスが使っている（実行が書いているか、再生が読んでいる）。\
             それが終わってからやり直す"
        ),
        (LogUnreadable::NoMetadata, Lang::En) => format!("{db} has no run metadata"),
        (LogUnreadable::NoMetadata, Lang::Ja) => {
            format!("{db} には実行のメタデータがない（何を実行したかを記録する前に止まった）")
        }
    }
}

/// `explain`'s warning about a log that does not match the hash its run recorded.
pub fn explaining_anyway(db: &Path, lang: Lang) -> String {
    let db = db.display();
    match lang {
        Lang::En => format!(
            "{}{db} does not match the log hash its run recorded; explaining it anyway",
            warning_prefix(lang)
        ),
        Lang::Ja => format!(
            "{}{db} は実行が記録したログのハッシュと一致しない。それでも説明する",
            warning_prefix(lang)
        ),
    }
}

/// The line saying a file was written.
pub fn wrote(path: &Path, lang: Lang) -> String {
    match lang {
        Lang::En => format!("wrote {}", path.display()),
        Lang::Ja => format!("{} を書き出した", path.display()),
    }
}

/// A command line the argument parser refuses (under `--lang ja`; in English the parser's own
/// message is shown). Each holds the argument and value as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageError<'a> {
    /// `value` is not a value `arg` takes (a date that is not one, an unknown choice).
    InvalidValue { arg: &'a str, value: &'a str },
    /// An option no command has.
    UnknownArgument { arg: &'a str },
    /// A command zairyu does not have.
    UnknownCommand { command: &'a str },
    /// Required arguments left out (`args`: those missing, or empty for a missing command).
    Missing { args: &'a str },
    /// Two options that cannot be given together.
    Conflict { arg: &'a str, with: &'a str },
    /// Anything else the parser refuses.
    Other,
}

/// The sentence for a refused command line, with where to look next.
pub fn usage_error(e: UsageError<'_>, lang: Lang) -> String {
    let said = match (e, lang) {
        (UsageError::InvalidValue { arg, value }, Lang::En) => {
            format!("invalid value '{value}' for '{arg}'")
        }
        (UsageError::InvalidValue { arg, value }, Lang::Ja) => {
            format!("'{value}' は '{arg}' の値として使えない")
        }
        (UsageError::UnknownArgument { arg }, Lang::En) => format!("unexpected argument '{arg}'"),
        (UsageError::UnknownArgument { arg }, Lang::Ja) => {
            format!("'{arg}' という引数はない")
        }
        (UsageError::UnknownCommand { command }, Lang::En) => {
            format!("unrecognized subcommand '{command}'")
        }
        (UsageError::UnknownCommand { command }, Lang::Ja) => {
            format!("'{command}' というコマンドはない")
        }
        (UsageError::Missing { args }, Lang::En) => {
            format!("the following required arguments were not provided: {args}")
        }
        (UsageError::Missing { args: "" }, Lang::Ja) => "コマンドが指定されていない".into(),
        (UsageError::Missing { args }, Lang::Ja) => format!("必要な引数がない：{args}"),
        (UsageError::Conflict { arg, with }, Lang::En) => {
            format!("the argument '{arg}' cannot be used with '{with}'")
        }
        (UsageError::Conflict { arg, with }, Lang::Ja) => {
            format!("'{arg}' と '{with}' は一緒に使えない")
        }
        (UsageError::Other, Lang::En) => "the command line is not valid".into(),
        (UsageError::Other, Lang::Ja) => "コマンドラインが正しくない".into(),
    };
    match lang {
        Lang::En => format!("{said}\n\nFor more information, try '--help'."),
        Lang::Ja => format!("{said}\n\n使い方は --help で確かめる"),
    }
}

/// What joins a sentence to its cause: `: ` / `：`.
pub fn separator(lang: Lang) -> &'static str {
    match lang {
        Lang::En => ": ",
        Lang::Ja => "：",
    }
}

/// `p`, then what the system said about it ([`io_reason`]).
pub fn problem_because(p: Problem<'_>, e: &std::io::Error, lang: Lang) -> String {
    format!(
        "{}{}{}",
        problem(p, lang),
        separator(lang),
        io_reason(e, lang)
    )
}

/// Why a file could not be read or written, from what the system said: the common cases in
/// words, anything else as the system says it.
pub fn io_reason(e: &std::io::Error, lang: Lang) -> String {
    use std::io::ErrorKind;
    match (e.kind(), lang) {
        (ErrorKind::NotFound, Lang::En) => "no such file".into(),
        (ErrorKind::NotFound, Lang::Ja) => "ファイルやディレクトリがない".into(),
        (ErrorKind::PermissionDenied, Lang::En) => "permission denied".into(),
        (ErrorKind::PermissionDenied, Lang::Ja) => "権限がない".into(),
        (ErrorKind::IsADirectory, Lang::En) => "a directory".into(),
        (ErrorKind::IsADirectory, Lang::Ja) => "ディレクトリである".into(),
        (_, Lang::En) => e.to_string(),
        (_, Lang::Ja) => match e.raw_os_error() {
            Some(code) => format!("システムのエラー {code}"),
            None => "入出力のエラー".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 7, d).unwrap()
    }

    #[test]
    fn a_day_outside_the_run_is_said_in_either_language() {
        let p = Problem::OutsideTheRun {
            option: "--as-of",
            day: day(1),
            start: day(2),
            until: day(31),
        };
        assert_eq!(
            problem(p, Lang::En),
            "--as-of 2026-07-01 is outside the run (2026-07-02 to 2026-07-31)"
        );
        assert_eq!(
            problem(p, Lang::Ja),
            "--as-of 2026-07-01 は実行の期間（2026-07-02 から 2026-07-31 まで）の外"
        );
    }

    #[test]
    fn a_missing_file_is_said_in_words_and_an_unusual_error_by_its_code() {
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        assert_eq!(
            io_reason(&missing, Lang::Ja),
            "ファイルやディレクトリがない"
        );
        let odd = std::io::Error::from_raw_os_error(5);
        assert_eq!(io_reason(&odd, Lang::Ja), "システムのエラー 5");
        assert!(io_reason(&odd, Lang::En).contains("os error 5"));
    }
}
