//! The simulator: residents in shards, each with its own office state machines behind their
//! own inboxes, stepped by its own scheduler with a virtual clock on its own thread; the
//! delivery of events between offices with the policy's latencies; the merge of the shards into
//! one log; the fold of every event into the projections (the
//! `projection` crate); replay; scenario checks; and the runners of the what-if comparison and
//! the office-visit table.
//!
//! The scheduler is the only clock. Services never call each other and never see wall-clock
//! time; everything one office tells another is an event, given its place in the log before it
//! is delivered (the log-writer thread stores it behind the simulation, in batches). Same inputs +
//! policy + seed ⇒ the same log, byte for byte, whatever the thread count (see
//! `tests/determinism.rs` and docs/ARCHITECTURE.md, Invariants).

pub mod actor;
pub mod agent;
pub mod analysis;
pub mod check;
pub mod delivery;
pub mod log;
pub mod population_run;
mod queue;
pub mod replay;
pub mod scenario_run;
pub mod scheduler;
mod shard;
pub mod simtest;
pub mod sweep;
pub mod table;
pub mod upcast;
pub mod what_if;
pub mod writer;

pub use agent::StepInput;
pub use delivery::{FaultTally, LinkTally};
pub use scenario_run::{
    resume_scenario_stored, run_scenario, run_scenario_stored, scenario_run_meta,
};
pub use scheduler::{
    Progress, Residents, RunInput, RunOptions, RunOutput, Scripted, SimError, default_threads, run,
};
