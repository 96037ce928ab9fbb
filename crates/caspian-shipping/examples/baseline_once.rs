//! Runs one replication of the embedded baseline and prints its KPIs.

fn main() -> Result<(), caspian_shipping::LoadError> {
    let plan = caspian_shipping::load(caspian_shipping::BASELINE_TOML, "baseline")?;
    let start = std::time::Instant::now();
    let rep = caspian_shipping::simulate(&plan, plan.source.scenario.seed, 0);
    let elapsed = start.elapsed();
    for (name, value) in rep.kpis.iter() {
        println!("{name:55} {value:14.3}");
    }
    println!(
        "events {} truncated {} residual {:?} in {elapsed:?}",
        rep.events, rep.truncated, rep.conservation_residual
    );
    Ok(())
}
