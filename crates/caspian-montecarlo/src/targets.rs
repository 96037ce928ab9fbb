//! Risk in one number: the probability that a replication meets a
//! condition on a KPI (`caspian run --target 'delivered_total.oil>=1500000'`),
//! with its 95% Wilson interval ([`crate::intervals::wilson`]).
//!
//! A condition is `KPI OP NUMBER` with `OP` one of `>=`, `<=`, `>`, `<`.
//! Replications in which the KPI is undefined (NaN) are left out: `n` counts
//! those where it is defined.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::records::PointRecords;
use crate::select::NoMatch;

/// A comparison of a KPI value with a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `>=`
    AtLeast,
    /// `<=`
    AtMost,
    /// `>`
    Above,
    /// `<`
    Below,
}

impl Op {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::AtLeast => ">=",
            Op::AtMost => "<=",
            Op::Above => ">",
            Op::Below => "<",
        }
    }

    /// Whether `value op threshold` holds.
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Op::AtLeast => value >= threshold,
            Op::AtMost => value <= threshold,
            Op::Above => value > threshold,
            Op::Below => value < threshold,
        }
    }
}

/// A parsed condition: `delivered_total.oil>=1500000`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The KPI.
    pub kpi: String,
    /// The comparison.
    pub op: Op,
    /// The threshold, in the KPI's unit.
    pub threshold: f64,
    /// The condition as given after the KPI, e.g. `>=1500000`.
    pub condition: String,
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.kpi, self.condition)
    }
}

/// A condition that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// No operator, or no KPI before it.
    #[error(
        "--target \"{0}\": expected KPI>=NUMBER, KPI<=NUMBER, KPI>NUMBER or KPI<NUMBER, e.g. \
         'delivered_total.oil>=1500000'"
    )]
    Syntax(String),
    /// The threshold is not a finite number.
    #[error("--target \"{spec}\": \"{number}\" is not a number (write e.g. 1500000 or 1.5e6)")]
    Number {
        /// The condition as given.
        spec: String,
        /// What stood where the number should be.
        number: String,
    },
    /// The KPI is not one of the study's.
    #[error(transparent)]
    UnknownKpi(#[from] NoMatch),
    /// The KPI is a fraction in `[0, 1]` and the threshold lies outside it,
    /// or a KPI that is never negative and the threshold is below 0 (or
    /// `<0`), so the condition always or never holds (a percent for a
    /// fraction).
    #[error("--target \"{spec}\": {}", out_of_range(kpi, threshold))]
    OutOfRange {
        /// The condition as given.
        spec: String,
        /// The KPI.
        kpi: String,
        /// The threshold, as written.
        threshold: String,
    },
}

/// Why a threshold outside a fraction's range, or below a non-negative
/// KPI's, is refused.
fn out_of_range(kpi: &str, threshold: &str) -> String {
    let value = threshold.parse::<f64>().unwrap_or(f64::NAN);
    if crate::rare::KpiRange::of(kpi) == crate::rare::KpiRange::NonNegative {
        return format!(
            "{kpi} is never negative, so a threshold of {threshold} is met always or never"
        );
    }
    let hint = if (2.0..=100.0).contains(&value) {
        format!(" (a percent? {threshold}% is {})", crate::study::short_number(value / 100.0))
    } else {
        String::new()
    };
    format!(
        "{kpi} is a fraction from 0 to 1, so a threshold of {threshold} is met always or \
         never{hint}"
    )
}

impl TargetError {
    /// What is wrong, without naming `--target`: for a condition given
    /// with another option (`--constraint`, `--minimize`), whose message
    /// names that option instead.
    pub fn reason(&self) -> String {
        match self {
            TargetError::Syntax(_) => {
                "expected KPI>=NUMBER, KPI<=NUMBER, KPI>NUMBER or KPI<NUMBER".into()
            }
            TargetError::Number { number, .. } => {
                format!("\"{number}\" is not a number (write e.g. 1500000 or 1.5e6)")
            }
            TargetError::UnknownKpi(e) => e.to_string(),
            TargetError::OutOfRange { kpi, threshold, .. } => out_of_range(kpi, threshold),
        }
    }
}

/// The estimated probability that a replication meets a condition on a
/// KPI (`caspian run --target 'delivered_total.oil>=1500000'`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetProbability {
    /// The KPI.
    pub kpi: String,
    /// The condition as given, e.g. `>=1500000`.
    pub condition: String,
    /// Replications meeting it over `n`.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub p_meet: f64,
    /// Lower end of the 95% interval of `p_meet`.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub ci95_low: f64,
    /// Upper end of the 95% interval of `p_meet`.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub ci95_high: f64,
    /// Replications in which the KPI was defined.
    pub n: u64,
    /// Replications left out of `n` because an episode had not recovered
    /// by the horizon (a recovery time only: [`crate::measure::censored`]):
    /// whether they meet the condition is unknown, so over every
    /// replication the probability lies between `p_meet * n / (n +
    /// unrecovered)` and `(p_meet * n + unrecovered) / (n + unrecovered)`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unrecovered: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Parses `KPI OP NUMBER` (spaces around the parts are allowed).
///
/// # Errors
/// [`TargetError::Syntax`], [`TargetError::Number`], or
/// [`TargetError::OutOfRange`] for a fraction's threshold outside `[0, 1]`.
pub fn parse(spec: &str) -> Result<Condition, TargetError> {
    let c = parse_stored(spec)?;
    let fraction = caspian_shipping::kpi::schema::family_of(&c.kpi)
        .is_some_and(|f| f.unit == caspian_shipping::kpi::schema::Unit::Fraction);
    // Outside [0, 1], or at an end with the strict comparison that
    // excludes it (`>1`, `<0`), the condition is met always or never.
    let never = match c.op {
        Op::Above => c.threshold >= 1.0,
        Op::Below => c.threshold <= 0.0,
        _ => false,
    };
    // A count, amount, duration or cost is never negative: a threshold
    // below 0, or `<0`, is met always or never too.
    let non_negative = !fraction
        && crate::rare::KpiRange::of(&c.kpi) == crate::rare::KpiRange::NonNegative
        && (c.threshold < 0.0 || (c.op == Op::Below && c.threshold <= 0.0));
    if non_negative || fraction && (!(0.0..=1.0).contains(&c.threshold) || never) {
        let number = c.condition.trim_start_matches(['<', '>', '=']);
        return Err(TargetError::OutOfRange {
            spec: crate::validate::cap(spec),
            kpi: c.kpi,
            threshold: crate::validate::cap(number),
        });
    }
    Ok(c)
}

/// [`parse`] without the check of a fraction's range: for a condition read
/// back from a result document, which an earlier version may have written
/// and whose meaning is already fixed.
///
/// # Errors
/// [`TargetError::Syntax`] or [`TargetError::Number`].
pub fn parse_stored(spec: &str) -> Result<Condition, TargetError> {
    let syntax = || TargetError::Syntax(crate::validate::cap(spec));
    let at = spec.find(['<', '>']).ok_or_else(syntax)?;
    let (kpi, rest) = (spec[..at].trim(), &spec[at..]);
    let (op, number) = if let Some(n) = rest.strip_prefix(">=") {
        (Op::AtLeast, n)
    } else if let Some(n) = rest.strip_prefix("<=") {
        (Op::AtMost, n)
    } else if let Some(n) = rest.strip_prefix('>') {
        (Op::Above, n)
    } else if let Some(n) = rest.strip_prefix('<') {
        (Op::Below, n)
    } else {
        return Err(syntax());
    };
    if kpi.is_empty() || kpi.contains('=') {
        return Err(syntax());
    }
    let number = number.trim();
    let threshold = number.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| {
        TargetError::Number {
            spec: crate::validate::cap(spec),
            number: crate::validate::cap(number),
        }
    })?;
    Ok(Condition {
        kpi: kpi.to_string(),
        op,
        threshold,
        condition: format!("{}{}", op.as_str(), number),
    })
}

/// Parses every condition and checks that each names one of `kpis`.
///
/// # Errors
/// The first [`TargetError`], an unknown KPI with the closest names.
pub fn parse_all(specs: &[String], kpis: &[String]) -> Result<Vec<Condition>, TargetError> {
    specs
        .iter()
        .map(|s| {
            let c = parse(s)?;
            check_kpi(&c, kpis)?;
            Ok(c)
        })
        .collect()
}

/// Checks that `condition` names one of `kpis`.
///
/// # Errors
/// [`TargetError::UnknownKpi`] with the closest names.
pub fn check_kpi(condition: &Condition, kpis: &[String]) -> Result<(), TargetError> {
    if kpis.contains(&condition.kpi) {
        return Ok(());
    }
    Err(TargetError::UnknownKpi(NoMatch::one_kpi("--target", &condition.kpi, kpis)))
}

/// The probability that a replication of `records` meets `condition`: the
/// replications meeting it over those where the KPI is defined, with the
/// Wilson interval (NaN for all three when it is defined in none). A
/// recovery time an episode had not reached by the horizon
/// ([`crate::measure::censored`]) is known only to exceed the time left,
/// so whether it meets the condition is unknown: it is left out of `n` and
/// counted in `unrecovered`, which bounds the probability over every
/// replication.
pub fn probability(condition: &Condition, records: &PointRecords) -> TargetProbability {
    let values = crate::measure::censored(records, &condition.kpi);
    let unrecovered = values.iter().filter(|&&v| v == f64::INFINITY).count() as u64;
    let defined: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
    let n = defined.len() as u64;
    let met =
        defined.iter().filter(|&&v| condition.op.holds(v, condition.threshold)).count() as u64;
    let (ci95_low, ci95_high) = crate::intervals::wilson(met, n);
    TargetProbability {
        kpi: condition.kpi.clone(),
        condition: condition.condition.clone(),
        p_meet: if n == 0 { f64::NAN } else { met as f64 / n as f64 },
        ci95_low,
        ci95_high,
        n,
        unrecovered,
    }
}

impl TargetProbability {
    /// With replications left out as `unrecovered`, the probability over
    /// every replication ([`bounds`]).
    pub fn bounds(&self) -> Option<(f64, f64)> {
        let met = if self.n == 0 { 0 } else { (self.p_meet * self.n as f64).round() as u64 };
        bounds(met, self.n, self.unrecovered)
    }
}

/// `met` of `n` replications meeting a condition, and `unknown` more whose
/// outcome is unknown (a recovery not reached by the horizon): the
/// probability over all of them, counting the unknown all as misses, then
/// all as meets; `None` when none is unknown.
pub fn bounds(met: u64, n: u64, unknown: u64) -> Option<(f64, f64)> {
    let all = (n + unknown) as f64;
    (unknown > 0).then(|| (met as f64 / all, (met + unknown) as f64 / all))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse_with_each_operator() {
        let c = parse("delivered_total.oil>=1500000").unwrap();
        assert_eq!(
            (c.kpi.as_str(), c.op, c.threshold),
            ("delivered_total.oil", Op::AtLeast, 1.5e6)
        );
        assert_eq!(c.condition, ">=1500000");
        assert_eq!(parse("x <= 2").unwrap().op, Op::AtMost);
        assert_eq!(parse("x>2").unwrap().op, Op::Above);
        let below = parse(" x < 1.5e6 ").unwrap();
        assert_eq!(
            (below.op, below.threshold, below.condition.as_str()),
            (Op::Below, 1.5e6, "<1.5e6")
        );
        for bad in ["x=2", "x", ">=2", "x=>2", "x==2"] {
            assert!(matches!(parse(bad), Err(TargetError::Syntax(_))), "{bad}");
        }
        for bad in ["x>=", "x>=abc", "x<inf", "x>NaN", "x>=>2"] {
            assert!(matches!(parse(bad), Err(TargetError::Number { .. })), "{bad}");
        }
        // The reason alone does not name --target (other options use it).
        for bad in ["x", "x>=abc"] {
            let reason = parse(bad).unwrap_err().reason();
            assert!(!reason.contains("--target"), "{reason}");
        }
    }

    /// A fraction's threshold outside [0, 1] always or never holds: a
    /// percent written for a fraction is refused, with the fraction meant.
    #[test]
    fn a_fractions_threshold_outside_0_to_1_is_refused() {
        for bad in [
            "service_level.wagons>=95",
            "service_level.oil<-0.1",
            "service_level.oil<=1.01",
            "service_level.oil>1",
            "service_level.oil<0",
        ] {
            let e = parse(bad).unwrap_err();
            assert!(matches!(e, TargetError::OutOfRange { .. }), "{bad}: {e}");
            assert!(e.to_string().contains("is a fraction from 0 to 1"), "{e}");
        }
        let e = parse("service_level.wagons>=95").unwrap_err().to_string();
        assert!(e.contains("(a percent? 95% is 0.95)"), "{e}");
        for good in ["service_level.wagons>=0.95", "service_level.wagons<=1", "service_level.oil>0"]
        {
            assert!(parse(good).is_ok(), "{good}");
        }
        // Not a fraction: any threshold from 0 up.
        assert!(parse("delivered_total.oil>=95").is_ok());
    }

    /// A count, amount, duration or cost is never negative: a threshold
    /// below 0, or `<0`, always or never holds, and is refused; `<=0` (none
    /// at all) and `>0` (any) are the conditions meant.
    #[test]
    fn a_negative_threshold_for_a_kpi_never_negative_is_refused() {
        for bad in [
            "delivered_total.oil<-5",
            "vessels_lost>=-1",
            "vessels_lost<0",
            "cost.total_per_year>-1",
            "transit_h.oil.mean<=-0.5",
        ] {
            let e = parse(bad).unwrap_err();
            assert!(matches!(e, TargetError::OutOfRange { .. }), "{bad}: {e}");
            assert!(e.to_string().contains("is never negative"), "{e}");
        }
        for good in ["vessels_lost<=0", "vessels_lost>0", "delivered_total.oil>=0", "x<-5"] {
            assert!(parse(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn unknown_kpis_name_the_closest() {
        let kpis = vec!["delivered_total.oil".to_string(), "incidents".to_string()];
        let e = parse_all(&["delivered_totl.oil<1".into()], &kpis).unwrap_err();
        assert!(e.to_string().contains("closest: delivered_total.oil"), "{e}");
        // A pattern that matches is not "none of the KPIs": one is asked for.
        let e = parse_all(&["delivered_total.*<3".into()], &kpis).unwrap_err().to_string();
        assert!(e.contains("--target takes one KPI, not a pattern: delivered_total.*"), "{e}");
    }

    #[test]
    fn probability_is_a_count_over_the_defined_values() {
        let rec = PointRecords::single_kpi(&[1.0, 2.0, f64::NAN, 3.0, 4.0]);
        let p = probability(&parse("x>=3").unwrap(), &rec);
        assert_eq!((p.p_meet, p.n), (0.5, 4));
        assert!(p.ci95_low < 0.5 && p.ci95_high > 0.5);
        let never = probability(&parse("x>10").unwrap(), &rec);
        assert_eq!(never.p_meet, 0.0);
        assert!(never.ci95_low == 0.0 && never.ci95_high > 0.0);
        let undefined = probability(&parse("x>1").unwrap(), &PointRecords::single_kpi(&[f64::NAN]));
        assert_eq!(undefined.n, 0);
        assert!(undefined.p_meet.is_nan());
    }
}
