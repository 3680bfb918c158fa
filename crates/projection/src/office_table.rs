//! The office-visit table as plain data: for every procedure, the offices a resident had to
//! visit under each regime, the follow-ups the resident had to add, and whether the goal was met.
//! `simulator::table` makes it by running small cases; `report` prints it.

use model::procedure::Procedure;
use model::service::Office;

/// What one regime's run of a case showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Counter visits per office (offices with at least one).
    pub visits: Vec<(Office, u32)>,
    /// Follow-up procedures the resident had to add for the goal.
    pub follow_ups: Vec<Procedure>,
    /// Whether the goal was met at the end.
    pub goal_met: bool,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The procedure; the rulebook section it follows is `procedure.section()`.
    pub procedure: Procedure,
    /// The row is a special permanent resident's procedure, filed at the municipality (§5.8):
    /// the item change and the reissues, which other residents file at the bureau.
    pub spr: bool,
    pub legacy: Outcome,
    pub integrated: Outcome,
}
