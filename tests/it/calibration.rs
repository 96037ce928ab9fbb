//! A plausibility check, not a regression test: the calibrated baseline's
//! KPI means lie within the plausible ranges documented in
//! `docs/calibration.md` (section 4.1), which this test reads, so the
//! document and the check cannot drift apart.
//!
//! The ranges are wide (up to 4x from low to high): they catch a model that
//! has become implausible, not a changed result. The regression work is done
//! by the pinned values (`pinned.rs`), which compare the baseline's KPI means
//! bit for bit.

use std::path::PathBuf;

use caspian_tests::theory::Interval;

/// (KPI, low, high) rows of the "Plausible ranges" table.
fn documented_ranges() -> Vec<(String, f64, f64)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/calibration.md");
    let text = std::fs::read_to_string(&path).expect("docs/calibration.md exists");
    let section = text
        .split("### 4.1 Plausible ranges")
        .nth(1)
        .expect("docs/calibration.md has section 4.1 Plausible ranges");
    section
        .lines()
        .skip_while(|l| !l.starts_with("| KPI"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let kpi = cells[1].trim_matches('`').to_string();
            let low = cells[2].parse().unwrap_or_else(|_| panic!("low of {kpi}: {}", cells[2]));
            let high = cells[3].parse().unwrap_or_else(|_| panic!("high of {kpi}: {}", cells[3]));
            (kpi, low, high)
        })
        .collect()
}

#[test]
/// Plausibility check: each documented KPI's baseline mean over 100
/// replications lies in its documented range.
fn plausibility_check_baseline_means_lie_in_the_documented_ranges() {
    let ranges = documented_ranges();
    assert!(ranges.len() >= 6, "the table lost rows: {ranges:?}");
    let plan = caspian_shipping::load(caspian_shipping::BASELINE_TOML, "baseline").unwrap();
    let seed = plan.source.scenario.seed;
    let runs: Vec<_> = (0..100).map(|rep| caspian_shipping::simulate(&plan, seed, rep)).collect();
    for (kpi, low, high) in ranges {
        let xs: Vec<f64> = runs
            .iter()
            .map(|r| r.kpis.get(&kpi).unwrap_or_else(|| panic!("the baseline has no KPI {kpi}")))
            .collect();
        let ci = Interval::student_t(&xs, 0.95);
        println!(
            "{kpi}: baseline mean {:.2} (95% CI [{:.2}, {:.2}]), plausible [{low}, {high}]",
            ci.mean,
            ci.low(),
            ci.high()
        );
        assert!((low..=high).contains(&ci.mean), "{kpi}: mean {} outside [{low}, {high}]", ci.mean);
    }
}
