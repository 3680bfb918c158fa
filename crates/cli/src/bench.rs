//! `zairyu bench`: a synthetic population through the real services and store, measured against
//! the raw SQLite append of the same rows in the same run (docs/benchmarks.md).
//!
//! Three measurements, each timed with the wall clock (benchmark code is the one place outside
//! the store's own baseline that may read it):
//! 1. the simulation alone (services, scheduler, projections; no store) — the ceiling;
//! 2. the simulation appending to the store (no secondary index: decision 11), with a commit
//!    and its log hash per batch;
//! 3. the baseline: the same rows, read back from (2), appended with one plain prepared INSERT;
//! 4. the replay of the stored log, as `zairyu replay` does it: every event read, checked,
//!    decoded, hashed and folded into the projections; its log hash must be the run's.
//!
//! `zairyu bench --what-if` measures instead the what-if comparison at national size (or
//! `--residents`): both regimes, one seed, no log, as `compare --population` runs it.

#![expect(clippy::disallowed_methods, reason = "a benchmark measures wall time")]

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use chrono::NaiveDate;
use event_store::baseline::Baseline;
use event_store::{EventStore, RunMeta};
use indicatif::{ProgressBar, ProgressStyle};
use model::envelope::{EventRecord, PAYLOAD_SCHEMA_VERSION};
use model::policy::{Policy, Regime};
use report::Lang;
use report::labels::{self, BenchPhase, CommandProblem, CpuFigure, Problem};
use simulator::log::RunHeader;
use simulator::{Progress, RunInput, RunOptions, run};

use crate::commands::CODE_VERSION;
use crate::diag::{Failure, failed, population_size, refused};

pub struct BenchArgs {
    pub residents: usize,
    pub seed: u64,
    pub regime: Regime,
    pub batch: usize,
    /// Shards of the simulation (one thread each).
    pub threads: usize,
    pub dir: PathBuf,
    pub keep: bool,
    pub json: bool,
}

/// Peak resident memory of this process so far, in MiB (Linux `VmHWM`).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// CPU time this process (every thread) has used so far, in seconds (Linux `/proc/self/stat`,
/// user + system, in clock ticks of 1/100 s). On a machine shared with other work the wall time
/// of a phase says little; its CPU time says what the phase cost, so events per CPU-second is
/// the figure to compare across runs under different loads.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (in parentheses) may hold spaces: the fields follow its last `)`.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// The CPU seconds used since `from` (a [`cpu_seconds`] reading).
fn cpu_since(from: Option<f64>) -> Option<f64> {
    Some(cpu_seconds()? - from?)
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

fn progress_bar(start: NaiveDate, until: NaiveDate, phase: BenchPhase, lang: Lang) -> ProgressBar {
    let days = (until - start).num_days().max(1) as u64;
    let bar = ProgressBar::new(days);
    bar.set_style(
        ProgressStyle::with_template(&labels::progress_template(labels::ProgressBar::Days, lang))
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_prefix(labels::bench_phase(phase, lang));
    bar
}

/// What a run reports to `bar`: the day it reached and the events so far, once a simulated day
/// (the merger reports every instant; the bar shows days, and formatting the count at every
/// instant cost the simulation's thread a few hundred instructions an event in a small bench).
fn progress_by_day<'b>(
    bar: &'b ProgressBar,
    start: NaiveDate,
    lang: Lang,
) -> impl FnMut(Progress) + 'b {
    let mut shown = None;
    move |p: Progress| {
        let day = p.now.date();
        if shown == Some(day) {
            return;
        }
        shown = Some(day);
        bar.set_position((day - start).num_days().max(0) as u64);
        bar.set_message(labels::progress_events(p.events, lang));
    }
}

struct Figures {
    events: u64,
    generate_s: f64,
    sim_only_s: f64,
    sim_only_cpu_s: Option<f64>,
    sim_store_s: f64,
    /// Of the simulation with the store, `finish` included.
    sim_store_cpu_s: Option<f64>,
    /// Marking the log finished (the run's hashes) and checkpointing its write-ahead file.
    finish_s: f64,
    baseline_s: f64,
    replay_s: f64,
    replay_cpu_s: Option<f64>,
    peak_sim_mib: Option<f64>,
    peak_store_mib: Option<f64>,
    log_hash: String,
}

pub struct WhatIfBenchArgs {
    pub residents: usize,
    pub seed: u64,
    pub threads: usize,
    pub json: bool,
}

/// `zairyu bench --what-if`: the two-arm population comparison of `compare --population`
/// (legacy vs integrated, one seed, no log), timed, with the process's peak memory and a digest
/// of both arms' measures, which must not depend on the thread count.
pub fn bench_what_if(a: &WhatIfBenchArgs, lang: Lang) -> Result<ExitCode, Failure> {
    use projection::what_if::Arm;
    use simulator::what_if::{self, RunProgress, Subject};
    population_size(a.residents, "--residents", lang)?;
    let start = NaiveDate::from_ymd_opt(2026, 4, 1).expect("valid date");
    let arm = |regime: Regime| Arm {
        name: regime.as_str().to_owned(),
        files: Vec::new(),
        policy: Policy::with_regime(regime),
    };
    let (baseline, reform) = (arm(Regime::Legacy), arm(Regime::Integrated));
    let bar = crate::compare::progress_bar(lang);
    let mut report = |p: RunProgress| {
        bar.set_length(p.total);
        bar.set_position(p.done.min(p.total));
        bar.set_prefix(labels::bench_phase(BenchPhase::WhatIf, lang));
        bar.set_message(labels::progress_events(p.events, lang));
    };
    let (t, cpu) = (Instant::now(), cpu_seconds());
    let c = what_if::compare(
        Subject::Population {
            residents: a.residents,
            start,
            shard: model::shard::Shard::WHOLE,
        },
        &baseline,
        &reform,
        &[a.seed],
        CODE_VERSION,
        a.threads,
        Some(&mut report),
    )
    .map_err(|e| Failure::Run(e.into()))?;
    let seconds = t.elapsed().as_secs_f64();
    let cpu = cpu_since(cpu);
    bar.finish_and_clear();
    let peak = peak_rss_mib();
    let run = c
        .runs
        .first()
        .ok_or_else(|| failed(CommandProblem::NoSeedRan, lang))?;
    let events = |m: &projection::measures::Measures| m.0.get("events").copied().unwrap_or(0);
    let (legacy, integrated) = (events(&run.baseline), events(&run.reform));
    let mut digest = model::hashing::HashWriter::new();
    serde_json::to_writer(&mut digest, &(&run.baseline, &run.reform)).expect("measures serialize");
    let digest = digest.finish();
    let rate = (legacy + integrated) as f64 / seconds.max(f64::EPSILON);
    if a.json {
        let v = serde_json::json!({
            "what_if": true,
            "residents": a.residents,
            "seed": a.seed,
            "threads": a.threads,
            "seconds": seconds,
            "events": { "legacy": legacy, "integrated": integrated },
            "events_per_second": rate,
            "events_per_second_per_thread": rate / a.threads as f64,
            "cpu_seconds": cpu,
            "events_per_cpu_second": cpu.map(|c| (legacy + integrated) as f64 / c.max(f64::EPSILON)),
            "peak_rss_mib": peak,
            "measures_digest": digest,
            "code_version": CODE_VERSION,
        });
        outln!("{}", serde_json::to_string_pretty(&v).expect("json"));
        return Ok(ExitCode::SUCCESS);
    }
    let figures = labels::WhatIfBenchFigures {
        residents: a.residents,
        seed: a.seed,
        threads: a.threads,
        legacy_events: legacy,
        integrated_events: integrated,
        seconds,
        rate,
        cpu: cpu.map(|c| CpuFigure {
            seconds: c,
            events_per_second: (legacy + integrated) as f64 / c.max(f64::EPSILON),
        }),
        peak_mib: peak,
        digest: &digest,
    };
    outln!("{}", labels::bench_what_if_figures(&figures, lang));
    Ok(ExitCode::SUCCESS)
}

pub fn bench(a: &BenchArgs, lang: Lang) -> Result<ExitCode, Failure> {
    // Checked before the directory is made: bad input writes nothing.
    population_size(a.residents, "--residents", lang)?;
    if a.batch == 0 {
        return Err(refused(
            CommandProblem::AtLeastOne { option: "--batch" },
            lang,
        ));
    }
    std::fs::create_dir_all(&a.dir).map_err(|e| {
        Failure::Input(anyhow::anyhow!(e).context(labels::problem(
            Problem::CannotCreate { path: &a.dir },
            lang,
        )))
    })?;
    let start = NaiveDate::from_ymd_opt(2026, 4, 1).expect("valid date");
    let spec = population::PopulationSpec {
        start,
        ..population::PopulationSpec::new(a.residents, a.seed)
    };
    let policy = Policy::with_regime(a.regime);
    let run_err = |e: simulator::SimError| Failure::Run(e.into());

    let t = Instant::now();
    let population = population::Population::generate(spec);
    let generate_s = t.elapsed().as_secs_f64();
    let until = population.until;
    let input = || RunInput {
        residents: &population,
        start,
        until,
        policy: policy.clone(),
        seed: a.seed,
    };

    let meta = RunMeta {
        scenario_hash: format!("population:{}:{}", a.residents, a.seed),
        policy: serde_json::to_string(&policy).expect("policies serialize"),
        seed: a.seed,
        code_version: CODE_VERSION.to_owned(),
        schema_version: PAYLOAD_SCHEMA_VERSION,
        final_state_hash: None,
        projection_version: None,
        log_hash: None,
        finished: false,
        label: format!("bench population of {} residents", a.residents),
        start,
        until,
        resident_names: Vec::new(),
        title: String::new(),
        description: String::new(),
        display_names: Vec::new(),
        ja: Default::default(),
    };
    let header = RunHeader::of(&meta);

    // 1. Simulation alone.
    let bar = progress_bar(start, until, BenchPhase::Simulate, lang);
    let mut report = progress_by_day(&bar, start, lang);
    let (t, cpu) = (Instant::now(), cpu_seconds());
    let sim = run(
        input(),
        RunOptions {
            store: None,
            keep_log: false,
            batch_size: a.batch,
            threads: a.threads,
            progress: Some(&mut report),
            header: header.clone(),
            resume: false,
            ..RunOptions::default()
        },
    )
    .map_err(run_err)?;
    let sim_only_s = t.elapsed().as_secs_f64();
    let sim_only_cpu_s = cpu_since(cpu);
    bar.finish_and_clear();
    let peak_sim_mib = peak_rss_mib();
    drop(sim.projections);

    // 2. Simulation + store. The same sequence as `simulator::run_scenario_stored` (metadata,
    // events, finish), written out so that `finish` is timed on its own.
    let db = a.dir.join(format!("bench-{}-{}.db", a.residents, a.seed));
    // An earlier benchmark's log is replaced in place, under the lock: never unlinked under
    // another benchmark still writing it.
    let (mut store, _replaced) = EventStore::create_replacing(&db).map_err(|e| {
        Failure::Run(
            anyhow::anyhow!(e).context(labels::problem(Problem::CannotCreate { path: &db }, lang)),
        )
    })?;
    store
        .write_run_meta(&meta)
        .map_err(|e| Failure::Run(e.into()))?;
    let bar = progress_bar(start, until, BenchPhase::SimulateAndStore, lang);
    let mut report = progress_by_day(&bar, start, lang);
    let (t, cpu) = (Instant::now(), cpu_seconds());
    let mut stored = run(
        input(),
        RunOptions {
            store: Some(store),
            keep_log: false,
            batch_size: a.batch,
            threads: a.threads,
            progress: Some(&mut report),
            header,
            resume: false,
            ..RunOptions::default()
        },
    )
    .map_err(run_err)?;
    let sim_store_s = t.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let mut store = stored
        .store
        .take()
        .expect("the run returns the store it was given");
    let t = Instant::now();
    store
        .finish(
            &stored.state_hash,
            projection::STATE_HASH_VERSION,
            &stored.log_hash,
        )
        .map_err(|e| Failure::Run(e.into()))?;
    let finish_s = t.elapsed().as_secs_f64();
    let sim_store_cpu_s = cpu_since(cpu);
    let peak_store_mib = peak_rss_mib();
    if stored.log_hash != sim.log_hash {
        return Err(failed(CommandProblem::BenchStoredDiffers, lang));
    }
    drop(stored.projections);

    // 3. Baseline: the same rows, plain INSERTs, same batch size. Only the inserts are timed.
    let base_db = a
        .dir
        .join(format!("baseline-{}-{}.db", a.residents, a.seed));
    remove_db(&base_db);
    let mut baseline = Baseline::create(&base_db).map_err(|e| Failure::Run(e.into()))?;
    let mut chunk: Vec<EventRecord> = Vec::with_capacity(a.batch);
    store
        .for_each(|rec| {
            chunk.push(rec);
            if chunk.len() == a.batch {
                baseline.append(&chunk)?;
                chunk.clear();
            }
            Ok::<(), event_store::StoreError>(())
        })
        .map_err(|e| Failure::Run(e.into()))?;
    baseline
        .append(&chunk)
        .map_err(|e| Failure::Run(e.into()))?;
    let base = baseline.finish();
    drop(store);

    // 4. Replay of the stored log, read-only, as `zairyu replay` reads it.
    let reader = EventStore::open_read_only(&db).map_err(|e| Failure::Run(e.into()))?;
    let (t, cpu) = (Instant::now(), cpu_seconds());
    let replayed = simulator::replay::replay(
        &reader,
        start,
        until,
        None,
        policy.switches.validity.special_period_my_number,
        false,
    )
    .map_err(|e| Failure::Run(e.into()))?;
    let replay_s = t.elapsed().as_secs_f64();
    let replay_cpu_s = cpu_since(cpu);
    drop(reader);
    if replayed.log_hash != sim.log_hash || replayed.events != sim.events {
        return Err(failed(CommandProblem::BenchReplayDiffers, lang));
    }
    if !a.keep {
        remove_db(&db);
        remove_db(&base_db);
    }

    let f = Figures {
        events: sim.events,
        generate_s,
        sim_only_s,
        sim_only_cpu_s,
        sim_store_s,
        sim_store_cpu_s,
        finish_s,
        baseline_s: base.seconds,
        replay_s,
        replay_cpu_s,
        peak_sim_mib,
        peak_store_mib,
        log_hash: sim.log_hash,
    };
    print_figures(a, &f, base.rows, lang);
    Ok(ExitCode::SUCCESS)
}

fn print_figures(a: &BenchArgs, f: &Figures, baseline_rows: u64, lang: Lang) {
    let rate = |n: u64, s: f64| if s > 0.0 { n as f64 / s } else { 0.0 };
    let store_total = f.sim_store_s + f.finish_s;
    let sim_rate = rate(f.events, f.sim_only_s);
    let store_rate = rate(f.events, store_total);
    let base_rate = rate(baseline_rows, f.baseline_s);
    let per_cpu = |cpu: Option<f64>| cpu.map(|c| rate(f.events, c));
    if a.json {
        let v = serde_json::json!({
            "residents": a.residents,
            "seed": a.seed,
            "regime": a.regime.as_str(),
            "batch": a.batch,
            "threads": a.threads,
            "events": f.events,
            "generate_seconds": f.generate_s,
            "simulation_only": {
                "seconds": f.sim_only_s,
                "events_per_second": sim_rate,
                "events_per_second_per_thread": sim_rate / a.threads as f64,
                "cpu_seconds": f.sim_only_cpu_s,
                "events_per_cpu_second": per_cpu(f.sim_only_cpu_s),
            },
            "simulation_with_store": {
                "seconds": f.sim_store_s,
                "finish_seconds": f.finish_s,
                "events_per_second": store_rate,
                "cpu_seconds": f.sim_store_cpu_s,
                "events_per_cpu_second": per_cpu(f.sim_store_cpu_s),
            },
            "baseline_raw_append": { "rows": baseline_rows, "seconds": f.baseline_s, "rows_per_second": base_rate },
            "ratio_store_to_baseline": if base_rate > 0.0 { store_rate / base_rate } else { 0.0 },
            "ratio_simulation_to_baseline": if base_rate > 0.0 { sim_rate / base_rate } else { 0.0 },
            "replay": {
                "seconds": f.replay_s,
                "events_per_second": rate(f.events, f.replay_s),
                "cpu_seconds": f.replay_cpu_s,
                "events_per_cpu_second": per_cpu(f.replay_cpu_s),
            },
            "peak_rss_mib_simulation": f.peak_sim_mib,
            "peak_rss_mib_with_store": f.peak_store_mib,
            "log_hash": f.log_hash,
            "code_version": CODE_VERSION,
        });
        outln!("{}", serde_json::to_string_pretty(&v).expect("json"));
        return;
    }
    let cpu = |c: Option<f64>| {
        c.map(|c| CpuFigure {
            seconds: c,
            events_per_second: rate(f.events, c),
        })
    };
    let figures = labels::BenchFigures {
        residents: a.residents,
        seed: a.seed,
        regime: a.regime,
        batch: a.batch,
        threads: a.threads,
        events: f.events,
        generate_s: f.generate_s,
        sim_s: f.sim_only_s,
        sim_rate,
        sim_peak_mib: f.peak_sim_mib,
        sim_cpu: cpu(f.sim_only_cpu_s),
        store_s: store_total,
        store_rate,
        finish_s: f.finish_s,
        store_peak_mib: f.peak_store_mib,
        store_cpu: cpu(f.sim_store_cpu_s),
        baseline_s: f.baseline_s,
        baseline_rate: base_rate,
        replay_s: f.replay_s,
        replay_rate: rate(f.events, f.replay_s),
        replay_cpu: cpu(f.replay_cpu_s),
        log_hash: &f.log_hash,
    };
    outln!("{}", labels::bench_figures(&figures, lang));
}
