//! The economics of each policy against the base of a comparison: net
//! present value and benefit-cost ratio, paired replication by replication
//! (common random numbers), with 95% intervals.
//!
//! From the cost KPIs of replication `j` (per year of the measurement
//! window), with `A` the annuity factor `(1 - (1 + r)^-T) / r` of the
//! base's discount rate `r` and appraisal period `T` (the annuity method of
//! cost-benefit analysis, e.g. Boardman et al. 2018, *Cost-Benefit
//! Analysis: Concepts and Practice*, 5th ed.; Fieller's interval for a
//! ratio of means, Fieller 1954, *J. R. Stat. Soc. B* 16, 175-185):
//!
//! - `NPV_j = A * (total_base_j - total_policy_j)`: the present value of
//!   what the policy saves in total cost (capital, operating, delay and lost
//!   cargo) over `T` years; its interval is the paired Student-t interval of
//!   the mean.
//! - `dFail_j = (delay + lost)_base_j - (delay + lost)_policy_j`: the
//!   benefit, the failure cost avoided per year;
//!   `dInvest_j = (capital + operating)_policy_j - (capital + operating)_base_j`:
//!   the cost, the extra spending per year.
//! - `BCR = mean(dFail) / mean(dInvest)` (the annuity factor cancels). Its
//!   interval is Fieller's on the paired values ([`fieller`]): every `R`
//!   with `(mean(dFail) - R mean(dInvest))^2 <= t^2 (s_F^2 - 2 R s_FI + R^2
//!   s_I^2) / n`, with `s_F^2`, `s_I^2` and `s_FI` the sample variances and
//!   covariance of `dFail` and `dInvest`, and `t` the Student-t quantile
//!   with `n - 1` degrees of freedom. Where the extra cost is the same in
//!   every replication it is the delta method's interval; where the extra
//!   cost is noisy it stays right, and it is bounded only where
//!   `mean(dInvest)` is significantly above zero. The bounds of the two
//!   means' intervals are never divided. When `mean(dInvest) <= 0` the
//!   policy costs no more than the base, and when it is not significantly
//!   above zero the interval is unbounded: the ratio is undefined, and
//!   reported in words.

use serde::{Deserialize, Serialize};

use caspian_shipping::costs::{CostBasis, annuity_factor};

use crate::records::PointRecords;
use crate::stats::{CONFIDENCE, PairedDifference, PairedMoments, t_quantile};
use crate::unpriced;

mod dated;
pub(crate) use dated::{OneOff, dated_advice, dated_disruptions, one_off_warnings};

/// Annualised capital cost KPI.
pub const CAPITAL: &str = "cost.capital_per_year";
/// Operating cost KPI.
pub const OPERATING: &str = "cost.operating_per_year";
/// Cost of delay KPI.
pub const DELAY: &str = "cost.delay_per_year";
/// The demurrage part of the cost of delay KPI.
pub const DEMURRAGE: &str = "cost.demurrage_per_year";
/// Cost of lost, diverted and shut-in cargo KPI.
pub const LOST_CARGO: &str = "cost.lost_cargo_per_year";
/// Total cost KPI (the sum of the four).
pub const TOTAL: &str = "cost.total_per_year";

/// The cost KPIs the economics need, in the order read.
pub const COST_KPIS: [&str; 5] = [CAPITAL, OPERATING, DELAY, LOST_CARGO, TOTAL];

/// A mean with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The mean.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub mean: f64,
    /// Lower end of its 95% interval.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub ci95_low: f64,
    /// Upper end.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub ci95_high: f64,
    /// Replications used.
    pub n: u64,
}

impl Estimate {
    /// The mean and paired interval of `d`, times `scale` (positive).
    pub(crate) fn scaled(d: &PairedDifference, scale: f64) -> Self {
        Self {
            mean: d.mean_diff * scale,
            ci95_low: d.ci95_low * scale,
            ci95_high: d.ci95_high * scale,
            n: d.n,
        }
    }

    /// Whether the interval excludes zero.
    pub fn is_significant(&self) -> bool {
        self.ci95_low > 0.0 || self.ci95_high < 0.0
    }
}

/// The benefit-cost ratio of a policy, or why it has none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum BenefitCost {
    /// The ratio with its 95% interval by Fieller's method.
    Defined {
        /// `mean(dFail) / mean(dInvest)`.
        #[serde(flatten)]
        ratio: Estimate,
    },
    /// No ratio: the reason in words.
    Undefined {
        /// Why (the policy costs no more than the base, or no replication
        /// has every cost KPI).
        reason: String,
    },
}

impl BenefitCost {
    /// The ratio, where defined.
    pub fn ratio(&self) -> Option<&Estimate> {
        match self {
            Self::Defined { ratio } => Some(ratio),
            Self::Undefined { .. } => None,
        }
    }
}

/// One policy's economics against the base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyEconomics {
    /// Index of the policy in `scenarios`.
    pub scenario: usize,
    /// Net present value of the policy against the base, in the currency.
    pub npv: Estimate,
    /// Failure cost avoided per year, `dFail` (currency per year).
    pub benefit_per_year: Estimate,
    /// Extra capital and operating cost per year, `dInvest` (currency per
    /// year).
    pub cost_per_year: Estimate,
    /// Benefit-cost ratio.
    pub bcr: BenefitCost,
    /// The policy changes what no price covers (a link's capacity, a
    /// disruption): its cost, and so its NPV, leave out the price of that
    /// change (an outlay for a change for the better, a saving for one for
    /// the worse).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub npv_leaves_out_a_price: bool,
}

/// The economics of every policy of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Economics {
    /// Currency of every amount (the base's).
    pub currency: String,
    /// Discount rate of the base, per year.
    pub discount_rate: f64,
    /// Appraisal period of the base, years.
    pub appraisal_years: f64,
    /// The annuity factor `A` that turns a yearly amount into a present
    /// value.
    pub annuity_factor: f64,
    /// Warnings, e.g. policies whose cost basis differs from the base's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// One entry per policy, in scenario order.
    pub policies: Vec<PolicyEconomics>,
    /// The policies valued against the base's one-off event (`compare
    /// --one-off`), when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_off: Option<crate::one_off::OneOff>,
}

/// The economics of the policies of a comparison of `studies`, from
/// their `records` (one per study), valued on the base's cost basis
/// (`[costs]` of the first study) with its annuity factor. Besides
/// [`economics`]'s warnings, it warns of every scenario with a dated
/// disruption (counted every year in the NPV), of every policy that
/// changes the conditions ([`crate::conditions`]: demand, weather, risk),
/// of every policy that changes an unpriced hinterland link's capacity, a
/// port's depth or a
/// fleet's capacity per voyage, of every policy that changes one of
/// the base's disruptions (also unpriced), and of every policy priced
/// otherwise than the base or with less than the base of what carries
/// capital ([`crate::appraisal`]).
pub fn of_studies(studies: &[crate::study::Study], records: &[PointRecords]) -> Option<Economics> {
    let bases: Vec<&CostBasis> = studies.iter().map(|s| s.plan.cost_basis()).collect();
    let names: Vec<String> = studies.iter().map(|s| s.name.clone()).collect();
    let a = bases.first().map(|b| annuity_factor(b.discount_rate, b.appraisal_years))?;
    let mut e = economics(records, &names, &bases, a)?;
    let years = e.appraisal_years;
    e.warnings.extend(one_off_warnings(studies, years, &dated_advice(studies)));
    let base = &studies[0].plan;
    for policy in studies.iter().skip(1) {
        e.warnings.extend(crate::conditions::warning(&studies[0], policy));
        e.warnings.extend(unpriced::warnings(&studies[0], policy));
        e.warnings.extend(crate::appraisal::repriced_warning(base, &policy.plan, &policy.name));
        let what = format!("\"{}\"", policy.name);
        e.warnings.extend(crate::appraisal::less_than_base_warning(
            base,
            &policy.plan,
            &what,
            "the base",
        ));
    }
    for (s, r) in studies.iter().zip(records) {
        e.warnings.extend(crate::appraisal::escort_force_warning(&s.plan, &s.name, r));
    }
    for p in &mut e.policies {
        let Some(policy) = studies.get(p.scenario) else { continue };
        if let Some(bcr) = crate::conditions::undefined_ratio(&studies[0], policy) {
            p.bcr = bcr;
        }
        p.npv_leaves_out_a_price = unpriced::unpriced_changes(&studies[0], policy).is_some();
    }
    Some(e)
}

/// Per-replication columns of the cost KPIs of one scenario.
struct Costs {
    invest: Vec<f64>,
    fail: Vec<f64>,
    total: Vec<f64>,
}

impl Costs {
    fn of(r: &PointRecords) -> Self {
        let col = |k: &str| r.column_named(k);
        let (cap, op, delay, lost) = (col(CAPITAL), col(OPERATING), col(DELAY), col(LOST_CARGO));
        Self {
            invest: cap.iter().zip(&op).map(|(a, b)| a + b).collect(),
            fail: delay.iter().zip(&lost).map(|(a, b)| a + b).collect(),
            total: col(TOTAL),
        }
    }
}

/// Whether every scenario's records hold every cost KPI.
pub fn has_costs(records: &[PointRecords]) -> bool {
    records.iter().all(|r| COST_KPIS.iter().all(|k| r.kpi_index(k).is_some()))
}

/// The economics of each policy (`records[1..]`) against the base
/// (`records[0]`), valued on `bases[0]`; a warning names each policy whose
/// basis differs. `annuity` is `A` for the base's basis. `None`
/// without a base and a policy, or when some scenario lacks a cost KPI.
pub fn economics(
    records: &[PointRecords],
    names: &[String],
    bases: &[&CostBasis],
    annuity: f64,
) -> Option<Economics> {
    if records.len() < 2 || !has_costs(records) {
        return None;
    }
    let base_basis = bases.first()?;
    let warnings = bases
        .iter()
        .zip(names)
        .skip(1)
        .filter(|(b, _)| **b != *base_basis)
        .map(|(b, name)| {
            format!(
                "\"{name}\" values money in {} at {} a year over {} years; every NPV and \
                 ratio here uses the base's basis: {} at {} a year over {} years",
                b.currency,
                b.discount_rate,
                b.appraisal_years,
                base_basis.currency,
                base_basis.discount_rate,
                base_basis.appraisal_years
            )
        })
        .collect();
    let base = Costs::of(&records[0]);
    let policies = (1..records.len())
        .map(|p| policy_economics(&base, &Costs::of(&records[p]), p, annuity))
        .collect();
    Some(Economics {
        currency: base_basis.currency.clone(),
        discount_rate: base_basis.discount_rate,
        appraisal_years: base_basis.appraisal_years,
        annuity_factor: annuity,
        warnings,
        policies,
        one_off: None,
    })
}

fn policy_economics(base: &Costs, policy: &Costs, scenario: usize, a: f64) -> PolicyEconomics {
    // Each difference is "base minus policy" or "policy minus base" as its
    // sign convention says; `PairedDifference::of(x, y)` is `y - x`.
    let npv = Estimate::scaled(&PairedDifference::of(&policy.total, &base.total), a);
    let benefit = PairedDifference::of(&policy.fail, &base.fail);
    let cost = PairedDifference::of(&base.invest, &policy.invest);
    let (d_fail, d_invest): (Vec<f64>, Vec<f64>) = base
        .fail
        .iter()
        .zip(&policy.fail)
        .zip(base.invest.iter().zip(&policy.invest))
        .map(|((bf, pf), (bi, pi))| (bf - pf, pi - bi))
        .filter(|(f, i)| f.is_finite() && i.is_finite())
        .unzip();
    PolicyEconomics {
        scenario,
        npv,
        benefit_per_year: Estimate::scaled(&benefit, 1.0),
        cost_per_year: Estimate::scaled(&cost, 1.0),
        bcr: ratio_of_means(&d_fail, &d_invest),
        npv_leaves_out_a_price: false,
    }
}

/// `mean(num) / mean(den)` over paired values, with Fieller's 95%
/// interval ([`fieller`]); undefined (in words) when `mean(den) <= 0`, when
/// `mean(den)` is not significantly above zero (the interval would be
/// unbounded), or with fewer than two pairs.
pub fn ratio_of_means(num: &[f64], den: &[f64]) -> BenefitCost {
    let n = num.len().min(den.len());
    if n < 2 {
        return BenefitCost::Undefined {
            reason: format!("{n} replication(s) with every cost KPI; a ratio needs at least 2"),
        };
    }
    if den[..n].iter().all(|&d| d == 0.0) {
        return BenefitCost::Undefined {
            reason: "the policy costs exactly what the base does to build and run in every \
                     replication (a variant identical to it, or that changes nothing a cost \
                     prices), so there is no cost to divide by"
                .to_string(),
        };
    }
    if den[..n].iter().sum::<f64>() <= 0.0 {
        return BenefitCost::Undefined {
            reason: "the policy costs no more than the base to build and run (its capital plus \
                     operating cost is not higher on average: any capital it adds is paid back by \
                     lower operating cost; the cost.capital_per_year and \
                     cost.operating_per_year rows give the two), so there is no cost to divide \
                     by: judge it by its NPV"
                .to_string(),
        };
    }
    match fieller(num, den) {
        Some(ratio) => BenefitCost::Defined { ratio },
        None => BenefitCost::Undefined {
            reason: "the policy's extra capital plus operating cost is not significantly above \
                     zero, so the ratio's interval is unbounded (Fieller): judge it by its NPV"
                .to_string(),
        },
    }
}

/// `R = mean(num) / mean(den)` over paired values with its 95% interval
/// by Fieller's method: every `R` with `(mean(num) - R mean(den))^2 <= t^2
/// Var(mean(num) - R mean(den))`, the variance from the paired values and
/// `t` the Student-t quantile with `n - 1` degrees of freedom (Fieller
/// 1954, *J. R. Stat. Soc. B* 16, 175-185). Unlike the delta method's
/// symmetric interval it stays right when `mean(den)` is imprecise. It is
/// bounded exactly when `mean(den)`'s own t-interval excludes zero; `None`
/// otherwise, or with fewer than two pairs.
pub fn fieller(num: &[f64], den: &[f64]) -> Option<Estimate> {
    let PairedMoments { n, x: (mx, vx), y: (my, vy), cov } = PairedMoments::of(num, den)?;
    let q = t_quantile(0.5 + CONFIDENCE / 2.0, (n - 1) as f64).powi(2) / n as f64;
    // a R^2 + b R + c <= 0.
    let a = my * my - q * vy;
    let b = -2.0 * (mx * my - q * cov);
    let c = mx * mx - q * vx;
    if !(a > 0.0 && my != 0.0) {
        return None;
    }
    let root = (b * b - 4.0 * a * c).max(0.0).sqrt();
    let mean = mx / my;
    // The interval holds the ratio itself (`c - b R + a R^2` is
    // `-q Var(mean(num) - R mean(den)) <= 0` there); rounding in the roots
    // must not put it outside, as with a zero variance (a share of exactly
    // 1 in every replication), where both roots are the ratio.
    Some(Estimate {
        mean,
        ci95_low: ((-b - root) / (2.0 * a)).min(mean),
        ci95_high: ((-b + root) / (2.0 * a)).max(mean),
        n: n as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ratio of exactly 1 in every pair (a policy that removes all of an
    /// effect) has no variance: both roots are the ratio, and rounding in
    /// them must not leave the mean outside its interval.
    #[test]
    fn fieller_keeps_the_ratio_inside_its_interval() {
        let values = [10.0, 11.3, 12.1, 10.7, 11.9];
        for scale in [1.0, 3.7, 1e6, 1.234_567e-7] {
            let v: Vec<f64> = values.iter().map(|x| x * scale).collect();
            let e = fieller(&v, &v).unwrap();
            assert!(e.ci95_low <= e.mean && e.mean <= e.ci95_high, "{e:?}");
            assert!((e.mean - 1.0).abs() < 1e-12 && (e.ci95_high - e.ci95_low).abs() < 1e-9);
        }
    }

    fn records(rows: &[[f64; 5]]) -> PointRecords {
        // Records keep their KPIs sorted by name.
        let mut kpis: Vec<(String, Vec<f64>)> = (0..5)
            .map(|k| (COST_KPIS[k].to_string(), rows.iter().map(|r| r[k]).collect()))
            .collect();
        kpis.sort_by(|a, b| a.0.cmp(&b.0));
        let (names, columns): (Vec<String>, Vec<Vec<f64>>) = kpis.into_iter().unzip();
        PointRecords::from_columns(&names, &columns)
    }

    fn basis(currency: &str) -> CostBasis {
        CostBasis { currency: currency.into(), discount_rate: 0.08, appraisal_years: 25.0 }
    }

    #[test]
    fn npv_and_ratio_match_hand_computed_values() {
        // capital, operating, delay, lost, total per replication.
        let base = records(&[
            [10.0, 20.0, 50.0, 20.0, 100.0],
            [10.0, 20.0, 60.0, 30.0, 120.0],
            [10.0, 20.0, 40.0, 10.0, 80.0],
        ]);
        let policy = records(&[
            [20.0, 22.0, 20.0, 8.0, 70.0],
            [20.0, 24.0, 25.0, 5.0, 74.0],
            [20.0, 20.0, 20.0, 10.0, 70.0],
        ]);
        let names = vec!["base".to_string(), "policy".to_string()];
        let e = economics(&[base, policy], &names, &[&basis("USD"), &basis("USD")], 10.0).unwrap();
        assert_eq!(e.currency, "USD");
        assert!(e.warnings.is_empty());
        let p = &e.policies[0];
        // total_base - total_policy = 30, 46, 10: mean 28.667, times A = 10.
        assert!((p.npv.mean - 286.666_666_666_666_7).abs() < 1e-9, "{:?}", p.npv);
        // sd of (30, 46, 10) = 18.036; t(0.975, 2) = 4.302653; hw = 4.302653 * 18.036 / sqrt(3).
        let hw = 4.302_652_729_749_464 * (325.333_333_333_333_3_f64).sqrt() / 3f64.sqrt() * 10.0;
        assert!((p.npv.ci95_high - p.npv.mean - hw).abs() < 1e-6, "{:?} {hw}", p.npv);
        // dFail = 42, 60, 20 (mean 40.667); dInvest = 12, 14, 10 (mean 12).
        assert!((p.benefit_per_year.mean - 122.0 / 3.0).abs() < 1e-9);
        assert!((p.cost_per_year.mean - 12.0).abs() < 1e-9);
        let BenefitCost::Defined { ratio } = &p.bcr else { panic!("{:?}", p.bcr) };
        let r = 122.0 / 3.0 / 12.0;
        assert!((ratio.mean - r).abs() < 1e-12);
        // Fieller by hand: s_F^2 = 401.333, s_I^2 = 4, s_FI = 40. Each end R
        // makes (40.667 - 12 R)^2 = t^2 (401.333 - 80 R + 4 R^2) / 3.
        let t2 = 4.302_652_729_749_464_f64.powi(2);
        for end in [ratio.ci95_low, ratio.ci95_high] {
            let lhs = (122.0 / 3.0 - 12.0 * end).powi(2);
            let rhs = t2 * (401.0 + 1.0 / 3.0 - 80.0 * end + 4.0 * end * end) / 3.0;
            assert!((lhs - rhs).abs() < 1e-9 * lhs.max(1.0), "{end}: {lhs} {rhs}");
        }
        assert!(ratio.ci95_low < r && r < ratio.ci95_high, "{ratio:?}");
        // With a noisy cost the interval is not the delta method's
        // symmetric one.
        let (above, below) = (ratio.ci95_high - r, r - ratio.ci95_low);
        assert!((above - below).abs() > 0.1 * above, "{ratio:?}");
    }

    #[test]
    fn with_a_fixed_extra_cost_fiellers_interval_is_the_delta_methods() {
        let fail = [42.0, 60.0, 20.0, 35.0];
        let inv = [12.0; 4];
        let BenefitCost::Defined { ratio } = ratio_of_means(&fail, &inv) else { panic!() };
        let r = 157.0 / 4.0 / 12.0;
        let d = PairedDifference::of(&[0.0; 4], &fail);
        assert!((ratio.ci95_low - d.ci95_low / 12.0).abs() < 1e-12, "{ratio:?} {r}");
        assert!((ratio.ci95_high - d.ci95_high / 12.0).abs() < 1e-12, "{ratio:?}");
        // A cost whose mean is positive but not significant: no bounded
        // interval, so no ratio, said in words.
        let BenefitCost::Undefined { reason } = ratio_of_means(&fail, &[10.0, -9.0, 8.0, -7.0])
        else {
            panic!()
        };
        assert!(reason.contains("not significantly above zero"), "{reason}");
    }

    #[test]
    fn a_benefit_proportional_to_the_cost_has_an_exact_ratio() {
        // dFail_j = 3 dInvest_j in every replication: the ratio is 3 with a
        // zero-width interval, however noisy the two are.
        let inv: Vec<f64> = (0..20).map(|j| 5.0 + ((j * 7) % 5) as f64).collect();
        let fail: Vec<f64> = inv.iter().map(|i| 3.0 * i).collect();
        let BenefitCost::Defined { ratio } = ratio_of_means(&fail, &inv) else { panic!() };
        assert!((ratio.mean - 3.0).abs() < 1e-12);
        assert!((ratio.ci95_high - ratio.ci95_low).abs() < 1e-9, "{ratio:?}");
        // A policy that costs less to build and run has no ratio.
        let cheaper: Vec<f64> = inv.iter().map(|i| -i).collect();
        let BenefitCost::Undefined { reason } = ratio_of_means(&fail, &cheaper) else { panic!() };
        assert!(reason.contains("costs no more"), "{reason}");
        // One that costs exactly the base's in every replication is said to.
        let BenefitCost::Undefined { reason } = ratio_of_means(&fail, &[0.0; 20]) else { panic!() };
        assert!(reason.contains("costs exactly what the base does"), "{reason}");
    }

    #[test]
    fn differing_bases_are_warned_and_missing_costs_give_none() {
        let r = records(&[[1.0, 1.0, 1.0, 1.0, 4.0], [1.0, 1.0, 1.0, 1.0, 4.0]]);
        let names = vec!["base".to_string(), "eur".to_string()];
        let e = economics(&[r.clone(), r.clone()], &names, &[&basis("USD"), &basis("EUR")], 1.0)
            .unwrap();
        assert_eq!(e.warnings.len(), 1);
        assert!(e.warnings[0].contains("\"eur\"") && e.warnings[0].contains("USD"));
        assert_eq!(e.policies[0].npv.mean, 0.0);
        let plain = PointRecords::single_kpi(&[1.0, 2.0]);
        assert!(economics(&[plain.clone(), plain], &names, &[&basis("USD")], 1.0).is_none());
    }
}
