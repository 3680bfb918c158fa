//! What every test of the `zairyu` binary needs, in one place: running the binary the way a
//! user would (in a directory of the test's choosing, with no standard input and with neither
//! `RUST_LOG` nor `NO_COLOR` leaking in from the shell that runs the tests), finding the
//! repository's bundled scenarios, and reading what the binary said.
//!
//! Each file under `tests/` is its own crate and uses only part of this module, so the parts a
//! given file leaves unused are not warned about (`allow(dead_code)` below).

#![allow(dead_code, reason = "each test crate uses only part of this module")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A `zairyu` command in `dir` with `args`, standard input closed and `RUST_LOG`/`NO_COLOR`
/// unset, for a test that needs to add to it (environment, pipes) before running it.
pub fn command(args: &[&str], dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zairyu"));
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR");
    cmd
}

/// Runs `zairyu ARGS` in `dir` with `env` set on top of [`command`]'s clean environment.
pub fn zairyu_env(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = command(args, dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

/// Runs `zairyu ARGS` in `dir` and returns what it did.
pub fn zairyu(args: &[&str], dir: &Path) -> Output {
    zairyu_env(args, dir, &[])
}

/// The repository's root (absolute), where `scenarios/` and `docs/` are.
pub fn root() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .canonicalize()
        .expect("the repository's root exists")
}

/// The path of the bundled scenario `scenarios/<path>`, as an argument for the binary.
pub fn scenario(path: &str) -> String {
    root().join("scenarios").join(path).display().to_string()
}

/// The path of the teaching scenario `scenarios/teaching/<name>`.
pub fn teaching(name: &str) -> String {
    scenario(&format!("teaching/{name}"))
}

/// What the binary printed on standard output, as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What the binary printed on standard error, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The log hash a `run` printed (its `log hash` line).
pub fn log_hash(o: &Output) -> String {
    stdout(o)
        .lines()
        .find_map(|l| l.strip_prefix("log hash    "))
        .unwrap_or_else(|| panic!("run prints the log hash:\n{}{}", stdout(o), stderr(o)))
        .trim()
        .to_owned()
}

/// `o` ended with exit code `code`; its standard output, parsed as JSON.
pub fn json(o: &Output, code: i32) -> serde_json::Value {
    assert_eq!(o.status.code(), Some(code), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", stdout(o)))
}
