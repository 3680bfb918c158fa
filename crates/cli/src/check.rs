//! `zairyu check`: runs every scenario file under the given paths and reports their expectations
//! as text, JSON, JUnit XML or GitHub annotations, so CI systems can show which line failed.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use model::policy::Regime;
use report::labels::{CommandProblem, command_problem, ui};
use scenario::Scenario;
use serde_json::json;
use simulator::check::{ExpectationOutcome, check_expectations};

use crate::commands::{check_json, load, passed_failed, print_json, print_outcomes};
use crate::diag::{Failure, refused};
use crate::global::{Global, paint};

/// How `zairyu check` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// A line per scenario, the failing checks under it (every check with -v), a total.
    Text,
    /// One JSON document: every scenario with every check.
    Json,
    /// JUnit XML: a test suite per scenario file, a test case per check.
    Junit,
    /// GitHub Actions workflow commands: an error annotation on each failing expectation's line.
    Github,
}

/// One scenario's checks.
struct Checked<'a> {
    scenario: &'a Scenario,
    outcomes: Vec<ExpectationOutcome>,
}

/// `zairyu check`
pub fn check(
    paths: &[PathBuf],
    seed: Option<u64>,
    regime: Option<Regime>,
    format: CheckFormat,
    g: &Global,
) -> Result<ExitCode, Failure> {
    let files = scenario::discover(paths)?;
    if files.is_empty() {
        return Err(refused(CommandProblem::NoScenarioFiles, g.lang()));
    }
    // Validate everything first: a malformed file is bad input, and nothing runs.
    let scenarios = files
        .iter()
        .map(|f| load(f, seed, regime))
        .collect::<Result<Vec<_>, _>>()?;
    let mut checked = Vec::with_capacity(scenarios.len());
    for s in &scenarios {
        let out = simulator::run_scenario(s, None, None).map_err(|e| Failure::Run(e.into()))?;
        let outcomes = check_expectations(s, &out.log);
        if format == CheckFormat::Text {
            print_checked_text(
                &Checked {
                    scenario: s,
                    outcomes: outcomes.clone(),
                },
                g,
            );
        }
        checked.push(Checked {
            scenario: s,
            outcomes,
        });
    }
    let results = || {
        checked
            .iter()
            .flat_map(|c| c.outcomes.iter().flat_map(|o| &o.results))
    };
    let failed = results().filter(|r| !r.passed()).count();
    let passed = results().count() - failed;
    let failing = checked
        .iter()
        .filter(|c| !c.outcomes.iter().all(ExpectationOutcome::passed))
        .count();
    match format {
        CheckFormat::Text => {
            outln!();
            let u = ui(g.lang());
            outln!(
                "{} {}{}{} {}",
                checked.len(),
                u.scenarios,
                u.colon,
                u.checks,
                passed_failed(passed, failed, g.lang())
            );
            if failing > 0 {
                outln!("{} {} {}", failing, u.scenarios, u.failed);
            }
        }
        CheckFormat::Json => print_json(&json!({
            "scenarios": checked.iter().map(|c| json!({
                "file": c.scenario.source,
                "name": c.scenario.name,
                "regime": c.scenario.policy.regime.as_str(),
                "passed": c.outcomes.iter().all(ExpectationOutcome::passed),
                "checks": c.outcomes.iter()
                    .flat_map(|o| o.results.iter().map(move |r| check_json(&c.scenario.source, o, r)))
                    .collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "passed": passed,
            "failed": failed,
        })),
        CheckFormat::Junit => out!("{}", junit(&checked, g.lang())?),
        CheckFormat::Github => {
            for c in &checked {
                for o in &c.outcomes {
                    for r in o.results.iter().filter(|r| !r.passed()) {
                        outln!(
                            "::error file={},line={},title=zairyu check::{}",
                            github_property(&c.scenario.source),
                            o.line,
                            github_data(&format!(
                                "{} on {}: {} expected {}, got {}",
                                o.resident, o.on, r.what, r.expected, r.actual
                            ))
                        );
                    }
                }
            }
            outln!(
                "{} scenarios: {passed} checks passed, {failed} failed",
                checked.len()
            );
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// A scenario's line and its failing checks (every check with `-v`).
fn print_checked_text(c: &Checked<'_>, g: &Global) {
    let s = c.scenario;
    let ok = c.outcomes.iter().all(ExpectationOutcome::passed);
    let n: usize = c.outcomes.iter().map(|o| o.results.len()).sum();
    let color = g.color_stdout();
    if ok && g.quiet {
        return;
    }
    let u = ui(g.lang());
    outln!(
        "{} {} {}{n} {}{}{}{}",
        paint(
            report::labels::check_mark(ok, g.lang()),
            if ok { 32 } else { 31 },
            color
        ),
        s.source,
        u.lp,
        u.checks,
        u.comma,
        report::labels::regime_short(s.policy.regime).get(g.lang()),
        u.rp
    );
    print_outcomes(&s.source, &c.outcomes, g.verbose > 0, color, g.lang());
}

/// A GitHub workflow command's message, escaped as the runner expects (`%`, CR, LF).
fn github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A GitHub workflow command's property value (`:` and `,` too).
fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The checks as a JUnit XML report: one test suite per scenario file, one test case per
/// check, named after the expectation's line, resident, day and what it checks.
fn junit(checked: &[Checked<'_>], lang: report::Lang) -> Result<String, Failure> {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut report = Report::new("zairyu check");
    for c in checked {
        let mut suite = TestSuite::new(c.scenario.source.as_str());
        for o in &c.outcomes {
            for r in &o.results {
                let name = format!("line {}: {} on {}: {}", o.line, o.resident, o.on, r.what);
                let status = if r.passed() {
                    TestCaseStatus::success()
                } else {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    s.set_message(format!("expected {}, got {}", r.expected, r.actual));
                    s.set_type("expectation");
                    s
                };
                let mut case = TestCase::new(name, status);
                case.set_classname(c.scenario.source.as_str());
                suite.add_test_case(case);
            }
        }
        report.add_test_suite(suite);
    }
    report.to_string().map_err(|e| {
        Failure::Run(
            anyhow::anyhow!(e).context(command_problem(CommandProblem::JunitNotWritten, lang)),
        )
    })
}
