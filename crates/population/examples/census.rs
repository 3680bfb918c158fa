//! Generates a synthetic population and prints its census (statuses, My Number card holders,
//! steps by kind), to eyeball the generator and time it:
//! `time cargo run --release -p population --example census -- 3956619 1`.

#![expect(clippy::print_stdout, reason = "an example reports on the terminal")]

use population::{Population, PopulationSpec};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let p = Population::generate(PopulationSpec::new(n, seed));
    println!(
        "{} residents, {} steps, {} → {}, digest {}",
        p.len(),
        p.step_count(),
        p.spec.start,
        p.until,
        p.digest()
    );
    for (k, c) in p.census() {
        println!("  {k:48} {c:>9}  {:6.2} %", c as f64 * 100.0 / n as f64);
    }
}
