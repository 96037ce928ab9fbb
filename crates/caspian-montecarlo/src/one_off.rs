//! Valuing an investment against a one-off event (`compare --one-off`).
//!
//! A stress test with dated disruptions (`start_day`) simulates a year in
//! which the event strikes. Its economics take that year as every year, so
//! they value the investment as if the event struck every year. What a
//! planner needs is how often the event must strike for the investment to
//! pay. Each scenario of the comparison is run again without its dated
//! disruptions (its *twin*: the same file, the same seed and replications,
//! and every other source on its own random stream, so the same storms,
//! trains, incidents and random outages: common random numbers), and for
//! replication `j` of each policy:
//!
//! - `N_s_j = total_base_j - total_policy_j` in the year with the event,
//!   `N_n_j` the same in the year without it: the net benefit a year
//!   (failure cost avoided minus extra capital and operating cost, the NPV
//!   over the annuity factor), and `D_j = N_s_j - N_n_j`, what the event
//!   changes in it;
//! - with the event striking `f` times a year, one event to a window of `W`
//!   years as simulated, and each event's effect its own (events far enough
//!   apart that their backlogs do not meet), the expected net benefit a
//!   year is `N_n + f W D`, a line in `f`;
//! - it crosses zero at the break-even frequency
//!   `f* = mean(N_n) / (W mean(-D))`, a ratio of paired means with the
//!   delta-method interval of [`crate::economics::ratio_estimate`] (its
//!   lower end clipped at 0); the policy pays at frequencies above `f*`
//!   when the event raises its net benefit and it loses without the event,
//!   below `f*` when the event lowers it and it pays without. `1 / f*` is
//!   the return period in years.

use serde::{Deserialize, Serialize};

use caspian_shipping::scenario::Disruption;
use caspian_shipping::timeline::DAYS_PER_YEAR;

use crate::economics::{Estimate, TOTAL, ratio_estimate};
use crate::error::RunError;
use crate::execute::Executor;
use crate::records::PointRecords;
use crate::stats::PairedDifference;
use crate::study::{Study, short_number};

/// Differences below this share of the base's total cost are rounding, not
/// an effect: a policy the event does not touch gets `D_j` of about 1e-9
/// USD on totals of 1e8.
const ROUNDING: f64 = 1e-9;

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
    /// Warnings: an event not recovered by the horizon (valued short), a
    /// policy whose copy of the event differs from the base's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
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
    /// What the event changes in the net benefit a year, `D = N_s - N_n`,
    /// with its paired interval.
    pub event_effect: Estimate,
    /// At which frequencies of the event the policy pays.
    pub break_even: BreakEven,
}

/// At which frequencies of the event a policy pays, judged on the means
/// (the notes say when a sign is not significant).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum BreakEven {
    /// Fewer than two replications: no interval, no verdict.
    Undefined {
        /// Why, in words.
        reason: String,
    },
    /// Neither the net benefit without the event nor the event's effect on
    /// it differs from zero beyond rounding: the policy changes nothing
    /// that is priced.
    NoEffect,
    /// It pays without the event, and the event does not lower its net
    /// benefit: it pays however often the event strikes.
    Always,
    /// It loses without the event, and the event does not raise its net
    /// benefit: it pays at no frequency.
    Never,
    /// It loses without the event and gains from it: it pays if the event
    /// strikes at least `per_year` times a year.
    AtLeast {
        /// `f*`, events a year, with its 95% interval.
        #[serde(flatten)]
        per_year: Estimate,
        /// `1 / f*`: it pays if the event comes at least once in so many
        /// years.
        return_period: ReturnPeriod,
    },
    /// It pays without the event but the event lowers its net benefit: it
    /// pays unless the event strikes `per_year` times a year or more.
    AtMost {
        /// `f*`, events a year, with its 95% interval.
        #[serde(flatten)]
        per_year: Estimate,
        /// `1 / f*`: it stops paying if the event comes once in so many
        /// years or more often.
        return_period: ReturnPeriod,
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
    /// `1 / low`; `None` when `low` is 0: no upper bound.
    pub ci95_high: Option<f64>,
}

/// The dated disruptions of `study` (`start_day` given).
pub fn dated(study: &Study) -> Vec<&Disruption> {
    study.plan.source.disruptions.iter().filter(|d| d.start_day.is_some()).collect()
}

fn ids_of(event: &[&Disruption]) -> String {
    let ids: Vec<&str> = event.iter().map(|d| d.id.as_str()).collect();
    if ids.is_empty() { "none".to_string() } else { ids.join(", ") }
}

/// Why `--one-off` cannot value `studies`, if it cannot: the base has no
/// dated disruption, one starts outside the reporting window, or a policy
/// has other dated disruptions than the base (the valuation takes the
/// same event in every scenario).
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
    let meta = &base.plan.source.scenario;
    for d in &event {
        let day = d.start_day.unwrap_or_default();
        if day < meta.warmup_days || day >= meta.horizon_days {
            let (place, from) = if day < meta.warmup_days {
                ("inside the warm-up, which ends", meta.warmup_days)
            } else {
                ("at or after the horizon, day", meta.horizon_days)
            };
            return Err(format!(
                "--one-off: the event's disruption {id} of \"{}\" ({}) starts on day {}, {place} \
                 {}: the reporting window does not hold it, so there is no event to value; start \
                 it in the window (--set disruption.{id}.start_day=DAY, early enough for its \
                 recovery)",
                base.name,
                base.source,
                short_number(day),
                short_number(from),
                id = d.id,
            ));
        }
    }
    for s in &studies[1..] {
        let ids = |x: &[&Disruption]| x.iter().map(|d| d.id.clone()).collect::<Vec<_>>();
        if ids(&dated(s)) != ids(&event) {
            return Err(format!(
                "--one-off needs the same event in every scenario, but the dated disruptions of \
                 \"{}\" ({}: {}) are not those of the base \"{}\" ({}): give the policy the base's \
                 dated disruptions (extend the base, or make the policy a --variant of it)",
                s.name,
                s.source,
                ids_of(&dated(s)),
                base.name,
                ids_of(&event)
            ));
        }
    }
    Ok(())
}

/// The keys in which `policy`'s copy of a dated disruption differs from
/// the base's (`notes` aside, which the model ignores).
fn differing_keys(base: &Disruption, policy: &Disruption) -> Vec<&'static str> {
    let mut keys = Vec::new();
    if base.target != policy.target {
        keys.push("target");
    }
    if base.start_day != policy.start_day {
        keys.push("start_day");
    }
    if base.duration_days != policy.duration_days {
        keys.push("duration_days");
    }
    if base.scale != policy.scale {
        keys.push("scale");
    }
    if base.vessels != policy.vessels || base.vessel_share != policy.vessel_share {
        keys.push("vessels");
    }
    keys
}

/// `study` without its dated disruptions: the same scenario in a year
/// without the event. Every other disruption keeps the random stream of
/// its place in the study's list, so the twin shares the study's storms,
/// trains, incidents and random outages.
///
/// # Errors
/// [`RunError::Point`] (with `point`, the study's place in the comparison)
/// should removing the disruptions make the scenario invalid; it cannot,
/// as nothing refers to a disruption.
pub fn twin(study: &Study, point: usize) -> Result<Study, RunError> {
    let mut source = study.plan.source.clone();
    source.disruptions = std::mem::take(&mut source.disruptions)
        .into_iter()
        .enumerate()
        .filter(|(_, d)| d.start_day.is_none())
        .map(|(i, mut d)| {
            // At most 256 entries: the compiler checked the study.
            d.stream = Some(d.stream.unwrap_or(i as u8));
            d
        })
        .collect();
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
    let event = dated(base);
    let mut warnings = unrecovered_warnings(studies, with, &event);
    for s in &studies[1..] {
        for (b, p) in event.iter().zip(dated(s)) {
            let keys = differing_keys(b, p);
            if !keys.is_empty() {
                warnings.push(format!(
                    "\"{}\" has the event's disruption {} with another {} than the base's: the \
                     valuation takes it as the same event, which suits a policy that changes the \
                     event's consequence (a shorter replacement time), not one that moves or \
                     changes the event itself",
                    s.name,
                    b.id,
                    keys.join(", ")
                ));
            }
        }
    }
    let totals = |records: &[PointRecords], p: usize| {
        (records[0].column_named(TOTAL), records[p].column_named(TOTAL))
    };
    let policies = (1..studies.len())
        .map(|p| {
            let ((bs, ps), (bn, pn)) = (totals(with, p), totals(without, p));
            let n = bs.len().min(ps.len()).min(bn.len()).min(pn.len());
            let rows: Vec<Row> =
                (0..n).map(|j| Row::new(bs[j], ps[j], bn[j], pn[j])).filter(Row::finite).collect();
            // `PairedDifference::of(x, y)` is `y - x`: base minus policy.
            let paired = |x: &[f64], y: &[f64]| Estimate::scaled(&PairedDifference::of(x, y), 1.0);
            let effect: Vec<f64> = rows.iter().map(|r| r.with - r.without).collect();
            let mut event_effect = paired(&vec![0.0; effect.len()], &effect);
            if rounding_only(&rows, |r| r.with - r.without) {
                // Not an effect: written as the exact zero it is.
                event_effect =
                    Estimate { mean: 0.0, ci95_low: 0.0, ci95_high: 0.0, ..event_effect };
            }
            PolicyOneOff {
                scenario: p,
                net_with_event: paired(&ps[..n], &bs[..n]),
                net_without_event: paired(&pn[..n], &bn[..n]),
                event_effect,
                break_even: break_even(&rows, window_years),
            }
        })
        .collect();
    OneOff { event: event.iter().map(|d| d.id.clone()).collect(), window_years, warnings, policies }
}

/// For each scenario in which the event is not recovered by the horizon
/// in some replication (`unrecovered.<id>`), a warning that the valuation
/// leaves out what it costs after the horizon.
fn unrecovered_warnings(
    studies: &[Study],
    with: &[PointRecords],
    event: &[&Disruption],
) -> Vec<String> {
    let mut warnings = Vec::new();
    for d in event {
        let k = format!("unrecovered.{}", d.id);
        for (s, r) in studies.iter().zip(with) {
            let column = r.column_named(&k);
            let count = column.iter().filter(|u| **u > 0.0).count();
            if count > 0 {
                warnings.push(format!(
                    "the event's disruption {id} is not recovered by the horizon in {count} of {} \
                     replications of \"{}\" ({k}): what it costs after the horizon is left out, so \
                     the valuation counts the event short; start it earlier (--set \
                     disruption.{id}.start_day=DAY) so that the window holds its recovery",
                    column.len(),
                    s.name,
                    id = d.id,
                ));
            }
        }
    }
    warnings
}

/// Writes `valued` into `economics`, whose dated-disruption warnings then
/// point to it rather than to the option.
pub fn attach(economics: &mut crate::economics::Economics, studies: &[Study], valued: OneOff) {
    use crate::economics::one_off_warning;
    let years = economics.appraisal_years;
    for s in studies {
        let (Some(before), Some(after)) =
            (one_off_warning(s, years, false), one_off_warning(s, years, true))
        else {
            continue;
        };
        for w in economics.warnings.iter_mut().filter(|w| **w == before) {
            w.clone_from(&after);
        }
    }
    economics.one_off = Some(valued);
}

/// One replication's net benefits a year, with and without the event, and
/// the scale of its costs (to tell rounding from an effect).
#[derive(Debug, Clone, Copy)]
struct Row {
    with: f64,
    without: f64,
    scale: f64,
}

impl Row {
    fn new(base_with: f64, policy_with: f64, base_without: f64, policy_without: f64) -> Self {
        Self {
            with: base_with - policy_with,
            without: base_without - policy_without,
            scale: base_with.abs().max(base_without.abs()),
        }
    }

    fn finite(&self) -> bool {
        self.with.is_finite() && self.without.is_finite()
    }
}

/// Whether `f` of every row is rounding (below [`ROUNDING`] of the row's
/// cost scale), not an effect.
fn rounding_only(rows: &[Row], f: impl Fn(&Row) -> f64) -> bool {
    rows.iter().all(|r| f(r).abs() <= ROUNDING * r.scale)
}

/// The verdict from the replications' net benefits, over a window of `w`
/// years.
fn break_even(rows: &[Row], w: f64) -> BreakEven {
    if rows.len() < 2 {
        return BreakEven::Undefined {
            reason: format!(
                "{} replication(s) with a total cost in both years; a verdict needs at least 2",
                rows.len()
            ),
        };
    }
    let zero = |f: &dyn Fn(&Row) -> f64| rounding_only(rows, f);
    let mean = |f: &dyn Fn(&Row) -> f64| rows.iter().map(f).sum::<f64>() / rows.len() as f64;
    let no_net = zero(&|r| r.without);
    let no_effect = zero(&|r| r.with - r.without);
    let (net, effect) = (mean(&|r| r.without), mean(&|r| r.with - r.without));
    let (pays, gains) = (net > 0.0 && !no_net, effect > 0.0 && !no_effect);
    let loses = !pays && !no_net;
    let hurt = !gains && !no_effect;
    if no_net && no_effect {
        BreakEven::NoEffect
    } else if (pays || no_net) && !hurt {
        // Pays (or breaks even) without it, and the event does not lower it.
        BreakEven::Always
    } else if (loses || no_net) && !gains {
        // Loses (or breaks even) without it, and the event does not raise it.
        BreakEven::Never
    } else if loses {
        // Loses without it, gains from it: pays at f >= -N_n / (W D).
        let shortfall: Vec<f64> = rows.iter().map(|r| -r.without).collect();
        let gain: Vec<f64> = rows.iter().map(|r| (r.with - r.without) * w).collect();
        frequency(&shortfall, &gain).map_or(BreakEven::Never, |(per_year, return_period)| {
            BreakEven::AtLeast { per_year, return_period }
        })
    } else {
        // Pays without it, loses from it: pays at f <= N_n / (W (-D)).
        let margin: Vec<f64> = rows.iter().map(|r| r.without).collect();
        let loss: Vec<f64> = rows.iter().map(|r| (r.without - r.with) * w).collect();
        frequency(&margin, &loss).map_or(BreakEven::Always, |(per_year, return_period)| {
            BreakEven::AtMost { per_year, return_period }
        })
    }
}

/// `mean(num) / mean(den)` with its interval, the lower end clipped at 0
/// (a frequency is not negative), and the return period.
fn frequency(num: &[f64], den: &[f64]) -> Option<(Estimate, ReturnPeriod)> {
    let mut f = ratio_estimate(num, den)?;
    f.ci95_low = f.ci95_low.max(0.0);
    let period = ReturnPeriod {
        years: 1.0 / f.mean,
        ci95_low: 1.0 / f.ci95_high,
        ci95_high: (f.ci95_low > 0.0).then(|| 1.0 / f.ci95_low),
    };
    Some((f, period))
}

/// The header of the one-off table; [`OneOff::rows`] gives its rows.
pub const HEADER: [&str; 6] = [
    "policy",
    "net/yr with the event",
    "net/yr without it",
    "break-even events/yr",
    "95% CI (delta method)",
    "verdict",
];

impl OneOff {
    /// The line above the table, amounts in `currency`.
    pub fn title(&self, currency: &str) -> String {
        format!(
            "one-off event ({}): every scenario run again without it, with the same random \
             numbers; net = benefit minus cost a year ({currency}/yr); the event strikes once in \
             the {}-year window (W):",
            self.event.join(", "),
            short_number(self.window_years)
        )
    }

    /// The rows under [`HEADER`], one per policy; `names` are the
    /// comparison's scenario names, amounts written by `num`.
    pub fn rows(&self, names: &[&str], num: impl Fn(f64) -> String) -> Vec<Vec<String>> {
        self.policies
            .iter()
            .map(|p| {
                let dash = || "-".to_string();
                let (f, ci) = match &p.break_even {
                    BreakEven::AtLeast { per_year, .. } | BreakEven::AtMost { per_year, .. } => (
                        num(per_year.mean),
                        format!("{} to {}", num(per_year.ci95_low), num(per_year.ci95_high)),
                    ),
                    _ => (dash(), dash()),
                };
                vec![
                    names[p.scenario].to_string(),
                    num(p.net_with_event.mean),
                    num(p.net_without_event.mean),
                    f,
                    ci,
                    self.verdict(p, &num),
                ]
            })
            .collect()
    }

    /// The verdict of one policy, in words: a break-even frequency only
    /// where the event's effect on its net benefit is significant.
    fn verdict(&self, p: &PolicyOneOff, num: &impl Fn(f64) -> String) -> String {
        let shown = p.event_effect.is_significant();
        let years = |r: &ReturnPeriod| {
            let high = r.ci95_high.map_or_else(|| "no bound".into(), num);
            format!("{} years ({} to {high})", num(r.years), num(r.ci95_low))
        };
        let beyond = |f: &Estimate| f.mean * self.window_years > 1.0;
        match &p.break_even {
            BreakEven::Undefined { .. } => "undefined".into(),
            BreakEven::AtLeast { .. } if !shown => {
                "not shown to pay: the event's effect is not significant".into()
            }
            BreakEven::AtMost { .. } if !shown => {
                "pays without it; the event's effect is not significant".into()
            }
            BreakEven::NoEffect => "no effect".into(),
            BreakEven::Always => "pays at any frequency".into(),
            BreakEven::Never => "never pays".into(),
            BreakEven::AtLeast { per_year, .. } if beyond(per_year) => {
                "pays only if it strikes more than once a window".into()
            }
            BreakEven::AtLeast { return_period, .. } => {
                format!("pays if it strikes at least once in {}", years(return_period))
            }
            BreakEven::AtMost { per_year, .. } if beyond(per_year) => {
                "pays unless it strikes more than once a window".into()
            }
            BreakEven::AtMost { return_period, .. } => {
                format!("pays unless it strikes once in {} or more often", years(return_period))
            }
        }
    }

    /// Notes under the table, led by the policy's name: why there is no
    /// verdict, a break-even frequency above one event a window (which the
    /// model extrapolates), and a verdict that rests on a sign the
    /// replications do not make significant.
    pub fn notes(&self, names: &[&str], num: impl Fn(f64) -> String) -> Vec<String> {
        let mut notes = Vec::new();
        let ci = |e: &Estimate| {
            format!("{}, 95% CI {} to {}", num(e.mean), num(e.ci95_low), num(e.ci95_high))
        };
        for p in &self.policies {
            let name = names[p.scenario];
            match &p.break_even {
                BreakEven::Undefined { reason } => {
                    notes.push(format!("{name}: no verdict: {reason}"));
                    continue;
                }
                BreakEven::NoEffect => continue,
                BreakEven::AtLeast { per_year, .. } | BreakEven::AtMost { per_year, .. }
                    if per_year.mean * self.window_years > 1.0
                        && p.event_effect.is_significant() =>
                {
                    notes.push(format!(
                        "{name}: it breaks even at {} events a year, more often than the simulated \
                         window holds the event (once): that frequency is extrapolated, as if each \
                         event's effect were its own",
                        num(per_year.mean)
                    ));
                }
                _ => {}
            }
            let e = &p.event_effect;
            let nothing = e.mean == 0.0 && e.ci95_low == 0.0 && e.ci95_high == 0.0;
            if !e.is_significant() && !nothing {
                notes.push(format!(
                    "{name}: what the event changes in its net benefit a year ({}) is not \
                     significant at these replications: the verdict rests on the mean",
                    ci(&p.event_effect)
                ));
            }
            if !p.net_without_event.is_significant() {
                notes.push(format!(
                    "{name}: its net benefit a year without the event ({}) is not significantly \
                     different from 0: the verdict rests on the mean",
                    ci(&p.net_without_event)
                ));
            }
        }
        notes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(with: &[f64], without: &[f64]) -> Vec<Row> {
        with.iter().zip(without).map(|(s, n)| Row { with: *s, without: *n, scale: 1e8 }).collect()
    }

    #[test]
    fn the_break_even_frequency_matches_a_hand_computation() {
        // Net benefit without the event -3, -5, -4 (mean -4); with it 8, 6,
        // 10 (mean 8): f* = 4 / (1 * 12) = 1/3 a year, once in 3 years.
        let r = rows(&[8.0, 6.0, 10.0], &[-3.0, -5.0, -4.0]);
        let BreakEven::AtLeast { per_year, return_period } = break_even(&r, 1.0) else { panic!() };
        assert!((per_year.mean - 1.0 / 3.0).abs() < 1e-12, "{per_year:?}");
        assert!((return_period.years - 3.0).abs() < 1e-12);
        // Delta method by hand: X = 3, 5, 4 (s_X^2 = 1); Y = 11, 11, 14
        // (s_Y^2 = 3); s_XY = (-1)(-1) + (1)(-1) + 0 = 0; var = (1 + R^2 3) /
        // (3 * 144), R = 1/3.
        let third = 1.0 / 3.0;
        let hw = 4.302_652_729_749_464 * ((1.0 + third * third * 3.0) / (3.0 * 144.0_f64)).sqrt();
        assert!((per_year.ci95_high - third - hw).abs() < 1e-12, "{per_year:?} {hw}");
        assert!((return_period.ci95_low - 1.0 / (third + hw)).abs() < 1e-9);
        // A two-year window holds one event in two years: half the frequency.
        let BreakEven::AtLeast { per_year, .. } = break_even(&r, 2.0) else { panic!() };
        assert!((per_year.mean - 1.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn a_policy_the_event_hurts_pays_only_below_a_frequency() {
        // Pays 4 a year without the event; the event costs it 12: it pays
        // unless the event comes a third of a year's worth or more.
        let r = rows(&[-8.0, -6.0, -10.0], &[3.0, 5.0, 4.0]);
        let BreakEven::AtMost { per_year, return_period } = break_even(&r, 1.0) else { panic!() };
        assert!((per_year.mean - 1.0 / 3.0).abs() < 1e-12, "{per_year:?}");
        assert!((return_period.years - 3.0).abs() < 1e-12);
    }

    #[test]
    fn the_other_verdicts_are_said_so() {
        assert_eq!(break_even(&rows(&[5.0, 6.0], &[1.0, 2.0]), 1.0), BreakEven::Always);
        assert_eq!(break_even(&rows(&[-9.0, -8.0], &[-2.0, -3.0]), 1.0), BreakEven::Never);
        let BreakEven::Undefined { reason } = break_even(&rows(&[1.0], &[-1.0]), 1.0) else {
            panic!()
        };
        assert!(reason.contains("at least 2"), "{reason}");
        // Rounding is no effect: an event that leaves the policy's net
        // benefit as it was, but for the last bits, does not make it pay.
        let r = rows(&[-2e6 + 1e-9, -2e6 - 2e-9], &[-2e6, -2e6]);
        assert_eq!(break_even(&r, 1.0), BreakEven::Never);
        assert_eq!(break_even(&rows(&[1e-9, 0.0], &[0.0, -1e-9]), 1.0), BreakEven::NoEffect);
        // An interval reaching zero frequency is clipped there, and the
        // return period has no upper bound.
        let BreakEven::AtLeast { per_year, return_period } =
            break_even(&rows(&[10.0, -50.0, 60.0], &[-1.0, -1.0, -1.0]), 1.0)
        else {
            panic!()
        };
        assert!(per_year.ci95_low == 0.0 && return_period.ci95_high.is_none(), "{per_year:?}");
        // The document says so with a null, and reads back.
        let f = BreakEven::AtLeast { per_year, return_period };
        let text = serde_json::to_string(&f).unwrap();
        assert!(text.contains("\"ci95_high\":null"), "{text}");
        assert_eq!(serde_json::from_str::<BreakEven>(&text).unwrap(), f);
    }
}
