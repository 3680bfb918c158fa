//! The authoring commands: `zairyu validate` (parses scenario files and says what they hold,
//! running nothing) and `zairyu schema` (the JSON Schemas editors use to check them).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use report::Lang;
use serde_json::json;

use crate::commands::print_json;
use crate::diag::{Failure, refused};
use crate::global::TextOrJson;

/// `zairyu validate`
pub fn validate(paths: &[PathBuf], format: TextOrJson, lang: Lang) -> Result<ExitCode, Failure> {
    let files = scenario::discover(paths)?;
    if files.is_empty() {
        return Err(refused(
            report::labels::CommandProblem::NoScenarioFiles,
            lang,
        ));
    }
    let mut valid = Vec::with_capacity(files.len());
    for f in &files {
        let s = scenario::load(f)?;
        if format == TextOrJson::Text {
            outln!(
                "{}",
                report::labels::validated(
                    &s.source,
                    s.residents.len(),
                    s.steps.len(),
                    s.expectations.len(),
                    lang
                )
            );
        }
        valid.push(json!({
            "file": s.source,
            "name": s.name,
            "residents": s.residents.len(),
            "steps": s.steps.len(),
            "expectations": s.expectations.len(),
        }));
    }
    if format == TextOrJson::Json {
        print_json(&json!({ "valid": valid }));
    }
    Ok(ExitCode::SUCCESS)
}

/// Which file format `zairyu schema` describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaOf {
    /// Scenario files (schemas/scenario.schema.json).
    Scenario,
    /// Policy files for `zairyu compare` (schemas/policy.schema.json).
    Policy,
}

/// `zairyu schema`
pub fn schema(of: SchemaOf) -> Result<ExitCode, Failure> {
    print_json(&match of {
        SchemaOf::Scenario => scenario::json_schema(),
        SchemaOf::Policy => scenario::policy_file::json_schema(),
    });
    Ok(ExitCode::SUCCESS)
}
