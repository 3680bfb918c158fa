//! The command line's own reference, generated from the same clap definitions that parse it:
//! shell completion scripts (`clap_complete`) and manual pages (`clap_mangen`), so that neither
//! can drift from the options the binary really takes.

use std::path::Path;
use std::process::ExitCode;

use anyhow::anyhow;
use clap_complete::Shell;
use report::Lang;
use report::labels::{self, CommandProblem, Problem};

use crate::diag::Failure;

/// `zairyu completions SHELL`
pub fn completions(shell: Shell, cmd: &mut clap::Command) -> Result<ExitCode, Failure> {
    let mut script = Vec::new();
    clap_complete::generate(shell, cmd, "zairyu", &mut script);
    out!("{}", String::from_utf8_lossy(&script));
    Ok(ExitCode::SUCCESS)
}

/// The roff page of `cmd`.
fn page(cmd: clap::Command, lang: Lang) -> Result<Vec<u8>, Failure> {
    let mut roff = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut roff).map_err(|e| {
        Failure::Run(anyhow!(e).context(labels::command_problem(
            CommandProblem::ManPageNotRendered,
            lang,
        )))
    })?;
    Ok(roff)
}

/// `zairyu man [--dir DIR]`: the main page on stdout, or every page (`zairyu.1`,
/// `zairyu-run.1`, …) written into `dir`.
pub fn man(cmd: clap::Command, dir: Option<&Path>, lang: Lang) -> Result<ExitCode, Failure> {
    let Some(dir) = dir else {
        out!("{}", String::from_utf8_lossy(&page(cmd, lang)?));
        return Ok(ExitCode::SUCCESS);
    };
    std::fs::create_dir_all(dir).map_err(|e| {
        Failure::Input(
            anyhow!(e).context(labels::problem(Problem::CannotCreate { path: dir }, lang)),
        )
    })?;
    // Subcommands' pages are named after their full command (`zairyu-run`), as man expects.
    let cmd = cmd.version(crate::VERSION);
    let mut pages = vec![("zairyu".to_owned(), cmd.clone())];
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("zairyu-{}", sub.get_name());
        pages.push((name.clone(), sub.clone().name(name).version(crate::VERSION)));
    }
    for (name, page_cmd) in pages {
        let path = dir.join(format!("{name}.1"));
        std::fs::write(&path, page(page_cmd, lang)?).map_err(|e| {
            Failure::Run(
                anyhow!(e).context(labels::problem(Problem::CannotWrite { path: &path }, lang)),
            )
        })?;
        errln!("{}", labels::wrote(&path, lang));
    }
    Ok(ExitCode::SUCCESS)
}
