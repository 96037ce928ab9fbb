//! Valuing an investment against a one-off event (`compare --one-off`).
//!
//! A stress test with dated disruptions (`start_day`) simulates a year in
//! which the event strikes. Its economics take that year as every year, so
//! they value the investment as if the event struck every year. What a
//! planner needs is how often the event must strike for the investment to
//! pay. Each scenario of the comparison is run again without its dated
//! disruptions (its *twin*: the same file, the same seed and replications,
//! so the same storms, trains and incidents, common random numbers), and
//! for replication `j` of each policy:
//!
//! - `N_s_j = total_base_j - total_policy_j` in the year with the event,
//!   `N_n_j` the same in the year without it: the net benefit a year
//!   (failure cost avoided minus extra capital and operating cost, the NPV
//!   over the annuity factor);
//! - with the event striking `f` times a year, one event to a window of `W`
//!   years as simulated, and each event's effect its own (events far enough
//!   apart that their backlogs do not meet), the expected net benefit a
//!   year is `N_n + f W (N_s - N_n)`;
//! - it is zero at the break-even frequency
//!   `f* = mean(-N_n) / (W mean(N_s - N_n))`, a ratio of paired means
//!   with the delta-method interval of
//!   [`crate::economics::ratio_estimate`]; the return
//!   period `1 / f*` is the event's expected interval in years at which
//!   the investment breaks even: it pays if the event comes at least that
//!   often.

use serde::{Deserialize, Serialize};

use caspian_shipping::scenario::Disruption;
use caspian_shipping::timeline::DAYS_PER_YEAR;

use crate::economics::{Estimate, TOTAL, ratio_estimate};
use crate::error::RunError;
use crate::execute::Executor;
use crate::records::PointRecords;
use crate::stats::PairedDifference;
use crate::study::Study;

/// The valuation of every policy of a comparison against the base's
/// one-off event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneOff {
    /// The ids of the dated disruptions that make up the event (all the
    /// base's dated disruptions, together one event).
    pub event: Vec<String>,
    /// The reporting window in years, `W`: the scenarios' yearly figures
    /// are averages over it, with the event in it once.
    pub window_years: f64,
    /// One entry per policy, in scenario order.
    pub policies: Vec<PolicyOneOff>,
}

/// One policy's valuation against the event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyOneOff {
    /// Index of the policy in the comparison's scenarios.
    pub scenario: usize,
    /// Net benefit a year against the base in the window with the event,
    /// `N_s` (the NPV over the annuity factor; currency per year).
    pub net_with_event: Estimate,
    /// The same in the window without it, `N_n`.
    pub net_without_event: Estimate,
    /// How often the event must strike for the policy to pay.
    pub break_even: BreakEven,
}

/// The break-even frequency of the event for one policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum BreakEven {
    /// The policy pays in a year without the event (`mean(N_n) >= 0`):
    /// the event is not needed to justify it.
    PaysWithout,
    /// The policy pays if the event strikes at least this often.
    Frequency {
        /// `f*`, events a year, with its 95% interval.
        #[serde(flatten)]
        per_year: Estimate,
        /// `1 / f*`, the years between events, with its interval.
        return_period: ReturnPeriod,
    },
    /// No frequency makes it pay: the event does not raise its net benefit
    /// (`mean(N_s - N_n) <= 0`), or fewer than two replications.
    Never {
        /// Why, in words.
        reason: String,
    },
}

/// The years between events at which a policy breaks even, `1 / f*`, and
/// its 95% interval, `1 / high` to `1 / low`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReturnPeriod {
    /// `1 / f*`.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub years: f64,
    /// `1 / high`.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub ci95_low: f64,
    /// `1 / low`; `None` when `low <= 0`: no upper bound.
    pub ci95_high: Option<f64>,
}

/// The dated disruptions of `study` (`start_day` given).
pub fn dated(study: &Study) -> Vec<&Disruption> {
    study.plan.source.disruptions.iter().filter(|d| d.start_day.is_some()).collect()
}

/// Why `--one-off` cannot value `studies`, if it cannot: the base has no
/// dated disruption, or a policy's differ from the base's (the valuation
/// takes the same event in every scenario).
pub fn check(studies: &[Study]) -> Result<(), String> {
    let Some(base) = studies.first() else { return Ok(()) };
    let event = dated(base);
    if event.is_empty() {
        return Err(format!(
            "--one-off values policies against the base's dated disruptions (a [[disruption]] \
             with start_day), and \"{}\" ({}) has none: give a stress test with a dated event as \
             the base, e.g. scenarios/stress/alat_closed_30d.toml",
            base.name, base.source
        ));
    }
    for s in &studies[1..] {
        if dated(s) != event {
            let ids: Vec<&str> = dated(s).iter().map(|d| d.id.as_str()).collect();
            let shown = if ids.is_empty() { "none".to_string() } else { ids.join(", ") };
            return Err(format!(
                "--one-off needs the same event in every scenario, but the dated disruptions of \
                 \"{}\" ({}: {shown}) are not those of the base \"{}\" ({}): make the policy \
                 extend the base, or a --variant of it",
                s.name,
                s.source,
                base.name,
                ids_of(&event)
            ));
        }
    }
    Ok(())
}

fn ids_of(event: &[&Disruption]) -> String {
    event.iter().map(|d| d.id.as_str()).collect::<Vec<_>>().join(", ")
}

/// `study` without its dated disruptions: the same scenario in a year
/// without the event. Every other source keeps its random stream, so the
/// twin shares the study's storms, trains and incidents.
///
/// # Errors
/// [`RunError::Point`] (with `point`, the study's place in the comparison)
/// should removing the disruptions make the scenario invalid; it cannot,
/// as nothing refers to a disruption.
pub fn twin(study: &Study, point: usize) -> Result<Study, RunError> {
    let mut source = study.plan.source.clone();
    source.disruptions.retain(|d| d.start_day.is_none());
    let plan = caspian_shipping::compile(&source).map_err(|errors| RunError::Point {
        point,
        message: format!(
            "{} without its dated disruptions: {}",
            study.source,
            errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
        ),
    })?;
    Ok(Study { plan, ..study.clone() })
}

/// The twins of `studies` run for `replications` replications with
/// `seed`: one set of records per study, as a comparison's.
///
/// # Errors
/// As [`twin`], or a replication that fails.
pub fn run_twins(
    studies: &[Study],
    seed: u64,
    replications: u64,
    tick: &(dyn Fn() + Sync),
) -> Result<Vec<PointRecords>, RunError> {
    let twins =
        studies.iter().enumerate().map(|(i, s)| twin(s, i)).collect::<Result<Vec<_>, _>>()?;
    let plans: Vec<_> = twins.iter().map(|s| &s.plan).collect();
    let mut exec = Executor::new(plans, seed, 0);
    let (end, _) = exec.run(replications, None, tick, &mut |_, _, _| Ok(()))?;
    Ok(exec.into_records(end))
}

/// The valuation from the records of the comparison (`with`, the event in
/// every scenario) and of the twins (`without`), one set per scenario, base
/// first.
pub fn value(studies: &[Study], with: &[PointRecords], without: &[PointRecords]) -> OneOff {
    let base = studies.first().expect("a comparison has a base");
    let meta = &base.plan.source.scenario;
    let window_years = (meta.horizon_days - meta.warmup_days) / DAYS_PER_YEAR as f64;
    let net = |records: &[PointRecords], p: usize| {
        let (b, q) = (records[0].column_named(TOTAL), records[p].column_named(TOTAL));
        let n = b.len().min(q.len());
        // `PairedDifference::of(x, y)` is `y - x`: base minus policy.
        (PairedDifference::of(&q[..n], &b[..n]), b.iter().zip(&q).map(|(b, q)| b - q).collect())
    };
    let policies = (1..studies.len())
        .map(|p| {
            let (s, s_j): (_, Vec<f64>) = net(with, p);
            let (n, n_j): (_, Vec<f64>) = net(without, p);
            PolicyOneOff {
                scenario: p,
                net_with_event: Estimate::scaled(&s, 1.0),
                net_without_event: Estimate::scaled(&n, 1.0),
                break_even: break_even(&s_j, &n_j, window_years),
            }
        })
        .collect();
    OneOff { event: dated(base).iter().map(|d| d.id.clone()).collect(), window_years, policies }
}

/// The break-even frequency from the paired net benefits with (`s`) and
/// without (`n`) the event, over a window of `w` years.
fn break_even(s: &[f64], n: &[f64], w: f64) -> BreakEven {
    let pairs: Vec<(f64, f64)> = s
        .iter()
        .zip(n)
        .filter(|(s, n)| s.is_finite() && n.is_finite())
        .map(|(s, n)| (*s, *n))
        .collect();
    if pairs.len() < 2 {
        return BreakEven::Never {
            reason: format!(
                "{} replication(s) with a total cost in both years; a frequency needs at least 2",
                pairs.len()
            ),
        };
    }
    let mean =
        |f: &dyn Fn(&(f64, f64)) -> f64| pairs.iter().map(f).sum::<f64>() / pairs.len() as f64;
    if mean(&|(_, n)| *n) >= 0.0 {
        return BreakEven::PaysWithout;
    }
    let shortfall: Vec<f64> = pairs.iter().map(|(_, n)| -n).collect();
    let gain: Vec<f64> = pairs.iter().map(|(s, n)| (s - n) * w).collect();
    let Some(f) = ratio_estimate(&shortfall, &gain) else {
        return BreakEven::Never {
            reason: "the event does not raise its net benefit (with the event it gains no more \
                     against the base than without): it does not pay however often the event \
                     strikes"
                .to_string(),
        };
    };
    let inverse = |x: f64| (x > 0.0).then(|| 1.0 / x);
    let period = ReturnPeriod {
        years: 1.0 / f.mean,
        ci95_low: 1.0 / f.ci95_high,
        ci95_high: inverse(f.ci95_low),
    };
    BreakEven::Frequency { per_year: f, return_period: period }
}

/// The header of the one-off table; [`OneOff::rows`] gives its rows.
pub const HEADER: [&str; 6] = [
    "policy",
    "net/yr with the event",
    "net/yr without it",
    "break-even events/yr",
    "95% CI (delta method)",
    "pays if it strikes once in",
];

impl OneOff {
    /// The line above the table, amounts in `currency`.
    pub fn title(&self, currency: &str) -> String {
        format!(
            "one-off event ({}): every scenario run again without it, with the same random \
             numbers; net = benefit minus cost a year ({currency}/yr); the event strikes once in \
             the {}-year window:",
            self.event.join(", "),
            crate::study::short_number(self.window_years)
        )
    }

    /// The rows under [`HEADER`], one per policy; `names` are the
    /// comparison's scenario names, amounts written by `num`.
    pub fn rows(&self, names: &[&str], num: impl Fn(f64) -> String) -> Vec<Vec<String>> {
        self.policies
            .iter()
            .map(|p| {
                let (f, ci, period) = match &p.break_even {
                    BreakEven::PaysWithout => {
                        ("-".into(), "-".into(), "pays without the event".into())
                    }
                    BreakEven::Never { .. } => ("-".into(), "-".into(), "never".into()),
                    BreakEven::Frequency { per_year, return_period: r } => (
                        num(per_year.mean),
                        format!("{} to {}", num(per_year.ci95_low), num(per_year.ci95_high)),
                        years(r, &num),
                    ),
                };
                vec![
                    names[p.scenario].to_string(),
                    num(p.net_with_event.mean),
                    num(p.net_without_event.mean),
                    f,
                    ci,
                    period,
                ]
            })
            .collect()
    }

    /// Notes under the table, led by the policy's name: why a policy never
    /// pays, and a break-even frequency above one event a window, which
    /// the model extrapolates (the window was simulated with one).
    pub fn notes(&self, names: &[&str], num: impl Fn(f64) -> String) -> Vec<String> {
        let mut notes = Vec::new();
        for p in &self.policies {
            let name = names[p.scenario];
            match &p.break_even {
                BreakEven::Never { reason } => notes.push(format!("{name}: never pays: {reason}")),
                BreakEven::Frequency { per_year, .. }
                    if per_year.mean * self.window_years > 1.0 =>
                {
                    notes.push(format!(
                        "{name}: it pays only if the event strikes {} times a year or more, more \
                         often than the simulated window holds it (once): that frequency is \
                         extrapolated, as if each event's effect were its own",
                        num(per_year.mean)
                    ));
                }
                _ => {}
            }
        }
        notes
    }
}

/// A return period with its interval, in words.
fn years(r: &ReturnPeriod, num: &impl Fn(f64) -> String) -> String {
    let high = r.ci95_high.map_or_else(|| "no bound".into(), num);
    format!("{} years ({} to {high})", num(r.years), num(r.ci95_low))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_break_even_frequency_matches_a_hand_computation() {
        // Net benefit without the event -3, -5, -4 (mean -4); with it 8, 6,
        // 10 (mean 8): f* = 4 / (1 * 12) = 1/3 a year, once in 3 years.
        let (s, n) = ([8.0, 6.0, 10.0], [-3.0, -5.0, -4.0]);
        let BreakEven::Frequency { per_year, return_period: r } = break_even(&s, &n, 1.0) else {
            panic!()
        };
        assert!((per_year.mean - 1.0 / 3.0).abs() < 1e-12, "{per_year:?}");
        assert!((r.years - 3.0).abs() < 1e-12);
        // Delta method by hand: X = 3, 5, 4 (s_X^2 = 1); Y = 11, 11, 14
        // (s_Y^2 = 3); s_XY = (-1)(-1) + (1)(-1) + 0 = 0; var = (1 + R^2 3) /
        // (3 * 144), R = 1/3.
        let third = 1.0 / 3.0;
        let hw = 4.302_652_729_749_464 * ((1.0 + third * third * 3.0) / (3.0 * 144.0_f64)).sqrt();
        assert!((per_year.ci95_high - third - hw).abs() < 1e-12, "{per_year:?} {hw}");
        assert!((r.ci95_low - 1.0 / (third + hw)).abs() < 1e-9);
        // A two-year window holds one event in two years: half the frequency.
        let BreakEven::Frequency { per_year, .. } = break_even(&s, &n, 2.0) else { panic!() };
        assert!((per_year.mean - 1.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn a_policy_that_pays_without_the_event_or_never_is_said_so() {
        assert_eq!(break_even(&[5.0, 6.0], &[1.0, 0.0], 1.0), BreakEven::PaysWithout);
        // The event lowers its net benefit: no frequency helps.
        let BreakEven::Never { reason } = break_even(&[-9.0, -8.0], &[-2.0, -3.0], 1.0) else {
            panic!()
        };
        assert!(reason.contains("does not raise"), "{reason}");
        let BreakEven::Never { reason } = break_even(&[1.0], &[-1.0], 1.0) else { panic!() };
        assert!(reason.contains("at least 2"), "{reason}");
        // An interval reaching zero frequency has an unbounded return period.
        let BreakEven::Frequency { per_year, return_period } =
            break_even(&[10.0, -50.0, 60.0], &[-1.0, -1.0, -1.0], 1.0)
        else {
            panic!()
        };
        assert!(per_year.ci95_low <= 0.0 && return_period.ci95_high.is_none());
        // The document says so with a null, and reads back.
        let f = BreakEven::Frequency { per_year, return_period };
        let text = serde_json::to_string(&f).unwrap();
        assert!(text.contains("\"ci95_high\":null"), "{text}");
        assert_eq!(serde_json::from_str::<BreakEven>(&text).unwrap(), f);
    }
}
