//! Running a parsed scenario file through the simulator.

use event_store::EventStore;
use scenario::Scenario;

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
