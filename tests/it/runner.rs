//! The Monte Carlo runner's statistical promises on the shipped scenarios:
//! common random numbers sharpen policy comparisons.

use caspian_montecarlo::execute::Executor;
use caspian_montecarlo::records::PointRecords;
use caspian_montecarlo::stats::{PairedDifference, Summary, t_quantile};
use caspian_montecarlo::study::Study;

fn records(file: &str, seed: u64, n: u64) -> PointRecords {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let study = Study::single(&text, file, Some(seed)).unwrap();
    let mut exec = Executor::new(vec![&study.points[0].plan], seed, 0);
    exec.ensure(n, &|| {}, &mut |_, _| Ok(())).unwrap();
    exec.into_records(n).remove(0)
}

/// Baseline against one more rail-ferry berth at Alat: the paired interval
/// under common random numbers (same seed) must be narrower than the
/// interval from independent streams (the policy run with another seed).
#[test]
fn common_random_numbers_narrow_the_interval_on_a_policy_difference() {
    let n = 120;
    let base = records("baseline.toml", 20_261_123, n);
    let crn = records("alat_extra_berth.toml", 20_261_123, n);
    let independent = records("alat_extra_berth.toml", 777, n);
    for kpi in ["anchorage_wait_h.alat.rail_ferry", "transit_h.wagons.mean"] {
        let paired = PairedDifference::of(&base.column_named(kpi), &crn.column_named(kpi));
        let paired_hw = (paired.ci95_high - paired.ci95_low) / 2.0;
        let (a, b) =
            (Summary::of(&base.column_named(kpi)), Summary::of(&independent.column_named(kpi)));
        // Welch interval for two independent samples of equal size.
        let se = (a.sd * a.sd / a.n as f64 + b.sd * b.sd / b.n as f64).sqrt();
        let independent_hw = t_quantile(0.975, (a.n + b.n - 2) as f64) * se;
        println!(
            "{kpi}: paired diff {:.4} +- {paired_hw:.4} (corr {:.3}, variance reduction {:.1}x); \
             independent +- {independent_hw:.4}",
            paired.mean_diff, paired.correlation, paired.variance_reduction
        );
        assert!(paired.correlation > 0.0, "{kpi}: pairs should be positively correlated");
        assert!(
            paired_hw < independent_hw,
            "{kpi}: CRN half-width {paired_hw} not below independent {independent_hw}"
        );
    }
}
