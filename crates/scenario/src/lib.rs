//! Scenario files: the YAML format a scrivener, clerk or teacher writes (residents, dated
//! procedures, expectations), its validation with errors that name file, line and column, its
//! JSON Schema, and policy files. (The synthetic population of the what-if runs and the
//! benchmark is the `population` crate; residents of both are built by `model::profile`.)
//!
//! Reading a file goes through three stages, each able to fail with a located error:
//! serde-saphyr parses the YAML into a located tree (`node`); the tree is deserialized into the
//! raw file structs ([`mod@format`], [`steps`]); then `resolve` applies the defaults that need
//! context (seed, policy, start date), checks what a type cannot (resident ids, date ranges) and
//! builds the `model` values the simulator consumes. Evaluating expectations is the simulator's
//! job; this crate only types them.
//!
//! Architecture invariant: this crate reads no clock and draws no unseeded random numbers; a
//! scenario and its overrides determine the [`Scenario`] value exactly.

pub mod format;
pub mod input;
mod node;
pub mod policy_file;
pub mod problem;
mod resolve;
pub mod steps;
mod suggest;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use model::card::CardKind;
use model::command::{Command, ResidentProfile};
use model::ids::{Address, Municipality, ResidentId};
use model::policy::{Policy, Regime};
use model::service::Office;
use model::status::Status;

pub use format::{Change, NOTIFICATION_CODES, NotificationCount, REFUSAL_RULE_TAGS, RecordOffice};
pub use node::{Located, Pos};
pub use problem::Problem;
pub use steps::StepKind;

/// A scenario error: where and what, or a file that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file is not a valid scenario. `line` and `column` are 1-based; `problem` says what
    /// is wrong, as data (its `Display` is the English sentence).
    #[error("{file}:{line}:{column}: {problem}")]
    Invalid {
        file: String,
        line: usize,
        column: usize,
        problem: Box<Problem>,
    },
    /// The file or directory could not be read.
    #[error("{file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
}

impl ScenarioError {
    /// The error of `problem` at `pos` in `file`.
    pub fn invalid(
        file: impl Into<String>,
        pos: Pos,
        problem: impl Into<Box<Problem>>,
    ) -> ScenarioError {
        ScenarioError::Invalid {
            file: file.into(),
            line: pos.line,
            column: pos.column,
            problem: problem.into(),
        }
    }

    /// The file the error is about.
    pub fn file(&self) -> &str {
        match self {
            ScenarioError::Invalid { file, .. } | ScenarioError::Io { file, .. } => file,
        }
    }

    /// Line and column (1-based), for errors located in the file.
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            ScenarioError::Invalid { line, column, .. } => Some((*line, *column)),
            ScenarioError::Io { .. } => None,
        }
    }
}

/// A parsed and validated scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The `name:` of the file.
    pub name: String,
    /// The comment block at the top of the file, without the `#`s: what it demonstrates.
    pub description: String,
    /// The title and description in Japanese (`ja:`), when the file gives them.
    pub ja: Option<Japanese>,
    /// The path the file was loaded from, or the label given to [`parse`].
    pub source: String,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub hash: String,
    /// The seed (from the file, default 1, unless overridden).
    pub seed: u64,
    /// The first simulated day.
    pub start: NaiveDate,
    /// The last simulated day (inclusive).
    pub until: NaiveDate,
    /// The default policy with the file's `policy:` overlay (and any override) applied.
    pub policy: Policy,
    /// The regime the file's steps were written for: its own policy's, whatever an override or
    /// a what-if arm runs it under. When the two differ, the resident agent supplies the
    /// follow-up visits the run's regime requires (docs/what-if.md).
    pub written_for: Regime,
    /// The residents, in file order; `residents[i].id == ResidentId(i)`.
    pub residents: Vec<ResidentSpec>,
    /// The steps, sorted by time; steps at the same time keep file order.
    pub steps: Vec<Step>,
    /// The expectations, in file order.
    pub expectations: Vec<Expectation>,
    /// The underived resident facts, kept so that a seed or regime override can recompute the
    /// profiles (numbers derive from the seed, card kinds and validity from the regime).
    inputs: Vec<model::profile::ProfileInput>,
}

/// A scenario's title and description in Japanese (`ja:` in the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Japanese {
    pub name: String,
    /// Empty when the file gives only a Japanese title.
    pub description: String,
}

/// A resident of a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentSpec {
    /// The scenario-local id (`id:` in the file).
    pub key: String,
    /// The dense id, the resident's index in file order.
    pub id: ResidentId,
    /// The starting state every office is given.
    pub profile: ResidentProfile,
    /// The line of the resident's entry.
    pub line: usize,
}

/// One dated command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// When the resident (or the office) acts.
    pub at: NaiveDateTime,
    pub resident: ResidentId,
    pub command: Command,
    /// The line of the step in its file; 0 for generated steps.
    pub line: usize,
}

/// What must be true for one resident at the end of one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    pub on: NaiveDate,
    pub resident: ResidentId,
    pub resident_key: String,
    /// The line of the expectation in its file.
    pub line: usize,
    pub checks: Checks,
}

/// The checks of an expectation; absent fields (`None`, empty maps and lists) check nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checks {
    /// Exactly the cards held and usable that day (sorted, without duplicates).
    pub cards: Option<Vec<CardKind>>,
    /// Last valid day of each named card.
    pub valid_through: BTreeMap<CardKind, NaiveDate>,
    pub my_number_usable: Option<bool>,
    pub lawfully_resident: Option<bool>,
    /// Cumulative counter visits up to that day.
    pub visits: BTreeMap<Office, u32>,
    /// Cumulative city-hall visits up to that day, by municipality.
    pub city_hall_visits: BTreeMap<Municipality, u32>,
    /// What each office's record must say that day.
    pub records: BTreeMap<RecordOffice, RecordChecks>,
    /// Cumulative deliveries between offices, by §6 code (`N3`).
    pub notifications: BTreeMap<String, NotificationCount>,
    /// Event type names (`model::event::Event::TYPE_NAMES`) that must have occurred by then.
    pub events: Vec<String>,
    /// Refusal rule tags ([`REFUSAL_RULE_TAGS`]) that must have occurred by then.
    pub refusals: Vec<String>,
    /// Event types, notification codes and refusal rule tags that must not have occurred by
    /// then.
    pub absent: Vec<String>,
    /// Cumulative My Number outage days up to and including that day.
    pub outage_days: Option<u64>,
    /// Cumulative days on which the bureau's and the city hall's records disagreed.
    pub inconsistency_days: Option<u64>,
    /// Fees paid up to and including that day, in yen.
    pub fees_paid_yen: Option<u64>,
    /// The signature certificate's last valid day (`Some(None)`: none held), §8.5.
    pub signature_certificate: Option<Option<NaiveDate>>,
    /// The user-authentication certificate's last valid day (`Some(None)`: none held), §8.5.
    pub user_authentication_certificate: Option<Option<NaiveDate>>,
}

/// What one office's record must say (`None`: not checked).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordChecks {
    pub municipality: Option<Municipality>,
    pub address: Option<Address>,
    pub status: Option<Status>,
    /// `Some(None)`: no period of stay on record.
    pub period_expiry: Option<Option<NaiveDate>>,
    pub card_number: Option<Change>,
    pub name: Option<Change>,
    pub my_number: Option<Change>,
}

impl Checks {
    /// Whether the expectation checks nothing at all.
    pub fn is_empty(&self) -> bool {
        *self == Checks::default()
    }
}

/// Command-line overrides of what the file says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Replaces the file's `seed:`.
    pub seed: Option<u64>,
    /// Replaces the policy's regime.
    pub regime: Option<Regime>,
}

impl Scenario {
    /// The same scenario under another regime (`--regime`). The profiles are recomputed: a
    /// card's kind and validity depend on the law in force when it was issued.
    pub fn with_regime(mut self, regime: Regime) -> Scenario {
        self.policy.regime = regime;
        self.rebuild_profiles();
        self
    }

    /// The same scenario with another seed (`--seed`). The profiles are recomputed: My Numbers
    /// and card numbers derive from the seed.
    pub fn with_seed(mut self, seed: u64) -> Scenario {
        self.seed = seed;
        self.rebuild_profiles();
        self
    }

    /// Applies command-line overrides.
    pub fn with_overrides(self, overrides: Overrides) -> Scenario {
        let s = match overrides.seed {
            Some(seed) => self.with_seed(seed),
            None => self,
        };
        match overrides.regime {
            Some(regime) => s.with_regime(regime),
            None => s,
        }
    }

    /// The resident with scenario id `key`.
    pub fn resident(&self, key: &str) -> Option<&ResidentSpec> {
        self.residents.iter().find(|r| r.key == key)
    }

    fn rebuild_profiles(&mut self) {
        for (spec, input) in self.residents.iter_mut().zip(&self.inputs) {
            spec.profile = resolve::profile(input, self.seed, spec.id, &self.policy);
        }
    }
}

/// Reads and validates the scenario file at `path`.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    load_with(path, Overrides::default())
}

/// Reads and validates the scenario file at `path`, with overrides.
pub fn load_with(path: &Path, overrides: Overrides) -> Result<Scenario, ScenarioError> {
    let text = input::read_text(path, input::MAX_SCENARIO_BYTES, problem::FileKind::Scenario)?;
    parse_with(&path.display().to_string(), &text, overrides)
}

/// Parses and validates scenario text; `source_label` names it in errors and in
/// [`Scenario::source`].
pub fn parse(source_label: &str, text: &str) -> Result<Scenario, ScenarioError> {
    parse_with(source_label, text, Overrides::default())
}

/// Parses and validates scenario text, with overrides.
pub fn parse_with(
    source_label: &str,
    text: &str,
    overrides: Overrides,
) -> Result<Scenario, ScenarioError> {
    let hash = model::hashing::sha256_hex(text.as_bytes());
    resolve::scenario(source_label, text, hash, overrides)
}

/// The JSON Schema (draft 2020-12) of the scenario file format, for editors and `zairyu schema`.
pub fn json_schema() -> serde_json::Value {
    schemars::schema_for!(format::ScenarioFile).to_value()
}

/// The scenario files named by `paths`: a file is taken as given (whatever its extension); a
/// directory contributes every `*.yaml` / `*.yml` file below it, sorted by path. Symbolic links
/// to directories are not followed, so a link cycle cannot loop.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ScenarioError> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| ScenarioError::Io {
            file: path.display().to_string(),
            source,
        })?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            found.sort();
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// Policy files (`*.policy.yaml`, read by `zairyu compare`) live beside scenarios but are not
/// scenarios: directory searches skip them.
pub fn is_policy_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".policy.yaml") || n.ends_with(".policy.yml"))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ScenarioError> {
    let io = |source| ScenarioError::Io {
        file: dir.display().to_string(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        let kind = entry.file_type().map_err(io)?;
        if kind.is_dir() {
            walk(&path, out)?;
        } else if (kind.is_file() || (kind.is_symlink() && path.is_file()))
            && path.extension().is_some_and(|e| e == "yaml" || e == "yml")
            && !is_policy_file(&path)
        {
            out.push(path);
        }
    }
    Ok(())
}
