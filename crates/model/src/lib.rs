//! The shared language of zairyu: identifiers, dates, statuses, cards, commands, events, the
//! event envelope, the policy, and every domain rule as a pure function.
//!
//! Architecture invariant: this crate does no I/O, starts no tasks, reads no clock and draws no
//! random numbers. Generators (My Numbers, card numbers) take a seed. Every domain rule lives in
//! exactly one function here, with its source (a section of docs/domain.md, `§5.4`, and its grade) in
//! the doc comment, so that the services only decide *which* rule applies.

pub mod calendar;
pub mod capacity;
pub mod card;
pub mod card_number;
pub mod command;
pub mod date_text;
pub mod effective;
pub mod envelope;
pub mod event;
pub mod fast_text;
pub mod faults;
pub mod hashing;
pub mod ids;
pub mod machine;
pub mod msgpack;
pub mod municipality;
pub mod mynumber;
pub mod policy;
pub mod procedure;
pub mod profile;
pub mod provenance;
pub mod rules;
pub mod section;
pub mod service;
pub mod shard;
pub mod status;
pub mod time;
pub mod validity;

pub use chrono::NaiveDate;
