//! The checks of a compare document's `economics`: each policy a scenario
//! index of a policy, its NPV, benefit and cost a year each a mean inside
//! its paired interval (centred on it, as the comparison's differences
//! are) on no more replications than were run, its benefit-cost ratio
//! consistent with them; and the one-off valuation (`one_off.rs`).

use super::one_off::check_one_off;
use super::{DocumentError, check_counts, field, interval_problem, scenario_index};
use crate::economics::{Economics, Estimate, PolicyEconomics};

/// A compare document's `economics`, of a comparison of `n` scenarios
/// that ran `replications` each.
///
/// # Errors
/// [`DocumentError::Field`] naming the first field at fault.
pub(super) fn check_economics(
    e: &Economics,
    n: usize,
    replications: u64,
) -> Result<(), DocumentError> {
    for (i, p) in e.policies.iter().enumerate() {
        let at = format!("economics.policies[{i}]");
        scenario_index(format!("{at}.scenario"), p.scenario, n, 1)?;
        for (name, estimate) in [
            ("npv", &p.npv),
            ("benefit_per_year", &p.benefit_per_year),
            ("cost_per_year", &p.cost_per_year),
        ] {
            check_estimate(&at, name, estimate, replications)?;
        }
        check_bcr(&format!("{at}.bcr"), p, replications)?;
    }
    if let Some(o) = &e.one_off {
        check_one_off(o, n)?;
    }
    Ok(())
}

/// A paired estimate of the economics (`Estimate::scaled` of a paired
/// difference): its mean and interval as a comparison's differences are
/// checked ([`interval_problem`]), and its `n` no more than the
/// replications run.
fn check_estimate(
    at: &str,
    name: &str,
    e: &Estimate,
    replications: u64,
) -> Result<(), DocumentError> {
    let fields = [("mean", e.mean), ("ci95_low", e.ci95_low), ("ci95_high", e.ci95_high)];
    if let Some(problem) = interval_problem(fields, "mean") {
        return Err(field(format!("{at}.{name}"), format!("{problem}; the file is damaged")));
    }
    check_counts(at, std::iter::once((&name.to_string(), e.n)), replications)
}

/// A benefit-cost ratio: on 2 or more of the replications run, with a
/// bounded interval, and for a policy that costs more, the mean benefit
/// over the mean cost, inside its interval. (A ratio where the extra cost
/// is not significantly above zero is not refused: documents written
/// before the ratio's interval was Fieller's, 2026-12-05, have one.)
fn check_bcr(at: &str, p: &PolicyEconomics, replications: u64) -> Result<(), DocumentError> {
    let Some(r) = p.bcr.ratio() else { return Ok(()) };
    let (b, c) = (&p.benefit_per_year, &p.cost_per_year);
    let problem = if r.n < 2 || r.n > replications {
        format!("a ratio on {} replications of {replications} run (it needs 2 or more)", r.n)
    } else if !(r.ci95_low.is_finite() && r.ci95_high.is_finite()) {
        "a ratio without a bounded interval (it is given only where it has one)".to_string()
    } else if c.mean.is_nan() || c.mean <= 0.0 {
        format!("a ratio for a policy whose extra cost ({}) is not above zero", c.mean)
    } else if (r.mean - b.mean / c.mean).abs() > 1e-6 * r.mean.abs().max(1e-9) {
        format!("{} is not the benefit ({}) over the cost ({})", r.mean, b.mean, c.mean)
    } else if r.ci95_low > r.mean || r.mean > r.ci95_high {
        format!("a mean of {} outside its interval {} to {}", r.mean, r.ci95_low, r.ci95_high)
    } else {
        return Ok(());
    };
    Err(field(at, format!("{problem}; the file is damaged")))
}
