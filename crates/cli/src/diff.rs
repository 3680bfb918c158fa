//! `zairyu diff A.db B.db`: where two stored event logs first differ, with the events around
//! it, then the differences of every resident by event kind. Exit 0 when the logs record the
//! same facts in the same order, 1 when they differ, 2 on bad input — like `diff`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::anyhow;
use clap::{Args, ValueEnum};
use model::envelope::Envelope;
use projection::log_diff::diff_logs;
use report::labels::{self, Problem};
use report::log_diff::Side;
use simulator::replay::replay;

use crate::commands::{cannot_read_log, open_stored_run};
use crate::diag::Failure;

#[derive(Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    /// Text for people.
    Text,
    /// One JSON document: both logs, the first difference and the differences by resident.
    Json,
}

#[derive(Args)]
pub struct DiffArgs {
    /// The first log (SQLite, written by `zairyu run`); read, never changed.
    a: PathBuf,
    /// The second log.
    b: PathBuf,
    /// Compare only this resident's events (the scenario id).
    #[arg(long)]
    resident: Option<String>,
    /// How many events to show before and after the first difference.
    #[arg(long, default_value_t = 3)]
    context: usize,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: DiffFormat,
}

/// One stored log, read whole: its side of the report and its events.
fn read(path: &Path, lang: report::Lang) -> Result<(Side, Vec<Envelope>), Failure> {
    let (store, meta, policy) = open_stored_run(path, lang)?;
    let switch = policy.switches.validity.special_period_my_number;
    let r = replay(&store, meta.start, meta.until, None, switch, true)
        .map_err(|e| cannot_read_log(path, e, lang))?;
    let side = Side {
        path: path.display().to_string(),
        label: crate::commands::stored_label(&meta).get(lang).to_owned(),
        names: meta.resident_names,
        events: r.events,
    };
    Ok((side, r.log))
}

/// Keeps only the events of the resident called `key` in this run, if it has one.
fn only(side: &Side, log: Vec<Envelope>, key: &str) -> (bool, Vec<Envelope>) {
    match side.names.iter().position(|n| n == key) {
        Some(i) => (
            true,
            log.into_iter()
                .filter(|e| e.event.resident().index() == i)
                .collect(),
        ),
        None => (false, Vec::new()),
    }
}

/// `zairyu diff`, its labels and sentences in `lang` (the global `--lang`).
pub fn diff(args: DiffArgs, lang: report::Lang) -> Result<ExitCode, Failure> {
    let (a, mut log_a) = read(&args.a, lang)?;
    let (b, mut log_b) = read(&args.b, lang)?;
    if let Some(key) = &args.resident {
        let (in_a, la) = only(&a, log_a, key);
        let (in_b, lb) = only(&b, log_b, key);
        if !in_a && !in_b {
            return Err(Failure::Input(anyhow!(labels::problem(
                Problem::NoResidentInEither {
                    key,
                    a: &a.names.join(", "),
                    b: &b.names.join(", "),
                },
                lang
            ))));
        }
        (log_a, log_b) = (la, lb);
    }
    let d = diff_logs(&log_a, &log_b, args.context);
    let resident = args.resident.as_deref();
    match args.format {
        DiffFormat::Text => out!("{}", report::log_diff::text(&d, &a, &b, resident, lang)),
        DiffFormat::Json => out!("{}", report::log_diff::json(&d, &a, &b, resident, lang)),
    }
    Ok(if d.identical() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
