//! What a person reads: the transcript of a run (date, office, what happened, why), the summary
//! of measures, and the card record of a resident on a date; and, for teaching, the narrated
//! timeline (`explain`), Mermaid sequence diagrams (`mermaid`) and a self-contained HTML report
//! (`html`), in English or Japanese (`labels`), all drawn from one structured reading of the
//! log (`story`).
//!
//! Architecture invariant: this crate renders; it decides nothing. Every sentence is derived from
//! an event or a projection, and every rule it names is the one the office recorded.

pub mod compare;
pub mod describe;
pub mod explain;
pub mod html;
pub mod labels;
pub mod mermaid;
pub mod phrases;
pub mod sections;
pub mod story;
pub mod transcript;

pub use labels::Lang;
pub use story::{Person, Run, Story, StoryError};
pub use transcript::{card_record, card_records, summary, transcript};
pub mod visits_table;
