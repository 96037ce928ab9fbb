//! Runs N replications of the embedded baseline (N from the first argument,
//! default 100) and prints the number of KPI values and events: a small,
//! deterministic workload for instruction counts, e.g.
//! `valgrind --tool=callgrind target/release/examples/replications 200`.

use std::hint::black_box;

fn main() -> Result<(), caspian_shipping::LoadError> {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100);
    let plan = caspian_shipping::load(caspian_shipping::BASELINE_TOML, "baseline")?;
    let (mut values, mut events) = (0usize, 0u64);
    for r in 0..n {
        let rep = black_box(caspian_shipping::simulate(&plan, 1, r));
        values += rep.kpis.len();
        events += rep.events;
    }
    println!("{n} replications, {values} KPI values, {events} events");
    Ok(())
}
