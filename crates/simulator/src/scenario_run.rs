//! Running a parsed scenario file through the simulator, in memory or stored: a stored run
//! writes its metadata, then its events (committing at least once per simulated day, with the
//! hash of the log so far), then the final state and log hashes, in that order, so that a killed
//! run leaves a log marked unfinished, checkable up to its last commit, which `run --resume`
//! continues ([`resume_scenario_stored`]).

use event_store::{EventStore, JapaneseTexts, RunMeta};
use model::envelope::PAYLOAD_SCHEMA_VERSION;
use scenario::Scenario;

use crate::check::{display_names, names};
use crate::log::RunHeader;
use crate::scheduler::{Progress, RunInput, RunOptions, RunOutput, Scripted, SimError, run};

/// Runs `scenario`, optionally appending its log to `store` (returned in the output).
pub fn run_scenario(
    scenario: &Scenario,
    store: Option<EventStore>,
    progress: Option<&mut dyn FnMut(Progress)>,
) -> Result<RunOutput, SimError> {
    run_scenario_with(scenario, store, progress, false)
}

/// A scenario's residents and steps, as the scheduler takes them.
pub(crate) fn scripted(scenario: &Scenario) -> Scripted {
    Scripted {
        residents: scenario
            .residents
            .iter()
            .map(|r| r.profile.clone())
            .collect(),
        steps: scenario
            .steps
            .iter()
            .map(|s| (s.at, s.command.clone()))
            .collect(),
        supply_follow_ups: scenario.policy.regime != scenario.written_for,
    }
}

fn run_scenario_with(
    scenario: &Scenario,
    store: Option<EventStore>,
    progress: Option<&mut dyn FnMut(Progress)>,
    resume: bool,
) -> Result<RunOutput, SimError> {
    let residents = scripted(scenario);
    let input = RunInput {
        residents: &residents,
        start: scenario.start,
        until: scenario.until,
        policy: scenario.policy.clone(),
        seed: scenario.seed,
    };
    run(
        input,
        RunOptions {
            store,
            keep_log: true,
            progress,
            header: RunHeader::of(&scenario_run_meta(scenario, "")),
            resume,
            ..RunOptions::default()
        },
    )
}

/// The metadata a scenario's stored log carries: what was run (file hash, policy, seed, dates,
/// title and description in English and Japanese, resident ids and names) and by which code,
/// not yet finished.
pub fn scenario_run_meta(scenario: &Scenario, code_version: &str) -> RunMeta {
    RunMeta {
        scenario_hash: scenario.hash.clone(),
        policy: serde_json::to_string(&scenario.policy).expect("policies serialize"),
        seed: scenario.seed,
        code_version: code_version.to_owned(),
        schema_version: PAYLOAD_SCHEMA_VERSION,
        final_state_hash: None,
        projection_version: None,
        log_hash: None,
        finished: false,
        label: scenario.source.clone(),
        start: scenario.start,
        until: scenario.until,
        resident_names: names(scenario),
        title: scenario.name.clone(),
        description: scenario.description.clone(),
        display_names: display_names(scenario),
        ja: scenario
            .ja
            .as_ref()
            .map(|ja| JapaneseTexts {
                title: ja.name.clone(),
                description: ja.description.clone(),
                label: String::new(),
            })
            .unwrap_or_default(),
    }
}

/// Runs `scenario` with its log stored in `store`, a new, empty store: writes the metadata,
/// appends every event, and records the final state and log hashes. The finished store comes
/// back in [`RunOutput::store`].
pub fn run_scenario_stored(
    scenario: &Scenario,
    mut store: EventStore,
    code_version: &str,
    progress: Option<&mut dyn FnMut(Progress)>,
) -> Result<RunOutput, SimError> {
    store.write_run_meta(&scenario_run_meta(scenario, code_version))?;
    let mut out = run_scenario(scenario, Some(store), progress)?;
    if let Some(store) = out.store.as_mut() {
        store.finish(
            &out.state_hash,
            projection::STATE_HASH_VERSION,
            &out.log_hash,
        )?;
    }
    Ok(out)
}

/// Continues the run of `scenario` whose log `store` holds (a run that was killed, or stopped by
/// a full disk): checks that the log is of this scenario, policy and seed, re-runs it checking
/// every stored event against the one it produces (the writer does), appends the rest and
/// finishes the log. A log that is not a prefix of this run is refused, and nothing is written.
/// A log the run left before it began (no metadata, no event) is started afresh.
pub fn resume_scenario_stored(
    scenario: &Scenario,
    store: EventStore,
    code_version: &str,
    progress: Option<&mut dyn FnMut(Progress)>,
) -> Result<RunOutput, SimError> {
    let Some(stored) = store.read_run_meta()? else {
        // Stopped before it began (a kill or a full disk right after the file was made): no
        // metadata, so no event either (the metadata is written first) — start it afresh.
        if store.last_global_seq()? != 0 {
            return Err(SimError::ResumeOtherRun {
                what: RunPart::Metadata,
            });
        }
        return run_scenario_stored(scenario, store, code_version, progress);
    };
    let wanted = scenario_run_meta(scenario, "");
    if let Some(what) = header_difference(&RunHeader::of(&stored), &RunHeader::of(&wanted)) {
        return Err(SimError::ResumeOtherRun { what });
    }
    let mut out = run_scenario_with(scenario, Some(store), progress, true)?;
    if let Some(store) = out.store.as_mut() {
        store.finish(
            &out.state_hash,
            projection::STATE_HASH_VERSION,
            &out.log_hash,
        )?;
    }
    Ok(out)
}

/// The part of a run's inputs in which a stored log differs from the run that would resume it
/// ([`SimError::ResumeOtherRun`]): a closed set, so that whoever says it in words (the CLI, in
/// English and Japanese) matches on the part, never on this text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunPart {
    ScenarioFile,
    Policy,
    Seed,
    /// The first or the last simulated day.
    Period,
    /// The scenario's title, description or residents' names.
    Names,
    /// The log has events but no run metadata.
    Metadata,
}

impl std::fmt::Display for RunPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RunPart::ScenarioFile => "scenario file",
            RunPart::Policy => "policy",
            RunPart::Seed => "seed",
            RunPart::Period => "simulated period",
            RunPart::Names => "scenario's names",
            RunPart::Metadata => "run metadata (the log has events but no metadata)",
        })
    }
}

/// The first input in which two runs differ.
pub(crate) fn header_difference(a: &RunHeader, b: &RunHeader) -> Option<RunPart> {
    let RunHeader {
        scenario_hash,
        policy,
        seed,
        start,
        until,
        title,
        description,
        resident_names,
        display_names,
    } = a;
    [
        (scenario_hash == &b.scenario_hash, RunPart::ScenarioFile),
        (policy == &b.policy, RunPart::Policy),
        (seed == &b.seed, RunPart::Seed),
        (start == &b.start && until == &b.until, RunPart::Period),
        (
            title == &b.title
                && description == &b.description
                && resident_names == &b.resident_names
                && display_names == &b.display_names,
            RunPart::Names,
        ),
    ]
    .into_iter()
    .find_map(|(same, what)| (!same).then_some(what))
}
