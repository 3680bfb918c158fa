//! Running a parsed scenario file through the simulator, in memory or stored: a stored run
//! writes its metadata, then its events, then the final state and log hashes, in that order, so
//! that a killed run leaves a log marked unfinished and a finished one can be verified.

use event_store::{EventStore, RunMeta};
use model::envelope::PAYLOAD_SCHEMA_VERSION;
use scenario::Scenario;

use crate::check::{display_names, names};
use crate::scheduler::{Progress, RunInput, RunOptions, RunOutput, SimError, run_blocking};

/// Runs `scenario`, optionally appending its log to `store` (returned in the output).
pub fn run_scenario(
    scenario: &Scenario,
    store: Option<EventStore>,
    progress: Option<&mut dyn FnMut(Progress)>,
) -> Result<RunOutput, SimError> {
    let input = RunInput {
        residents: scenario
            .residents
            .iter()
            .map(|r| r.profile.clone())
            .collect(),
        steps: scenario.steps.iter().map(|s| (s.at, s.command.clone())),
        start: scenario.start,
        until: scenario.until,
        policy: scenario.policy.clone(),
        seed: scenario.seed,
    };
    run_blocking(
        input,
        RunOptions {
            store,
            keep_log: true,
            progress,
            ..RunOptions::default()
        },
    )
}

/// The metadata a scenario's stored log carries: what was run (file hash, policy, seed, dates,
/// title, description, resident ids and names) and by which code, not yet finished.
pub fn scenario_run_meta(scenario: &Scenario, code_version: &str) -> RunMeta {
    RunMeta {
        scenario_hash: scenario.hash.clone(),
        policy: serde_json::to_string(&scenario.policy).expect("policies serialize"),
        seed: scenario.seed,
        code_version: code_version.to_owned(),
        schema_version: PAYLOAD_SCHEMA_VERSION,
        final_state_hash: None,
        log_hash: None,
        finished: false,
        label: scenario.source.clone(),
        start: scenario.start,
        until: scenario.until,
        resident_names: names(scenario),
        title: scenario.name.clone(),
        description: scenario.description.clone(),
        display_names: display_names(scenario),
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
        store.finish(&out.state_hash, &out.log_hash)?;
    }
    Ok(out)
}
