//! What a person reads: the transcript of a run (date, office, what happened, why), the summary
//! of measures, and the card record of a resident on a date; and, for teaching, the narrated
//! timeline (`explain`), Mermaid sequence diagrams (`mermaid`) and a self-contained HTML report
//! (`html`), all drawn from one structured reading of the log (`story`); the what-if
//! comparison (`compare`) and the office-visit table (`visits_table`); the difference between
//! two stored logs (`log_diff`); the chain behind a value of the card record (`why`).
//!
//! One vocabulary: every word comes from `labels` (English and Japanese), every event is said
//! by `describe(event, lang)`, and the phrases several outputs share are in `phrases`; the
//! rule an event follows is the model's `Event::section`, linked by `sections`.
//!
//! Architecture invariant: this crate renders; it decides nothing. Every sentence is derived from
//! an event or a projection, and every rule it names is the one the office recorded.

pub mod align;
pub mod charts;
pub mod compare;
pub mod describe;
pub mod explain;
pub mod html;
pub mod labels;
mod lanes;
pub mod log_diff;
pub mod mermaid;
pub mod phrases;
pub mod sections;
mod slug;
pub mod story;
pub mod sweep;
pub mod transcript;
pub mod visits_table;
pub mod why;

pub use labels::Lang;
pub use story::{Authored, Person, Run, Story, StoryError};
pub use transcript::{
    LinkFigures, card_record, card_records, faults_summary, legal_card_record, summary, transcript,
};
