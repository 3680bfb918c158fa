//! `--help` in Japanese. The English help is clap's, from the doc comments of the argument
//! structs; under `--lang ja` the same tree of commands gets its words from the labels
//! (`report::labels::command_help_ja`, `arg_help_ja`, `value_name_ja`): the about of every
//! command, the help of every argument, the placeholders of their values, clap's own headings
//! ("Usage", "Options", "Arguments", "Commands") through a help template, and the help and
//! version flags, which clap words itself and are therefore replaced by flags of our own.
//! Defaults and choices, which clap shows in English brackets (`[default: text]`), are said
//! in the argument's Japanese help instead.
//!
//! A command or an argument without Japanese words keeps its English one; a test walks the
//! whole tree and requires every one to have them (`every_command_and_argument_has_japanese_help`).

use clap::{Arg, ArgAction, Command};
use report::Lang;
use report::labels;

/// The command tree with its help in `lang` (English: as clap derives it).
pub fn localized(cmd: Command, lang: Lang) -> Command {
    match lang {
        Lang::En => cmd,
        Lang::Ja => {
            let mut cmd = words(cmd, "");
            // Usage lines are rendered by clap once the tree is built (they hold the full
            // command name), then put back with Japanese placeholders.
            cmd.build();
            usages(cmd)
        }
    }
}

/// The path of a subcommand, `run` or `compare`, as the labels key it ("" for `zairyu`).
fn child(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path} {name}")
    }
}

/// `cmd` and its subcommands with Japanese words.
fn words(cmd: Command, path: &str) -> Command {
    let mut cmd = cmd;
    if let Some((about, long_about)) = labels::command_help_ja(path) {
        cmd = cmd.about(about).long_about(long_about);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let path = path.to_owned();
        cmd = cmd.mut_arg(id, |a| argument(a, &path));
    }
    // Every command has the version (`propagate_version`), so every one gets both flags.
    cmd = cmd
        .disable_help_flag(true)
        .disable_version_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(labels::help_flag_ja()),
        )
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(labels::version_flag_ja()),
        );
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        let sub = child(path, &name);
        cmd = cmd.mut_subcommand(name, |s| words(s, &sub));
    }
    let template = template(&cmd);
    cmd.help_template(template)
}

/// One argument with its Japanese help, placeholder, default and choices.
fn argument(a: Arg, path: &str) -> Arg {
    let id = a.get_id().to_string();
    let Some(help) = labels::arg_help_ja(path, &id) else {
        return a;
    };
    let mut help = help.to_owned();
    let choices: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_owned())
        .collect();
    let takes_value = a.get_num_args().is_none_or(|n| n.takes_values())
        && !matches!(
            a.get_action(),
            ArgAction::SetTrue | ArgAction::SetFalse | ArgAction::Count
        );
    if takes_value && !choices.is_empty() && !is_bool(&choices) {
        help.push_str(&labels::choices_ja(&choices));
    }
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if takes_value && !defaults.is_empty() {
        help.push_str(&labels::default_ja(&defaults.join(", ")));
    }
    let mut a = a.help(help).long_help(None::<&str>);
    if takes_value {
        a = a.hide_possible_values(true).hide_default_value(true);
        let names: Vec<String> = match a.get_value_names() {
            Some(names) => names.iter().map(|n| n.to_string()).collect(),
            None => vec![id.to_uppercase()],
        };
        let ja: Vec<&'static str> = names
            .iter()
            .filter_map(|n| labels::value_name_ja(n))
            .collect();
        if ja.len() == names.len() {
            a = a.value_names(ja);
        }
    }
    a
}

/// Whether the choices are only `true` and `false` (a flag's).
fn is_bool(choices: &[String]) -> bool {
    choices.iter().all(|c| c == "true" || c == "false")
}

/// The help template: clap's layout with Japanese headings, and only the sections the command
/// has.
fn template(cmd: &Command) -> String {
    let mut t = String::from("{before-help}{about-with-newline}\n");
    t.push_str(labels::usage_heading_ja());
    t.push_str(" {usage}\n");
    if cmd.get_subcommands().next().is_some() {
        t.push_str(&format!(
            "\n{}\n{{subcommands}}\n",
            labels::commands_heading_ja()
        ));
    }
    if cmd.get_positionals().next().is_some() {
        t.push_str(&format!(
            "\n{}\n{{positionals}}\n",
            labels::arguments_heading_ja()
        ));
    }
    t.push_str(&format!(
        "\n{}\n{{options}}{{after-help}}",
        labels::options_heading_ja()
    ));
    t
}

/// clap's `help` command, and the `help` inside it, in Japanese.
fn help_command(h: Command) -> Command {
    let mut h = h.about(labels::help_command_ja());
    if h.find_subcommand("help").is_some() {
        h = h.mut_subcommand("help", help_command);
    }
    let template = template(&h);
    h.help_template(template)
}

/// Every command with its usage line rendered by clap and its placeholders in Japanese, and
/// clap's `help` command (which exists only once the tree is built) in Japanese.
fn usages(cmd: Command) -> Command {
    let mut cmd = cmd;
    // The built `help` command holds a copy of every command (with its Japanese about) and a
    // `help` of its own.
    if cmd.find_subcommand("help").is_some() {
        cmd = cmd.mut_subcommand("help", help_command);
    }
    let usage = labels::usage_ja(&cmd.clone().render_usage().to_string());
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, usages);
    }
    cmd.override_usage(usage)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// Every command and argument of the tree, with its path: the ones a `--help` shows.
    fn walk(cmd: &Command, path: &str, out: &mut Vec<(String, Option<String>)>) {
        out.push((path.to_owned(), None));
        for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            let id = a.get_id().to_string();
            if id != "help" && id != "version" {
                out.push((path.to_owned(), Some(id)));
            }
        }
        for s in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(s, &child(path, s.get_name()), out);
        }
    }

    /// A command or argument added without Japanese words fails here, by name.
    #[test]
    fn every_command_and_argument_has_japanese_help() {
        let mut all = Vec::new();
        walk(&crate::Cli::command(), "", &mut all);
        assert!(all.len() > 100, "the tree was not walked: {}", all.len());
        let missing: Vec<String> = all
            .iter()
            .filter(|(path, id)| match id {
                None => labels::command_help_ja(path).is_none(),
                Some(id) => labels::arg_help_ja(path, id).is_none(),
            })
            .map(|(path, id)| format!("zairyu {path} {}", id.as_deref().unwrap_or("(about)")))
            .collect();
        assert!(
            missing.is_empty(),
            "no Japanese help (report::labels::help) for:\n{}",
            missing.join("\n")
        );
    }

    /// Under `--lang ja` the tree keeps every command and argument, and says them in Japanese:
    /// the about, each argument's help (with its choices and default), the headings and the
    /// usage line.
    #[test]
    fn the_japanese_tree_says_the_help_of_run_in_japanese() {
        let mut ja = localized(crate::Cli::command(), Lang::Ja);
        let run = ja.find_subcommand_mut("run").expect("run");
        let help = run.render_long_help().to_string();
        for word in [
            "使い方：",
            "オプション：",
            "引数：",
            "--population",
            "（既定：text）",
        ] {
            assert!(help.contains(word), "{word} not in:\n{help}");
        }
        assert!(!help.contains("Usage"), "{help}");
        assert!(!help.contains("[OPTIONS]"), "{help}");
        assert!(!help.contains("[default:"), "{help}");
        // English is clap's as derived.
        let mut en = localized(crate::Cli::command(), Lang::En);
        let help = en.render_help().to_string();
        assert!(help.contains("Usage:"), "{help}");
    }
}
