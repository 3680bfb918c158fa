//! What is derived from a run's log, as plain data: every resident's card record (cards held,
//! numbers, validity, My Number functions, certificates, each office's view) and the day
//! measures, folded event by event; the run-wide totals and the state hash; the named, additive
//! measures of a what-if comparison; the result types of the comparison and of the
//! office-visit table; the difference between two logs (`log_diff`); and the chain behind a
//! value of the card record (`why`).
//!
//! The fold is the same live (as the scheduler records events) and in replay (from the store),
//! so replay gives exactly what the live run gave. This crate runs nothing: no tasks, no store,
//! no services. That is why `report` can depend on it without depending on the simulator.
//!
//! Architecture invariant: the projections are bookkeeping. Whether a resident is lawfully
//! resident or can use My Number functions on a day is asked of `model`; every decision was made
//! by an office and is in the event.

pub mod flows;
mod fold;
pub mod log_diff;
pub mod measures;
pub mod office_table;
mod projections;
mod record;
mod record_json;
pub mod rows;
pub mod sweep;
mod sync;
pub mod what_if;
pub mod why;

pub use projections::{MonthWorkload, Projections, STATE_HASH_VERSION, Totals, Waited};
pub use record::{
    CardRecord, DayMeasures, Functions, HeldMyNumberCard, PendingApplication, UseState, View,
};
pub use sync::{Agreement, SyncMeasures};
