//! Writing standard output never panics: a reader that closed the pipe (`| head -1`) ends the
//! command quietly with its own exit code; a full disk (`> /dev/full`) is one line on standard
//! error and exit 1.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn zairyu_to(args: &[&str], stdout: impl Into<Stdio>) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zairyu"))
        .args(args)
        .current_dir(root())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs")
}

/// A pipe whose reading end is already closed: every write to it fails with EPIPE.
fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    writer
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_closed_pipe_ends_every_printing_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ext.db");
    let db = db.to_str().unwrap();
    let commands: [&[&str]; 5] = [
        &["schema"],
        &[
            "run",
            "scenarios/teaching/extension_legacy.yaml",
            "--db",
            db,
        ],
        &["replay", db, "--transcript"],
        &["validate", "scenarios/teaching"],
        &["explain", "scenarios/teaching/extension_legacy.yaml"],
    ];
    for args in commands {
        let o = zairyu_to(args, closed_pipe());
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(o.stderr.is_empty(), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn a_full_disk_on_standard_output_is_one_line_and_exit_1() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let o = zairyu_to(&["schema"], full);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "error: cannot write to standard output: No space left on device (os error 28)\n"
    );
}
