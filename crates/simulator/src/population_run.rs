//! A synthetic population run as one stored log (`zairyu run --population N --db FILE`, and each
//! arm of `compare --population N --db DIR`): the same sequence as a scenario's stored run —
//! the metadata, the events committed batch by batch by the one log-writer thread (at least once
//! per simulated day, with the hash of the log so far), then the final state and log hashes —
//! so a killed run leaves a valid, unfinished log that `zairyu replay` checks up to its last
//! commit, and `run --population --resume` continues ([`resume_population`]). Nothing of the
//! log is kept in memory: the run folds the projections and hands the events to the writer.

use event_store::{EventStore, JapaneseTexts, RunMeta};
use model::envelope::PAYLOAD_SCHEMA_VERSION;
use model::policy::Policy;
use population::Population;

use crate::log::RunHeader;
use crate::scenario_run::{RunPart, header_difference};
use crate::scheduler::{Progress, RunInput, RunOptions, RunOutput, SimError, run};

/// The metadata of a population's log: the population's content digest as what was run, the
/// policy and seed, the simulated year, and a label saying which population it is. The
/// residents have no names: the tables and `replay` call them `R<index>`.
pub fn population_run_meta(
    population: &Population,
    policy: &Policy,
    code_version: &str,
) -> RunMeta {
    let spec = &population.spec;
    let shard = if spec.shard.is_whole() {
        String::new()
    } else {
        format!(", shard {}", spec.shard)
    };
    RunMeta {
        scenario_hash: format!("population:{}", population.digest()),
        policy: serde_json::to_string(policy).expect("policies serialize"),
        seed: spec.seed,
        code_version: code_version.to_owned(),
        schema_version: PAYLOAD_SCHEMA_VERSION,
        final_state_hash: None,
        projection_version: None,
        log_hash: None,
        finished: false,
        label: format!(
            "synthetic population of {} residents{shard}, seed {}, {} regime",
            spec.residents,
            spec.seed,
            policy.regime.as_str()
        ),
        start: spec.start,
        until: population.until,
        resident_names: Vec::new(),
        title: String::new(),
        description: String::new(),
        display_names: Vec::new(),
        // The CLI words the label in Japanese (`report::labels`); this crate has no words.
        ja: JapaneseTexts::default(),
    }
}

impl<'a> RunInput<'a> {
    /// The input of a run of `population` under `policy`: its residents over its own year, with
    /// the population's seed.
    pub fn of_population(population: &'a Population, policy: Policy) -> RunInput<'a> {
        RunInput {
            residents: population,
            start: population.spec.start,
            until: population.until,
            policy,
            seed: population.spec.seed,
        }
    }
}

/// Runs `population` under `policy` on `threads` threads. With a `store` (a new, empty log) it
/// writes `meta` first, appends every event, and records the final state and log hashes; the
/// finished store comes back in [`RunOutput::store`]. Without one, the run keeps nothing but the
/// projections and the hashes, which are the same as the stored run's (`meta` is hashed with
/// the events either way).
pub fn run_population(
    population: &Population,
    policy: &Policy,
    meta: &RunMeta,
    store: Option<EventStore>,
    threads: usize,
    progress: Option<&mut dyn FnMut(Progress)>,
) -> Result<RunOutput, SimError> {
    let store = match store {
        Some(mut store) => {
            store.write_run_meta(meta)?;
            Some(store)
        }
        None => None,
    };
    run_population_with(population, policy, meta, store, threads, progress, false)
}

/// Continues the run of `population` under `policy` whose log `store` holds (a run that was
/// killed or stopped), on any number of threads (the log does not depend on them): checks that
/// the log is of this population, policy and seed, re-runs it checking every stored event
/// against the one it produces (the writer does), appends the rest and finishes the log. A log
/// that is not a prefix of this run is refused, and nothing is written. A log the run left
/// before it began (no metadata, no event) is started afresh.
pub fn resume_population(
    population: &Population,
    policy: &Policy,
    meta: &RunMeta,
    store: EventStore,
    threads: usize,
    progress: Option<&mut dyn FnMut(Progress)>,
) -> Result<RunOutput, SimError> {
    let Some(stored) = store.read_run_meta()? else {
        if store.last_global_seq()? != 0 {
            return Err(SimError::ResumeOtherRun {
                what: RunPart::Metadata,
            });
        }
        return run_population(population, policy, meta, Some(store), threads, progress);
    };
    if let Some(what) = header_difference(&RunHeader::of(&stored), &RunHeader::of(meta)) {
        return Err(SimError::ResumeOtherRun { what });
    }
    run_population_with(
        population,
        policy,
        meta,
        Some(store),
        threads,
        progress,
        true,
    )
}

fn run_population_with(
    population: &Population,
    policy: &Policy,
    meta: &RunMeta,
    store: Option<EventStore>,
    threads: usize,
    progress: Option<&mut dyn FnMut(Progress)>,
    resume: bool,
) -> Result<RunOutput, SimError> {
    let mut out = run(
        RunInput::of_population(population, policy.clone()),
        RunOptions {
            store,
            keep_log: false,
            threads,
            progress,
            header: RunHeader::of(meta),
            resume,
            ..RunOptions::default()
        },
    )?;
    if let Some(store) = out.store.as_mut() {
        store.finish(
            &out.state_hash,
            projection::STATE_HASH_VERSION,
            &out.log_hash,
        )?;
    }
    Ok(out)
}
