//! Errors as the user sees them: located scenario errors with the offending line underlined,
//! and the exit code each kind of failure maps to.

use std::process::ExitCode;

use miette::{Diagnostic, NamedSource, SourceSpan};
use scenario::ScenarioError;

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

/// A scenario error rendered by miette, with the source line and a caret.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(zairyu::scenario))]
struct Located {
    message: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("here")]
    at: SourceSpan,
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
pub fn report(failure: Failure, color: bool, lang: report::Lang) -> ExitCode {
    let error = report::labels::error_prefix(lang);
    match failure {
        Failure::Scenario(e) => {
            // The plain `file:line:column: message` line first, for editors and scripts; then
            // the line itself with a caret under the place.
            errln!("{error}{e}");
            if let (ScenarioError::Invalid { file, message, .. }, Some((line, column))) =
                (&e, e.position())
                && let Ok(text) = scenario::input::read_text(
                    std::path::Path::new(file),
                    scenario::input::MAX_SCENARIO_BYTES,
                    "an input",
                )
                && shown_line(&text, line).is_some()
            {
                let at = offset(&text, line, column);
                let len = text[at..].chars().next().map_or(0, char::len_utf8);
                let diag = Located {
                    message: message.clone(),
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
            errln!("{error}{}", one_line(&e));
            ExitCode::from(2)
        }
        Failure::Run(e) => {
            errln!("{error}{}", one_line(&e));
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
