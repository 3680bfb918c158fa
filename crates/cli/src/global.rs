//! The conventions every command shares, in one place so that a new command follows them by
//! flattening [`Global`] and calling [`Global::lang`] / [`Global::color`]: `-q`/`-v` (how much
//! is said, on stdout and in the `tracing` diagnostics on stderr), `--color auto|always|never`
//! (honouring `NO_COLOR`), `--lang en|ja` (the language of every word, from the report's
//! labels), and the `text|json` output format most commands offer.
//!
//! Diagnostics never mix into stdout: `tracing` writes to stderr, and stdout carries only a
//! command's output (text, JSON, JUnit), so that `zairyu run --format json … | jq` works.

use std::io::IsTerminal;

use clap::{ArgAction, Args, ValueEnum};
use report::Lang;

/// The options of every command (`global = true`: they may come before or after the command).
#[derive(Debug, Args)]
pub struct Global {
    /// Say less: only errors on stderr, no progress bar; `run` leaves out the transcript and
    /// `check` prints only failures.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say more: -v shows the phases of a run on stderr (and every check that `check` makes),
    /// -vv a line per simulated day and store commit, -vvv everything. RUST_LOG, when set,
    /// chooses the diagnostics instead (e.g. RUST_LOG=event_store=debug).
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
    /// When to colour the output: auto (when writing to a terminal and NO_COLOR is not set),
    /// always, or never.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    pub color: ColorArg,
    /// The language of the output's words: en (English) or ja (日本語). Identifiers, dates and
    /// numbers are the same in both.
    #[arg(long, global = true, value_enum, default_value = "en")]
    pub lang: LangArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour when the output is a terminal and NO_COLOR is unset or empty.
    Auto,
    /// Always colour (overrides NO_COLOR).
    Always,
    /// Never colour.
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// English.
    En,
    /// Japanese (日本語).
    Ja,
}

/// The output format of the commands that print either text for people or JSON for programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum TextOrJson {
    /// Text for people.
    #[default]
    Text,
    /// One JSON document on stdout (diagnostics stay on stderr).
    Json,
}

/// Which of the two output streams a colour decision is for.
#[derive(Debug, Clone, Copy)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Whether `NO_COLOR` asks for no colour: set to anything but the empty string (no-color.org).
fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

impl ColorArg {
    /// Whether to colour `stream`.
    pub fn enabled(self, stream: Stream) -> bool {
        match self {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                !no_color_env()
                    && match stream {
                        Stream::Stdout => std::io::stdout().is_terminal(),
                        Stream::Stderr => std::io::stderr().is_terminal(),
                    }
            }
        }
    }

    /// The same choice for clap's own help and error messages.
    pub fn clap(self) -> clap::ColorChoice {
        match self {
            ColorArg::Always => clap::ColorChoice::Always,
            ColorArg::Never => clap::ColorChoice::Never,
            ColorArg::Auto if no_color_env() => clap::ColorChoice::Never,
            ColorArg::Auto => clap::ColorChoice::Auto,
        }
    }

    /// The `--color` given on the command line, read before clap parses it, so that clap's own
    /// messages (help, usage errors) follow it too. The last one wins, as in clap; an invalid
    /// value is left for clap to report.
    pub fn from_args(args: &[std::ffi::OsString]) -> ColorArg {
        before_parsing(args, "--color").unwrap_or(ColorArg::Auto)
    }
}

impl LangArg {
    /// The `--lang` given on the command line, read before clap parses it, so that a usage
    /// error (which stops the parse) is said in that language too.
    pub fn from_args(args: &[std::ffi::OsString]) -> Lang {
        match before_parsing(args, "--lang") {
            Some(LangArg::Ja) => Lang::Ja,
            Some(LangArg::En) | None => Lang::En,
        }
    }
}

/// The last valid value of `option` on the command line (`--option V` or `--option=V`), before
/// `--`; an invalid value is left for clap to report.
fn before_parsing<T: ValueEnum>(args: &[std::ffi::OsString], option: &str) -> Option<T> {
    let mut choice = None;
    let mut iter = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        let value = match arg.strip_prefix(option) {
            Some("") => iter.next().map(|v| v.into_owned()),
            Some(rest) => rest.strip_prefix('=').map(str::to_owned),
            None => None,
        };
        if let Some(v) = value.and_then(|v| T::from_str(&v, false).ok()) {
            choice = Some(v);
        }
    }
    choice
}

impl Global {
    /// The language chosen with `--lang`.
    pub fn lang(&self) -> Lang {
        match self.lang {
            LangArg::En => Lang::En,
            LangArg::Ja => Lang::Ja,
        }
    }

    /// Whether to colour standard output.
    pub fn color_stdout(&self) -> bool {
        self.color.enabled(Stream::Stdout)
    }

    /// Whether progress bars may be drawn (they go to stderr, and only to a terminal).
    pub fn progress(&self) -> bool {
        !self.quiet
    }

    /// The `tracing` filter for `-q`/`-v`, used when `RUST_LOG` is not set.
    fn default_filter(&self) -> &'static str {
        if self.quiet {
            return "error";
        }
        match self.verbose {
            0 => "warn",
            1 => "info",
            2 => "debug",
            _ => "trace",
        }
    }

    /// Diagnostics (run phases, store commits, replay, shard progress) are `tracing` events
    /// written to stderr, so stdout stays the command's output. `RUST_LOG` chooses what is
    /// shown when it is set; otherwise `-q`/`-v` do (default: warnings and errors).
    pub fn init_tracing(&self) {
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(self.default_filter()));
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            // A phase's span (enrolment, a seed's run, the index build …) reports its duration
            // when it closes.
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_writer(std::io::stderr)
            .with_ansi(self.color.enabled(Stream::Stderr))
            .init();
    }
}

/// Wraps `text` in an ANSI colour (`code`: 31 red, 32 green, 33 yellow) when `on`.
pub fn paint(text: &str, code: u8, on: bool) -> String {
    if on {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::ColorArg;

    fn args(a: &[&str]) -> Vec<std::ffi::OsString> {
        a.iter().map(Into::into).collect()
    }

    #[test]
    fn color_is_read_before_parsing_last_one_wins() {
        assert_eq!(
            ColorArg::from_args(&args(&["zairyu", "run"])),
            ColorArg::Auto
        );
        assert_eq!(
            ColorArg::from_args(&args(&["zairyu", "--color", "never", "run"])),
            ColorArg::Never
        );
        assert_eq!(
            ColorArg::from_args(&args(&["zairyu", "--color=never", "run", "--color=always"])),
            ColorArg::Always
        );
        // An invalid value is clap's to report; after `--` it is an argument, not an option.
        assert_eq!(
            ColorArg::from_args(&args(&["zairyu", "--color=pink"])),
            ColorArg::Auto
        );
        assert_eq!(
            ColorArg::from_args(&args(&["zairyu", "--", "--color=never"])),
            ColorArg::Auto
        );
    }

    #[test]
    fn always_and_never_do_not_look_at_the_terminal() {
        use super::Stream;
        assert!(ColorArg::Always.enabled(Stream::Stdout));
        assert!(!ColorArg::Never.enabled(Stream::Stderr));
        assert_eq!(ColorArg::Never.clap(), clap::ColorChoice::Never);
    }
}
