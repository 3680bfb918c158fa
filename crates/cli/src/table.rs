//! `zairyu table`: the visits each procedure costs under each regime, as a terminal table, a
//! Markdown table (for docs/domain.md) or JSON.

use std::process::ExitCode;

use clap::ValueEnum;
use report::Lang;
use serde_json::{Value, json};

use crate::commands::print_json;
use crate::diag::Failure;

/// How `zairyu table` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// For the terminal.
    Text,
    /// A Markdown table (for docs/domain.md).
    Markdown,
    /// One JSON document: per procedure, the visits under each regime.
    Json,
}

/// The width `zairyu table` keeps within unless `--wide`.
const TABLE_WIDTH: usize = 100;

/// One regime's outcome of a procedure as JSON: the visits per office (machine names), the
/// follow-up procedures, and whether the goal was met.
fn outcome_json(o: &projection::office_table::Outcome) -> Value {
    json!({
        "visits": o.visits.iter()
            .map(|(office, n)| (office.as_str().to_owned(), json!(n)))
            .collect::<serde_json::Map<_, _>>(),
        "follow_ups": o.follow_ups,
        "goal_met": o.goal_met,
    })
}

/// `zairyu table`
pub fn table(format: TableFormat, wide: bool, lang: Lang) -> Result<ExitCode, Failure> {
    let rows = simulator::table::office_table().map_err(|e| Failure::Run(e.into()))?;
    match format {
        TableFormat::Text => out!(
            "{}",
            report::visits_table::text(&rows, lang, (!wide).then_some(TABLE_WIDTH))
        ),
        TableFormat::Markdown => out!("{}", report::visits_table::markdown(&rows, lang)),
        TableFormat::Json => print_json(&json!({
            "procedures": rows.iter().map(|r| json!({
                "procedure": r.procedure,
                "special_permanent_resident": r.spr,
                "label": report::visits_table::row_name(r, lang),
                "section": report::visits_table::row_section(r),
                "legacy": outcome_json(&r.legacy),
                "integrated": outcome_json(&r.integrated),
            })).collect::<Vec<_>>(),
        })),
    }
    Ok(ExitCode::SUCCESS)
}
