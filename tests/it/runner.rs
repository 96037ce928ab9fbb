//! The Monte Carlo runner's statistical promises on the shipped scenarios:
//! common random numbers sharpen policy comparisons.

use caspian_montecarlo::execute::Executor;
use caspian_montecarlo::records::PointRecords;
use caspian_montecarlo::stats::{PairedDifference, Summary, t_quantile};
use caspian_montecarlo::study::Study;

fn records(file: &str, seed: u64, n: u64) -> PointRecords {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios").join(file);
    let text = crate::shipping_scenarios::resolved(&path).text;
    let study = Study::single(&text, file, Some(seed)).unwrap();
    let mut exec = Executor::new(vec![&study.plan], seed, 0);
    exec.ensure(n, &|| {}, &mut |_, _, _| Ok(())).unwrap();
    exec.into_records(n).remove(0)
}

/// Baseline against one more rail-ferry berth at Alat, under common random
/// numbers (the policy run with the same seed) and with independent streams
/// (the policy run with another seed).
///
/// The claim checked is quantitative: the variance of the paired difference
/// under common random numbers is at most half the variance of the same
/// difference taken across independent streams, i.e. CRN at least halves the
/// replications a comparison needs. Bound: with no benefit the ratio of the
/// two sample variances (each on n - 1 = 119 degrees of freedom) is an
/// F(119, 119) variate around 1 whose 99th percentile is about 1.53, so a
/// ratio of 2 shows a real halving rather than noise (seeds are fixed, so the
/// test is deterministic). The control checks that independent streams are
/// indeed uncorrelated: |r| < 4/sqrt(n) (about 4 standard errors of a zero
/// correlation).
#[test]
fn common_random_numbers_at_least_halve_the_variance_of_a_policy_difference() {
    let n = 120;
    let base = records("baseline.toml", 20_261_123, n);
    let crn = records("alat_extra_berth.toml", 20_261_123, n);
    let independent = records("alat_extra_berth.toml", 777, n);
    for kpi in ["anchorage_wait_h.alat.rail_ferry", "transit_h.wagons.mean"] {
        let base_col = base.column_named(kpi);
        let paired = PairedDifference::of(&base_col, &crn.column_named(kpi));
        let unpaired = PairedDifference::of(&base_col, &independent.column_named(kpi));
        let paired_hw = (paired.ci95_high - paired.ci95_low) / 2.0;
        let unpaired_hw = (unpaired.ci95_high - unpaired.ci95_low) / 2.0;
        // Half-widths use the same t quantile and n, so their squared ratio
        // is the ratio of the two differences' sample variances.
        let ratio = (unpaired_hw / paired_hw).powi(2);
        let (a, b) = (Summary::of(&base_col), Summary::of(&independent.column_named(kpi)));
        // Welch interval for two independent samples of equal size.
        let se = (a.sd * a.sd / a.n as f64 + b.sd * b.sd / b.n as f64).sqrt();
        let welch_hw = t_quantile(0.975, (a.n + b.n - 2) as f64) * se;
        println!(
            "{kpi}: paired diff {:.4} +- {paired_hw:.4} (corr {:.3}, variance reduction {:.1}x); \
             independent +- {unpaired_hw:.4} (corr {:.3}), Welch +- {welch_hw:.4}; \
             measured variance ratio {ratio:.1}",
            paired.mean_diff, paired.correlation, paired.variance_reduction, unpaired.correlation
        );
        assert_eq!((paired.n, unpaired.n), (n, n), "{kpi}: every replication defines it");
        let r_bound = 4.0 / (n as f64).sqrt();
        assert!(
            unpaired.correlation.abs() < r_bound,
            "{kpi}: independent streams correlate ({}), the control is broken",
            unpaired.correlation
        );
        assert!(
            ratio >= 2.0,
            "{kpi}: CRN variance ratio {ratio} below 2 (paired +- {paired_hw}, independent +- {unpaired_hw})"
        );
        assert!(
            paired.variance_reduction >= 2.0,
            "{kpi}: estimated variance reduction {} below 2",
            paired.variance_reduction
        );
    }
}
