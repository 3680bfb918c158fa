//! `zairyu simtest`: the seeded simulation tester (issue 8, `simulator::simtest`). Runs many
//! generated cases under random faults on every core, checks the invariants after every event
//! and at the end, and for a failure prints the seed, the fault profile and a one-line command
//! that reproduces it, and writes the case shrunk to a minimal scenario file that `zairyu run`
//! replays.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use report::labels::{self, Problem};
use simulator::simtest::{Case, Failure as Broken, Profile};

use crate::diag::Failure;
use crate::global::Global;

/// A fault profile named on the command line.
fn profile(name: &str) -> Result<Profile, String> {
    Profile::parse(name).ok_or_else(|| {
        let names: Vec<&str> = Profile::ALL.iter().map(|p| p.as_str()).collect();
        format!("expected one of {}", names.join(", "))
    })
}

#[derive(Debug, Args)]
pub struct SimtestArgs {
    /// How many seeds (consecutive from --seed), at least one.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    pub seeds: u64,
    /// The first seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The faults each case runs under: mixed (each seed draws one of the others), none,
    /// reorder (delays, batches, duplicates, reordering; nothing lost), redelivery (loss with
    /// redelivery, duplicates), loss (loss for good) or outage (an office down for days,
    /// crashing or not).
    #[arg(long, default_value = "mixed", value_parser = profile)]
    pub faults: Profile,
    /// Where a failing case is written, shrunk, as a scenario file.
    #[arg(long, value_name = "DIR", default_value = "target/simtest")]
    pub out: PathBuf,
    /// Worker threads (1 to 256; default: the cores available). The cases do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Runs the seeds; exit 0 when every invariant held, 1 with the first failing seed's report.
pub fn simtest(args: &SimtestArgs, g: &Global) -> Result<ExitCode, Failure> {
    let profile = args.faults;
    let threads = crate::diag::threads(args.threads, g.lang())?;
    let bar = if g.quiet {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(args.seeds);
        bar.set_style(
            ProgressStyle::with_template(&labels::progress_template(
                labels::ProgressBar::Seeds,
                g.lang(),
            ))
            .expect("valid template")
            .progress_chars("=> "),
        );
        bar
    };
    // Seeds are taken from a shared counter; the first failure (the lowest seed among those
    // that failed) is the one reported, so the report does not depend on the threads.
    let next = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let failures: std::sync::Mutex<Vec<(u64, Broken)>> = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= args.seeds || stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let seed = args.seed.wrapping_add(k);
                    if let Err(f) = Case::generate(seed, profile).check() {
                        stop.store(true, Ordering::Relaxed);
                        failures
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push((seed, f));
                    }
                    bar.inc(1);
                }
            });
        }
    });
    bar.finish_and_clear();
    let mut failures = failures.into_inner().unwrap_or_else(|p| p.into_inner());
    failures.sort_by_key(|(seed, _)| *seed);
    let lang = g.lang();
    let Some((seed, failure)) = failures.into_iter().next() else {
        outln!(
            "{}",
            labels::simtest_held(args.seeds, args.seed, profile.as_str(), lang)
        );
        return Ok(ExitCode::SUCCESS);
    };
    let case = Case::generate(seed, profile);
    let shrunk = case.shrink(&failure);
    let path = args.out.join(format!("seed-{seed}.yaml"));
    std::fs::create_dir_all(&args.out).map_err(|e| {
        Failure::Run(anyhow::anyhow!(e).context(labels::problem(
            Problem::CannotCreate { path: &args.out },
            lang,
        )))
    })?;
    let text = format!(
        "# yaml-language-server: $schema=../../schemas/scenario.schema.json\n# simtest seed {seed}, \
         faults {}: invariant {} broken — {}\n{}\n",
        case.profile.as_str(),
        failure.invariant.number(),
        failure.detail.replace('\n', " "),
        shrunk.text()
    );
    std::fs::write(&path, text).map_err(|e| {
        Failure::Run(
            anyhow::anyhow!(e).context(labels::problem(Problem::CannotWrite { path: &path }, lang)),
        )
    })?;
    outln!(
        "{}",
        labels::simtest_broken(
            &labels::SimtestBroken {
                seed,
                faults: case.profile.as_str(),
                requested: profile.as_str(),
                number: failure.invariant.number(),
                name: &format!("{:?}", failure.invariant),
                detail: &failure.detail,
                steps: shrunk.doc["steps"].as_array().map_or(0, Vec::len),
                residents: shrunk.doc["residents"].as_array().map_or(0, Vec::len),
                file: &path.display().to_string(),
            },
            lang
        )
    );
    Ok(ExitCode::from(1))
}
