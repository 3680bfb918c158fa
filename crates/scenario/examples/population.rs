//! Generates a synthetic population and prints its size and step mix, to eyeball the generator
//! and time it: `time cargo run --release -p scenario --example population -- 1000000 1`.

use std::collections::BTreeMap;

use model::command::Command;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let start = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).expect("valid date");
    let p = scenario::population::generate(n, seed, start);
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &p.steps {
        let name = match &s.command {
            Command::FileExtension { tokutei: true, .. } => "FileExtension (tokutei)",
            Command::FileExtension { .. } => "FileExtension",
            Command::DecideExtension { .. } => "DecideExtension",
            Command::NotifyMoveWithinMunicipality { .. } => "NotifyMoveWithinMunicipality",
            Command::NotifyMoveOut { .. } => "NotifyMoveOut",
            Command::NotifyMoveIn { .. } => "NotifyMoveIn",
            Command::RequestMyNumberValidityChange { .. } => "RequestMyNumberValidityChange",
            _ => "other",
        };
        *kinds.entry(name).or_default() += 1;
    }
    println!(
        "{} residents, {} steps through {}",
        p.residents.len(),
        p.steps.len(),
        p.until
    );
    for (k, c) in kinds {
        println!("  {k:32} {c}");
    }
}
