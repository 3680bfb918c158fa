use model::event::Event;
use model::policy::{Policy, Regime};
use scenario::population::{Population, PopulationSpec};
use simulator::{RunInput, RunOptions, run_blocking};
use std::collections::BTreeMap;
fn main() {
    let regime = if std::env::args().nth(1).as_deref() == Some("legacy") {
        Regime::Legacy
    } else {
        Regime::Integrated
    };
    let pop = Population::generate(PopulationSpec::new(20000, 1));
    let out = run_blocking(
        RunInput {
            residents: pop.profiles(),
            steps: pop.steps(),
            start: pop.spec.start,
            until: pop.until,
            policy: Policy::with_regime(regime),
            seed: 1,
        },
        RunOptions::default(),
    )
    .unwrap();
    let mut c: BTreeMap<String, u64> = BTreeMap::new();
    for e in &out.log {
        match &e.event {
            Event::ProcedureRefused {
                procedure, rule, ..
            } => {
                *c.entry(format!("refused {procedure:?} {rule:?}"))
                    .or_default() += 1
            }
            Event::TokuteiApplicationRefused { rule, .. } => {
                *c.entry(format!("tokutei refused {rule:?}")).or_default() += 1
            }
            Event::DeadlineMissed { duty, .. } => {
                *c.entry(format!("missed {duty:?}")).or_default() += 1
            }
            Event::MyNumberCardExpired { .. } => *c.entry("mn expired".into()).or_default() += 1,
            Event::MyNumberCardInvalidated { reason, .. } => {
                *c.entry(format!("mn invalidated {reason:?}")).or_default() += 1
            }
            e => *c.entry(format!("ev {}", e.type_name())).or_default() += 1,
        }
    }
    for (k, v) in c {
        println!("{v:>8}  {k}");
    }
    let mut out_days: Vec<u64> = out
        .projections
        .records
        .iter()
        .map(|r| r.days.outage_days)
        .filter(|d| *d > 0)
        .collect();
    out_days.sort();
    println!(
        "outage residents {} median {:?}",
        out_days.len(),
        out_days.get(out_days.len() / 2)
    );
}
