//! `zairyu replay DB --policy P` / `--set KEY=VALUE`: a counterfactual replay. The stored run's
//! inputs — its scenario file (found by the path the log records, checked against the hash it
//! records) and its seed, from which the resident agent draws — are run again, first under the
//! stored policy, to check that they give the stored log fact for fact, then under the changed
//! policy; the measures of both and the first divergence from the stored log are shown as a
//! what-if comparison is. The log is only read (docs/history.md).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::anyhow;
use projection::what_if::Arm;
use report::Lang;
use report::labels::{self, Problem, history};
use scenario::Overrides;
use scenario::policy_file::{load_policy, set_policy_value};
use simulator::replay::replay as replay_log;
use simulator::what_if::{Counterfactual, counterfactual as run_counterfactual};

use crate::commands::{CODE_VERSION, cannot_read_log, open_stored_log};
use crate::diag::Failure;
use crate::global::TextOrJson;

/// What `zairyu replay --policy` was asked.
pub struct CounterfactualArgs<'a> {
    pub db: &'a Path,
    /// A policy file applied on top of the stored policy.
    pub policy: Option<&'a Path>,
    /// `KEY=VALUE` settings applied after it.
    pub set: &'a [String],
    /// The scenario file, when it is no longer at the path the log records.
    pub scenario: Option<&'a Path>,
    pub format: TextOrJson,
}

/// `zairyu replay DB --policy P --set KEY=VALUE …`
pub fn counterfactual(a: &CounterfactualArgs<'_>, lang: Lang) -> Result<ExitCode, Failure> {
    let refused = |p: Problem<'_>| Failure::Input(anyhow!(labels::problem(p, lang)));
    let (store, Some((meta, stored_policy))) = open_stored_log(a.db, lang)? else {
        return Err(refused(Problem::NothingToRunAgain { db: a.db }));
    };
    let path = a
        .scenario
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(&meta.label));
    let scenario = scenario::load_with(
        &path,
        Overrides {
            seed: Some(meta.seed),
            regime: Some(stored_policy.regime),
        },
    )
    .map_err(|e| {
        refused(Problem::ScenarioOfTheLog {
            reason: &crate::diag::scenario_error(&e, lang),
        })
    })?;
    if scenario.hash != meta.scenario_hash {
        return Err(refused(Problem::NotTheScenario {
            path: &path,
            hash: &scenario.hash,
            recorded: &meta.scenario_hash,
        }));
    }
    let mut scenario = scenario;
    scenario.policy = stored_policy.clone();
    // A run may have stopped before the scenario's last day (a stepped run saved mid-way).
    scenario.until = meta.until;

    // The changed arm's layers, shown as a policy file's are (each on top of the next): the
    // settings, last first, then the policy file and its bases.
    let words = history(lang);
    let mut changed = stored_policy.clone();
    let mut name = words.changed.to_owned();
    let mut files = Vec::new();
    if let Some(p) = a.policy {
        let file = load_policy(p, &changed)?;
        changed = file.policy;
        name = file.name;
        files.extend(file.files.iter().map(|f| f.display().to_string()));
    }
    for assignment in a.set {
        changed = set_policy_value(&changed, assignment)?;
        files.insert(0, format!("--set {assignment}"));
    }
    let as_run = Arm {
        name: words.as_run.to_owned(),
        files: vec![a.db.display().to_string()],
        policy: stored_policy,
    };
    let changed = Arm {
        name,
        files,
        policy: changed,
    };

    let switch = as_run.policy.switches.validity.special_period_my_number;
    let stored = replay_log(&store, meta.start, meta.until, None, switch, true)
        .map_err(|e| cannot_read_log(a.db, e, lang))?;
    let names = simulator::check::names(&scenario);
    let comparison =
        match run_counterfactual(&scenario, &stored.log, &as_run, &changed, CODE_VERSION)
            .map_err(|e| Failure::Run(e.into()))?
        {
            Counterfactual::Compared(c) => *c,
            Counterfactual::NotReproduced(d) => {
                errln!(
                    "{}",
                    report::compare::divergence_text(&d, Some(meta.seed), &names, lang)
                );
                return Err(Failure::Run(anyhow!(labels::problem(
                    Problem::NotReproduced { db: a.db },
                    lang
                ))));
            }
        };
    match a.format {
        TextOrJson::Json => outln!("{}", report::compare::json(&comparison, &names, lang)),
        TextOrJson::Text => out!(
            "{}",
            report::compare::table_titled(words.counterfactual_title, &comparison, &names, lang)
        ),
    }
    Ok(ExitCode::SUCCESS)
}
