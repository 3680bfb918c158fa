//! `zairyu why (SCENARIO|DB) --resident R --field PATH [--on D]`: the chain behind one value
//! of a resident's card record — the event that set it, the rule function of `model` that
//! computed it with its rulebook section and grade, the rule's inputs, and the events that led
//! there — in English or Japanese, as text or JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::anyhow;
use chrono::NaiveDate;
use clap::Args;
use projection::why::{Field, why as explain_value};
use report::labels::{self, Problem};

use crate::commands::{resident_index, within_the_run};
use crate::diag::Failure;
use crate::explain::run_of;
use crate::global::TextOrJson;

#[derive(Args)]
pub struct WhyArgs {
    /// A scenario file (YAML; run in memory) or a stored log (SQLite, written by `zairyu run`;
    /// read, never changed).
    input: PathBuf,
    /// The resident (the scenario id).
    #[arg(long)]
    resident: String,
    /// The value of the card record: residence_card.valid_through, tokutei_card.valid_through,
    /// my_number_card.valid_through, tokutei_functions.valid_through, bureau.period_expiry,
    /// city_hall.period_expiry or my_number.usable.
    #[arg(long, value_name = "PATH")]
    field: String,
    /// The record at the end of this day (YYYY-MM-DD). Default: the run's last day.
    #[arg(long, value_name = "DATE")]
    on: Option<NaiveDate>,
    /// Output: text for people, or one JSON document (the value, the event that set it, the
    /// rule, its inputs and the chain).
    #[arg(long, value_enum, default_value = "text")]
    format: TextOrJson,
}

/// `zairyu why`
pub fn why(args: WhyArgs, lang: report::Lang) -> Result<ExitCode, Failure> {
    let field = Field::parse(&args.field).ok_or_else(|| {
        let paths: Vec<&str> = Field::PATHS.iter().map(|(p, _)| *p).collect();
        Failure::Input(anyhow!(labels::problem(
            Problem::NoSuchField {
                field: &args.field,
                paths: &paths.join(", ")
            },
            lang
        )))
    })?;
    let run = run_of(&args.input, lang)?;
    let keys: Vec<String> = run.residents.iter().map(|p| p.key.clone()).collect();
    let index = resident_index(&keys, &args.resident, lang)?;
    let on = args.on.unwrap_or(run.until);
    within_the_run("--on", Some(on), run.start, run.until, lang)?;
    let events: Vec<_> = run
        .log
        .into_iter()
        .filter(|e| e.event.resident().index() == index)
        .collect();
    let w = explain_value(&events, field, on, run.start, &run.policy);
    match args.format {
        TextOrJson::Text => out!("{}", report::why::text(&w, &args.resident, lang)),
        TextOrJson::Json => out!("{}", report::why::json(&w, &args.resident, lang)),
    }
    Ok(ExitCode::SUCCESS)
}
