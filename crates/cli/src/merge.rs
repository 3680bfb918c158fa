//! `zairyu merge`: adds the JSON results of `zairyu compare --shard k/n` or `zairyu sweep
//! --shard k/n` (one per shard, from any machines or array tasks) into the result of the whole
//! population, and prints it like `compare` or `sweep` does. The measures are counts that add
//! over residents, so the merge is exact: its output is byte for byte the unsharded run's.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::anyhow;
use clap::{Args, ValueEnum};
use projection::sweep::{self, Sweep};
use projection::what_if::{self, Comparison};
use report::Lang;
use report::labels::{CommandProblem, command_problem};
use serde::de::DeserializeOwned;

use crate::compare::{BandArg, Format, emit_comparison};
use crate::diag::{Failure, refused, under};
use crate::sweep::{SweepFormat, emit_sweep};

/// How the merged result is printed or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MergeFormat {
    /// A table for the terminal.
    Table,
    /// Tidy CSV (with --out X.csv, the manifest beside it as X.manifest.json).
    Csv,
    /// A sweep's tidy table as Parquet (needs --out).
    Parquet,
    /// JSON, as `compare`/`sweep --format json` write it.
    Json,
    /// The HTML page with charts (a sweep's with sliders).
    Html,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard results (JSON written by `compare --shard k/n` or `sweep --shard k/n`), every
    /// k once.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: MergeFormat,
    /// Write the output to FILE instead of standard output (a CSV's or Parquet file's manifest
    /// beside it, as with `compare` and `sweep`).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The band over seeds a comparison's table shows beside each median.
    #[arg(long, value_enum, default_value = "p10-p90")]
    pub band: BandArg,
}

/// The largest shard result read: 64 MiB (a shard's JSON holds its measures per seed, a few
/// hundred kilobytes at national scale; a sweep's, that per grid point).
const MAX_SHARD_BYTES: u64 = 64 << 20;

/// A shard result, read and checked to be of the format `want`.
fn read<T: DeserializeOwned>(
    f: &std::path::Path,
    value: serde_json::Value,
    want: &str,
    lang: Lang,
) -> Result<T, Failure> {
    serde_json::from_value(value).map_err(|e| {
        Failure::Input(anyhow!(e).context(command_problem(
            CommandProblem::NotAShardResult {
                path: f,
                format: want,
            },
            lang,
        )))
    })
}

pub fn merge(a: MergeArgs, lang: Lang) -> Result<ExitCode, Failure> {
    let mut comparisons: Vec<Comparison> = Vec::new();
    let mut sweeps: Vec<Sweep> = Vec::new();
    for f in &a.files {
        // Read like every other input: a regular file, of bounded size, in UTF-8.
        let text = scenario::input::read_text(
            f,
            MAX_SHARD_BYTES,
            scenario::problem::FileKind::ShardResult,
        )?;
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            Failure::Input(
                anyhow!(e).context(command_problem(CommandProblem::NotJson { path: f }, lang)),
            )
        })?;
        let format = value["manifest"]["format"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if format == what_if::FORMAT {
            comparisons.push(read(f, value, what_if::FORMAT, lang)?);
        } else if format == sweep::FORMAT {
            sweeps.push(read(f, value, sweep::FORMAT, lang)?);
        } else {
            return Err(refused(
                CommandProblem::ShardFormat {
                    path: f,
                    found: &format,
                    reads: [what_if::FORMAT, sweep::FORMAT],
                },
                lang,
            ));
        }
    }
    if !comparisons.is_empty() && !sweeps.is_empty() {
        return Err(refused(CommandProblem::MixedShards, lang));
    }
    if sweeps.is_empty() {
        let format = match a.format {
            MergeFormat::Table => Format::Table,
            MergeFormat::Csv => Format::Csv,
            MergeFormat::Json => Format::Json,
            MergeFormat::Html => Format::Html,
            MergeFormat::Parquet => {
                return Err(refused(CommandProblem::ParquetIsForSweeps, lang));
            }
        };
        let merged = simulator::what_if::merge(comparisons)
            .map_err(|e| Failure::Input(under(e, CommandProblem::CannotMerge, lang)))?;
        emit_comparison(&merged, format, &[], lang, a.band, a.out.as_deref())?;
    } else {
        let format = match a.format {
            MergeFormat::Table => SweepFormat::Table,
            MergeFormat::Csv => SweepFormat::Csv,
            MergeFormat::Parquet => SweepFormat::Parquet,
            MergeFormat::Json => SweepFormat::Json,
            MergeFormat::Html => SweepFormat::Html,
        };
        let merged = simulator::sweep::merge(sweeps)
            .map_err(|e| Failure::Input(under(e, CommandProblem::CannotMerge, lang)))?;
        emit_sweep(&merged, format, lang, a.out.as_deref())?;
    }
    Ok(ExitCode::SUCCESS)
}
