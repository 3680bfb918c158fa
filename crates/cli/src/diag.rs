//! Errors as the user sees them: located scenario errors with the offending line underlined,
//! and the exit code each kind of failure maps to.

use std::process::ExitCode;

use event_store::StoreError;
use miette::{Diagnostic, NamedSource, SourceSpan};
use report::Lang;
use report::labels::{self, Cause, RunPart, ShardsMismatch};
use scenario::ScenarioError;
use simulator::SimError;
use simulator::replay::ReplayError;
use simulator::what_if::MergeError;

/// A failure of a command.
#[derive(Debug)]
pub enum Failure {
    /// Bad input: exit 2, nothing written.
    Input(anyhow::Error),
    /// A malformed scenario file: exit 2, nothing written.
    Scenario(ScenarioError),
    /// Something went wrong while running (I/O, the store): exit 1.
    Run(anyhow::Error),
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Self {
        Failure::Scenario(e)
    }
}

/// Bad input, said in `lang` (exit 2).
pub fn refused(p: labels::CommandProblem<'_>, lang: Lang) -> Failure {
    Failure::Input(anyhow::anyhow!(labels::command_problem(p, lang)))
}

/// Something that went wrong while running, said in `lang` (exit 1).
pub fn failed(p: labels::CommandProblem<'_>, lang: Lang) -> Failure {
    Failure::Run(anyhow::anyhow!(labels::command_problem(p, lang)))
}

/// The most residents a command takes (`run --population`, `compare`, `sweep`, `bench`): ten
/// times the national population. A larger number is a typing slip, not a question anyone asks
/// of this simulator, and a run that holds its population in memory would die of it midway (at
/// about a kibibyte a resident, or at once: four thousand million residents asked for a 154 GB
/// allocation that aborted the process) — refused up front, as bad input, instead.
pub const MAX_RESIDENTS: usize = 10 * population::NATIONAL_RESIDENTS;

/// The most worker threads a command takes (`--threads`): far more than any machine it runs on
/// has cores (the results never depend on the threads), and few enough that the system can
/// always start them — a thread it cannot start would stop the run with a panic.
pub const MAX_THREADS: usize = 256;

/// Refuses a population size (`option`: the option that gave it) that is no population, or
/// beyond [`MAX_RESIDENTS`], as bad input.
pub fn population_size(residents: usize, option: &str, lang: Lang) -> Result<(), Failure> {
    if residents == 0 || residents > MAX_RESIDENTS {
        return Err(refused(
            labels::CommandProblem::Between {
                option,
                max: MAX_RESIDENTS as u64,
            },
            lang,
        ));
    }
    Ok(())
}

/// The worker threads of `--threads` (default: the cores available), refused as bad input when
/// none or beyond [`MAX_THREADS`].
pub fn threads(given: Option<usize>, lang: Lang) -> Result<usize, Failure> {
    match given {
        None => Ok(simulator::default_threads().min(MAX_THREADS)),
        Some(0) => Err(refused(
            labels::CommandProblem::AtLeastOne {
                option: "--threads",
            },
            lang,
        )),
        Some(n) if n > MAX_THREADS => Err(refused(
            labels::CommandProblem::Between {
                option: "--threads",
                max: MAX_THREADS as u64,
            },
            lang,
        )),
        Some(n) => Ok(n),
    }
}

/// A scenario or policy file's error as one line in `lang`: `file:line:column: what is wrong`,
/// or `file: why it could not be read`.
pub fn scenario_error(e: &ScenarioError, lang: Lang) -> String {
    match e {
        ScenarioError::Invalid {
            file,
            line,
            column,
            problem,
        } => format!(
            "{file}:{line}:{column}: {}",
            scenario_problem(problem, lang)
        ),
        ScenarioError::Io { file, source } => {
            format!("{file}{}{}", labels::separator(lang), cause(source, lang))
        }
    }
}

/// What is wrong with a scenario or policy file, in `lang`.
pub fn scenario_problem(p: &scenario::Problem, lang: Lang) -> String {
    labels::scenario_problem(p, lang)
}

/// A library's error that says it all in English, passed up as it is; in Japanese it goes
/// under the command's sentence `p`, and is said by its kind ([`cause`]).
pub fn under<E>(e: E, p: labels::CommandProblem<'_>, lang: Lang) -> anyhow::Error
where
    E: std::error::Error + Send + Sync + 'static,
{
    match lang {
        Lang::En => e.into(),
        Lang::Ja => anyhow::Error::from(e).context(labels::command_problem(p, lang)),
    }
}

/// A scenario error rendered by miette, with the source line and a caret.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(zairyu::scenario))]
struct Located {
    message: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("{here}")]
    at: SourceSpan,
    /// The word under the caret.
    here: &'static str,
}

/// Byte offset of a 1-based line and column (in characters) in `text`.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[start.min(text.len())..];
    start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

/// The longest line shown under an error. The plain `file:line:column` line says where the
/// error is whatever the length; miette's renderer lays out a line as a whole (and cannot
/// address columns past 65,535), so a longer line is not drawn at all.
const MAX_SHOWN_LINE: usize = 400;

/// Line `line` (1-based) of `text`, if it exists and is short enough to show.
fn shown_line(text: &str, line: usize) -> Option<&str> {
    text.lines()
        .nth(line.checked_sub(1)?)
        .filter(|l| l.chars().count() <= MAX_SHOWN_LINE)
}

/// An error and its causes on one line, each cause only if it adds something: SQLite's errors
/// come wrapped three deep with the same words ("disk I/O error: disk I/O error: Error code
/// 778: disk I/O error"), which says nothing three times.
fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        let core = text.rsplit(": ").next().unwrap_or(&text);
        if line.contains(core) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// An error and its cause on one line in `lang`: in English [`one_line`]; in Japanese the
/// command's own sentence (said in Japanese where it was made) and its first cause by kind
/// ([`cause`]), never a library's English text — a library's error passed up as it is is said
/// by its kind too.
fn one_line_in(e: &anyhow::Error, lang: Lang) -> String {
    if lang == Lang::En {
        return one_line(e);
    }
    let mut chain = e.chain();
    if let Some(said) = chain.next().and_then(in_japanese) {
        return said;
    }
    match chain.next() {
        Some(c) => format!("{e}{}{}", labels::separator(lang), cause(c, lang)),
        None => e.to_string(),
    }
}

/// A library's error as the cause of a sentence in `lang`: its own text in English, its kind in
/// words from the labels in Japanese (a kind the labels have no words for says where to read
/// the English).
pub fn cause(e: &(dyn std::error::Error + 'static), lang: Lang) -> String {
    match lang {
        Lang::En => e.to_string(),
        Lang::Ja => in_japanese(e).unwrap_or_else(|| labels::cause_ja(Cause::Unworded)),
    }
}

/// The Japanese words for an error of a kind the labels know (the system's, the store's, the
/// simulator's), if it is one.
fn in_japanese(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    if let Some(io) = e.downcast_ref::<std::io::Error>() {
        return Some(labels::io_reason(io, Lang::Ja));
    }
    let kind = if let Some(e) = e.downcast_ref::<StoreError>() {
        store_cause(e)
    } else if let Some(e) = e.downcast_ref::<SimError>() {
        sim_cause(e)
    } else if let Some(e) = e.downcast_ref::<ReplayError>() {
        match e {
            ReplayError::Store(e) => store_cause(e),
            ReplayError::Decode(_) => Cause::Corrupt,
        }
    } else if e.is::<simulator::log::DecodeError>() {
        Cause::Corrupt
    } else if let Some(e) = e.downcast_ref::<MergeError>() {
        Cause::Shards(shards_mismatch(*e))
    } else {
        return None;
    };
    Some(labels::cause_ja(kind))
}

/// The kind of a store error, for its Japanese words.
fn store_cause(e: &StoreError) -> Cause {
    match e {
        StoreError::NotFound { .. } => Cause::NoLog,
        StoreError::NotAnEventLog { reason } => Cause::NotALog(not_a_log(reason)),
        StoreError::SchemaTooNew { found, supported } => Cause::SchemaTooNew {
            found: *found,
            supported: *supported,
        },
        StoreError::ReadOnlyFormat { format } => Cause::ReadOnlyFormat { format: *format },
        StoreError::Locked { .. } => Cause::InUse,
        StoreError::Corrupt { .. } => Cause::Corrupt,
        StoreError::Sqlite(e) => sqlite_cause(e.sqlite_error().map(|f| f.extended_code)),
        StoreError::Io { .. } => Cause::Io,
        _ => Cause::Internal,
    }
}

/// What gave away a file that is not a log, for its Japanese words.
fn not_a_log(reason: &event_store::NotALog) -> labels::NotALog {
    use event_store::NotALog as N;
    match reason {
        N::NotARegularFile => labels::NotALog::NotARegularFile,
        N::Empty => labels::NotALog::Empty,
        N::NotSqlite => labels::NotALog::NotSqlite,
        N::UserVersion(_) | N::Foreign { .. } | N::ApplicationId(_) => {
            labels::NotALog::ForeignDatabase
        }
    }
}

/// The kind of an SQLite error, by its (extended) result code: a damaged file, a full disk and
/// an I/O error in words, any other by its code.
fn sqlite_cause(code: Option<i32>) -> Cause {
    // The primary result code is the low byte of an extended one (sqlite.org/rescode.html).
    match code.map(|c| c & 0xff) {
        Some(11) => Cause::Corrupt,
        Some(13) => Cause::DiskFull,
        Some(10) => Cause::Io,
        Some(26) => Cause::NotALog(labels::NotALog::NotSqlite),
        _ => Cause::Database { code },
    }
}

/// What gave away a file that is not a log, in `lang`.
pub fn not_a_log_reason(reason: &event_store::NotALog, lang: Lang) -> String {
    match lang {
        Lang::En => reason.to_string(),
        Lang::Ja => labels::not_a_log_ja(not_a_log(reason)).to_owned(),
    }
}

/// The kind of a simulation error, for its Japanese words.
fn sim_cause(e: &SimError) -> Cause {
    match e {
        SimError::Store(e) => store_cause(e),
        SimError::ResumeMismatch { global_seq } => Cause::ResumeMismatch {
            global_seq: *global_seq,
        },
        SimError::ResumeLonger { stored, produced } => Cause::ResumeLonger {
            stored: *stored,
            produced: *produced,
        },
        SimError::ResumeOtherRun { what } => Cause::ResumeOtherRun {
            what: run_part(*what),
        },
        _ => Cause::Internal,
    }
}

/// Why shard results do not add up to one run, for its Japanese words.
fn shards_mismatch(e: MergeError) -> ShardsMismatch {
    match e {
        MergeError::Empty => ShardsMismatch::Empty,
        MergeError::NotAShard => ShardsMismatch::NotAShard,
        MergeError::OutOfPlace { want, found } => ShardsMismatch::OutOfPlace {
            want,
            found: found.0,
        },
        MergeError::OtherInputs { shard, first } => ShardsMismatch::OtherInputs {
            shard: shard.0,
            first: first.0,
        },
        MergeError::Count { given, count } => ShardsMismatch::Count { given, count },
        MergeError::MissingSeed { seed } => ShardsMismatch::MissingSeed { seed },
        MergeError::MissingPoints { shard } => ShardsMismatch::MissingPoints { shard: shard.0 },
    }
}

/// The part of a run a resumed log differs in, for its Japanese words: matched by kind, so that
/// a part added or reworded in the simulator cannot fall through to the wrong words.
fn run_part(what: simulator::scenario_run::RunPart) -> RunPart {
    use simulator::scenario_run::RunPart as P;
    match what {
        P::ScenarioFile => RunPart::ScenarioFile,
        P::Policy => RunPart::Policy,
        P::Seed => RunPart::Seed,
        P::Period => RunPart::Period,
        P::Names => RunPart::Names,
        P::Metadata => RunPart::Metadata,
    }
}

/// miette's rendering of `diag` without its header (the message, which the plain line above
/// it already said): only the source lines and the caret, so that each error is said once.
fn snippet(diag: Located, color: bool) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let mut text = String::new();
    if miette::GraphicalReportHandler::new_themed(theme)
        .render_report(&mut text, &diag)
        .is_err()
    {
        return String::new();
    }
    // The header is every line before the snippet's frame (`╭─[file:line:col]`).
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.contains("─[")).unwrap_or(0);
    lines[start..].join("\n")
}

/// Prints a failure to stderr, once, and returns its exit code. `color`: whether stderr may
/// be coloured; `lang`: the language of the word before the message (the message itself was
/// said in it by the command).
pub fn report(failure: Failure, color: bool, lang: Lang) -> ExitCode {
    let error = report::labels::error_prefix(lang);
    match failure {
        Failure::Scenario(e) => {
            // The plain `file:line:column: message` line first, for editors and scripts; then
            // the line itself with a caret under the place.
            errln!("{error}{}", scenario_error(&e, lang));
            if let (ScenarioError::Invalid { file, problem, .. }, Some((line, column))) =
                (&e, e.position())
                && let Ok(text) = scenario::input::read_text(
                    std::path::Path::new(file),
                    scenario::input::MAX_SCENARIO_BYTES,
                    scenario::problem::FileKind::Input,
                )
                && shown_line(&text, line).is_some()
            {
                let at = offset(&text, line, column);
                let len = text[at..].chars().next().map_or(0, char::len_utf8);
                let diag = Located {
                    message: scenario_problem(problem, lang),
                    here: labels::here(lang),
                    src: NamedSource::new(file, text),
                    at: (at, len).into(),
                };
                let shown = snippet(diag, color);
                if !shown.is_empty() {
                    errln!("{shown}");
                }
            }
            ExitCode::from(2)
        }
        Failure::Input(e) => {
            errln!("{error}{}", one_line_in(&e, lang));
            ExitCode::from(2)
        }
        Failure::Run(e) => {
            errln!("{error}{}", one_line_in(&e, lang));
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::offset;

    #[test]
    fn a_cause_that_repeats_its_error_is_left_out() {
        let e = anyhow::anyhow!("Error code 778: disk I/O error")
            .context("disk I/O error")
            .context("SQLite: disk I/O error")
            .context("the log x.db is incomplete");
        assert_eq!(
            super::one_line(&e),
            "the log x.db is incomplete: SQLite: disk I/O error"
        );
        let e = anyhow::anyhow!("No such file").context("cannot read x.yaml");
        assert_eq!(super::one_line(&e), "cannot read x.yaml: No such file");
    }

    #[test]
    fn only_short_existing_lines_are_shown() {
        let long = format!("a: 1\nb: {}\n", "x".repeat(70_000));
        assert_eq!(super::shown_line(&long, 1), Some("a: 1"));
        assert_eq!(super::shown_line(&long, 2), None);
        assert_eq!(super::shown_line(&long, 3), None);
        assert_eq!(super::shown_line(&long, 0), None);
    }

    #[test]
    fn offset_counts_lines_and_characters() {
        let text = "a: 1\nbé: x\n";
        assert_eq!(offset(text, 1, 1), 0);
        assert_eq!(offset(text, 2, 1), 5);
        // 'é' is two bytes: the 4th character of line 2 starts at byte 5 + 4.
        assert_eq!(offset(text, 2, 4), 9);
    }
}
