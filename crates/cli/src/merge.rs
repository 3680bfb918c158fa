//! `zairyu merge`: adds the JSON results of `zairyu compare --shard k/n` (one per shard, from
//! any machines) into the result of the whole population, and prints it like `compare` does.
//! The measures are counts that add over residents, so the merge is exact.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use clap::Args;
use projection::what_if::{self, Comparison};
use report::Lang;
use simulator::what_if::merge as merge_shards;

use crate::compare::{Format, render};
use crate::diag::Failure;
use crate::out::emit;

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard results (JSON written by `zairyu compare --shard k/n`), every k once.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write the output to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// The largest shard result read: 64 MiB (a shard's JSON holds its measures per seed, a few
/// hundred kilobytes at national scale).
const MAX_SHARD_BYTES: u64 = 64 << 20;

pub fn merge(a: MergeArgs, lang: Lang) -> Result<ExitCode, Failure> {
    let mut parts: Vec<Comparison> = Vec::with_capacity(a.files.len());
    for f in &a.files {
        // Read like every other input: a regular file, of bounded size, in UTF-8.
        let text = scenario::input::read_text(f, MAX_SHARD_BYTES, "a shard result")?;
        let part: Comparison = serde_json::from_str(&text)
            .with_context(|| {
                format!(
                    "{} is not a `zairyu compare --shard` result ({})",
                    f.display(),
                    what_if::FORMAT
                )
            })
            .map_err(Failure::Input)?;
        if part.manifest.format != what_if::FORMAT {
            return Err(Failure::Input(anyhow!(
                "{}: format {} (this zairyu reads {})",
                f.display(),
                part.manifest.format,
                what_if::FORMAT
            )));
        }
        parts.push(part);
    }
    let merged = merge_shards(parts).map_err(|e| Failure::Input(e.into()))?;
    emit(
        &render(&merged, a.format, &[], lang),
        a.out.as_deref(),
        lang,
    )?;
    Ok(ExitCode::SUCCESS)
}
