//! The simulator: a deterministic scheduler with a virtual clock that drives the three office
//! state machines, each running as its own tokio task behind a bounded channel; the routing of
//! events between them with the policy's latencies; the projections (the card record and the
//! measures) computed from the log; replay; and scenario checks.
//!
//! Architecture invariant: the scheduler is the only clock. Services never call each other and
//! never see wall-clock time; everything one office tells another is an event that is stored
//! before it is delivered. Same inputs + policy + seed ⇒ the same log, byte for byte.

pub mod actor;
pub mod agent;
pub mod check;
pub mod hashing;
pub mod log;
pub mod measures;
pub mod projection;
pub mod replay;
pub mod scenario_run;
pub mod scheduler;
pub mod table;
pub mod what_if;

pub use agent::StepInput;
pub use projection::{CardRecord, Projections, Totals};
pub use scenario_run::run_scenario;
pub use scheduler::{Progress, RunInput, RunOptions, RunOutput, SimError, run, run_blocking};
