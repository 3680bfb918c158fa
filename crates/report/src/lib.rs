//! What a person reads: the transcript of a run (date, office, what happened, why), the summary
//! of measures, and the card record of a resident on a date.
//!
//! Architecture invariant: this crate renders; it decides nothing. Every sentence is derived from
//! an event or a projection, and every rule it names is the one the office recorded.

pub mod describe;
pub mod transcript;

pub use transcript::{card_record, card_records, summary, transcript};
