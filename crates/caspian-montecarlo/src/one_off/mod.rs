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
//!   `f* = mean(N_n) / (W mean(-D))`, a ratio of paired means with
//!   Fieller's interval (its lower end clipped at 0; given only where `D`
//!   is significant, as it is bounded only then); the policy pays at frequencies above `f*`
//!   when the event raises its net benefit and it loses without the event,
//!   below `f*` when the event lowers it and it pays without. `1 / f*` is
//!   the return period in years.

use serde::{Deserialize, Serialize};

use caspian_shipping::scenario::Disruption;
use caspian_shipping::timeline::DAYS_PER_YEAR;

use crate::economics::{Estimate, TOTAL, fieller};
use crate::records::PointRecords;
use crate::stats::PairedDifference;
use crate::study::{Study, short_number};
use crate::twin::{self, ROUNDING, Without, differing_keys};

mod table;

pub use table::HEADER;

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
    twin::dropped(study, Without::Dated).into_iter().map(|(_, d)| d).collect()
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
    // An event that changes nothing in any scenario (a berth scale that
    // keeps every berth of the base may take one from a policy's more).
    let inert = |d: &&Disruption| {
        studies.iter().all(|s| {
            let theirs = s.plan.source.disruptions.iter().find(|x| x.id == d.id);
            theirs.is_none_or(|x| crate::study::changes_nothing(x, &s.plan.source))
        })
    };
    if event.iter().all(inert) {
        let ids: Vec<&str> = event.iter().map(|d| d.id.as_str()).collect();
        return Err(format!(
            "--one-off: the event of \"{}\" ({}), disruption {}, changes nothing (it lasts no \
             time, or leaves its target's capacity as it is), so there is no event to value: \
             give it a duration and a scale that take capacity away, at a target that has \
             some",
            base.name,
            base.source,
            ids.join(", ")
        ));
    }
    for d in &event {
        let day = d.start_day.unwrap_or_default();
        if day < meta.warmup_days || day >= meta.horizon_days {
            let (place, from, why) = if day < meta.warmup_days {
                (
                    "inside the warm-up, which ends",
                    meta.warmup_days,
                    "the reporting window would hold at most the part of it after then, and \
                     nothing before, so the event would be valued short",
                )
            } else {
                (
                    "at or after the horizon, day",
                    meta.horizon_days,
                    "it does nothing, so there is no event to value",
                )
            };
            return Err(format!(
                "--one-off: the event's disruption {id} of \"{}\" ({}) starts on day {}, {place} \
                 {}: {why}; start it in the window (--set disruption.{id}.start_day=DAY, on day \
                 {} or later, early enough for its recovery)",
                base.name,
                base.source,
                short_number(day),
                short_number(from),
                short_number(meta.warmup_days),
                id = d.id,
            ));
        }
    }
    for s in &studies[1..] {
        twin::same_as_base(base, s, Without::Dated, "--one-off")?;
    }
    Ok(())
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
        if let Some(changed) = crate::conditions::named(base, s) {
            warnings.push(format!(
                "\"{}\" changes the conditions, not only decisions: {changed}. Its break-even \
                 and verdict in this table are those of the change of conditions, not of a policy",
                s.name,
            ));
        }
        for (b, p) in event.iter().zip(dated(s)) {
            let keys = differing_keys(b, p);
            // One made harsher is named with the conditions above.
            if !keys.is_empty() && !crate::conditions::is_condition(b, p) {
                warnings.push(format!(
                    "\"{}\" gives the event's disruption {} another {} than the base's: the \
                     valuation takes it as the same event with another consequence, and the model \
                     puts no price on that change (whatever buys it, a standby charter's fee, say, \
                     is not in the policy's cost), so its verdict counts the change as free",
                    s.name,
                    b.id,
                    keys.join(", ")
                ));
            }
        }
    }
    warnings.extend(crate::tonnage::warnings(
        studies,
        without,
        crate::tonnage::Without { what: "the event", plural: false },
        "what the event costs it",
        "the event's effect on its net benefit against the base, and so its break-even, says \
         as much about the cargo it carries as about how it rides the event out: read its \
         deliveries and service levels beside the verdict",
    ));
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
            if rows.len() >= 2 && rounding_only(&rows, |r| r.with - r.without) {
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
/// in some replication (`unrecovered_paired.<id>` where the scenario pairs
/// its recoveries, else `unrecovered.<id>`), a warning that the valuation
/// leaves out what it costs after the horizon.
fn unrecovered_warnings(
    studies: &[Study],
    with: &[PointRecords],
    event: &[&Disruption],
) -> Vec<String> {
    let mut warnings = Vec::new();
    for d in event {
        for (s, r) in studies.iter().zip(with) {
            // Against the same year without the event where the scenario
            // pairs (what the valuation's cost after the horizon is), else,
            // and in a replication whose twin a safeguard stopped (paired
            // recovery undefined, nothing counted), against the week before.
            let plain = format!("unrecovered.{}", d.id);
            let paired = format!("unrecovered_paired.{}", d.id);
            let plain_u = r.column_named(&plain);
            let paired_u = r.column_named(&paired);
            let paired_days = r.column_named(&format!("recovery_paired_days.{}", d.id));
            let is_plain = paired_u.is_empty();
            let (k, count) = if is_plain {
                (plain, plain_u.iter().filter(|u| **u > 0.0).count())
            } else {
                let unrecovered = |i: usize| {
                    paired_u[i] > 0.0
                        || (paired_u[i] == 0.0 && paired_days[i].is_nan() && plain_u[i] > 0.0)
                };
                (paired, (0..paired_u.len()).filter(|&i| unrecovered(i)).count())
            };
            let n = plain_u.len();
            if count > 0 {
                let advice = if d.duration_days.is_none() {
                    "; it never ends (no duration_days: what it takes never comes back), so no \
                     window holds its recovery, and the valuation counts only the window"
                        .to_string()
                } else {
                    let meta = &s.plan.source.scenario;
                    let horizon = format!(
                        "lengthen the horizon (--set scenario.horizon_days=DAYS, now {})",
                        crate::study::short_number(meta.horizon_days)
                    );
                    // Within a week of the window's start, it cannot start
                    // much earlier.
                    match d.start_day {
                        Some(day)
                            if day
                                > meta.warmup_days + caspian_shipping::LEVEL_BEFORE_DAYS as f64 =>
                        {
                            format!(
                                "; start it earlier (--set disruption.{}.start_day=DAY, the \
                                 window starts at day {}) or {horizon} so that the window holds \
                                 its recovery",
                                d.id,
                                crate::study::short_number(meta.warmup_days)
                            )
                        }
                        _ => format!(
                            "; its recovery outlasts what is left of the window after it \
                             starts (it starts within a week of the window's start, day {}, so \
                             starting it earlier would not help): {horizon} so that the window \
                             holds its recovery",
                            crate::study::short_number(meta.warmup_days)
                        ),
                    }
                };
                let advice = if is_plain && d.duration_days.is_some() {
                    advice + crate::twin::PLAIN_BAND_CAVEAT
                } else {
                    advice
                };
                warnings.push(format!(
                    "the event's disruption {id} is not recovered by the horizon in {count} of {} \
                     replications of \"{}\" ({k}): what it costs after the horizon is left out, so \
                     the valuation counts the event short{advice}",
                    n,
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
    use crate::economics::{OneOff, dated_advice, one_off_warnings};
    let years = economics.appraisal_years;
    // The warnings as the economics said them, and as they read once the
    // event is valued: the same groups, the advice to value it changed.
    let advice = dated_advice(studies);
    let valued_advice: Vec<OneOff> =
        (advice.iter()).map(|&a| if a == OneOff::Unvalued { OneOff::Valued } else { a }).collect();
    let before = one_off_warnings(studies, years, &advice);
    let after = one_off_warnings(studies, years, &valued_advice);
    for (before, after) in before.iter().zip(&after) {
        for w in economics.warnings.iter_mut().filter(|w| *w == before) {
            w.clone_from(after);
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

/// `mean(num) / mean(den)` with its 95% interval by Fieller's method
/// ([`fieller`]), the lower end clipped at 0 (a frequency is not
/// negative), and the return period; `None` when the interval is
/// unbounded (`mean(den)` not significantly above zero) or with fewer
/// than two pairs.
fn frequency(num: &[f64], den: &[f64]) -> Option<(Estimate, ReturnPeriod)> {
    if den.iter().sum::<f64>() <= 0.0 {
        return None;
    }
    let mut f = fieller(num, den)?;
    f.ci95_low = f.ci95_low.max(0.0);
    let period = ReturnPeriod {
        years: 1.0 / f.mean,
        ci95_low: 1.0 / f.ci95_high,
        ci95_high: (f.ci95_low > 0.0).then(|| 1.0 / f.ci95_low),
    };
    Some((f, period))
}

#[cfg(test)]
mod tests;
