//! The hostile-input corpus, run through the real binary: every malformed or hostile scenario
//! and policy file the generator in `hostile/corpus.rs` makes must end in exit 2 with a
//! `file:line:column` location, no panic, nothing written, within a time and memory bound.
//!
//! Mutations that happen to leave a valid file (a truncation at the end of an entry, a name
//! replaced by a number that is a fine name) are recognised by the library's own reader and
//! set aside; the binary must then agree with the library about every other case, location
//! included.

mod hostile;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hostile::corpus::{self, Case, Content, Kind};

/// Each run may take this long before it counts as hung.
const TIME_LIMIT: Duration = Duration::from_secs(30);

/// Each run's address space is limited to this (KiB, for `ulimit -v`): a reader that tried to
/// hold /dev/zero or an alias bomb in memory would fail here instead of swapping.
const MEMORY_LIMIT_KIB: u64 = 2 << 20;

/// How one case ended.
#[derive(Debug)]
enum Verdict {
    /// The library reads it as valid: not a hostile input after all.
    Valid,
    /// Refused as it must be.
    Refused { elapsed: Duration },
    /// Anything else, with what went wrong.
    Broken(String),
}

/// Every file and directory under `dir`, with sizes, so a run can be shown to write nothing.
fn listing(dir: &Path) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable") {
            let entry = entry.expect("entry");
            let meta = entry.metadata().expect("lstat");
            if meta.is_dir() {
                stack.push(entry.path());
            }
            out.push((entry.path(), if meta.is_file() { meta.len() } else { 0 }));
        }
    }
    out.sort();
    out
}

/// Puts `content` at `path`; a base file's content goes beside it.
fn materialize(path: &Path, content: &Content) {
    match content {
        Content::Bytes(bytes) => std::fs::write(path, bytes).expect("write input"),
        Content::Fifo => {
            let ok = Command::new("mkfifo")
                .arg(path)
                .status()
                .expect("mkfifo runs")
                .success();
            assert!(ok, "mkfifo {}", path.display());
        }
        Content::Link(target) => std::os::unix::fs::symlink(target, path).expect("symlink"),
        Content::Directory => std::fs::create_dir(path).expect("mkdir"),
        Content::BaseOf(inner) => {
            let base = path.with_file_name("inner.policy.yaml");
            materialize(&base, inner);
            std::fs::write(
                path,
                "name: Builds on a hostile base\nbase: inner.policy.yaml\npolicy:\n  regime: legacy\n",
            )
            .expect("write input");
        }
    }
}

/// The library's own verdict on a case whose bytes are all there is: `Some(true)` valid.
fn library_accepts(case: &Case, path: &Path) -> Option<bool> {
    let Content::Bytes(_) = case.content else {
        return None;
    };
    Some(match case.kind {
        Kind::Scenario => scenario::load(path).is_ok(),
        Kind::Policy => {
            scenario::policy_file::load_policy(path, &model::policy::Policy::default()).is_ok()
        }
    })
}

/// Runs the binary under the memory limit, killing it at the time limit.
#[expect(
    clippy::disallowed_methods,
    reason = "a test timeout: a hung reader must fail the test, not hang CI"
)]
fn run_bounded(args: &[&str], cwd: &Path) -> Result<(Option<i32>, String, Duration), String> {
    let script = format!("ulimit -v {MEMORY_LIMIT_KIB} && exec \"$0\" \"$@\"");
    let started = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_zairyu"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn: {e}"))?;
    let mut stderr = child.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    loop {
        if let Some(status) = child.try_wait().map_err(|e| format!("wait: {e}"))? {
            let err = reader.join().unwrap_or_default();
            return Ok((status.code(), err, started.elapsed()));
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {TIME_LIMIT:?}: killed"));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// `error: FILE:LINE:COLUMN: message` on the first line of standard error.
fn located(stderr: &str, file: &Path) -> Option<(usize, usize)> {
    let first = stderr.lines().next()?;
    let rest = first.strip_prefix("error: ")?;
    let rest = rest.strip_prefix(&format!("{}:", file.display()))?;
    let mut parts = rest.splitn(3, ':');
    let line = parts.next()?.parse().ok()?;
    let column = parts.next()?.parse().ok()?;
    parts.next().filter(|m| m.starts_with(' '))?;
    (line >= 1 && column >= 1).then_some((line, column))
}

fn try_case(case: &Case) -> Verdict {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = dir.path().join("in");
    let work = dir.path().join("work");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    std::fs::create_dir_all(&work).expect("mkdir");
    let ext = match case.kind {
        Kind::Scenario => "yaml",
        Kind::Policy => "policy.yaml",
    };
    let input = inputs.join(format!("input.{ext}"));
    materialize(&input, &case.content);
    if library_accepts(case, &input) == Some(true) {
        return Verdict::Valid;
    }
    let good_scenario = inputs.join("good.yaml");
    let good_policy = inputs.join("good.policy.yaml");
    std::fs::write(&good_scenario, corpus::SCENARIO).expect("write");
    std::fs::write(&good_policy, corpus::POLICY).expect("write");
    let s = |p: &Path| p.display().to_string();
    let (input_s, db, out) = (s(&input), s(&work.join("out.db")), s(&work.join("out.txt")));
    let (scenario_s, policy_s) = (s(&good_scenario), s(&good_policy));
    let args: Vec<&str> = match case.kind {
        Kind::Scenario => vec!["run", &input_s, "--db", &db],
        Kind::Policy => vec![
            "compare",
            &scenario_s,
            "--baseline",
            &input_s,
            "--reform",
            &policy_s,
            "--out",
            &out,
        ],
    };
    let before = listing(dir.path());
    let (code, stderr, elapsed) = match run_bounded(&args, &work) {
        Ok(r) => r,
        Err(e) => return Verdict::Broken(e),
    };
    let mut problems = Vec::new();
    if code != Some(2) {
        problems.push(format!("exit {code:?}, expected 2"));
    }
    if stderr.contains("panicked") {
        problems.push("panicked".to_owned());
    }
    let blamed = match &case.content {
        Content::BaseOf(_) => inputs.join("inner.policy.yaml"),
        _ => input.clone(),
    };
    match located(&stderr, &blamed) {
        None => problems.push(format!("no {}:line:column location", blamed.display())),
        // The case made for the renderer's limit must really land past it.
        Some((_, column)) if case.name.ends_with("past-column-65535") && column <= 65_535 => {
            problems.push(format!("located at column {column}, not past 65,535"));
        }
        Some(_) => {}
    }
    if listing(dir.path()) != before {
        problems.push("something was written".to_owned());
    }
    if problems.is_empty() {
        Verdict::Refused { elapsed }
    } else {
        let first = stderr
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(300)
            .collect::<String>();
        Verdict::Broken(format!("{}; stderr: {first}", problems.join(", ")))
    }
}

#[test]
fn every_hostile_input_is_refused_with_a_location_and_nothing_written() {
    let cases = corpus::all();
    let workers = 2;
    let verdicts: Vec<(usize, Verdict)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let cases = &cases;
                scope.spawn(move || {
                    (w..cases.len())
                        .step_by(workers)
                        .map(|i| (i, try_case(&cases[i])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    let (mut valid, mut refused, mut slowest) = (0, 0, Duration::ZERO);
    let mut broken = Vec::new();
    for (i, v) in &verdicts {
        match v {
            Verdict::Valid => valid += 1,
            Verdict::Refused { elapsed } => {
                refused += 1;
                slowest = slowest.max(*elapsed);
            }
            Verdict::Broken(why) => broken.push(format!("{}: {why}", cases[*i].name)),
        }
    }
    let hostile = cases.len() - valid;
    // The figures docs/reliability.md quotes (shown with --nocapture).
    println!(
        "hostile inputs: {} generated, {valid} turned out valid, {hostile} tried, {refused} \
         refused with exit 2 and a location, {} broken; slowest {slowest:?}",
        cases.len(),
        broken.len()
    );
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    assert!(hostile >= 300, "only {hostile} hostile inputs");
}

#[test]
fn no_command_blocks_on_or_reads_a_file_that_is_not_a_regular_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let fifo = d.join("pipe.yaml");
    let ok = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(ok.success());
    std::fs::write(d.join("good.yaml"), corpus::SCENARIO).expect("write");
    std::fs::write(d.join("good.policy.yaml"), corpus::POLICY).expect("write");
    let before = listing(d);
    for bad in [fifo.to_str().expect("utf-8"), "/dev/zero", "/dev/null"] {
        let runs: [&[&str]; 7] = [
            &["validate", bad],
            &["check", bad],
            &["explain", bad],
            &["replay", bad],
            &["merge", bad],
            &[
                "compare",
                bad,
                "--baseline",
                "good.policy.yaml",
                "--reform",
                "good.policy.yaml",
            ],
            &[
                "compare",
                "good.yaml",
                "--baseline",
                bad,
                "--reform",
                "good.policy.yaml",
            ],
        ];
        for args in runs {
            let (code, stderr, _) =
                run_bounded(args, d).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            assert_eq!(code, Some(2), "{args:?}: {stderr}");
            assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{args:?}: one message: {stderr}");
        }
    }
    assert_eq!(listing(d), before, "nothing written");
}
