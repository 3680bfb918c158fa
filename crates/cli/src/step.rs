//! `zairyu run SCENARIO --step`: an interactive run, driven by commands read from standard input
//! one a line (so a session can be piped and tested): move on by an event, a day or to a date,
//! look at a resident's record as each office sees it, add a step after now, and quit, which
//! saves the log of the run so far like any run's (docs/stepping.md).
//!
//! The run is computed from its inputs, not advanced in place: the scenario (with the steps
//! added so far) is run to its end, and the session shows a growing prefix of that log. A run's
//! events up to a moment depend only on the inputs before it (the scheduler is the only clock;
//! nothing reads ahead), so a step added after now changes only what comes after it — which the
//! session checks against what it has shown each time it adds one. Quitting stores the run of
//! the same inputs through the end of the current day, with its hashes, so `zairyu replay`
//! verifies it; its scenario hash is the hash of the scenario text with the added steps.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::anyhow;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use model::envelope::Envelope;
use model::policy::Regime;
use projection::Projections;
use report::Lang;
use report::labels::{
    CommandProblem, StepUsage, command_problem, step_added, step_at_end, step_help,
    step_in_the_past, step_no_resident, step_now, step_saved, step_unknown, step_usage,
};
use scenario::{Overrides, Scenario};
use simulator::check::names;

use crate::commands::CODE_VERSION;
use crate::diag::Failure;
use crate::global::Global;

/// What `zairyu run --step` was asked.
pub struct StepArgs<'a> {
    pub path: &'a Path,
    /// Where to save the log (default: `runs/<scenario>.<regime>.stepped.db`).
    pub db: Option<PathBuf>,
    pub force: bool,
    pub seed: Option<u64>,
    pub regime: Option<Regime>,
}

/// `zairyu run SCENARIO --step`
pub fn step(a: &StepArgs<'_>, g: &Global) -> Result<ExitCode, Failure> {
    let lang = g.lang();
    let overrides = Overrides {
        seed: a.seed,
        regime: a.regime,
    };
    let text = std::fs::read_to_string(a.path).map_err(|e| {
        Failure::Input(anyhow!(e).context(command_problem(
            CommandProblem::ScenarioUnreadable { path: a.path },
            lang,
        )))
    })?;
    let label = a.path.display().to_string();
    let parsed = scenario::parse_with(&label, &text, overrides)?;
    let db = a.db.clone().unwrap_or_else(|| {
        let stem = a
            .path
            .file_stem()
            .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("runs").join(format!(
            "{stem}.{}.stepped.db",
            parsed.policy.regime.as_str()
        ))
    });
    // The log is created now, so that a path already taken is refused before the session.
    let store = crate::run::create_log(&db, a.force, lang)?;
    let mut session = Session::new(label, text, overrides, lang)?;
    let stdin = std::io::stdin();
    let prompt = stdin.is_terminal();
    if prompt {
        outln!("{}", step_help(lang));
    }
    for line in stdin.lock().lines() {
        let line = line.map_err(|e| {
            Failure::Input(
                anyhow!(e).context(command_problem(CommandProblem::StdinUnreadable, lang)),
            )
        })?;
        match session.command(&line)? {
            Reply::Text(text) => outln!("{text}"),
            Reply::Quit => break,
        }
    }
    let (out, until) = session.save(store)?;
    let hash = out.log_hash.clone();
    let mut out = out;
    if let Some(store) = out.store.as_mut() {
        crate::run::write_analysis_tables(store, &db, &session.scenario_through(until), &[], lang)?;
    }
    outln!(
        "{}",
        step_saved(&db.display().to_string(), out.events, until, &hash, lang)
    );
    Ok(ExitCode::SUCCESS)
}

/// What a command gives back.
pub enum Reply {
    /// Text to show.
    Text(String),
    /// The session is over.
    Quit,
}

/// A stepping session: the scenario's text and the steps added to it, the run of them, and how
/// much of it has been shown.
pub struct Session {
    label: String,
    text: String,
    overrides: Overrides,
    lang: Lang,
    /// The steps added, each a YAML flow mapping as a scenario file writes a step.
    added: Vec<String>,
    scenario: Scenario,
    log: Vec<Envelope>,
    /// How many events of `log` have been shown.
    shown: usize,
    /// The moment the session stands at: every event shown happened at or before it.
    now: NaiveDateTime,
}

/// Where in a scenario's text a new step goes, and how it is written.
struct Insertion {
    /// The text with the step in.
    text: String,
    /// The step's line (1-based).
    line: usize,
}

/// The scenario `text` with one more step, `step` (a flow mapping), at the end of its `steps:`
/// list (the order in the file does not matter: steps are sorted by time).
fn insert_step(text: &str, step: &str) -> Insertion {
    let lines: Vec<&str> = text.lines().collect();
    let top_level =
        |l: &str| !l.is_empty() && !l.starts_with([' ', '\t', '#', '-']) && !l.starts_with("...");
    let Some(at) = lines
        .iter()
        .position(|l| l.starts_with("steps:") && top_level(l))
    else {
        let mut text = text.trim_end().to_owned();
        text.push_str("\nsteps:\n  - ");
        text.push_str(step);
        text.push('\n');
        let line = text.lines().count();
        return Insertion { text, line };
    };
    let rest = lines[at]["steps:".len()..].trim();
    let mut out: Vec<String> = lines[..at].iter().map(|l| (*l).to_owned()).collect();
    if rest.starts_with("[]") {
        out.push("steps:".to_owned());
        out.push(format!("  - {step}"));
        let line = out.len();
        out.extend(lines[at + 1..].iter().map(|l| (*l).to_owned()));
        return Insertion {
            text: out.join("\n") + "\n",
            line,
        };
    }
    // The indentation of the list's items, and the end of the list: the next top-level key.
    let indent = lines[at + 1..]
        .iter()
        .find(|l| l.trim_start().starts_with('-'))
        .map(|l| &l[..l.len() - l.trim_start().len()])
        .unwrap_or("  ");
    let end = lines[at + 1..]
        .iter()
        .position(|l| top_level(l))
        .map_or(lines.len(), |i| at + 1 + i);
    out.extend(lines[at..end].iter().map(|l| (*l).to_owned()));
    out.push(format!("{indent}- {step}"));
    let line = out.len();
    out.extend(lines[end..].iter().map(|l| (*l).to_owned()));
    Insertion {
        text: out.join("\n") + "\n",
        line,
    }
}

fn end_of(day: NaiveDate) -> NaiveDateTime {
    day.and_hms_opt(23, 59, 59).expect("23:59:59 is a time")
}

impl Session {
    /// A session at the start of the scenario in `text`, nothing shown yet.
    pub fn new(
        label: String,
        text: String,
        overrides: Overrides,
        lang: Lang,
    ) -> Result<Session, Failure> {
        let scenario = scenario::parse_with(&label, &text, overrides)?;
        let now = scenario
            .start
            .and_hms_opt(0, 0, 0)
            .expect("midnight is a time");
        let log = run(&scenario)?;
        Ok(Session {
            label,
            text,
            overrides,
            lang,
            added: Vec::new(),
            scenario,
            log,
            shown: 0,
            now,
        })
    }

    /// Carries out one command line.
    pub fn command(&mut self, line: &str) -> Result<Reply, Failure> {
        let line = line.trim();
        let (word, rest) = line
            .split_once(char::is_whitespace)
            .map_or((line, ""), |(w, r)| (w, r.trim()));
        let lang = self.lang;
        let text = match word {
            "" => return Ok(Reply::Text(String::new())),
            "help" | "h" | "?" => step_help(lang).to_owned(),
            "quit" | "q" | "exit" => return Ok(Reply::Quit),
            "next" | "n" => match if rest.is_empty() {
                Some(1)
            } else {
                rest.parse::<usize>().ok().filter(|&n| n > 0)
            } {
                Some(n) => {
                    let to = (self.shown + n).min(self.log.len());
                    let at = self.log.get(to.wrapping_sub(1)).map(|e| e.occurred_at);
                    self.move_to(to, at.filter(|_| to > self.shown).unwrap_or(self.now))
                }
                None => step_usage(StepUsage::Next, lang),
            },
            "day" | "d" => {
                let day = if self.now == end_of(self.now.date()) {
                    self.now.date() + TimeDelta::days(1)
                } else {
                    self.now.date()
                };
                self.move_until(end_of(day.min(self.scenario.until)))
            }
            "until" | "to" | "u" => match NaiveDate::parse_from_str(rest, "%Y-%m-%d") {
                Ok(day) if day >= self.now.date() => {
                    self.move_until(end_of(day.min(self.scenario.until)))
                }
                _ => step_usage(
                    StepUsage::Until {
                        from: self.now.date(),
                        to: self.scenario.until,
                    },
                    lang,
                ),
            },
            "end" => self.move_until(end_of(self.scenario.until)),
            "show" | "s" => self.show(rest),
            "add" | "a" => self.add(rest)?,
            other => step_unknown(other, lang),
        };
        Ok(Reply::Text(text))
    }

    /// Shows the events up to `to` (an index of the log) and stands at `now`.
    fn move_to(&mut self, to: usize, now: NaiveDateTime) -> String {
        let names = names(&self.scenario);
        let mut out: Vec<String> = self.log[self.shown..to]
            .iter()
            .map(|e| {
                let r = e.event.resident();
                let who = names
                    .get(r.index())
                    .cloned()
                    .unwrap_or_else(|| r.to_string());
                report::transcript::event_line(e, &who, None, self.lang)
            })
            .collect();
        self.shown = to;
        self.now = now.max(self.now);
        if self.shown == self.log.len() && self.now.date() >= self.scenario.until {
            out.push(step_at_end(self.scenario.until, self.lang));
        }
        out.push(step_now(self.now, self.shown, self.log.len(), self.lang));
        out.join("\n")
    }

    /// Shows every event up to `until`.
    fn move_until(&mut self, until: NaiveDateTime) -> String {
        let to = self.shown
            + self.log[self.shown..]
                .iter()
                .take_while(|e| e.occurred_at <= until)
                .count();
        self.move_to(to, until)
    }

    /// The card record of `who` (every resident when empty) as each office sees it now.
    fn show(&self, who: &str) -> String {
        let names = names(&self.scenario);
        let selected: Vec<usize> = if who.is_empty() {
            (0..names.len()).collect()
        } else {
            match names.iter().position(|n| n == who) {
                Some(i) => vec![i],
                None => return step_no_resident(who, &names.join(", "), self.lang),
            }
        };
        let switch = self
            .scenario
            .policy
            .switches
            .validity
            .special_period_my_number;
        let mut projections = Projections::new(self.scenario.start, switch, 0);
        for e in &self.log[..self.shown] {
            projections.apply(e);
        }
        let day = self.now.date();
        projections.finish(day);
        selected
            .into_iter()
            .filter_map(|i| projections.records.get(i).map(|r| (i, r)))
            .map(|(i, rec)| report::card_record(rec, &names[i], day, switch, self.lang))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Adds a step (`RESIDENT KIND [FIELDS]`) after now and runs the scenario again with it.
    fn add(&mut self, rest: &str) -> Result<String, Failure> {
        let lang = self.lang;
        let mut words = rest.splitn(3, char::is_whitespace);
        let (Some(resident), Some(kind)) = (words.next(), words.next()) else {
            return Ok(step_usage(StepUsage::Add, lang));
        };
        let fields = words.next().unwrap_or("").trim();
        let given = |key: &str| {
            fields
                .split(',')
                .any(|f| f.split_once(':').is_some_and(|(k, _)| k.trim() == key))
        };
        // Now, as a step's date and time: today if the day is not over, at the office's opening
        // or a minute after now, whichever is later; otherwise the next day.
        let mut defaults = Vec::new();
        if !given("on") {
            let next = self.now + TimeDelta::minutes(1);
            let (day, at) = if self.now == end_of(self.now.date()) {
                (self.now.date() + TimeDelta::days(1), None)
            } else if next > model::time::opening_time(self.now.date()) && !given("at") {
                (self.now.date(), Some(next.format("%H:%M").to_string()))
            } else {
                (self.now.date(), None)
            };
            defaults.push(format!("on: {day}"));
            if let Some(at) = at {
                defaults.push(format!("at: \"{at}\""));
            }
        }
        let mut parts = defaults;
        parts.push(format!("resident: {resident}"));
        parts.push(format!("do: {kind}"));
        if !fields.is_empty() {
            parts.push(fields.to_owned());
        }
        let step = format!("{{ {} }}", parts.join(", "));
        let mut added = self.added.clone();
        added.push(step.clone());
        let inserted = added
            .iter()
            .fold(None::<Insertion>, |text, step| {
                Some(insert_step(
                    text.as_ref().map_or(&self.text, |t| &t.text),
                    step,
                ))
            })
            .expect("one step at least");
        let scenario = match scenario::parse_with(&self.label, &inserted.text, self.overrides) {
            Ok(s) => s,
            Err(e) => {
                let message = match (&e, e.position()) {
                    (scenario::ScenarioError::Invalid { problem, .. }, Some((line, _)))
                        if line == inserted.line =>
                    {
                        format!("{step}: {}", crate::diag::scenario_problem(problem, lang))
                    }
                    _ => crate::diag::scenario_error(&e, lang),
                };
                return Ok(message);
            }
        };
        let at = scenario
            .steps
            .iter()
            .find(|s| s.line == inserted.line)
            .map(|s| s.at)
            .expect("the added step is one of the scenario's");
        if at <= self.now {
            return Ok(step_in_the_past(at, self.now, lang));
        }
        let log = run(&scenario)?;
        // What has been shown cannot change: a run's events up to a moment depend only on the
        // inputs before it.
        let kept = log.len() >= self.shown
            && projection::what_if::first_divergence(&self.log[..self.shown], &log[..self.shown])
                .is_none();
        if !kept {
            return Err(crate::diag::failed(CommandProblem::NotStepwise, lang));
        }
        self.added = added;
        self.scenario = scenario;
        self.log = log;
        Ok(step_added(at, self.log.len(), lang))
    }

    /// The scenario with the steps added, run through the end of `until`.
    fn scenario_through(&self, until: NaiveDate) -> Scenario {
        let mut s = self.scenario.clone();
        s.until = until;
        s
    }

    /// Stores the run of the session's inputs through the end of the current day in `store`.
    fn save(
        &self,
        store: event_store::EventStore,
    ) -> Result<(simulator::RunOutput, NaiveDate), Failure> {
        let until = self
            .now
            .date()
            .clamp(self.scenario.start, self.scenario.until);
        let s = self.scenario_through(until);
        let out = simulator::run_scenario_stored(&s, store, CODE_VERSION, None).map_err(|e| {
            Failure::Run(
                anyhow!(e).context(command_problem(CommandProblem::StepNotSaved, self.lang)),
            )
        })?;
        Ok((out, until))
    }
}

/// The whole log of `scenario`, in memory.
fn run(scenario: &Scenario) -> Result<Vec<Envelope>, Failure> {
    simulator::run_scenario(scenario, None, None)
        .map(|out| out.log)
        .map_err(|e| Failure::Run(e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_goes_at_the_end_of_the_steps_list_with_its_indentation() {
        let text = "name: x\nsteps:\n  - on: 2026-07-10\n    resident: mei\n    do: a\nexpect:\n  - on: 2026-07-11\n";
        let i = insert_step(text, "{ on: 2026-07-12, resident: mei, do: b }");
        assert_eq!(
            i.text,
            "name: x\nsteps:\n  - on: 2026-07-10\n    resident: mei\n    do: a\n  - { on: 2026-07-12, resident: mei, do: b }\nexpect:\n  - on: 2026-07-11\n"
        );
        assert_eq!(i.line, 6);
        let none = insert_step("name: x\n", "{ do: b }");
        assert_eq!(none.text, "name: x\nsteps:\n  - { do: b }\n");
        assert_eq!(none.line, 3);
        let empty = insert_step("name: x\nsteps: []\nexpect: []\n", "{ do: b }");
        assert_eq!(empty.text, "name: x\nsteps:\n  - { do: b }\nexpect: []\n");
        assert_eq!(empty.line, 3);
    }
}
