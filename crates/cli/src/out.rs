//! Where a command's output goes — standard output, or a file given with `--out` — and
//! standard output and standard error that never panic. `print!` panics when the write fails,
//! which is how `zairyu run … | head -1` and `zairyu schema > /dev/full` used to end with a
//! panic (exit 101). Here the first failed write to standard output is remembered and every
//! later one skipped; when the command ends, [`finish`] decides: a closed pipe (the reader
//! took what it wanted) ends quietly with the command's own exit code, any other failure
//! (a full disk, an I/O error) is one line on standard error and exit 1. Standard error is
//! best effort: if it cannot be written there is nowhere left to say so.

use std::fmt;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;

use report::Lang;
use report::labels::{self, Problem};

use crate::diag::Failure;

/// The first error writing standard output, if any.
static FAILED: Mutex<Option<io::Error>> = Mutex::new(None);

fn remember(e: io::Error) {
    let mut failed = FAILED.lock().unwrap_or_else(|p| p.into_inner());
    failed.get_or_insert(e);
}

fn has_failed() -> bool {
    FAILED.lock().unwrap_or_else(|p| p.into_inner()).is_some()
}

/// Writes to standard output (use [`out!`] / [`outln!`]).
pub fn write_out(args: fmt::Arguments<'_>) {
    if has_failed() {
        return;
    }
    if let Err(e) = io::stdout().lock().write_fmt(args) {
        remember(e);
    }
}

/// Writes to standard error, ignoring failure (use [`errln!`]).
pub fn write_err(args: fmt::Arguments<'_>) {
    let _ = io::stderr().lock().write_fmt(args);
}

/// `print!` that never panics.
macro_rules! out {
    ($($arg:tt)*) => { $crate::out::write_out(format_args!($($arg)*)) };
}

/// `println!` that never panics.
macro_rules! outln {
    () => { $crate::out::write_out(format_args!("\n")) };
    ($($arg:tt)*) => {{
        $crate::out::write_out(format_args!($($arg)*));
        $crate::out::write_out(format_args!("\n"));
    }};
}

/// `eprintln!` that never panics.
macro_rules! errln {
    ($($arg:tt)*) => {{
        $crate::out::write_err(format_args!($($arg)*));
        $crate::out::write_err(format_args!("\n"));
    }};
}

/// Flushes standard output and turns a failed write into the exit code (see the module doc),
/// said in `lang`.
pub fn finish(code: ExitCode, lang: Lang) -> ExitCode {
    if !has_failed()
        && let Err(e) = io::stdout().lock().flush()
    {
        remember(e);
    }
    let failed = FAILED.lock().unwrap_or_else(|p| p.into_inner()).take();
    match failed {
        None => code,
        Some(e) if e.kind() == io::ErrorKind::BrokenPipe => code,
        Some(e) => {
            errln!(
                "{}{}{}{}",
                labels::error_prefix(lang),
                labels::command_problem(labels::CommandProblem::StdoutUnwritable, lang),
                labels::separator(lang),
                crate::diag::cause(&e, lang)
            );
            ExitCode::from(1)
        }
    }
}

/// Writes `text` to the file `out`, or to standard output when there is none.
///
/// A file is written whole or not at all: the text goes to a temporary file beside it
/// (created `0600`, readable by its owner only) which is synced and then renamed over `out`, so
/// a full disk or a killed process never leaves a truncated file, and an existing file is
/// replaced only by a complete one. A failure names the file and exits 1 (said in `lang`).
pub fn emit(text: &str, out: Option<&Path>, lang: Lang) -> Result<(), Failure> {
    match out {
        Some(path) => write_file(text.as_bytes(), path, lang),
        None => {
            out!("{text}");
            Ok(())
        }
    }
}

/// Writes `bytes` to the file `path`, whole or not at all, as [`emit`] does.
pub fn write_file(bytes: &[u8], path: &Path, lang: Lang) -> Result<(), Failure> {
    let said =
        |p: Problem<'_>, e: std::io::Error| anyhow::anyhow!(labels::problem_because(p, &e, lang));
    let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| Failure::Input(said(Problem::CannotCreate { path: dir }, e)))?;
            dir
        }
        None => Path::new("."),
    };
    let cannot = |e| Failure::Run(said(Problem::CannotWrite { path }, e));
    let mut file = tempfile::Builder::new()
        .prefix(".zairyu-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(cannot)?;
    file.write_all(bytes)
        .and_then(|()| file.as_file().sync_all())
        .map_err(cannot)?;
    file.persist(path).map_err(|e| cannot(e.error))?;
    Ok(())
}
