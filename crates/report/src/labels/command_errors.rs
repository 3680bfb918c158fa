//! The errors of the commands that simulate populations, split them into shards and put them
//! together again — `compare`, `sweep`, `merge`, `bench`, `simtest`, `step`, `check`,
//! `validate`, `man` — and the causes the libraries give beneath a command's own sentence (a
//! log that is corrupt, in use or of another run, a database error), in English and Japanese.
//! [`super::errors`] holds the commands that read stored logs; this module the rest, so that
//! neither grows past reading.
//!
//! A cause is said in Japanese from its kind, never from the library's English text: a kind
//! this module does not know is said as such, with where to read its detail (`--lang en`).

use std::path::Path;

use model::shard::Shard;

use super::Lang;

/// What a command was asked that it cannot do, or found that it cannot go on with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandProblem<'a> {
    /// `option` must be between 1 and `max`.
    Between { option: &'a str, max: u64 },
    /// `option 0`.
    AtLeastOne { option: &'a str },
    /// `check`/`validate` of paths that hold no scenario file.
    NoScenarioFiles,
    /// `run` or `compare` with neither a scenario nor `--population` (`national`: the size
    /// `--population` alone means, when the command says it).
    ScenarioOrPopulation { national: Option<usize> },
    /// `--shard` with a format other than JSON.
    ShardIsJson,
    /// `compare --db` of a shard without `--keep-sample`.
    DbWithShard,
    /// `compare --shard` of a scenario.
    ShardOfAScenario,
    /// Both `--shard k/n` and `--shards n`.
    ShardAndShards,
    /// `--shards n` outside an array job (`variables`: those read, listed).
    NoShardIndex { count: u32, variables: &'a str },
    /// Two of the batch schedulers' index variables disagree.
    ShardIndexesDisagree {
        name: &'a str,
        text: &'a str,
        other: &'a str,
        value: &'a str,
    },
    /// A scheduler's index variable that is not a whole number.
    ShardIndexNotANumber { name: &'a str, text: &'a str },
    /// A scheduler's index beyond `--shards`.
    ShardIndexOutOfRange {
        name: &'a str,
        index: u32,
        count: u32,
    },
    /// `compare --seed S --seeds K` past the largest seed.
    SeedsOverflow { seed: u64, seeds: u64 },
    /// `sweep --seed S --seeds K` past 2^63.
    SeedsBeyond { seed: u64, seeds: u32 },
    /// A sweep's grid with more points than are run at once.
    GridTooLarge { size: usize, max: usize },
    /// A sweep's grid with more points than an HTML page shows.
    GridTooLargeForHtml { size: usize, max: usize },
    /// `sweep --format parquet` without `--out`.
    ParquetNeedsOutFile,
    /// The Parquet file of a sweep could not be made.
    ParquetNotMade,
    /// `merge` of a file that is not JSON.
    NotJson { path: &'a Path },
    /// `merge` of a JSON file that is not a shard result of the kind its manifest says.
    NotAShardResult { path: &'a Path, format: &'a str },
    /// `merge` of a file whose manifest names no format this build reads (`found`: empty when
    /// it names none).
    ShardFormat {
        path: &'a Path,
        found: &'a str,
        reads: [&'a str; 2],
    },
    /// `merge` of comparisons and sweeps together.
    MixedShards,
    /// `merge --format parquet` of comparisons.
    ParquetIsForSweeps,
    /// The shard results do not make one whole (the cause says how).
    CannotMerge,
    /// A comparison that ran no seed (a bug).
    NoSeedRan,
    /// `compare --keep-sample`: the sample's log stopped.
    SampleLogIncomplete { path: &'a Path },
    /// `compare --db`: a population's log stopped.
    LogIncomplete { path: &'a Path },
    /// `compare --db`: the stored run gave other measures than the comparison (a bug).
    StoredRunDiffers {
        population: &'a str,
        arm: &'a str,
        path: &'a Path,
    },
    /// `bench`: the stored run's log differs from the in-memory one.
    BenchStoredDiffers,
    /// `bench`: the replayed log's hash differs from the run's.
    BenchReplayDiffers,
    /// `check --format junit` could not make its report.
    JunitNotWritten,
    /// `man` could not render a page.
    ManPageNotRendered,
    /// `run --step` could not read its scenario file.
    ScenarioUnreadable { path: &'a Path },
    /// `run --step` could not read its standard input.
    StdinUnreadable,
    /// `run --step`: a step changed events already shown (a bug).
    NotStepwise,
    /// `run --step`: the stepped run could not be saved.
    StepNotSaved,
    /// Standard output could not be written (a full disk, an I/O error).
    StdoutUnwritable,
}

/// The sentence for `p`, without the `error:` word (the CLI adds it).
pub fn command_problem(p: CommandProblem<'_>, lang: Lang) -> String {
    use CommandProblem as P;
    match (p, lang) {
        (P::Between { option, max }, Lang::En) => format!("{option} must be between 1 and {max}"),
        (P::Between { option, max }, Lang::Ja) => format!("{option} は 1 から {max} まで"),
        (P::AtLeastOne { option }, Lang::En) => format!("{option} must be at least 1"),
        (P::AtLeastOne { option }, Lang::Ja) => format!("{option} は 1 以上"),
        (P::NoScenarioFiles, Lang::En) => "no scenario files (*.yaml) found".into(),
        (P::NoScenarioFiles, Lang::Ja) => "シナリオファイル（*.yaml）が見つからない".into(),
        (P::ScenarioOrPopulation { national: None }, Lang::En) => {
            "give a scenario file or --population N".into()
        }
        (P::ScenarioOrPopulation { national: Some(n) }, Lang::En) => {
            format!("give a scenario file or --population N (N omitted: {n})")
        }
        (P::ScenarioOrPopulation { national: None }, Lang::Ja) => {
            "シナリオファイルか --population を指定する".into()
        }
        (P::ScenarioOrPopulation { national: Some(n) }, Lang::Ja) => {
            format!("シナリオファイルか --population を指定する（人数を省くと {n} 人）")
        }
        (P::ShardIsJson, Lang::En) => {
            "a shard's result is JSON, for `zairyu merge`; drop --format or use --format json"
                .into()
        }
        (P::ShardIsJson, Lang::Ja) => {
            "シャードの結果は zairyu merge に渡す JSON。--format を外すか --format json にする"
                .into()
        }
        (P::DbWithShard, Lang::En) => {
            "--db keeps the whole population's logs, and a shard is not the whole: drop --shard \
             (or keep a sample's logs with --keep-sample)"
                .into()
        }
        (P::DbWithShard, Lang::Ja) => {
            "--db は母集団全体のログを残すが、シャードは全体ではない。--shard を外す（または \
             --keep-sample で標本のログを残す）"
                .into()
        }
        (P::ShardOfAScenario, Lang::En) => {
            "--shard splits a population; a scenario runs whole".into()
        }
        (P::ShardOfAScenario, Lang::Ja) => {
            "--shard は母集団を分けるもの。シナリオは分けずに実行する".into()
        }
        (P::ShardAndShards, Lang::En) => {
            "give either --shard k/n or --shards n (with the index from the batch scheduler), \
             not both"
                .into()
        }
        (P::ShardAndShards, Lang::Ja) => {
            "--shard と --shards（番号はバッチスケジューラから）のどちらか一方だけを指定する".into()
        }
        (P::NoShardIndex { count, variables }, Lang::En) => format!(
            "--shards {count} needs the shard's index: run it as a task of an array job (which \
             sets {variables}), or give --shard k/{count}"
        ),
        (P::NoShardIndex { count, variables }, Lang::Ja) => format!(
            "--shards {count} にはシャードの番号が要る。配列ジョブのタスクとして実行する\
             （{variables} が設定される）か、--shard で番号を指定する"
        ),
        (
            P::ShardIndexesDisagree {
                name,
                text,
                other,
                value,
            },
            Lang::En,
        ) => {
            format!("{name}={text} and {other}={value} disagree: which array is this task part of?")
        }
        (
            P::ShardIndexesDisagree {
                name,
                text,
                other,
                value,
            },
            Lang::Ja,
        ) => format!(
            "{name}={text} と {other}={value} が食い違う。このタスクはどの配列ジョブのものか"
        ),
        (P::ShardIndexNotANumber { name, text }, Lang::En) => {
            format!("{name}={text}: expected a task index, a whole number from 0")
        }
        (P::ShardIndexNotANumber { name, text }, Lang::Ja) => {
            format!("{name}={text}：タスクの番号（0 からの整数）ではない")
        }
        (P::ShardIndexOutOfRange { name, index, count }, Lang::En) => format!(
            "{name}={index} is not a shard of --shards {count} (expected 0 to {}; an array of \
             {count} tasks is numbered from 0, e.g. sbatch --array=0-{})",
            count - 1,
            count - 1
        ),
        (P::ShardIndexOutOfRange { name, index, count }, Lang::Ja) => format!(
            "{name}={index} は --shards {count} のシャードではない（0 から {} まで。{count} 個の\
             タスクの配列は 0 から数える）",
            count - 1
        ),
        (P::SeedsOverflow { seed, seeds }, Lang::En) => {
            format!("--seed {seed} with --seeds {seeds} overflows")
        }
        (P::SeedsOverflow { seed, seeds }, Lang::Ja) => {
            format!("--seed {seed} と --seeds {seeds} ではシードが上限を超える")
        }
        (P::SeedsBeyond { seed, seeds }, Lang::En) => {
            format!("--seed {seed} with --seeds {seeds}: seeds must stay below 2^63")
        }
        (P::SeedsBeyond { seed, seeds }, Lang::Ja) => {
            format!("--seed {seed} と --seeds {seeds}：シードは 2^63 未満でなければならない")
        }
        (P::GridTooLarge { size, max }, Lang::En) => {
            format!("the grid has {size} points; at most {max} are run at once (split it)")
        }
        (P::GridTooLarge { size, max }, Lang::Ja) => {
            format!("格子の点が {size} 個ある。一度に実行できるのは {max} 個まで（分けて実行する）")
        }
        (P::GridTooLargeForHtml { size, max }, Lang::En) => format!(
            "the grid has {size} points; an HTML page shows at most {max} (use --format csv or \
             parquet for more)"
        ),
        (P::GridTooLargeForHtml { size, max }, Lang::Ja) => format!(
            "格子の点が {size} 個ある。--format html のページに示せるのは {max} 個まで（それより\
             多ければ --format csv か --format parquet を使う）"
        ),
        (P::ParquetNeedsOutFile, Lang::En) => "a Parquet file is binary: give --out FILE".into(),
        (P::ParquetNeedsOutFile, Lang::Ja) => {
            "--format parquet の出力はバイナリなので、--out で書き出すファイルを指定する".into()
        }
        (P::ParquetNotMade, Lang::En) => "cannot make the Parquet file".into(),
        (P::ParquetNotMade, Lang::Ja) => "--format parquet のファイルを作れない".into(),
        (P::NotJson { path }, Lang::En) => format!("{} is not JSON", path.display()),
        (P::NotJson { path }, Lang::Ja) => format!("{} は JSON ではない", path.display()),
        (P::NotAShardResult { path, format }, Lang::En) => format!(
            "{} is not a `zairyu` shard result ({format})",
            path.display()
        ),
        (P::NotAShardResult { path, format }, Lang::Ja) => format!(
            "{} は zairyu のシャードの結果（{format}）ではない",
            path.display()
        ),
        (P::ShardFormat { path, found, reads }, Lang::En) => format!(
            "{}: format {} (this zairyu reads {} and {})",
            path.display(),
            if found.is_empty() { "unknown" } else { found },
            reads[0],
            reads[1]
        ),
        (P::ShardFormat { path, found, reads }, Lang::Ja) => format!(
            "{}：形式 {}（この zairyu が読めるのは {} と {}）",
            path.display(),
            if found.is_empty() { "不明" } else { found },
            reads[0],
            reads[1]
        ),
        (P::MixedShards, Lang::En) => {
            "the files mix comparisons and sweeps; merge the shards of one run at a time".into()
        }
        (P::MixedShards, Lang::Ja) => {
            "比較とスイープの結果が混ざっている。一度にまとめるのは一つの実行のシャードだけ".into()
        }
        (P::ParquetIsForSweeps, Lang::En) => {
            "a comparison is written as a table, CSV or JSON (Parquet is for sweeps)".into()
        }
        (P::ParquetIsForSweeps, Lang::Ja) => {
            "比較の結果は表、--format csv か --format json で書く（--format parquet はスイープ用）"
                .into()
        }
        (P::CannotMerge, Lang::En) => "the shard results cannot be merged".into(),
        (P::CannotMerge, Lang::Ja) => "シャードの結果をまとめられない".into(),
        (P::NoSeedRan, Lang::En) => "the comparison ran no seed".into(),
        (P::NoSeedRan, Lang::Ja) => "比較でシードが一つも実行されなかった".into(),
        (P::SampleLogIncomplete { path }, Lang::En) => format!(
            "the sample's log {} is incomplete (marked unfinished)",
            path.display()
        ),
        (P::SampleLogIncomplete { path }, Lang::Ja) => {
            format!("標本のログ {} は途中まで（未完了と記録）", path.display())
        }
        (P::LogIncomplete { path }, Lang::En) => format!(
            "the log {} is incomplete (marked unfinished)",
            path.display()
        ),
        (P::LogIncomplete { path }, Lang::Ja) => {
            format!("ログ {} は途中まで（未完了と記録）", path.display())
        }
        (
            P::StoredRunDiffers {
                population,
                arm,
                path,
            },
            Lang::En,
        ) => format!(
            "the stored run of {population} under {arm} gave other measures than the \
             comparison: the simulation is not deterministic (a bug); the log {} is kept",
            path.display()
        ),
        (
            P::StoredRunDiffers {
                population,
                arm,
                path,
            },
            Lang::Ja,
        ) => format!(
            "{population}を {arm} で実行して保存した結果の指標が比較の結果と違う。シミュレーションが\
             決定的でない（不具合）。ログ {} は残す",
            path.display()
        ),
        (P::BenchStoredDiffers, Lang::En) => {
            "the stored run's log differs from the in-memory run's: determinism is broken".into()
        }
        (P::BenchStoredDiffers, Lang::Ja) => {
            "保存した実行のログがメモリ上の実行のログと違う。決定性が壊れている".into()
        }
        (P::BenchReplayDiffers, Lang::En) => {
            "the replayed log's hash differs from the run's: the store or the replay is broken"
                .into()
        }
        (P::BenchReplayDiffers, Lang::Ja) => {
            "再生したログのハッシュが実行のものと違う。保存か再生が壊れている".into()
        }
        (P::JunitNotWritten, Lang::En) => "cannot write the JUnit report".into(),
        (P::JunitNotWritten, Lang::Ja) => "--format junit の報告を書けない".into(),
        (P::ManPageNotRendered, Lang::En) => "cannot render the manual page".into(),
        (P::ManPageNotRendered, Lang::Ja) => "マニュアルページを作れない".into(),
        (P::ScenarioUnreadable { path }, Lang::En) => {
            format!("cannot read the scenario {}", path.display())
        }
        (P::ScenarioUnreadable { path }, Lang::Ja) => {
            format!("シナリオ {} を読めない", path.display())
        }
        (P::StdinUnreadable, Lang::En) => "cannot read standard input".into(),
        (P::StdinUnreadable, Lang::Ja) => "標準入力を読めない".into(),
        (P::NotStepwise, Lang::En) => {
            "the step changed events already shown: the run is not stepwise (a bug)".into()
        }
        (P::NotStepwise, Lang::Ja) => {
            "一歩進めたら、表示済みのイベントが変わった。実行が一歩ずつになっていない（不具合）"
                .into()
        }
        (P::StepNotSaved, Lang::En) => "the stepped run could not be saved".into(),
        (P::StepNotSaved, Lang::Ja) => "一歩ずつ進めた実行を保存できなかった".into(),
        (P::StdoutUnwritable, Lang::En) => "cannot write to standard output".into(),
        (P::StdoutUnwritable, Lang::Ja) => "標準出力に書けない".into(),
    }
}

/// Why a library refused or stopped, beneath a command's own sentence: the kinds of the event
/// store's and the simulator's errors the CLI tells apart (it maps their typed errors here).
/// In English the library's own text is shown (its cause chain); these are the Japanese words
/// for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// No log at the path.
    NoLog,
    /// Not a zairyu log, and what gave it away.
    NotALog(NotALog),
    /// A log of a newer schema version than this build reads.
    SchemaTooNew { found: u32, supported: u32 },
    /// A log of an older format, read but never written.
    ReadOnlyFormat { format: u32 },
    /// Another zairyu process has the log open.
    InUse,
    /// A stored value that does not decode: the log was changed or damaged.
    Corrupt,
    /// The database reported an error (`code`: SQLite's extended result code, if any).
    Database { code: Option<i32> },
    /// The disk is full.
    DiskFull,
    /// Reading or writing the file failed.
    Io,
    /// `run --resume`: event `global_seq` of the stored log is not the one this run produces.
    ResumeMismatch { global_seq: u64 },
    /// `run --resume`: the stored log holds more events than the run produces.
    ResumeLonger { stored: u64, produced: u64 },
    /// `run --resume`: the log is of another run; `what` differs.
    ResumeOtherRun { what: RunPart },
    /// `merge`: the shard results are not the shards of one run, and why.
    Shards(ShardsMismatch),
    /// Something that should not happen inside the simulator or the store (a bug).
    Internal,
    /// A cause this module has no words for: its text is shown under `--lang en`.
    Unworded,
}

/// What gave away a file that is not a zairyu log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotALog {
    /// A directory, a device or a FIFO.
    NotARegularFile,
    /// An empty database: the run stopped before it wrote anything.
    Empty,
    /// Not an SQLite database at all.
    NotSqlite,
    /// Another program's SQLite database (or a version number no zairyu wrote).
    ForeignDatabase,
}

/// The part of a run's header in which a log differs from the run resuming it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunPart {
    ScenarioFile,
    Policy,
    Seed,
    Period,
    Names,
    /// The log has events but no run metadata.
    Metadata,
}

/// Why shard results do not add up to one run (`zairyu merge`); `None` for a shard is a whole
/// run's result, not a shard's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardsMismatch {
    /// No result at all.
    Empty,
    /// The first result is a whole run's.
    NotAShard,
    /// Shard `want` is missing or given twice: `found` is in its place.
    OutOfPlace { want: Shard, found: Option<Shard> },
    /// A shard made from other inputs (population, policies, seeds, code version) than the first.
    OtherInputs {
        shard: Option<Shard>,
        first: Option<Shard>,
    },
    /// `given` results for shards `k/count`.
    Count { given: usize, count: u32 },
    /// A comparison's shard without the run of `seed`.
    MissingSeed { seed: u64 },
    /// A sweep's shard without every grid point and seed.
    MissingPoints { shard: Option<Shard> },
}

/// Why shard results do not add up to one run, in Japanese.
fn shards_mismatch_ja(why: ShardsMismatch) -> String {
    // A shard's number is set off by spaces, as every number in the Japanese text is.
    let shard = |s: Option<Shard>| match s {
        Some(s) => format!("シャード {s} "),
        None => "全体の実行の結果".to_owned(),
    };
    match why {
        ShardsMismatch::Empty => "まとめる結果がない".into(),
        ShardsMismatch::NotAShard => {
            "最初の結果がシャードの結果ではない（全体の実行の結果）".into()
        }
        ShardsMismatch::OutOfPlace { want, found } => format!(
            "シャード 0/{n} から {last}/{n} までが1つずつ要るが、シャード {want} の所に{}がある",
            shard(found),
            n = want.count,
            last = want.count - 1,
        ),
        ShardsMismatch::OtherInputs { shard: s, first } => format!(
            "{}は{}と別の入力（人口、政策、シード、コードの版）で作られた",
            shard(s),
            shard(first)
        ),
        ShardsMismatch::Count { given, count } => {
            format!("{count} 個に分けたシャードの結果が {given} 個ある")
        }
        ShardsMismatch::MissingSeed { seed } => {
            format!("シード {seed} の実行がないシャードがある")
        }
        ShardsMismatch::MissingPoints { shard: s } => {
            format!("{}にグリッドの点かシードが欠けている", shard(s))
        }
    }
}

/// The Japanese for a cause, as it follows a command's own sentence.
pub fn cause_ja(c: Cause) -> String {
    match c {
        Cause::NoLog => "そこにイベントログはない".into(),
        Cause::NotALog(why) => not_a_log_ja(why).into(),
        Cause::SchemaTooNew { found, supported } => format!(
            "イベントログのスキーマの版 {found} は、このビルドが読める {supported} より新しい"
        ),
        Cause::ReadOnlyFormat { format } => format!(
            "ログの形式 {format} は、このビルドでは読むだけで書かない。今の形式のログにするには\
             シナリオをもう一度実行する"
        ),
        Cause::InUse => "別の zairyu のプロセスが使っている".into(),
        Cause::Corrupt => "保存された値を読み戻せない。ログが壊れているか書き換えられている".into(),
        Cause::Database { code: Some(code) } => format!("データベースのエラー（コード {code}）"),
        Cause::Database { code: None } => "データベースのエラー".into(),
        Cause::DiskFull => "ディスクがいっぱい".into(),
        Cause::Io => "ファイルの読み書きのエラー".into(),
        Cause::ResumeMismatch { global_seq } => format!(
            "続きを実行できない。保存されたログのイベント {global_seq} が、この実行の生む\
             イベントと違う（別の実行か別のビルドが書いたログか、書き換えられたログ）"
        ),
        Cause::ResumeLonger { stored, produced } => format!(
            "続きを実行できない。保存されたログのイベント {stored} 件は、この実行の生む \
             {produced} 件より多い"
        ),
        Cause::ResumeOtherRun { what } => format!(
            "続きを実行できない。別の実行のログ（{}が違う）",
            run_part_ja(what)
        ),
        Cause::Shards(why) => shards_mismatch_ja(why),
        Cause::Internal => "内部のエラー（不具合）".into(),
        Cause::Unworded => "原因の詳細は --lang en で表示される".into(),
    }
}

/// Why a file is not a zairyu log, in Japanese.
pub fn not_a_log_ja(why: NotALog) -> &'static str {
    match why {
        NotALog::NotARegularFile => "普通のファイルではない",
        NotALog::Empty => "空のデータベース。実行が何も書く前に止まった",
        NotALog::NotSqlite => "データベースのファイルではない",
        NotALog::ForeignDatabase => "別のプログラムのデータベース",
    }
}

/// The part of a run's header a resumed log differs in, in Japanese.
fn run_part_ja(what: RunPart) -> &'static str {
    match what {
        RunPart::ScenarioFile => "シナリオファイル",
        RunPart::Policy => "政策",
        RunPart::Seed => "シード",
        RunPart::Period => "模擬する期間",
        RunPart::Names => "シナリオの名前",
        RunPart::Metadata => "実行のメタデータ",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_without_words_points_to_the_english_text() {
        assert_eq!(
            cause_ja(Cause::Unworded),
            "原因の詳細は --lang en で表示される"
        );
        assert_eq!(
            cause_ja(Cause::ResumeOtherRun {
                what: RunPart::Seed
            }),
            "続きを実行できない。別の実行のログ（シードが違う）"
        );
    }

    #[test]
    fn a_scheduler_index_beyond_the_shards_says_the_range() {
        let p = CommandProblem::ShardIndexOutOfRange {
            name: "SLURM_ARRAY_TASK_ID",
            index: 4,
            count: 4,
        };
        assert!(command_problem(p, Lang::En).contains("expected 0 to 3"));
        assert!(command_problem(p, Lang::Ja).contains("0 から 3 まで"));
    }
}
