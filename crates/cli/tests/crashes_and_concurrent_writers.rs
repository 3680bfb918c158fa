//! Runs killed at random points and runs racing for one log.
//!
//! A killed run must leave either nothing, a file that is not yet a log, or a valid log whose
//! events are exactly the first events of the complete run (the prefix property): readable by a
//! reader that checks, in memory, gap-free sequences, stream versions and unique ids; marked
//! unfinished unless the run finished; and `replay` must say so in its exit code (3, never 1 or
//! a panic), while every commit hash the prefix holds matches, up to its last event. The kill
//! releases the log's lock, and `run --resume` continues the prefix to the log of the
//! uninterrupted run. Two writers started on one `--db` at once never
//! both claim it: without `--force` exactly one runs; with it, the log left is one a run that
//! reported success wrote. Kill points are drawn from a seeded generator; where they land in
//! the run depends on the machine, which is the point.

#![expect(
    clippy::disallowed_methods,
    reason = "test timeouts and kill points are measured in wall time"
)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use event_store::{EventRecord, EventStore, StoreError};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

/// Kills of `zairyu run` (which commits at the end of every simulated day) and of `zairyu
/// bench` (which also commits every 50 events), so that kills land between commits.
const RUN_KILLS: usize = 10;
const BENCH_KILLS: usize = 12;
const BENCH_ARGS: [&str; 6] = ["--residents", "400", "--seed", "1", "--batch", "50"];
/// Races of two writers for one log, without and with `--force`.
const RACES: usize = 10;
/// Any process still running after this is a failure, not a wait.
const TIME_LIMIT: Duration = Duration::from_secs(120);

fn zairyu(args: &[&str], dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zairyu"));
    c.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// Waits for `child`, reading its output as it comes (a full pipe would stall it), and fails
/// the test if it runs past [`TIME_LIMIT`].
fn finish(mut child: Child) -> Output {
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            panic!("a zairyu process ran past {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Output {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    }
}

fn run(args: &[&str], dir: &Path) -> Output {
    finish(zairyu(args, dir).spawn().expect("spawn"))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn log_hash(o: &Output) -> Option<String> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("log hash    "))
        .and_then(|h| h.split_whitespace().next())
        .map(str::to_owned)
}

/// A scenario with many residents and steps, long enough for kills to land inside the run.
fn many_residents(n: usize) -> String {
    let mut s = String::from(
        "# Many residents, each extending with or without a Tokutei card, then moving.\n\
         name: Many residents\nseed: 3\nstart: 2026-06-20\nuntil: 2027-06-30\nresidents:\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "  - {{ id: r{i}, born_on: 1990-01-01, status: engineer_specialist_humanities, \
             period_expiry: 2026-09-30, municipality: shinjuku, address: a{i}, \
             my_number_card: {{ issued_on: 2024-01-01 }} }}\n"
        ));
    }
    s.push_str("steps:\n");
    // Counters are closed on weekends and holidays (docs/domain.md §5): each step falls on
    // the first business day on or after its day of the month.
    let on = |month: u32, day: usize| {
        let date = chrono::NaiveDate::from_ymd_opt(2026, month, day as u32).expect("date");
        model::calendar::next_business_day(date)
    };
    for i in 0..n {
        let d = 1 + i % 28;
        s.push_str(&format!(
            "  - {{ on: {}, resident: r{i}, do: file_extension, tokutei: {} }}\n\
             \x20 - {{ on: {}, resident: r{i}, do: decide_extension, grant: 2029-09-30 }}\n\
             \x20 - {{ on: {}, resident: r{i}, do: move_within, address: b{i} }}\n",
            on(7, d),
            i % 2 == 1,
            on(8, d),
            on(10, d)
        ));
    }
    s
}

/// What a killed run left at `db`.
#[derive(Debug, PartialEq, Eq)]
enum Left {
    Nothing,
    /// A file that is not yet a log (killed before its first commit).
    NotYetALog,
    /// A valid log of this many events, finished or not.
    Log {
        events: usize,
        finished: bool,
    },
}

/// Checks what a killed run left against the complete run's events; panics on anything a
/// killed run must never leave.
fn inspect(db: &Path, complete: &[EventRecord]) -> Left {
    if !db.exists() {
        return Left::Nothing;
    }
    let store = match EventStore::open_read_only(db) {
        Ok(store) => store,
        Err(StoreError::NotAnEventLog { reason }) => {
            assert!(
                reason == event_store::NotALog::Empty,
                "{}: {reason}",
                db.display()
            );
            return Left::NotYetALog;
        }
        Err(e) => panic!("{}: a killed run left an unreadable log: {e}", db.display()),
    };
    // The reader's own checks: gap-free global_seq, stream versions, unique ids.
    let events = store
        .read_all()
        .unwrap_or_else(|e| panic!("{}: corrupt: {e}", db.display()));
    assert!(
        events.len() <= complete.len() && events[..] == complete[..events.len()],
        "{}: the {} events are not the first events of the complete run",
        db.display(),
        events.len()
    );
    let meta = store.read_run_meta().expect("metadata readable");
    let finished = meta.as_ref().is_some_and(|m| m.finished);
    assert!(
        meta.is_some() || events.is_empty(),
        "{}: events without run metadata",
        db.display()
    );
    if finished {
        assert_eq!(events.len(), complete.len(), "finished means complete");
    }
    Left::Log {
        events: events.len(),
        finished,
    }
}

/// The replay exit code a killed run's log must give.
fn expected_replay_code(left: &Left) -> Option<i32> {
    match left {
        Left::Nothing => None,
        // Not a log (yet), or a log without metadata: bad input.
        Left::NotYetALog => Some(2),
        Left::Log { finished: true, .. } => Some(0),
        Left::Log { .. } => Some(3),
    }
}

fn complete_events(db: &Path) -> Vec<EventRecord> {
    EventStore::open_read_only(db)
        .and_then(|s| s.read_all())
        .expect("the complete run's log")
}

/// Spawns `args`, waits until `watch` exists (or the process ends), then sleeps `delay` and
/// kills it. Returns whether the kill came before the process ended by itself.
fn kill_after(args: &[&str], dir: &Path, watch: &Path, delay: Duration) -> bool {
    let mut child = zairyu(args, dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    while !watch.exists() && child.try_wait().expect("wait").is_none() {
        assert!(started.elapsed() < TIME_LIMIT, "no log appeared");
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(delay);
    let alive = child.try_wait().expect("wait").is_none();
    let _ = child.kill();
    let _ = child.wait();
    alive
}

#[derive(Default, Debug)]
struct Tally {
    kills: usize,
    killed_while_running: usize,
    nothing: usize,
    not_yet_a_log: usize,
    prefixes: usize,
    finished: usize,
    events_kept: usize,
    /// Events kept by the kills of `zairyu run` (which commits at every simulated day's end).
    run_events_kept: usize,
    /// Unfinished `run` logs continued with `run --resume` to the uninterrupted run's log hash.
    resumed: usize,
}

impl Tally {
    fn add(&mut self, left: &Left, alive: bool) {
        self.kills += 1;
        self.killed_while_running += usize::from(alive);
        match left {
            Left::Nothing => self.nothing += 1,
            Left::NotYetALog => self.not_yet_a_log += 1,
            Left::Log { events, finished } => {
                self.prefixes += 1;
                self.finished += usize::from(*finished);
                self.events_kept += events;
            }
        }
    }
}

#[test]
fn runs_killed_at_random_points_leave_valid_prefixes_that_replay_says_are_unverified() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("many.yaml"), many_residents(400)).expect("write");
    let mut rng = ChaCha8Rng::seed_from_u64(0x00c0_ffee);
    let mut tally = Tally::default();

    // `zairyu run`: a live-index log, committed in large batches.
    let started = Instant::now();
    let reference = run(&["run", "many.yaml", "--db", "ref.db", "--quiet"], d);
    let length = started.elapsed();
    assert_eq!(reference.status.code(), Some(0), "{}", stderr(&reference));
    let complete = complete_events(&d.join("ref.db"));
    let complete_run_events = complete.len();
    for k in 0..RUN_KILLS {
        let db = d.join(format!("run-{k}.db"));
        // The log appears once the scenario is read: most of the run is still to come.
        let delay = length.mul_f64(0.7 * rng.next_u32() as f64 / u32::MAX as f64);
        let name = db.file_name().unwrap().to_str().unwrap().to_owned();
        let alive = kill_after(
            &["run", "many.yaml", "--db", &name, "--quiet"],
            d,
            &db,
            delay,
        );
        let left = inspect(&db, &complete);
        check_replay(&db, &left, d);
        if k < 3 && left != Left::Nothing {
            // The kill released the lock: the log can be replaced at once, and only with --force.
            let again = run(
                &["run", "many.yaml", "--db", &name, "--quiet", "--force"],
                d,
            );
            assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
        } else if let Left::Log {
            finished: false, ..
        } = left
        {
            // Or continued: `run --resume` checks the kept prefix against a re-run and appends
            // the rest, giving the log of the uninterrupted run.
            let resumed = run(
                &["run", "many.yaml", "--db", &name, "--quiet", "--resume"],
                d,
            );
            assert_eq!(resumed.status.code(), Some(0), "{}", stderr(&resumed));
            assert_eq!(log_hash(&resumed), log_hash(&reference), "{name} resumed");
            tally.resumed += 1;
        }
        tally.add(&left, alive);
        if let Left::Log { events, .. } = left {
            tally.run_events_kept += events;
        }
    }

    // `zairyu bench`: a log in batches of 50, killed between commits.
    let reference_dir = d.join("bench-ref");
    let started = Instant::now();
    let mut args = vec!["bench", "--dir", "bench-ref", "--keep"];
    args.extend(BENCH_ARGS);
    let reference = run(&args, d);
    let bench_length = started.elapsed();
    assert_eq!(reference.status.code(), Some(0), "{}", stderr(&reference));
    let bench_db = "bench-400-1.db";
    let complete = complete_events(&reference_dir.join(bench_db));
    for k in 0..BENCH_KILLS {
        let sub = format!("bench-{k}");
        let db = d.join(&sub).join(bench_db);
        // The log appears about half-way through (after the in-memory run).
        let delay = bench_length.mul_f64(0.6 * rng.next_u32() as f64 / u32::MAX as f64);
        let mut args = vec!["bench", "--dir", &sub, "--keep"];
        args.extend(BENCH_ARGS);
        let alive = kill_after(&args, d, &db, delay);
        let left = inspect(&db, &complete);
        check_replay(&db, &left, d);
        tally.add(&left, alive);
    }
    println!(
        "kills: {} ({} while running); left nothing {}, not yet a log {}, valid prefixes {} \
         ({} finished, {} events kept in all, {} of {} per `run` kill on average); corrupt logs \
         0, gaps 0; every prefix's commit hashes matched up to its last event; {} unfinished \
         `run` logs resumed to the uninterrupted run's log hash",
        tally.kills,
        tally.killed_while_running,
        tally.nothing,
        tally.not_yet_a_log,
        tally.prefixes,
        tally.finished,
        tally.events_kept,
        tally.run_events_kept / RUN_KILLS,
        complete_run_events,
        tally.resumed
    );
    assert!(tally.kills >= 20);
}

fn check_replay(db: &Path, left: &Left, dir: &Path) {
    let Some(expected) = expected_replay_code(left) else {
        return;
    };
    let o = run(&["replay", db.to_str().expect("utf-8 path")], dir);
    let code = o.status.code();
    let no_meta = stderr(&o).contains("has no run metadata");
    assert!(
        code == Some(expected) || (no_meta && code == Some(2)),
        "{}: replay exited {code:?}, expected {expected}: {}",
        db.display(),
        stderr(&o)
    );
    // Every commit recorded the hash of the log up to it, so the whole kept prefix is checked.
    if let Left::Log { events, .. } = *left
        && events > 0
    {
        let vouched =
            format!("hashes match: the log is the one its run committed, up to event {events}");
        assert!(
            String::from_utf8_lossy(&o.stdout).contains(&vouched),
            "{}: {}",
            db.display(),
            String::from_utf8_lossy(&o.stdout)
        );
    }
}

#[test]
fn two_writers_on_one_log_never_both_claim_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let scenario = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/teaching/extension_integrated.yaml"
    ));
    let scenario = scenario.to_str().expect("utf-8");
    let (mut trials, mut lost) = (0, 0);
    for force in [false, true] {
        for t in 0..RACES {
            let db: PathBuf = d.join(format!("race-{force}-{t}.db"));
            let name = db.file_name().unwrap().to_str().unwrap().to_owned();
            let args = |seed: &'static str| {
                let mut a = vec!["run", scenario, "--db", &name, "--seed", seed, "--quiet"];
                if force {
                    a.push("--force");
                }
                a.into_iter().map(str::to_owned).collect::<Vec<_>>()
            };
            let (a, b) = (args("1"), args("2"));
            let spawn = |args: &Vec<String>| {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                zairyu(&args, d).spawn().expect("spawn")
            };
            let (ca, cb) = (spawn(&a), spawn(&b));
            let outs = [finish(ca), finish(cb)];
            trials += 1;
            let codes: Vec<Option<i32>> = outs.iter().map(|o| o.status.code()).collect();
            let winners: Vec<String> = outs.iter().filter_map(log_hash).collect();
            for o in &outs {
                assert!(
                    matches!(o.status.code(), Some(0 | 2)),
                    "exit {:?}: {}",
                    o.status.code(),
                    stderr(o)
                );
                if o.status.code() == Some(2) {
                    let err = stderr(o);
                    assert!(
                        err.contains("in use by another zairyu process")
                            || err.contains("already holds the log"),
                        "{err}"
                    );
                }
            }
            if !force {
                assert_eq!(
                    codes.iter().filter(|c| **c == Some(0)).count(),
                    1,
                    "exactly one writer runs without --force: {codes:?}"
                );
            }
            // The log left must be one a successful run wrote, and verify.
            let replay = run(&["replay", &name], d);
            let verified = replay.status.code() == Some(0);
            let stored = log_hash(&replay);
            if !verified || stored.is_none_or(|h| !winners.contains(&h)) {
                lost += 1;
            }
        }
    }
    println!("concurrent writers: {trials} races, {lost} lost logs");
    assert_eq!(lost, 0);
}

#[test]
fn a_log_being_written_is_not_read_until_its_run_ends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("many.yaml"), many_residents(400)).expect("write");
    let writer = zairyu(&["run", "many.yaml", "--db", "w.db", "--quiet"], d)
        .spawn()
        .expect("spawn");
    let db = d.join("w.db");
    while !db.exists() {
        std::thread::sleep(Duration::from_millis(1));
    }
    let reader = run(&["replay", "w.db"], d);
    let writer = finish(writer);
    assert_eq!(writer.status.code(), Some(0), "{}", stderr(&writer));
    // Either the replay came while the run held the log (refused, exit 2) or after it ended.
    match reader.status.code() {
        Some(2) => assert!(
            stderr(&reader).contains("in use by another zairyu process"),
            "{}",
            stderr(&reader)
        ),
        Some(0) => {}
        other => panic!("replay during a run exited {other:?}: {}", stderr(&reader)),
    }
    assert_eq!(run(&["replay", "w.db"], d).status.code(), Some(0));
}

/// Residents of the explicitly sharded runs killed below, and how many kills of each command.
const SHARDED_POPULATION: &str = "1500";
const SHARDED_RUN_KILLS: usize = 6;
const SHARDED_BENCH_KILLS: usize = 4;

fn refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// The log hash a `--format json` run printed.
fn json_log_hash(o: &Output) -> String {
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    doc["log_hash"].as_str().expect("a log hash").to_owned()
}

#[test]
fn sharded_runs_killed_leave_prefixes_of_the_one_thread_log_that_replay_checks_and_resume_completes()
 {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let mut rng = ChaCha8Rng::seed_from_u64(0x5_4a2d);
    let mut tally = Tally::default();
    let population = |db: &str, threads: &str, more: &[&'static str]| {
        let mut args = vec![
            "run".to_owned(),
            "--population".into(),
            SHARDED_POPULATION.into(),
            "--db".into(),
            db.to_owned(),
            "--threads".into(),
            threads.to_owned(),
            "--quiet".into(),
        ];
        args.extend(more.iter().map(|s| (*s).to_owned()));
        args
    };

    // The complete log, on one thread: a sharded run writes the same log on any thread count.
    let started = Instant::now();
    let args = population("ref.db", "1", &["--format", "json"]);
    let reference = run(&refs(&args), d);
    let length = started.elapsed();
    assert_eq!(reference.status.code(), Some(0), "{}", stderr(&reference));
    let reference_hash = json_log_hash(&reference);
    let complete = complete_events(&d.join("ref.db"));

    for k in 0..SHARDED_RUN_KILLS {
        let (threads, other) = if k % 2 == 0 { ("2", "3") } else { ("3", "2") };
        let name = format!("sharded-{k}.db");
        let db = d.join(&name);
        let args = population(&name, threads, &[]);
        let delay = length.mul_f64(0.8 * rng.next_u32() as f64 / u32::MAX as f64);
        let alive = kill_after(&refs(&args), d, &db, delay);
        let left = inspect(&db, &complete);
        check_replay(&db, &left, d);
        if let Left::Log {
            finished: false, ..
        } = left
        {
            // Continued on another number of threads: the log of the uninterrupted run.
            let args = population(&name, other, &["--resume", "--format", "json"]);
            let resumed = run(&refs(&args), d);
            assert_eq!(resumed.status.code(), Some(0), "{}", stderr(&resumed));
            assert_eq!(json_log_hash(&resumed), reference_hash, "{name} resumed");
            assert_eq!(complete_events(&db), complete, "{name} resumed");
            tally.resumed += 1;
        }
        tally.add(&left, alive);
    }

    // `zairyu bench` on three threads, committing every 50 events, against its log on one.
    let mut args = vec!["bench", "--dir", "bench-ref", "--keep", "--threads", "1"];
    args.extend(BENCH_ARGS);
    let started = Instant::now();
    let reference = run(&args, d);
    let bench_length = started.elapsed();
    assert_eq!(reference.status.code(), Some(0), "{}", stderr(&reference));
    let bench_db = "bench-400-1.db";
    let complete = complete_events(&d.join("bench-ref").join(bench_db));
    for k in 0..SHARDED_BENCH_KILLS {
        let sub = format!("bench-{k}");
        let db = d.join(&sub).join(bench_db);
        let delay = bench_length.mul_f64(0.6 * rng.next_u32() as f64 / u32::MAX as f64);
        let mut args = vec!["bench", "--dir", &sub, "--keep", "--threads", "3"];
        args.extend(BENCH_ARGS);
        let alive = kill_after(&args, d, &db, delay);
        let left = inspect(&db, &complete);
        check_replay(&db, &left, d);
        tally.add(&left, alive);
    }
    println!(
        "sharded kills: {} ({} while running); left nothing {}, not yet a log {}, valid \
         prefixes {} ({} finished, {} events kept in all); {} unfinished population logs \
         resumed on another thread count to the one-thread log",
        tally.kills,
        tally.killed_while_running,
        tally.nothing,
        tally.not_yet_a_log,
        tally.prefixes,
        tally.finished,
        tally.events_kept,
        tally.resumed
    );
    assert_eq!(tally.kills, SHARDED_RUN_KILLS + SHARDED_BENCH_KILLS);
}
