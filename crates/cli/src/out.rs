//! Standard output and standard error that never panic. `print!` panics when the write fails,
//! which is how `zairyu run … | head -1` and `zairyu schema > /dev/full` used to end with a
//! panic (exit 101). Here the first failed write to standard output is remembered and every
//! later one skipped; when the command ends, [`finish`] decides: a closed pipe (the reader
//! took what it wanted) ends quietly with the command's own exit code, any other failure
//! (a full disk, an I/O error) is one line on standard error and exit 1. Standard error is
//! best effort: if it cannot be written there is nowhere left to say so.

use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::Mutex;

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

/// Flushes standard output and turns a failed write into the exit code (see the module doc).
pub fn finish(code: ExitCode) -> ExitCode {
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
            errln!("error: cannot write to standard output: {e}");
            ExitCode::from(1)
        }
    }
}
